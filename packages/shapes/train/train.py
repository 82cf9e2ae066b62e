"""Train the autoregressive decoder on pre-tokenized images, resumable, time-budgeted.

The learning rate follows warmup (steps) then a cosine over the *training time* budget,
so a run sized to N minutes ends annealed whatever the machine's speed.
Every --ckpt-minutes: checkpoint (model, EMA, optimizer, step, RNG) + samples + adherence.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_dataset, vocab_layout  # noqa: E402
from model import Config, Decoder, count_params  # noqa: E402
import sampling  # noqa: E402
from tokenizer import read_tokenizer  # noqa: E402


def make_batch(idx, codes, caps, lay, rng, p_uncond):
    """bos, caption (L, pad-filled), boi, image codes, eoi; caption all-pad with probability p_uncond."""
    b = len(idx)
    L, n = lay["caption_length"], codes.shape[1]
    seq = np.empty((b, L + n + 3), dtype=np.int64)
    seq[:, 0] = lay["bos"]
    c = caps[idx].astype(np.int64)
    drop = rng.random(b) < p_uncond
    c[drop] = lay["pad"]
    seq[:, 1:L + 1] = c
    seq[:, L + 1] = lay["boi"]
    seq[:, L + 2:L + 2 + n] = codes[idx].astype(np.int64) + lay["image_start"]
    seq[:, L + 2 + n] = lay["eoi"]
    t = torch.from_numpy(seq)
    return t[:, :-1], t[:, 1:]


def lr_at(step, progress, a):
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    p = min(max(progress, 0.0), 1.0)
    return a.lr * (a.min_lr_frac + (1 - a.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))


def loss_fn(model, inp, tgt):
    """Cross-entropy on the image codes and eoi (inputs from boi on, at model.cfg.image_pos0)."""
    pos = torch.arange(inp.shape[1])[None].expand(inp.shape[0], -1)
    logits, _ = model(inp, pos)
    lg = logits[:, model.cfg.image_pos0:]
    tg = tgt[:, model.cfg.image_pos0:]
    return F.cross_entropy(lg.reshape(-1, lg.shape[-1]), tg.reshape(-1)), lg, tg


@torch.no_grad()
def heldout_loss(model, codes, caps, lay, n=128):
    model.eval()
    rng = np.random.default_rng(0)
    inp, tgt = make_batch(np.arange(min(n, len(codes))), codes, caps, lay, rng, 0.0)
    tot, acc = 0.0, 0.0
    for i in range(0, len(inp), 32):
        l, lg, tg = loss_fn(model, inp[i:i + 32], tgt[i:i + 32])
        tot += float(l) * len(lg)
        acc += float((lg.argmax(-1) == tg).float().mean()) * len(lg)
    model.train()
    return tot / len(inp), acc / len(inp)


def evaluate(model, a, lay, tok, ho_caps, ho_texts, tag, n):
    t0 = time.time()
    codes = sampling.generate(model, ho_caps[:n], lay, cfg_scale=a.cfg, temperature=1.0, seed=1234)
    imgs = sampling.codes_to_u8(codes, tok)
    folder = os.path.join(a.work, "samples", tag)
    res = sampling.evaluate_with_cli(imgs, ho_texts[:n], folder, a.evaluator)
    sampling.save_grid(imgs[:8], ho_texts[:8], os.path.join(a.work, "samples", f"{tag}.png"))
    return res, time.time() - t0


def save_ckpt(path, model, ema, opt, state):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "config": model.cfg.to_dict(), **state}, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="train dataset folder")
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--tok", required=True, help="tokenizer work folder (codebook + codes)")
    ap.add_argument("--work", required=True, help="checkpoints, samples, logs")
    ap.add_argument("--minutes", type=float, default=60.0, help="training-time budget")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--d-model", type=int, default=160)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=432)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.03)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--p-uncond", type=float, default=0.1)
    ap.add_argument("--ema", type=float, default=0.998)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--eval-n", type=int, default=64)
    ap.add_argument("--cfg", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--evaluator", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.work, exist_ok=True)
    log = open(os.path.join(a.work, "train.log"), "a")

    def say(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    meta, _, caps, _ = load_dataset(a.data, with_images=False)
    ho_meta, _, ho_caps, ho_texts = load_dataset(a.heldout, with_images=False)
    tok = read_tokenizer(a.tok)
    lay = vocab_layout(meta, len(tok["codebook"]))
    cells = tok["grid"] ** 2
    codes = np.fromfile(os.path.join(a.tok, "train_codes.u16"), dtype=np.uint16).reshape(-1, cells)
    ho_codes = np.fromfile(os.path.join(a.tok, "heldout_codes.u16"), dtype=np.uint16).reshape(-1, cells)
    assert len(codes) == len(caps)

    torch.manual_seed(a.seed)
    cfg = Config(vocab_size=lay["size"], d_model=a.d_model, n_layers=a.layers, n_heads=a.heads,
                 ffn_hidden=a.ffn, image_pos0=lay["caption_length"] + 1, grid=tok["grid"])
    model = Decoder(cfg)
    ema = Decoder(cfg)
    ema.load_state_dict(model.state_dict())
    ema.eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    decay, no_decay = [], []
    for n_, p in model.named_parameters():
        (decay if p.dim() >= 2 and "embed" not in n_ and n_ not in ("row", "col") else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95))
    rng = np.random.default_rng(a.seed)
    step, train_s = 0, 0.0
    ckpt_path = os.path.join(a.work, "last.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, train_s = ck["step"], ck["train_seconds"]
        rng.bit_generator.state = ck["np_rng"]
        torch.set_rng_state(ck["torch_rng"])
        say(f"resumed at step {step}, {train_s:.0f} s trained")
    say(f"params {count_params(model)} config {json.dumps(cfg.to_dict())} vocab {lay}")
    budget = a.minutes * 60.0
    last_ckpt = time.time()
    ema_loss = None
    model.train()
    while train_s < budget and (a.max_steps == 0 or step < a.max_steps):
        t0 = time.time()
        lr = lr_at(step, train_s / budget, a)
        for gq in opt.param_groups:
            gq["lr"] = lr
        idx = rng.integers(0, len(codes), size=a.batch)
        inp, tgt = make_batch(idx, codes, caps, lay, rng, a.p_uncond)
        loss, _, _ = loss_fn(model, inp, tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        d = min(a.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm.detach(), alpha=1 - d)
        step += 1
        dt = time.time() - t0
        train_s += dt
        ema_loss = float(loss) if ema_loss is None else 0.95 * ema_loss + 0.05 * float(loss)
        if step % 20 == 0:
            say(f"step {step} loss {float(loss):.4f} avg {ema_loss:.4f} lr {lr:.2e} gn {float(gn):.2f} "
                f"{dt:.2f}s/step trained {train_s / 60:.1f}/{a.minutes:.0f} min")
        done = train_s >= budget or (a.max_steps and step >= a.max_steps)
        if done or time.time() - last_ckpt > a.ckpt_minutes * 60:
            state = {"step": step, "train_seconds": train_s, "np_rng": rng.bit_generator.state,
                     "torch_rng": torch.get_rng_state(), "layout": lay, "args": vars(a)}
            save_ckpt(ckpt_path, model, ema, opt, state)
            hl, ha = heldout_loss(ema, ho_codes, ho_caps, lay)
            res, es = evaluate(ema, a, lay, tok, ho_caps, ho_texts, f"step{step:06d}", a.eval_n)
            adh = res.get("adherence") if res else None
            rec = {"step": step, "trainSeconds": train_s, "heldoutLoss": hl, "heldoutTokenAcc": ha,
                   "adherence": adh, "evalSeconds": es, "time": time.strftime("%H:%M:%S")}
            with open(os.path.join(a.work, "evals.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
            say("eval " + json.dumps(rec))
            model.train()
            last_ckpt = time.time()
    say(f"done: step {step}, {train_s:.0f} s")


if __name__ == "__main__":
    main()
