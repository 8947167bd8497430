#!/usr/bin/env bash
# Reproduces builtin/shakespeare.model, the built-in character model:
# a 2 x 256 LSTM (embedding 64, dropout 0.1) trained on tiny Shakespeare with
# the char-rnn recipe (32 streams x 100 chars, Adam 2e-3, clip 5, lr x0.97
# every 250 steps), then stored in float16. The model's metadata records the
# data's sha256, the steps and the validation loss.
#
#   scripts/train-builtin-shakespeare.sh [DATA] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/tinyshakespeare.txt}
steps=${2:-4000}
out=${OUT:-/tmp/recur-builtin/shakespeare.model}
mkdir -p "$(dirname "$out")"
go build -o /tmp/recur-builtin/recur ./cmd/recur
resume=()
[ -f "$out.ckpt" ] && resume=(--resume)
/tmp/recur-builtin/recur train textgen --data "$data" --level char --cell lstm --layers 2 --hidden 256 \
  --embed 64 --dropout 0.1 --batch 32 --seq 100 --lr 2e-3 --lr-decay 0.97 --decay-every 250 --clip 5 \
  --steps "$steps" --eval-every 250 --checkpoint-every 250 --seed 1 --out "$out" "${resume[@]}"
/tmp/recur-builtin/recur convert --model "$out" --dtype f16 --out builtin/shakespeare.model
/tmp/recur-builtin/recur eval --model builtin/shakespeare.model --data "$data"
