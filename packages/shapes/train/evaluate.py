"""Final evaluation of a checkpoint: vanilla sampling (PyTorch, KV cache, CFG) on the held-out
captions under one or more sampling settings, judged by the TypeScript evaluator; diversity from
several seeds per caption. Writes a JSON report.

Usage: evaluate.py --ckpt last.pt --heldout DIR --tok DIR --evaluator evaluate.js --out report.json
       [--settings "cfg=3,t=1,k=0,p=1;cfg=2,t=1,k=0,p=1"] [--n 200] [--div-captions 16 --div-seeds 4]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sampling  # noqa: E402
from data import load_dataset  # noqa: E402
from export import load_model  # noqa: E402
from tokenizer import read_tokenizer  # noqa: E402
from train import heldout_loss  # noqa: E402


def parse_settings(text):
    out = []
    for part in text.split(";"):
        kv = dict(x.split("=") for x in part.split(","))
        out.append({"cfgScale": float(kv.get("cfg", 3)), "temperature": float(kv.get("t", 1)),
                    "topK": int(kv.get("k", 0)), "topP": float(kv.get("p", 1))})
    return out


def run(model, lay, tok, caps, texts, s, seed, folder, evaluator):
    t0 = time.time()
    codes = sampling.generate(model, caps, lay, cfg_scale=s["cfgScale"], temperature=s["temperature"],
                              top_k=s["topK"], top_p=s["topP"], seed=seed)
    imgs = sampling.codes_to_u8(codes, tok)
    res = sampling.evaluate_with_cli(imgs, texts, folder, evaluator)
    return res, imgs, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--which", default="ema", help="weights to compare: ema, model or ema,model")
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--tok", required=True)
    ap.add_argument("--evaluator", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--settings", default="cfg=3,t=1")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--sweep-n", type=int, default=0,
                    help="compare weights x settings on the first SWEEP_N captions, then run the best on N")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--div-captions", type=int, default=16)
    ap.add_argument("--div-seeds", type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(2)
    models = {w: load_model(a.ckpt, w) for w in a.which.split(",")}
    ck = next(iter(models.values()))[1]
    lay = ck["layout"]
    tok = read_tokenizer(a.tok)
    weight_losses = {}
    if len(models) > 1:  # pick the weights by teacher-forced held-out loss (cheap), not by sampling
        ho_codes = np.fromfile(os.path.join(a.tok, "heldout_codes.u16"), dtype=np.uint16).reshape(-1, tok["grid"] ** 2)
        _, _, ho_caps, _ = load_dataset(a.heldout, with_images=False)
        for w, (m_, _) in models.items():
            weight_losses[w] = heldout_loss(m_, ho_codes, ho_caps, lay, n=len(ho_codes))
        keep = min(weight_losses, key=lambda w: weight_losses[w][0])
        print(json.dumps({"heldoutLossByWeights": weight_losses, "chosen": keep}), flush=True)
        models = {keep: models[keep]}
    _, _, caps, texts = load_dataset(a.heldout, with_images=False)
    caps, texts = caps[:a.n], texts[:a.n]
    work = os.path.dirname(os.path.abspath(a.out))
    settings = parse_settings(a.settings)
    sweep = []
    combos = [(w, s) for w in models for s in settings]
    if a.sweep_n and len(combos) > 1:
        m = min(a.sweep_n, len(texts))
        for i, (w, s) in enumerate(combos):
            res, _, sec = run(models[w][0], lay, tok, caps[:m], texts[:m], s, a.seed,
                              os.path.join(work, f"sweep-{i}"), a.evaluator)
            entry = {"weights": w, "settings": s, "n": m, "seconds": sec, "adherence": res and res["adherence"],
                     "perAttribute": res and res["perAttribute"]}
            sweep.append(entry)
            print(json.dumps(entry), flush=True)
        # the best adherence; among settings within 2 images of it (on 64), the least truncating one
        # (highest temperature, then top-p, then no top-k): closer to the model's own distribution
        hi = max((r["adherence"] or 0) for r in sweep)
        near = [r for r in sweep if (r["adherence"] or 0) >= hi - 2.0 / m - 1e-9]
        top = max(near, key=lambda r: (r["settings"]["temperature"], r["settings"]["topP"],
                                       r["settings"]["topK"] == 0, r["adherence"] or 0))
        combos = [(top["weights"], top["settings"])]
    results = []
    for i, (w, s) in enumerate(combos):
        res, imgs, sec = run(models[w][0], lay, tok, caps, texts, s, a.seed, os.path.join(work, f"eval-{i}"),
                             a.evaluator)
        entry = {"weights": w, "settings": s, "n": len(texts), "seconds": sec, "adherence": res and res["adherence"],
                 "perAttribute": res and res["perAttribute"]}
        results.append(entry)
        sampling.save_grid(imgs[:16], texts[:16], os.path.join(work, f"eval-{i}.png"))
        print(json.dumps(entry), flush=True)
    best = max(results, key=lambda r: (r["adherence"] or 0))
    model = models[best["weights"]][0]
    report = {"checkpoint": a.ckpt, "weights": best["weights"], "heldoutLossByWeights": weight_losses,
              "step": ck["step"],
              "trainSeconds": ck["train_seconds"], "sweep": sweep, "results": results, "best": best}
    if a.div_captions > 0 and a.div_seeds > 1:
        # the same caption under several seeds: the evaluator's diversity (mean pixel diff / 255)
        m = min(a.div_captions, len(texts))
        rep_caps = np.repeat(caps[:m], a.div_seeds, axis=0)
        rep_txt = [t for t in texts[:m] for _ in range(a.div_seeds)]
        res, _, sec = run(model, lay, tok, rep_caps, rep_txt, best["settings"], a.seed + 1,
                          os.path.join(work, "eval-diversity"), a.evaluator)
        report["diversity"] = {"captions": m, "seedsPerCaption": a.div_seeds,
                               "diversity": res and res.get("diversity"),
                               "adherence": res and res["adherence"], "seconds": sec}
        print(json.dumps(report["diversity"]), flush=True)
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
