#!/usr/bin/env bash
# The whole model pipeline, fixed seeds, resumable (re-run the same command after an interruption):
#   build the TS package -> datasets (make-dataset.js) -> k-means image tokenizer (+ vq-decoder.onnx)
#   -> train the decoder (time-budgeted, checkpoints in $WORK/run) -> evaluate (TS evaluator)
#   -> export decoder.onnx -> ONNX Runtime parity check -> manifest.json.
#
#   pnpm --filter @sjd/shapes train          # full run, writes packages/shapes/model/
#   pnpm --filter @sjd/shapes train:smoke    # every stage on tiny settings, into a temp folder
#
# Environment (full-run defaults in brackets):
#   TRAIN_MINUTES [110]  training-time budget; the cosine LR schedule is sized to it
#   TRAIN_COUNT [200000] training images; WORK [.work/full]; MODEL_OUT [model]
#   EVAL_N [200]         held-out captions for the final adherence figure
#   EVAL_SETTINGS        sampling settings compared on the first SWEEP_N [64] held-out captions; the best
#                        is then measured on EVAL_N and goes to the manifest (EMA vs raw weights are
#                        chosen before, by teacher-forced held-out loss)
#   PYTHON [/usr/bin/python3] (needs torch, numpy, onnx, PIL)
#   SMOKE=1              tiny everything; WORK and MODEL_OUT default to a fresh temp folder
set -euo pipefail
cd "$(dirname "$0")/.."  # packages/shapes
PY=${PYTHON:-/usr/bin/python3}
SMOKE=${SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
  WORK=${WORK:-$(mktemp -d -t sjd-smoke-XXXXXX)}
  MODEL_OUT=${MODEL_OUT:-$WORK/model}
  TRAIN_COUNT=${TRAIN_COUNT:-300}; HELDOUT_COUNT=16
  TOK_ARGS=(--codes 256 --fit-images 100 --iters 3)
  TRAIN_ARGS=(--minutes 5 --max-steps 3 --d-model 32 --layers 2 --heads 2 --ffn 64 --batch 4 --warmup 2 --eval-n 4)
  EVAL_N=${EVAL_N:-4}; EVAL_SETTINGS=${EVAL_SETTINGS:-"cfg=3,t=1;cfg=1,t=1"}; SWEEP_N=2
  DIV=(--div-captions 2 --div-seeds 2)
else
  WORK=${WORK:-.work/full}
  MODEL_OUT=${MODEL_OUT:-model}
  TRAIN_COUNT=${TRAIN_COUNT:-200000}; HELDOUT_COUNT=200
  TOK_ARGS=(--codes 512 --fit-images 8000 --iters 20)
  TRAIN_ARGS=(--minutes "${TRAIN_MINUTES:-110}" --d-model 160 --layers 4 --heads 4 --ffn 432 --batch 32 --lr 3e-3)
  EVAL_N=${EVAL_N:-200}; EVAL_SETTINGS=${EVAL_SETTINGS:-"cfg=1,t=1;cfg=1,t=1,p=0.9;cfg=1,t=0.7;cfg=1.5,t=0.7;cfg=1,t=0.5;cfg=1,t=0.3"}
  SWEEP_N=${SWEEP_N:-64}; DIV=(--div-captions 16 --div-seeds 4)
fi
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
mkdir -p "$WORK" "$MODEL_OUT"
log "work folder: $WORK, model out: $MODEL_OUT"

if [ "${SKIP_TS_BUILD:-0}" != 1 ]; then
  log "building @sjd/shapes"; pnpm run build >/dev/null
fi
CLI=dist/cli

dataset() { # dir count seed split
  if [ -f "$1/meta.json" ] && grep -q "\"count\": $2," "$1/meta.json"; then return; fi
  node "$CLI/make-dataset.js" --out "$1" --count "$2" --seed "$3" --split "$4"
}
log "datasets"
dataset "$WORK/data/train" "$TRAIN_COUNT" 1 train
dataset "$WORK/data/heldout" "$HELDOUT_COUNT" 2 heldout

if [ ! -f "$WORK/tok/tokenizer.json" ]; then
  log "image tokenizer (k-means)"
  "$PY" train/tokenizer.py --train "$WORK/data/train" --heldout "$WORK/data/heldout" --work "$WORK/tok" \
    --seed 0 "${TOK_ARGS[@]}"
fi
"$PY" train/tokenizer.py --train - --heldout - --work "$WORK/tok" --export-only --onnx "$MODEL_OUT/vq-decoder.onnx"

log "training (resumes from $WORK/run/last.pt if present)"
"$PY" train/train.py --data "$WORK/data/train" --heldout "$WORK/data/heldout" --tok "$WORK/tok" \
  --work "$WORK/run" --seed 0 --evaluator "$PWD/$CLI/evaluate.js" "${TRAIN_ARGS[@]}"

log "evaluation on $EVAL_N held-out captions: $EVAL_SETTINGS"
"$PY" train/evaluate.py --ckpt "$WORK/run/last.pt" --heldout "$WORK/data/heldout" --tok "$WORK/tok" \
  --evaluator "$CLI/evaluate.js" --out "$WORK/eval/report.json" --n "$EVAL_N" --settings "$EVAL_SETTINGS" \
  --which ema,model --sweep-n "$SWEEP_N" "${DIV[@]}"

log "export decoder.onnx + parity check (onnxruntime-node)"
"$PY" train/export.py --ckpt "$WORK/run/last.pt" --out "$MODEL_OUT/decoder.onnx" --cases "$WORK/parity-cases.json" \
  --heldout "$WORK/data/heldout" --tok "$WORK/tok" --report "$WORK/eval/report.json"
node train/verify-onnx.mjs "$MODEL_OUT/decoder.onnx" "$WORK/parity-cases.json" "$WORK/parity.json" \
  "$MODEL_OUT/vq-decoder.onnx"

log "manifest"
"$PY" train/manifest.py --ckpt "$WORK/run/last.pt" --data "$WORK/data/train" --tok "$WORK/tok" \
  --report "$WORK/eval/report.json" --parity "$WORK/parity.json" --out "$MODEL_OUT"
ls -l "$MODEL_OUT"
log "done: $MODEL_OUT"
