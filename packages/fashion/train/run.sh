#!/usr/bin/env bash
# The fashion-v1 pipeline: the shapes pipeline's tokenizer, decoder, trainer, exporter, parity check and
# manifest writer (packages/shapes/train/*.py), on Debian's dataset-fashion-mnist. Fixed seeds, resumable
# (re-run the same command after an interruption: finished stages are skipped, training continues from
# $WORK/run/last.pt).
#
#   pnpm --filter @sjd/fashion train         # full run, writes packages/fashion/model/ and eval/
#   pnpm --filter @sjd/fashion train:smoke   # every stage on tiny settings, into a temp folder
#
# Stages: dataset.py (60 000 train / 10 000 test, padded to 32x32) -> k-means tokenizer of 2x2 greyscale
# patches (16x16 codes) -> decoder training -> classifier.py (the judge: a small CNN whose penultimate
# features give FID) -> evaluate.py (weights and sampling settings by FID, then FID / accuracy / diversity)
# -> decoder.onnx + parity check (onnxruntime-node) -> manifest.json.
#
# Environment (full-run defaults in brackets): TRAIN_MINUTES [50], WORK [.work/full], MODEL_OUT [model],
# EVAL_OUT [eval], EVAL_N [500 generated images], SWEEP_N [100], PYTHON [/usr/bin/python3], SMOKE=1.
set -euo pipefail
cd "$(dirname "$0")/.."  # packages/fashion
PY=${PYTHON:-/usr/bin/python3}
SHARED=../shapes/train
SMOKE=${SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
  WORK=${WORK:-$(mktemp -d -t sjd-fashion-smoke-XXXXXX)}
  MODEL_OUT=${MODEL_OUT:-$WORK/model}; EVAL_OUT=${EVAL_OUT:-$WORK/eval}
  COUNT=(--count 300); HO_COUNT=(--count 64)
  TOK_ARGS=(--codes 64 --fit-images 100 --iters 3)
  TRAIN_ARGS=(--minutes 5 --max-steps 3 --d-model 32 --layers 2 --heads 2 --ffn 64 --batch 4 --warmup 2 --eval-n 4)
  CLS_ARGS=(--epochs 1 --max-steps 5); EVAL_N=${EVAL_N:-20}; SWEEP_N=10; EVAL_SETTINGS="t=1;t=1,p=0.9"
else
  WORK=${WORK:-.work/full}
  MODEL_OUT=${MODEL_OUT:-model}; EVAL_OUT=${EVAL_OUT:-eval}
  COUNT=(); HO_COUNT=()
  TOK_ARGS=(--codes 512 --fit-images 10000 --iters 20)
  TRAIN_ARGS=(--minutes "${TRAIN_MINUTES:-50}" --d-model 128 --layers 4 --heads 4 --ffn 352 --batch 16 --lr 2.5e-3
              --eval-n 16 --threads "${TRAIN_THREADS:-1}")
  CLS_ARGS=(--epochs 2); EVAL_N=${EVAL_N:-500}; SWEEP_N=${SWEEP_N:-100}
  EVAL_SETTINGS=${EVAL_SETTINGS:-"t=1;t=1,p=0.9"}
fi
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
mkdir -p "$WORK" "$MODEL_OUT" "$EVAL_OUT"
log "work folder: $WORK, model out: $MODEL_OUT"

[ -f "$WORK/data/train/meta.json" ] || "$PY" train/dataset.py --split train --out "$WORK/data/train" "${COUNT[@]}"
[ -f "$WORK/data/heldout/meta.json" ] || "$PY" train/dataset.py --split test --out "$WORK/data/heldout" "${HO_COUNT[@]}"

if [ ! -f "$WORK/tok/tokenizer.json" ]; then
  log "image tokenizer (k-means, 2x2 greyscale patches)"
  "$PY" $SHARED/tokenizer.py --train "$WORK/data/train" --heldout "$WORK/data/heldout" --work "$WORK/tok" \
    --seed 0 --patch 2 "${TOK_ARGS[@]}"
fi
"$PY" $SHARED/tokenizer.py --train - --heldout - --work "$WORK/tok" --export-only --onnx "$MODEL_OUT/vq-decoder.onnx"

log "training (resumes from $WORK/run/last.pt if present)"
"$PY" $SHARED/train.py --data "$WORK/data/train" --heldout "$WORK/data/heldout" --tok "$WORK/tok" \
  --work "$WORK/run" --seed 0 "${TRAIN_ARGS[@]}"

if [ ! -f "$WORK/classifier/classifier.json" ]; then
  log "classifier (the judge)"
  "$PY" train/classifier.py --train "$WORK/data/train" --test "$WORK/data/heldout" --work "$WORK/classifier" \
    --onnx "$EVAL_OUT/classifier.onnx" "${CLS_ARGS[@]}"
fi

log "evaluation: FID / accuracy / diversity, $EVAL_N images"
"$PY" train/evaluate.py --ckpt "$WORK/run/last.pt" --train "$WORK/data/train" --heldout "$WORK/data/heldout" \
  --tok "$WORK/tok" --classifier "$WORK/classifier" --out "$WORK/eval/report.json" --n "$EVAL_N" \
  --sweep-n "$SWEEP_N" --settings "$EVAL_SETTINGS" --grid "$EVAL_OUT/samples.png"

log "export decoder.onnx + parity check (onnxruntime-node)"
"$PY" $SHARED/export.py --ckpt "$WORK/run/last.pt" --out "$MODEL_OUT/decoder.onnx" --cases "$WORK/parity-cases.json" \
  --heldout "$WORK/data/heldout" --tok "$WORK/tok" --report "$WORK/eval/report.json"
node $SHARED/verify-onnx.mjs "$MODEL_OUT/decoder.onnx" "$WORK/parity-cases.json" "$WORK/parity.json" \
  "$MODEL_OUT/vq-decoder.onnx"

log "manifest"
"$PY" $SHARED/manifest.py --ckpt "$WORK/run/last.pt" --data "$WORK/data/train" --tok "$WORK/tok" \
  --report "$WORK/eval/report.json" --parity "$WORK/parity.json" --out "$MODEL_OUT" --name fashion-v1 \
  --world "Fashion-MNIST class-conditional image model" --trainer packages/fashion/train/run.sh \
  --extra-metrics "$WORK/eval/metrics.json"
ls -l "$MODEL_OUT" "$EVAL_OUT"
log "done: $MODEL_OUT"
