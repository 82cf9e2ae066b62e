"""Image tokenizer: k-means codebook over PxPxC patches (shapes: 4x4x3 patches, a 16x16 grid per
64x64 RGB image; fashion: 2x2x1 patches, 16x16 per 32x32 greyscale image).

Usage: tokenizer.py --train DIR --heldout DIR --work DIR [--codes 512] [--patch 4] [--onnx vq-decoder.onnx]
Writes WORK/codebook.npy ([codes, P*P*C]), WORK/{train,heldout}_codes.u16 (uint16 [n, grid*grid]) and
WORK/tokenizer.json (geometry and held-out reconstruction PSNR), and exports the decoder when --onnx
is given. The decoder always outputs RGB (a greyscale value is repeated on the three channels), as
the model contract's image decoder does.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch


def read_tokenizer(work):
    """The tokenizer a work folder holds: {"codebook": [k, P*P*C] float32, "patch": P, "channels": C,
    "grid": G}. Folders written before the geometry was recorded are the shapes tokenizer (4x4x3, 16)."""
    cb = np.load(os.path.join(work, "codebook.npy"))
    meta = {}
    path = os.path.join(work, "tokenizer.json")
    if os.path.exists(path):
        with open(path) as f:
            meta = json.load(f)
    p = int(meta.get("patch", 4))
    return {"codebook": cb, "patch": p, "channels": cb.shape[1] // (p * p), "grid": int(meta.get("grid", 16))}


def patchify(images, p):
    """[n,S,S,C] uint8 -> [n,(S/p)^2,p*p*C] float32 in [0,1], raster order of patches."""
    n, s, _, c = images.shape
    g = s // p
    x = images.reshape(n, g, p, g, p, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, g * g, p * p * c)
    return x.astype(np.float32) / 255.0


def unpatchify(patches, p):
    """[n,G*G,p*p*C] -> [n,G*p,G*p,C] float."""
    n, cells, d = patches.shape
    g = int(round(cells ** 0.5))
    c = d // (p * p)
    return patches.reshape(n, g, g, p, p, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, g * p, g * p, c)


def nearest(x, cb, chunk=4096):
    """x [m,d] torch, cb [k,d] torch -> int64 [m]. Small chunks: a fresh [65536,k] distance matrix per
    chunk was ~20x slower on this machine (page faults on every large allocation)."""
    cbn = (cb * cb).sum(1)
    out = torch.empty(x.shape[0], dtype=torch.int64)
    for i in range(0, x.shape[0], chunk):
        xi = x[i:i + chunk]
        d = cbn[None, :] - 2.0 * xi @ cb.T
        out[i:i + chunk] = d.argmin(1)
    return out


def kmeans(x, k, iters, seed):
    g = torch.Generator().manual_seed(seed)
    m = x.shape[0]
    # k-means++ init (on a subsample for speed)
    sub = x[torch.randperm(m, generator=g)[: min(m, 50000)]]
    centers = [sub[torch.randint(sub.shape[0], (1,), generator=g)].squeeze(0)]
    d2 = ((sub - centers[0]) ** 2).sum(1)
    for _ in range(1, k):
        probs = d2 / d2.sum() if d2.sum() > 0 else torch.full_like(d2, 1.0 / len(d2))
        c = sub[torch.multinomial(probs, 1, generator=g)].squeeze(0)
        centers.append(c)
        d2 = torch.minimum(d2, ((sub - c) ** 2).sum(1))
    cb = torch.stack(centers)
    for it in range(iters):
        a = nearest(x, cb)
        sums = torch.zeros_like(cb).index_add_(0, a, x)
        cnt = torch.bincount(a, minlength=k).float()
        empty = cnt == 0
        cb = torch.where(empty[:, None], cb, sums / cnt.clamp(min=1)[:, None])
        if empty.any():  # re-seed empty clusters at the worst-fitting points
            err = ((x - cb[a]) ** 2).sum(1)
            worst = err.topk(int(empty.sum())).indices
            cb[empty] = x[worst]
    return cb


def encode(images, cb, p, batch=4096):
    """uint8 images [n,S,S,C] -> uint16 codes [n,(S/p)^2]."""
    cbt = torch.from_numpy(cb)
    cells = (images.shape[1] // p) ** 2
    out = np.empty((images.shape[0], cells), dtype=np.uint16)
    for i in range(0, images.shape[0], batch):
        x = torch.from_numpy(patchify(images[i:i + batch], p)).reshape(-1, cb.shape[1])
        out[i:i + batch] = nearest(x, cbt).reshape(-1, cells).numpy().astype(np.uint16)
    return out


def decode(codes, cb, p=4):
    """codes [n,G*G] -> images [n,S,S,C] float in [0,1] (C as in the training images)."""
    return np.clip(unpatchify(cb[codes.astype(np.int64)], p), 0.0, 1.0)


def psnr(images_u8, codes, cb, p):
    rec = decode(codes, cb, p)
    ref = images_u8.astype(np.float32) / 255.0
    mse = ((rec - ref) ** 2).reshape(len(ref), -1).mean(1)
    per = 10 * np.log10(1.0 / np.maximum(mse, 1e-10))
    return float(10 * np.log10(1.0 / max(float(mse.mean()), 1e-10))), float(per.mean())


def export_onnx(cb, path, p=4, g=16):
    """vq-decoder.onnx: codes int64 [b,G*G] -> pixels float32 [b,G*p,G*p,3] (greyscale repeated)."""
    c = cb.shape[1] // (p * p)

    class VQDecoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("codebook", torch.from_numpy(np.clip(cb, 0, 1)).float())

        def forward(self, codes):
            b = codes.shape[0]
            x = self.codebook[codes]  # [b,G*G,p*p*c]
            x = x.reshape(b, g, g, p, p, c).permute(0, 1, 3, 2, 4, 5).reshape(b, g * p, g * p, c)
            return x if c == 3 else x.expand(b, g * p, g * p, 3)

    m = VQDecoder().eval()
    torch.onnx.export(m, (torch.zeros(2, g * g, dtype=torch.int64),), path,
                      input_names=["codes"], output_names=["pixels"],
                      dynamic_axes={"codes": {0: "batch"}, "pixels": {0: "batch"}}, opset_version=17)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--work", required=True, help="folder for codebook.npy, codes, tokenizer.json")
    ap.add_argument("--codes", type=int, default=512)
    ap.add_argument("--patch", type=int, default=4, help="patch side in pixels")
    ap.add_argument("--fit-images", type=int, default=20000)
    ap.add_argument("--iters", type=int, default=25)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--onnx", default=None)
    ap.add_argument("--export-only", action="store_true", help="only write --onnx from WORK/codebook.npy")
    args = ap.parse_args()
    torch.set_num_threads(2)
    if args.export_only:
        tok = read_tokenizer(args.work)
        export_onnx(tok["codebook"], args.onnx, tok["patch"], tok["grid"])
        return
    sys.path.insert(0, os.path.dirname(__file__))
    from data import load_dataset

    t0 = time.time()
    _, tr_img, _, _ = load_dataset(args.train)
    _, ho_img, _, _ = load_dataset(args.heldout)
    rng = np.random.default_rng(args.seed)
    idx = rng.choice(len(tr_img), size=min(args.fit_images, len(tr_img)), replace=False)
    p = args.patch
    grid = tr_img.shape[1] // p
    x = torch.from_numpy(patchify(tr_img[np.sort(idx)], p).reshape(-1, p * p * tr_img.shape[3]))
    cb = kmeans(x, args.codes, args.iters, args.seed).numpy().astype(np.float32)
    t_fit = time.time() - t0
    ho_codes = encode(ho_img, cb, p)
    psnr_all, psnr_mean = psnr(ho_img, ho_codes, cb, p)
    tr_codes = encode(tr_img, cb, p)
    os.makedirs(args.work, exist_ok=True)
    np.save(os.path.join(args.work, "codebook.npy"), cb)
    tr_codes.tofile(os.path.join(args.work, "train_codes.u16"))
    ho_codes.tofile(os.path.join(args.work, "heldout_codes.u16"))
    used = int(len(np.unique(tr_codes)))
    report = {"codes": args.codes, "patch": p, "grid": grid, "channels": int(tr_img.shape[3]),
              "imageSize": int(tr_img.shape[1]), "usedCodes": used, "psnrDb": psnr_all, "psnrDbPerImageMean": psnr_mean,
              "heldoutImages": int(len(ho_img)), "fitImages": int(len(idx)), "fitSeconds": t_fit,
              "totalSeconds": time.time() - t0}
    with open(os.path.join(args.work, "tokenizer.json"), "w") as f:
        json.dump(report, f, indent=2)
    if args.onnx:
        export_onnx(cb, args.onnx, p, grid)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
