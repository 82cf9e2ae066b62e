"""Vanilla autoregressive sampling with classifier-free guidance and a KV cache (PyTorch),
plus helpers to write samples for the TypeScript evaluator and a captioned PNG grid."""
import json
import os
import subprocess

import numpy as np
import torch

from tokenizer import decode


def build_prompts(caps, lay):
    """caps int [n,L] -> cond and uncond prompt rows int64 [n,L+2]."""
    n = caps.shape[0]
    c = torch.as_tensor(np.asarray(caps), dtype=torch.int64)
    bos = torch.full((n, 1), lay["bos"], dtype=torch.int64)
    boi = torch.full((n, 1), lay["boi"], dtype=torch.int64)
    cond = torch.cat([bos, c, boi], 1)
    unc = torch.cat([bos, torch.full_like(c, lay["pad"]), boi], 1)
    return cond, unc


def process_logits(lc, lu, lay, cfg_scale, temperature, top_k, top_p):
    """CFG mix, image-token mask, temperature, top-k, top-p -> log-probs over image codes."""
    s, e = lay["image_start"], lay["image_start"] + lay["n_codes"]
    lc = lc[:, s:e]
    logits = lc if lu is None else lu[:, s:e] + cfg_scale * (lc - lu[:, s:e])
    if temperature <= 0:
        return logits, True
    logits = logits / temperature
    if top_k and top_k > 0:
        kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        sl, si = logits.sort(-1, descending=True)
        cp = sl.softmax(-1).cumsum(-1)
        remove = cp - sl.softmax(-1) >= top_p
        sl = sl.masked_fill(remove, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(-1, si, sl)
    return logits, False


@torch.no_grad()
def generate(model, caps, lay, cfg_scale=3.0, temperature=1.0, top_k=0, top_p=1.0, seed=0, batch=64):
    """Returns image codes int64 [n,grid*grid] (code indices, not vocabulary ids)."""
    model.eval()
    cells = model.cfg.grid * model.cfg.grid
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(0, len(caps), batch):
        cond, unc = build_prompts(caps[i:i + batch], lay)
        n = cond.shape[0]
        use_cfg = cfg_scale != 1.0
        ids = torch.cat([cond, unc], 0) if use_cfg else cond
        pos = torch.arange(ids.shape[1])[None].expand(ids.shape[0], -1)
        logits, past = model(ids, pos)
        codes = []
        for k in range(cells):
            last = logits[:, -1]
            lc, lu = (last[:n], last[n:]) if use_cfg else (last, None)
            lg, greedy = process_logits(lc, lu, lay, cfg_scale, temperature, top_k, top_p)
            if greedy:
                c = lg.argmax(-1)
            else:
                c = torch.multinomial(lg.softmax(-1), 1, generator=g).squeeze(-1)
            codes.append(c)
            if k == cells - 1:
                break
            tok = (c + lay["image_start"])[:, None]
            tok = torch.cat([tok, tok], 0) if use_cfg else tok
            p = torch.full_like(tok, model.cfg.image_pos0 + 1 + k)
            logits, past = model(tok, p, past=past)
        out.append(torch.stack(codes, 1))
    return torch.cat(out, 0)


def evaluate_with_cli(images_u8, texts, folder, evaluator):
    """Writes samples.u8 / captions.txt into folder and runs the TS evaluator (JSON) if present."""
    os.makedirs(folder, exist_ok=True)
    ip, cp = os.path.join(folder, "samples.u8"), os.path.join(folder, "captions.txt")
    images_u8.tofile(ip)
    with open(cp, "w") as f:
        f.write("\n".join(texts) + "\n")
    if not evaluator or not os.path.exists(evaluator):
        return None
    r = subprocess.run(["node", evaluator, "--images", ip, "--captions", cp, "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("evaluator failed:", r.stderr[-2000:], flush=True)
        return None
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        print("evaluator output not JSON:", r.stdout[-500:], flush=True)
        return None


def codes_to_u8(codes, tok):
    """codes [n,G*G] -> uint8 images [n,S,S,C] through the tokenizer of read_tokenizer()."""
    return (decode(codes.numpy(), tok["codebook"], tok["patch"]) * 255.0 + 0.5).astype(np.uint8)


def save_grid(images_u8, texts, path, scale=2, cols=4):
    from PIL import Image, ImageDraw
    import textwrap
    n = len(images_u8)
    w = images_u8.shape[1] * scale
    th = 52
    rows = (n + cols - 1) // cols
    canvas = Image.new("RGB", (cols * (w + 8), rows * (w + th)), (255, 255, 255))
    d = ImageDraw.Draw(canvas)
    for i in range(n):
        r, c = divmod(i, cols)
        px = images_u8[i]
        im = Image.fromarray(px[..., 0] if px.shape[-1] == 1 else px).convert("RGB").resize((w, w), Image.NEAREST)
        x, y = c * (w + 8), r * (w + th)
        canvas.paste(im, (x, y))
        d.multiline_text((x, y + w + 2), "\n".join(textwrap.wrap(texts[i], 22)[:4]), fill=(0, 0, 0))
    canvas.save(path)


def diversity(images_u8):
    """Mean pairwise per-pixel L1 distance (0..1) between samples of the same caption, averaged."""
    x = images_u8.astype(np.float32) / 255.0
    n = len(x)
    tot, cnt = 0.0, 0
    for i in range(n):
        for j in range(i + 1, n):
            tot += float(np.abs(x[i] - x[j]).mean())
            cnt += 1
    return tot / max(cnt, 1)
