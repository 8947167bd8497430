#!/usr/bin/env bash
# Reproduces the word-level figure in the README: a 2 x 256 LSTM over
# lowercased words, punctuation and line breaks of tiny Shakespeare (tokens
# seen fewer than twice become <unk>), embedding 256, dropout 0.3 on the
# embeddings, between layers and on the output, 32 streams x 35 tokens, Adam
# 2e-3 constant, clip 5, 2,000 steps; then scores the last 10%.
#
#   scripts/train-word-shakespeare.sh [DATA] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/tinyshakespeare.txt}
out=${2:-/tmp/recur-builtin/words.model}
mkdir -p "$(dirname "$out")"
go build -o /tmp/recur-builtin/recur ./cmd/recur
/tmp/recur-builtin/recur train textgen --data "$data" --level word --cell lstm --layers 2 --hidden 256 \
  --embed 256 --dropout 0.3 --embed-dropout 0.3 --batch 32 --seq 35 --lr 2e-3 --lr-decay 1 \
  --steps 2000 --eval-every 250 --checkpoint-every 250 --seed 1 --out "$out"
/tmp/recur-builtin/recur eval --model "$out" --data "$data"
