#!/usr/bin/env bash
# Reproduces builtin/en-fr.model, the built-in English to French translator:
# cased, byte-pair subwords (about 4,000 per side), bidirectional GRU encoder
# and GRU decoder of 256 with additive attention, embeddings 128, trained on
# eng-fra.tsv with the reference split (1,000 validation, 2,000 test pairs,
# shuffle seed 1234); the best validation BLEU is kept, stored in float16,
# the beam length penalty is tuned on the validation pairs, and the model is
# then scored on the 2,000 test pairs (never used in training or selection).
#
#   scripts/train-builtin-en-fr.sh [DATA] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/eng-fra.tsv}
steps=${2:-8000}
out=${OUT:-/tmp/recur-builtin/en-fr.model}
mkdir -p "$(dirname "$out")"
go build -o /tmp/recur-builtin/recur ./cmd/recur
resume=()
[ -f "$out.ckpt" ] && resume=(--resume)
/tmp/recur-builtin/recur train translate --data "$data" --out "$out" --keep-case --subwords 4000 \
  --cell gru --hidden 256 --embed 128 --attention additive --attention-dim 256 --batch 64 \
  --lr 2e-3 --lr-decay 0.97 --decay-every 250 --steps "$steps" --eval-every 500 --checkpoint-every 250 \
  --bleu-sentences 500 --seed 1 "${resume[@]}"
/tmp/recur-builtin/recur convert --model "$out" --dtype f16 --out /tmp/recur-builtin/en-fr.f16.model
best_lp=1 best_bleu=0
for lp in 0.2 0.4 0.6 0.8 1.0 1.2; do
  b=$(/tmp/recur-builtin/recur eval --model /tmp/recur-builtin/en-fr.f16.model --data "$out.val.tsv" --beam 5 --length-penalty $lp | awk '$1 == "bleu" {print $2}')
  echo "validation, beam 5, length penalty $lp: BLEU $b"
  if awk -v a="$b" -v b="$best_bleu" 'BEGIN {exit !(a > b)}'; then best_lp=$lp best_bleu=$b; fi
done
/tmp/recur-builtin/recur convert --model /tmp/recur-builtin/en-fr.f16.model --dtype f16 --out /tmp/recur-builtin/en-fr.f16.model \
  --meta "decode.length_penalty=$best_lp"
meta=(--meta "decode.length_penalty=$best_lp")
for beam in 1 5; do
  echo "test split ($out.test.tsv), beam $beam:"
  /tmp/recur-builtin/recur eval --model /tmp/recur-builtin/en-fr.f16.model --data "$out.test.tsv" --beam $beam | tee /tmp/recur-builtin/test-beam$beam.txt
  for k in bleu chrf; do
    meta+=(--meta "test.beam$beam.$k=$(awk -v k=$k '$1 == k {print $2}' /tmp/recur-builtin/test-beam$beam.txt)")
  done
done
/tmp/recur-builtin/recur convert --model /tmp/recur-builtin/en-fr.f16.model --dtype f16 --out builtin/en-fr.model \
  --meta "test.pairs=$(awk '$1 == "sentences" {print $2}' /tmp/recur-builtin/test-beam1.txt)" "${meta[@]}"
ls -l builtin/en-fr.model
