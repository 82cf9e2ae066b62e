"""Export the trained decoder to ONNX (Optimum / transformers.js decoder interface) and
write parity test cases (inputs + PyTorch reference logits) for verify-onnx.mjs.

Inputs: input_ids int64 [b,s], attention_mask int64 [b,past+s], position_ids int64 [b,s],
past_key_values.{i}.key|value float32 [b,kv_heads,past,head_dim].
Outputs: logits float32 [b,s,V], present.{i}.key|value float32 [b,kv_heads,past+s,head_dim].
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Config, Decoder  # noqa: E402


class OnnxWrapper(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = self.m(input_ids, position_ids, attention_mask=attention_mask, past=past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def load_model(ckpt_path, which="ema"):
    ck = torch.load(ckpt_path, map_location="cpu")
    cfg = Config(**ck["config"])
    m = Decoder(cfg)
    m.load_state_dict(ck[which])
    m.eval()
    return m, ck


def io_names(n_layers):
    ins = ["input_ids", "attention_mask", "position_ids"]
    outs = ["logits"]
    for i in range(n_layers):
        ins += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        outs += [f"present.{i}.key", f"present.{i}.value"]
    return ins, outs


def export(model, path):
    cfg = model.cfg
    ins, outs = io_names(cfg.n_layers)
    b, s, p = 2, 3, 4
    ids = torch.randint(0, cfg.vocab_size, (b, s))
    am = torch.ones(b, p + s, dtype=torch.int64)
    pos = (torch.arange(s) + p)[None].expand(b, -1).contiguous()
    past = []
    for _ in range(cfg.n_layers):
        past += [torch.randn(b, cfg.n_heads, p, cfg.head_dim), torch.randn(b, cfg.n_heads, p, cfg.head_dim)]
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    for n in ins[3:]:
        dyn[n] = {0: "batch", 2: "past"}
    for n in outs[1:]:
        dyn[n] = {0: "batch", 2: "total"}
    torch.onnx.export(OnnxWrapper(model), (ids, am, pos, *past), path, input_names=ins, output_names=outs,
                      dynamic_axes=dyn, opset_version=17, do_constant_folding=True)


@torch.no_grad()
def ref_logits(model, ids, pos):
    """Clean reference: one row, no mask, no past."""
    lg, _ = model(torch.tensor([ids]), torch.tensor([pos]))
    return lg[0]


@torch.no_grad()
def make_cases(model, prompt_rows, img0, seed=0):
    """Parity cases. Each case runs on ORT; 'past' is 'empty' or 'prev' (presents of the
    previous case); 'checks' compare logits at [row, t] with the clean PyTorch reference.
    img0: the first image-token id. Rows are at least 50 and 46 tokens long whatever the prompt."""
    g = np.random.default_rng(seed)
    cfg = model.cfg
    V = cfg.vocab_size
    nA, nB = max(20, 50 - len(prompt_rows[0])), max(16, 46 - len(prompt_rows[1]))
    rowA = list(prompt_rows[0]) + [int(x) for x in g.integers(img0, V, nA)]  # shapes: 30 + 20 tokens
    rowB = list(prompt_rows[1]) + [int(x) for x in g.integers(img0, V, nB)]
    cases = []

    def check(row_tokens, row_pos, case_rows):
        # case_rows: list of (b, t, index into clean sequence)
        ref = ref_logits(model, row_tokens, row_pos)
        return [{"b": b, "t": t, "logits": ref[j].tolist()} for (b, t, j) in case_rows]

    # (a) empty past, full prompt + image tokens, batch 1
    n = len(rowA)
    cases.append({"name": "empty-past-full-prompt", "past": "empty",
                  "input_ids": [rowA[:40]], "attention_mask": [[1] * 40], "position_ids": [list(range(40))],
                  "checks": check(rowA, list(range(n)), [(0, t, t) for t in range(0, 40, 3)] + [(0, 39, 39)])})
    # (b) incremental: 1 token, then 1 token, then a block of 4 (SJD window), then 1, from prev presents
    pos = 40
    for blk in [1, 1, 4, 1]:
        toks = rowA[pos:pos + blk]
        cases.append({"name": f"incremental-{blk}", "past": "prev", "input_ids": [toks],
                      "attention_mask": [[1] * (pos + blk)], "position_ids": [list(range(pos, pos + blk))],
                      "checks": check(rowA, list(range(n)), [(0, t, pos + t) for t in range(blk)])})
        pos += blk
    # (c) batch 2 with zeros in the attention mask, empty past:
    #   row 0: left-padded by 3 garbage slots; row 1: 4 garbage slots (rejected drafts) after
    #   token 33. Garbage slots hold random tokens and positions; masked out they must not matter.
    T = 40
    r0 = rowA[:T - 3]
    ids0 = [int(x) for x in g.integers(0, V, 3)] + r0
    am0 = [0, 0, 0] + [1] * len(r0)
    pos0 = [5, 0, 7] + list(range(len(r0)))
    r1 = rowB[:T - 4]
    ids1 = r1[:34] + [int(x) for x in g.integers(img0, V, 4)] + r1[34:]
    am1 = [1] * 34 + [0] * 4 + [1] * (len(r1) - 34)
    pos1 = list(range(34)) + [34, 35, 36, 37] + list(range(34, len(r1)))
    checks = check(r0, list(range(len(r0))), [(0, t + 3, t) for t in range(0, len(r0), 4)] + [(0, T - 1, len(r0) - 1)])
    checks += check(r1, list(range(len(r1))), [(1, t, t) for t in range(0, 34, 4)] +
                    [(1, 38 + j, 34 + j) for j in range(len(r1) - 34)])
    cases.append({"name": "batch2-masked-slots", "past": "empty", "input_ids": [ids0, ids1],
                  "attention_mask": [am0, am1], "position_ids": [pos0, pos1], "checks": checks})
    # (d) next step for that batch with the cached garbage still in the past (mask mode)
    nxt0, nxt1 = rowA[T - 3], rowB[T - 4]
    cases.append({"name": "batch2-masked-incremental", "past": "prev", "input_ids": [[nxt0], [nxt1]],
                  "attention_mask": [am0 + [1], am1 + [1]], "position_ids": [[len(r0)], [len(r1)]],
                  "checks": check(rowA[:T - 2], list(range(T - 2)), [(0, 0, T - 3)]) +
                  check(rowB[:T - 3], list(range(T - 3)), [(1, 0, T - 4)])})
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--which", default="ema", choices=["ema", "model"])
    ap.add_argument("--report", default=None, help="evaluation report: export the weights it chose")
    ap.add_argument("--out", required=True, help="decoder.onnx path")
    ap.add_argument("--cases", required=True, help="parity cases JSON path")
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--tok", default=None, help="tokenizer folder: adds a vq-decoder parity case")
    a = ap.parse_args()
    torch.set_num_threads(2)
    from data import load_dataset
    from sampling import build_prompts
    which = a.which
    if a.report:
        with open(a.report) as f:
            which = json.load(f)["weights"]
    model, ck = load_model(a.ckpt, which)
    _, _, caps, _ = load_dataset(a.heldout, with_images=False)
    lay = ck["layout"]
    cond, unc = build_prompts(caps[:2], lay)
    export(model, a.out)
    cases = make_cases(model, [cond[0].tolist(), unc[1].tolist()], lay["image_start"])
    ins, outs = io_names(model.cfg.n_layers)
    meta = {"numLayers": model.cfg.n_layers, "numKeyValueHeads": model.cfg.n_heads,
            "headDim": model.cfg.head_dim, "vocab": model.cfg.vocab_size, "inputs": ins, "outputs": outs}
    doc = {"meta": meta, "cases": cases}
    if a.tok:
        from tokenizer import decode, read_tokenizer
        tok = read_tokenizer(a.tok)
        codes = np.fromfile(os.path.join(a.tok, "heldout_codes.u16"), dtype=np.uint16)
        codes = codes.reshape(-1, tok["grid"] ** 2)[:2]
        px = decode(codes, tok["codebook"], tok["patch"])
        if px.shape[-1] == 1:  # the exported decoder repeats greyscale on R, G and B
            px = np.repeat(px, 3, axis=-1)
        doc["vq"] = {"codes": codes.astype(int).tolist(), "dims": list(px.shape), "pixels": px.reshape(-1).tolist()}
    with open(a.cases, "w") as f:
        json.dump(doc, f)
    print(json.dumps({"weights": which, "onnx": a.out, "bytes": os.path.getsize(a.out), "cases": len(cases)}))


if __name__ == "__main__":
    main()
