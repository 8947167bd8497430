#!/usr/bin/env bash
# bench-beam.sh: sentences/s of `recur translate` against `recur-beam
# translate` (Prism runner, in-process) on the same 5,000 English sentences
# of eng-fra.tsv and the same number of threads. Run it alone on the machine.
#
#   scripts/bench-beam.sh [THREADS] [N]     (defaults: all CPUs, 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-$(nproc)}
N=${2:-5000}
DATA=../shared/datasets/eng-fra.tsv
[ -f "$DATA" ] || { echo "missing $DATA" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/recur" ./cmd/recur
go build -o "$WORK/recur-beam" ./cmd/recur-beam
# awk stops by itself after N lines (head would end the pipe with SIGPIPE under pipefail).
awk -F'\t' -v n="$N" '$1 !~ /^[[:space:]]*$/ { print $1; if (++k >= n) exit }' "$DATA" > "$WORK/all.txt"
mkdir -p "$WORK/in"
split -n l/4 -d --additional-suffix=.txt "$WORK/all.txt" "$WORK/in/part"
now() { date +%s.%N; }

t0=$(now)
"$WORK/recur" translate --beam 1 --threads "$THREADS" < "$WORK/all.txt" > "$WORK/recur.out"
t1=$(now)
"$WORK/recur-beam" translate --beam 1 --threads "$THREADS" --input "$WORK/in/*.txt" --output "$WORK/out/fr" 2> "$WORK/beam.log"
t2=$(now)
tail -n 1 "$WORK/beam.log"

lines=$(wc -l < "$WORK/all.txt")
out=$(cat "$WORK/out/"fr-0*-of-*.tsv | wc -l)
[ "$out" -eq "$lines" ] || echo "warning: recur-beam wrote $out lines for $lines inputs" >&2
awk -v n="$lines" -v a="$t0" -v b="$t1" -v c="$t2" -v th="$THREADS" 'BEGIN {
	r1 = n / (b - a); r2 = n / (c - b)
	printf "threads %d, %d sentences\n", th, n
	printf "recur translate --beam 1:        %7.1f sentences/s (%.1fs)\n", r1, b - a
	printf "recur-beam translate (Prism):    %7.1f sentences/s (%.1fs, process start and pipeline set-up included)\n", r2, c - b
	printf "recur-beam / recur:              %7.1f%%\n", 100 * r2 / r1
}'
