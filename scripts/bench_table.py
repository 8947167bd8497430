#!/usr/bin/env python3
"""Print the README's speed table (Markdown) from a recur and a PyTorch
results file of the same thread count:

    scripts/bench_table.py docs/bench/recur_1t.json docs/bench/torch_1t.json

Speedup is recur/PyTorch for throughputs and PyTorch/recur for latencies
(ms), as torch_ref.py --compare computes it; "% of its sgemm-4096" is recur's
GFLOP/s by the shared FLOP accounting over its own peak/sgemm-4096 figure.
Uses only the standard library."""
import json
import sys


def load(path):
    with open(path) as f:
        return {r["name"] + "|" + r["unit"]: r for r in json.load(f)["results"]}


def num(x):
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.1f}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rec, ref = load(sys.argv[1]), load(sys.argv[2])
    peak = next((r["value"] for k, r in rec.items() if k.startswith("peak/sgemm-4096|")), None)
    print("| benchmark | unit | PyTorch 1.13 + OpenBLAS | recur | speedup | recur GFLOP/s (% of its sgemm-4096) | peak RSS recur |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key, r in rec.items():
        t = ref.get(key)
        if t is None:
            continue
        name, unit = key.split("|")
        sp = r["value"] / t["value"] if r["higher_is_better"] else t["value"] / r["value"]
        spd = f"**{sp:.2f}**" if not name.startswith("peak/") else f"{sp:.2f}"
        gf = ""
        if r.get("gflops") and peak and not name.startswith("peak/"):
            gf = f"{r['gflops']:.1f} ({100 * r['gflops'] / peak:.0f}%)"
        rss = r.get("also", {}).get("peak_rss_mib")
        rss = f"{rss:.0f} MiB" if rss else ""
        print(f"| {name} | {unit} | {num(t['value'])} | {num(r['value'])} | {spd} | {gf} | {rss} |")


if __name__ == "__main__":
    main()
