"""Write model/manifest.json (docs/model-contract.md) from the measured artefacts: tokenizer.json,
the evaluation report, the ONNX parity result, the checkpoint's config and the dataset's
meta.json; and check it against the manifest's JSON Schema, the one copy in @sjd/core
(packages/core/src/manifest/manifest.schema.json) that the runtime validates against too.
`python3 manifest.py --check FILE` only checks a manifest."""
import argparse
import json
import os
import sys

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "core", "src", "manifest", "manifest.schema.json")


def load_schema():
    with open(SCHEMA_PATH) as f:
        return json.load(f)


def check(manifest):
    """Raises jsonschema.ValidationError naming the field (as a path) when the manifest is invalid."""
    jsonschema.Draft202012Validator(load_schema()).validate(manifest)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2]) as f:
            check(json.load(f))
        print(f"{sys.argv[2]}: valid against {os.path.normpath(SCHEMA_PATH)}")
        return
    import torch  # only the writer needs the checkpoint and the exporter's names

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from export import io_names

    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--tok", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--parity", required=True)
    ap.add_argument("--out", required=True, help="model folder")
    # v2: the world varies what a caption leaves open (background grey, shape offsets).
    ap.add_argument("--name", default="shapes-v2")
    ap.add_argument("--world", default="Captioned-shapes text-to-image model",
                    help="first words of the description (what the model draws)")
    ap.add_argument("--extra-metrics", default=None,
                    help="JSON file whose keys are added to metrics (e.g. fashion's FID)")
    ap.add_argument("--trainer", default="packages/shapes/train/run.sh", help="the pipeline, for the description")
    a = ap.parse_args()
    ck = torch.load(a.ckpt, map_location="cpu")
    c = ck["config"]
    lay = ck["layout"]
    with open(os.path.join(a.data, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(a.tok, "tokenizer.json")) as f:
        tok = json.load(f)
    with open(a.report) as f:
        rep = json.load(f)
    with open(a.parity) as f:
        par = json.load(f)
    ins, outs = io_names(c["n_layers"])
    grid = c.get("grid", 16)
    patch = tok.get("patch", 4)
    n_params = sum(v.numel() for v in ck[rep.get("weights", "ema")].values())
    best = rep["best"]
    s = best["settings"]
    div = rep.get("diversity", {}).get("diversity")
    manifest = {
        "$schema": load_schema()["$id"],
        "format": "sjd-model",
        "formatVersion": 1,
        "name": a.name,
        "description": (f"{a.world}: Llama-style decoder ({c['n_layers']} layers, "
                        f"d={c['d_model']}, {n_params} parameters) over a k-means VQ of {patch}x{patch} patches "
                        f"({tok['codes']} codes, {grid}x{grid} grid), trained {ck['step']} steps on CPU by "
                        f"{a.trainer}."),
        "files": {"decoder": "decoder.onnx", "imageDecoder": "vq-decoder.onnx"},
        "decoder": {
            "architecture": "llama",
            "numLayers": c["n_layers"], "numAttentionHeads": c["n_heads"], "numKeyValueHeads": c["n_heads"],
            "headDim": c["d_model"] // c["n_heads"], "hiddenSize": c["d_model"], "intermediateSize": c["ffn_hidden"],
            "maxPositions": c["max_positions"], "parameters": int(n_params), "dtype": "float32",
            "inputs": ins, "outputs": outs,
        },
        "vocabulary": {
            "size": lay["size"],
            "special": dict(meta["special"]),
            "text": {"start": lay["text_start"], "count": lay["n_words"]},
            "image": {"start": lay["image_start"], "count": lay["n_codes"]},
        },
        "textTokenizer": {"type": "word-level", "lowercase": True, "words": meta["words"]},
        "prompt": {"template": ["bos", "caption", "boi"], "captionLength": meta["captionLength"],
                   "unconditional": "pad-caption",
                   **({"clauseOrder": meta["clauseOrder"]} if "clauseOrder" in meta else {})},
        "image": {
            "gridWidth": grid, "gridHeight": grid, "endOfRowToken": None, "endOfImageToken": meta["special"]["eoi"],
            "pixelWidth": meta["imageSize"], "pixelHeight": meta["imageSize"],
            "imageDecoder": {"input": "codes", "output": "pixels", "layout": "NHWC", "range": [0, 1]},
        },
        "sampling": {"temperature": s["temperature"], "topK": s["topK"], "topP": s["topP"], "cfgScale": s["cfgScale"]},
        "metrics": {
            "psnrDb": round(tok["psnrDb"], 3),
            "adherence": best["adherence"] if best["adherence"] is not None else 0,
            "adherenceSamples": best["n"],
            "diversity": round(div, 5) if div is not None else 0,
            "trainingSeconds": round(ck["train_seconds"], 1),
            "trainSteps": ck["step"],
            "onnxMaxAbsLogitDiff": par["maxAbsLogitDiff"],
        },
    }
    if a.extra_metrics:
        with open(a.extra_metrics) as f:
            manifest["metrics"].update(json.load(f))
    check(manifest)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(json.dumps(manifest["metrics"]))


if __name__ == "__main__":
    main()
