# Usage: python3 pyref.py DATASETS/gpt2 golden.json golden.json
# Independent Python check of recur's GPT-2 goldens: GPT-2's algorithm
# (encoder.py) transcribed with the `regex` module GPT-2 itself uses.
import json, sys, regex
d = sys.argv[1]
enc = json.load(open(d + "/vocab.json", encoding="utf-8"))
lines = open(d + "/merges.txt", encoding="utf-8").read().split("\n")[1:-1]
ranks = {tuple(l.split()): i for i, l in enumerate(lines)}
bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
cs = bs[:]
n = 0
for b in range(256):
    if b not in bs:
        bs.append(b); cs.append(256 + n); n += 1
b2u = dict(zip(bs, map(chr, cs)))
pat = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
def bpe(tok):
    word = list(tok)
    while len(word) > 1:
        pairs = set(zip(word, word[1:]))
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks: break
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and word[i] == best[0] and word[i + 1] == best[1]:
                out.append(best[0] + best[1]); i += 2
            else:
                out.append(word[i]); i += 1
        word = out
    return word
def encode(text):
    ids = []
    for piece in regex.findall(pat, text):
        ids += [enc[t] for t in bpe("".join(b2u[b] for b in piece.encode("utf-8")))]
    return ids
g = json.load(open(sys.argv[2], encoding="utf-8"))
bad = 0
for c in g["cases"]:
    if c.get("special"): continue
    if encode(c["text"]) != c["ids"]:
        bad += 1; print("DIFF", repr(c["text"]))
print("checked", len(g["cases"]), "differences", bad, file=sys.stderr)
extra = ["NEL\u0085line", "BOM\ufeffhere", "seps\x1c\x1d\x1e\x1fend", "vt\x0bff\x0c", "  \u0085 x", "\u2028para\u2029graph", "ogham\u1680space"]
cases = [c for c in g["cases"] if c["source"] != "python-regex"]
cases += [{"source": "python-regex", "text": t, "ids": encode(t)} for t in extra]
note = g["note"] + "; all checked against pyref.py (Python regex " + regex.__version__ + "), which added the python-regex cases"
with open(sys.argv[3], "w", encoding="utf-8") as f:
    f.write('{\n"note": ' + json.dumps(note) + ',\n"cases": [\n')
    f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
    f.write("\n]}\n")
