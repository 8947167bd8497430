#!/usr/bin/env bash
# Reproduces builtin/caption.model, the built-in scene captioner:
#
#   - data: 20,000 rendered 64×64 scenes (seed 1, all 13 caption variants
#     listed per image), 300 of them held out for validation;
#   - model: a CNN (RGB + x,y planes) → 16 → 32 → 64 whose flattened 8×8×64
#     map starts a GRU decoder (128, embeddings 32) that attends to the grid
#     with input feeding (--input-feeding: the context goes into the GRU, so
#     the state knows where it looked) and each cell's x, y appended to its
#     features (--grid-coords);
#   - training: only the captions that say "left of" or "above"
#     (--train-captions), one of each mirrored pair ("A left of B" / "B right
#     of A"), so the decoder learns one way to say each scene; validation and
#     the test accept every true caption. 20,000 steps of 32 images on one
#     thread (deterministic), best validation exact match kept, stored in
#     float16.
#
# It is then scored with beam 3 on 2,000 freshly rendered scenes of a seed
# never used in training (99).
#
#   scripts/train-builtin-caption.sh [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20000}
work=${WORK:-/tmp/recur-builtin-caption}
mkdir -p "$work"
go build -o "$work/recur" ./cmd/recur
[ -f "$work/scenes-train/captions.txt" ] || "$work/recur" datasets scenes --out "$work/scenes-train" --n 20000 --seed 1 --captions 13
[ -f "$work/scenes-test/captions.txt" ] || "$work/recur" datasets scenes --out "$work/scenes-test" --n 2000 --seed 99 --captions 13
resume=()
[ -f "$work/caption.model.ckpt" ] && resume=(--resume)
"$work/recur" train caption --data "$work/scenes-train" --out "$work/caption.model" --channels 16,32,64 \
  --attention --input-feeding --grid-coords --init flat --cell gru --hidden 128 --embed 32 \
  --train-captions 'left of|above' --batch 32 --steps "$steps" --lr 3e-3 --lr-decay 0.9 --decay-every 1500 \
  --val 300 --eval-every 1000 --checkpoint-every 1000 --seed 1 --threads 1 "${resume[@]}"
"$work/recur" convert --model "$work/caption.model" --dtype f16 --out "$work/caption.f16.model"
"$work/recur" eval --model "$work/caption.f16.model" --data "$work/scenes-test" --beam 3 | tee "$work/test-beam3.txt"
"$work/recur" convert --model "$work/caption.f16.model" --dtype f16 --out builtin/caption.model \
  --meta "test.scenes=2000 (seed 99)" \
  --meta "test.beam3.exact_match=$(awk '$1 == "exact_match" {print $2}' "$work/test-beam3.txt")" \
  --meta "test.beam3.bleu=$(awk '$1 == "bleu" {print $2}' "$work/test-beam3.txt")"
ls -l builtin/caption.model
