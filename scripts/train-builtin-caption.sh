#!/usr/bin/env bash
# Reproduces builtin/caption.model, the built-in scene captioner: 8,000
# rendered 64×64 scenes (seed 1, all 13 caption variants listed per image),
# a CNN (RGB + x,y planes)→16→32→64 whose flattened 8×8×64 map starts
# the GRU decoder (128, embeddings 32) and whose grid it
# attends to (coordinate planes on: --coords), 9,000 steps of 32 images, best validation exact match kept,
# stored in float16. It is then scored with beam 3 on 2,000 freshly
# rendered scenes of a seed never used in training (99).
#
#   scripts/train-builtin-caption.sh [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-9000}
work=${WORK:-/tmp/recur-builtin-caption}
mkdir -p "$work"
go build -o "$work/recur" ./cmd/recur
[ -f "$work/scenes-train/captions.txt" ] || "$work/recur" datasets scenes --out "$work/scenes-train" --n 8000 --seed 1 --captions 13
[ -f "$work/scenes-test/captions.txt" ] || "$work/recur" datasets scenes --out "$work/scenes-test" --n 2000 --seed 99 --captions 13
resume=()
[ -f "$work/caption.model.ckpt" ] && resume=(--resume)
"$work/recur" train caption --data "$work/scenes-train" --out "$work/caption.model" --channels 16,32,64 --attention --init flat \
  --cell gru --hidden 128 --embed 32 --batch 32 --steps "$steps" --lr 3e-3 --lr-decay 0.8 --decay-every 600 \
  --val 300 --eval-every 500 --seed 1 --threads 1 "${resume[@]}"
"$work/recur" convert --model "$work/caption.model" --dtype f16 --out "$work/caption.f16.model"
"$work/recur" eval --model "$work/caption.f16.model" --data "$work/scenes-test" --beam 3 | tee "$work/test-beam3.txt"
"$work/recur" convert --model "$work/caption.f16.model" --dtype f16 --out builtin/caption.model \
  --meta "test.scenes=2000 (seed 99)" \
  --meta "test.beam3.exact_match=$(awk '$1 == "exact_match" {print $2}' "$work/test-beam3.txt")" \
  --meta "test.beam3.bleu=$(awk '$1 == "bleu" {print $2}' "$work/test-beam3.txt")"
ls -l builtin/caption.model
