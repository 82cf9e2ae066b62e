"""The judge: a small Fashion-MNIST CNN whose class prediction says whether a generated image shows the
asked class and whose penultimate features (64-d) give the FID between generated and real images.

Usage: classifier.py --train DIR --test DIR --work DIR --onnx classifier.onnx [--epochs 3]
Writes WORK/classifier.pt, WORK/classifier.json (test accuracy) and the ONNX export:
  input  images   float32 [b,32,32] greyscale in [0,1] (the padded 32x32 frame)
  output features float32 [b,64], logits float32 [b,10]
"""
# python-path: ../../shapes/train  (the shared pipeline modules, put on sys.path below)
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shapes", "train"))
from data import load_dataset  # noqa: E402
from dataset import load_labels  # noqa: E402

FEATURES = 64


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 4 * 4, FEATURES)
        self.out = nn.Linear(FEATURES, 10)

    def forward(self, images):
        """images [b,32,32] in [0,1] -> (features [b,64], logits [b,10])."""
        x = images[:, None]
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        f = F.relu(self.fc(x.flatten(1)))
        return f, self.out(f)


def to_input(images_u8):
    """uint8 [n,32,32,1] or [n,32,32] -> float tensor [n,32,32] in [0,1]."""
    x = images_u8.reshape(len(images_u8), 32, 32).astype(np.float32) / 255.0
    return torch.from_numpy(x)


@torch.no_grad()
def features(model, images_u8, batch=500):
    """-> (features float64 [n,64], predicted class int [n])."""
    model.eval()
    fs, ps = [], []
    for i in range(0, len(images_u8), batch):
        f, lg = model(to_input(images_u8[i:i + batch]))
        fs.append(f.double().numpy())
        ps.append(lg.argmax(-1).numpy())
    return np.concatenate(fs), np.concatenate(ps)


def load(work):
    m = Classifier()
    m.load_state_dict(torch.load(os.path.join(work, "classifier.pt"), map_location="cpu"))
    m.eval()
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.time()
    _, tr_img, _, _ = load_dataset(a.train)
    _, te_img, _, _ = load_dataset(a.test)
    tr_lab, te_lab = load_labels(a.train), load_labels(a.test)
    x, y = to_input(tr_img), torch.from_numpy(tr_lab.astype(np.int64))
    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps_per_epoch = (len(x) + a.batch - 1) // a.batch
    total = steps_per_epoch * a.epochs if not a.max_steps else a.max_steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=max(total, 1))
    g = torch.Generator().manual_seed(a.seed)
    step = 0
    model.train()
    for ep in range(a.epochs):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), a.batch):
            if step >= total:
                break
            idx = perm[i:i + a.batch]
            xb = x[idx]
            # light augmentation: horizontal flips (Fashion-MNIST classes are mirror-invariant)
            flip = torch.rand(len(xb), generator=g) < 0.5
            xb = torch.where(flip[:, None, None], xb.flip(-1), xb)
            _, lg = model(xb)
            loss = F.cross_entropy(lg, y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 100 == 0:
                print(f"epoch {ep} step {step}/{total} loss {float(loss):.4f}", flush=True)
    _, pred = features(model, te_img)
    acc = float((pred == te_lab).mean())
    os.makedirs(a.work, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(a.work, "classifier.pt"))
    os.makedirs(os.path.dirname(os.path.abspath(a.onnx)), exist_ok=True)
    torch.onnx.export(model.eval(), (torch.zeros(2, 32, 32),), a.onnx, input_names=["images"],
                      output_names=["features", "logits"],
                      dynamic_axes={"images": {0: "batch"}, "features": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=17)
    rep = {"testAccuracy": acc, "testImages": int(len(te_img)), "steps": step, "epochs": a.epochs,
           "features": FEATURES, "seconds": time.time() - t0}
    with open(os.path.join(a.work, "classifier.json"), "w") as f:
        json.dump(rep, f, indent=2)
    print(json.dumps(rep))


if __name__ == "__main__":
    main()
