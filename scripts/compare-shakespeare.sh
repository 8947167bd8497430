#!/usr/bin/env bash
# The lesson's three ways to generate text, compared on tiny Shakespeare
# (character level, validation = the last 10%): a Markov chain, an LSTM and
# a GPT, each trained by recur on this machine, then sampled from the same
# prompt and seed.
#
#   scripts/compare-shakespeare.sh [DATA]
#
# The LSTM is the built-in model (scripts/train-builtin-shakespeare.sh, 17
# minutes on two threads); the GPT is 4 layers x 4 heads x 256, context 128,
# batch 32, dropout 0.1, 2,800 AdamW steps sized to about 26 minutes on two
# threads here (--steps sets the cosine schedule's length, so a faster or
# slower machine should scale --steps to keep the budget).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/tinyshakespeare.txt}
work=${WORK:-/tmp/recur-compare}
mkdir -p "$work"
go build -o "$work/recur" ./cmd/recur
r="$work/recur"
time "$r" train textgen --data "$data" --arch markov --order 5 --out "$work/markov.model" --force
time "$r" train textgen --arch gpt --data "$data" --out "$work/gpt.model" --force \
  --layers 4 --heads 4 --embed 256 --context 128 --batch 32 --dropout 0.1 --steps 2800 --threads 2 --seed 1
for m in "$work/markov.model" builtin "$work/gpt.model"; do
  model=(--model "$m"); [ "$m" = builtin ] && model=()
  echo "== $m"
  "$r" eval "${model[@]}" --data "$data"
  "$r" generate "${model[@]}" --prompt "ROMEO:" --length 200 --temperature 0.8 --seed 7
done
