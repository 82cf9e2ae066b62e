"""Fashion-MNIST (Debian's dataset-fashion-mnist) -> the dataset folder format the shared trainer
reads (packages/shapes/train/data.py: meta.json, captions.i32, captions.txt, images.u8).

Images: 28x28 greyscale, padded with 2 black pixels on each side to 32x32x1 (Fashion-MNIST's
background is 0). Captions: the class label as a short phrase ("a sneaker", "an ankle boot");
the word-level vocabulary is the words of those ten phrases.

Usage: dataset.py --split train|test --out DIR [--count N] [--source /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import json
import os

import numpy as np

SOURCE = "/usr/share/datasets/fashion-mnist"
# Zalando's label order (0 T-shirt/top ... 9 Ankle boot) as prompts.
LABELS = ["a t-shirt", "a trouser", "a pullover", "a dress", "a coat",
          "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"]
SPECIAL = {"pad": 0, "bos": 1, "boi": 2, "eoi": 3}
TEXT_START = 4
CAPTION_LENGTH = 3  # the longest label, "an ankle boot"
IMAGE_SIZE = 32
PAD = (IMAGE_SIZE - 28) // 2


def words():
    return sorted({w for label in LABELS for w in label.split()})


def read_idx(path):
    """An IDX file (gzip) -> numpy array (uint8 data only, as Fashion-MNIST ships)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[:4], "big")
    if magic >> 8 != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(split, source=SOURCE):
    """split 'train' (60 000) or 'test' (10 000) -> (images uint8 [n,32,32,1], labels uint8 [n])."""
    prefix = {"train": "train", "test": "t10k"}[split]
    img = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"))
    lab = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"))
    if len(img) != len(lab):
        raise ValueError(f"{split}: {len(img)} images but {len(lab)} labels")
    padded = np.zeros((len(img), IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.uint8)
    padded[:, PAD:PAD + 28, PAD:PAD + 28, 0] = img
    return padded, lab


def caption_ids(label):
    vocab = words()
    ids = [TEXT_START + vocab.index(w) for w in LABELS[label].split()]
    return ids + [SPECIAL["pad"]] * (CAPTION_LENGTH - len(ids))


def write(folder, images, labels):
    os.makedirs(folder, exist_ok=True)
    n = len(images)
    images.tofile(os.path.join(folder, "images.u8"))
    caps = np.array([caption_ids(int(l)) for l in labels], dtype="<i4")
    caps.tofile(os.path.join(folder, "captions.i32"))
    labels.astype(np.uint8).tofile(os.path.join(folder, "labels.u8"))
    with open(os.path.join(folder, "captions.txt"), "w") as f:
        f.write("\n".join(LABELS[int(l)] for l in labels) + "\n")
    meta = {"count": n, "imageSize": IMAGE_SIZE, "channels": 1, "captionLength": CAPTION_LENGTH,
            "special": SPECIAL, "textStart": TEXT_START, "words": words(), "labels": LABELS,
            "source": "Debian dataset-fashion-mnist (Zalando Fashion-MNIST), 28x28 padded to 32x32"}
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def load_labels(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        n = json.load(f)["count"]
    return np.fromfile(os.path.join(folder, "labels.u8"), dtype=np.uint8)[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", required=True, choices=["train", "test"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=0, help="first N images only (0: all)")
    ap.add_argument("--source", default=SOURCE)
    a = ap.parse_args()
    images, labels = load_split(a.split, a.source)
    if a.count:
        images, labels = images[:a.count], labels[:a.count]
    write(a.out, images, labels)
    print(json.dumps({"split": a.split, "count": len(images), "out": a.out}))


if __name__ == "__main__":
    main()
