#!/usr/bin/env bash
# Reproduces the classifier figures: language identification (English vs
# French) from eng-fra.tsv, and the shape of one-shape rendered scenes.
#
#   scripts/train-classifiers.sh [ENG-FRA.TSV]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/eng-fra.tsv}
work=${WORK:-/tmp/recur-classifiers}
mkdir -p "$work"
go build -o "$work/recur" ./cmd/recur

# Many-to-one: every English sentence labelled en, every French one fr
# (duplicates are dropped by the loader), 2,000 held out.
awk -F'\t' '{print "en\t" $1; print "fr\t" $2}' "$data" > "$work/lang.tsv"
"$work/recur" train classify --data "$work/lang.tsv" --out "$work/lang.model" --steps 1500 --val 2000 --eval-every 500 --threads 1
"$work/recur" classify --model "$work/lang.model" "Je suis là." "I am here."

# One-to-one: the CNN alone learns the shape of one-shape scenes (4,000
# rendered with seed 5, 1,000 held out), then labels 1,000 fresh scenes of
# seed 77.
"$work/recur" datasets scenes --out "$work/shapes" --n 4000 --seed 5 --max-shapes 1
"$work/recur" train classify-image --data "$work/shapes" --label shape --out "$work/shapes.model" --val 1000 --steps 400 --eval-every 200 --threads 1
"$work/recur" datasets scenes --out "$work/shapes-test" --n 1000 --seed 77 --max-shapes 1
"$work/recur" classify --model "$work/shapes.model" "$work"/shapes-test/*.png > "$work/shapes-test.pred"
awk -F'\t' 'NR==FNR{if(FNR>1) lab[$1]=$2; next} {n++; f=$1; sub(".*/", "", f); if(lab[f]==$2) ok++} END{printf "held-out shape accuracy %d/%d = %.2f%%\n", ok, n, 100*ok/n}' \
  "$work/shapes-test/labels.tsv" "$work/shapes-test.pred"
