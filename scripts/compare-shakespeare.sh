#!/usr/bin/env bash
# The lesson's three ways to generate text, compared on tiny Shakespeare
# (character level, validation = the last 10%): a Markov chain, an LSTM and
# a GPT, each trained by recur on this machine, then sampled from the same
# prompt and seed.
#
#   scripts/compare-shakespeare.sh [DATA]
#
# Two LSTMs: the built-in model (scripts/train-builtin-shakespeare.sh, 17
# minutes on two threads) and a 2 x 384 one with dropout 0.3, 5,000 steps
# (about 28 minutes on one thread here: a 2 x 256/384 LSTM at batch 32 gains
# little from a second thread). The GPT is 4 layers x 4 heads x 256, context
# 128, batch 32, dropout 0.1, with AdamW steps sized to about 28 minutes on
# two threads here. --steps sets the learning-rate schedule's length, so a
# faster or slower machine should scale --steps to keep the 30-minute budget.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/tinyshakespeare.txt}
work=${WORK:-/tmp/recur-compare}
mkdir -p "$work"
go build -o "$work/recur" ./cmd/recur
r="$work/recur"
time "$r" train textgen --data "$data" --arch markov --order 5 --out "$work/markov.model" --force
time "$r" train textgen --data "$data" --out "$work/lstm384.model" --force --level char --cell lstm \
  --layers 2 --hidden 384 --embed 64 --dropout 0.3 --batch 32 --seq 100 --lr 2e-3 --lr-decay 0.9 \
  --decay-every 250 --clip 5 --steps 5000 --eval-every 500 --threads 1 --seed 1
time "$r" train textgen --arch gpt --data "$data" --out "$work/gpt.model" --force \
  --layers 4 --heads 4 --embed 256 --context 128 --batch 32 --dropout 0.1 --steps 2800 --threads 2 --seed 1
for m in "$work/markov.model" builtin "$work/lstm384.model" "$work/gpt.model"; do
  model=(--model "$m"); [ "$m" = builtin ] && model=()
  echo "== $m"
  "$r" eval "${model[@]}" --data "$data"
  "$r" generate "${model[@]}" --prompt "ROMEO:" --length 200 --temperature 0.8 --seed 7
done
