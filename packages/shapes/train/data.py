"""Reading the dataset folders written by `make-dataset.js` (see docs/model-contract.md)."""
import json
import os

import numpy as np


def load_dataset(folder, with_images=True):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    n, s, c = meta["count"], meta["imageSize"], meta["channels"]
    caps = np.fromfile(os.path.join(folder, "captions.i32"), dtype="<i4").reshape(n, meta["captionLength"])
    with open(os.path.join(folder, "captions.txt")) as f:
        texts = f.read().split("\n")[:n]
    images = None
    if with_images:
        images = np.fromfile(os.path.join(folder, "images.u8"), dtype=np.uint8).reshape(n, s, s, c)
    return meta, images, caps, texts


def vocab_layout(meta, n_codes):
    text_start = meta["textStart"]
    n_words = len(meta["words"])
    image_start = text_start + n_words
    return {
        "pad": meta["special"]["pad"], "bos": meta["special"]["bos"],
        "boi": meta["special"]["boi"], "eoi": meta["special"]["eoi"],
        "text_start": text_start, "n_words": n_words,
        "image_start": image_start, "n_codes": n_codes,
        "size": image_start + n_codes,
        "caption_length": meta["captionLength"],
    }


def encode_caption(text, meta):
    words = meta["words"]
    ids = [meta["textStart"] + words.index(w) for w in text.lower().split()]
    L = meta["captionLength"]
    if len(ids) > L:
        raise ValueError(f"caption longer than {L} words: {text}")
    return ids + [meta["special"]["pad"]] * (L - len(ids))
