#!/usr/bin/env python3
"""Check that recur's GPT computes what a plain PyTorch GPT-2 computes.

Builds GPT-2 in plain PyTorch (no transformers library: token and position
embeddings, pre-LayerNorm blocks of causal multi-head self-attention and a
4x MLP with tanh-approximated GELU, a final LayerNorm, a head tied to the
token embedding unless lm_head.weight differs) from either

  * a recur model file (safetensors, nanoGPT's tensor names
    transformer.h.{i}.attn.c_attn.weight [3C, C], ..., recur's metadata), or
  * a Hugging Face GPT-2 checkpoint folder (config.json, model.safetensors;
    keys with or without "transformer.", Conv1D weights stored [in, out]),

runs a fixed token sequence in float64, asks `recur logits` for the same
sequence and compares the logits (one row per input token).

It can also WRITE a random tiny checkpoint folder in Hugging Face's layout,
so the cross-check runs on a folder built by PyTorch rather than by recur
(--untied adds a separate lm_head.weight and tie_word_embeddings false):

    /usr/bin/python3 scripts/check_gpt_pytorch.py --make-folder /tmp/g16 --float16 --no-prefix
    /usr/bin/python3 scripts/check_gpt_pytorch.py --make-folder /tmp/gu --untied
    /usr/bin/python3 scripts/check_gpt_pytorch.py --recur /tmp/recur /tmp/g16 /tmp/gu gpt.model
    /usr/bin/python3 scripts/check_gpt_pytorch.py --print /tmp/g16     # reference logits only

--self-check DIR does all of it at once: it writes four folders under DIR
(tied and untied head, each float32 with the prefix and float16 without),
converts each with `recur convert` and checks the eight models:

    go build -o /tmp/recur ./cmd/recur
    /usr/bin/python3 scripts/check_gpt_pytorch.py --recur /tmp/recur --self-check /tmp/gptcheck

Needs Debian's python3-torch (apt-get install python3-torch); the Go build
and `go test` do not. Exit status 0 when every model agrees within --tol.
"""
import argparse
import json
import math
import os
import re
import struct
import subprocess
import sys

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I32": np.int32, "I64": np.int64}
CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
MASK = re.compile(r"^h\.\d+\.attn\.(bias|masked_bias)$")


def read_safetensors(path):
    """Return (metadata, {name: float64 tensor}); BF16 is widened by hand."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        raw = data[base + b:base + e]
        if t["dtype"] == "BF16":
            arr = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        elif t["dtype"] == "BOOL":
            arr = np.frombuffer(raw, dtype=np.uint8)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[t["dtype"]])
        out[name] = torch.from_numpy(arr.astype(np.float64).reshape(t["shape"]))
    return meta, out


def load_folder(d):
    """A Hugging Face GPT-2 folder -> (config, weights in recur's layout)."""
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    _, raw = read_safetensors(os.path.join(d, "model.safetensors"))
    w = {}
    for name, t in raw.items():
        bare = name[len("transformer."):] if name.startswith("transformer.") else name
        if MASK.match(bare):
            continue  # causal-mask buffers, not weights
        if bare.endswith(CONV1D):
            t = t.T.contiguous()  # Conv1D [in, out] -> nn.Linear [out, in]
        w[bare if bare == "lm_head.weight" else "transformer." + bare] = t
    return {"n_embd": cfg["n_embd"], "n_layer": cfg["n_layer"], "n_head": cfg["n_head"],
            "eps": cfg.get("layer_norm_epsilon", 1e-5)}, w


def load_recur(path, heads):
    """A recur GPT model file -> (config, weights). Sizes come from the
    tensors; the head count from the stored config (or --heads)."""
    meta, w = read_safetensors(path)
    C = w["transformer.wte.weight"].shape[1]
    L = len({k.split(".")[2] for k in w if k.startswith("transformer.h.")})
    cfg = {}
    for key in ("config", "gpt"):
        if key in meta:
            try:
                cfg = json.loads(meta[key])
            except ValueError:
                pass
    flat = dict(cfg)
    for v in cfg.values():
        if isinstance(v, dict):
            flat.update(v)
    if ("lm_head.weight" in w) != bool(flat.get("untied_head")):
        sys.exit(f"{path}: lm_head.weight {'present' if 'lm_head.weight' in w else 'absent'} "
                 f"but the config's untied_head is {flat.get('untied_head')}")
    H = heads or next((flat[k] for k in ("Heads", "heads", "n_head", "NHead") if k in flat), None)
    if not H:
        sys.exit(f"{path}: cannot find the number of heads in its config metadata; pass --heads")
    eps = next((flat[k] for k in ("LayerNormEps", "Eps", "layer_norm_epsilon", "eps") if k in flat), 1e-5)
    return {"n_embd": C, "n_layer": L, "n_head": int(H), "eps": eps}, w


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def gpt_logits(cfg, w, tokens):
    """Plain GPT-2 forward pass over one sequence; returns [T, vocab]."""
    C, H, eps = cfg["n_embd"], cfg["n_head"], cfg["eps"]
    D, T = C // H, len(tokens)
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (C,), w[p + ".weight"], w[p + ".bias"], eps)
    lin = lambda x, p: x @ w[p + ".weight"].T + w[p + ".bias"]
    x = w["transformer.wte.weight"][tokens] + w["transformer.wpe.weight"][:T]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        q, k, v = lin(ln(x, p + "ln_1"), p + "attn.c_attn").split(C, dim=1)
        q, k, v = (t.view(T, H, D).transpose(0, 1) for t in (q, k, v))  # [H, T, D]
        att = (q @ k.transpose(1, 2)) / math.sqrt(D)
        att = torch.softmax(att.masked_fill(future, float("-inf")), dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, C)
        x = x + lin(y, p + "attn.c_proj")
        x = x + lin(gelu_tanh(lin(ln(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
    x = ln(x, "transformer.ln_f")
    head = w.get("lm_head.weight", w["transformer.wte.weight"])
    return x @ head.T


# --------------------------------------------------------------------------
# Writing a random Hugging Face GPT-2 folder
# --------------------------------------------------------------------------

def byte_symbols():
    """GPT-2's byte -> character table, ids in vocab.json order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def write_tokenizer(d, vocab):
    syms = byte_symbols()
    ids = {s: i for i, s in enumerate(syms)}
    merges = []
    letters = "etaoinshrdlucmfwypvbgk"
    pairs = [("Ġ", a) for a in letters] + [(a, b) for a in letters for b in letters]
    for a, b in pairs:
        if len(ids) + 1 >= vocab:
            break
        if a + b not in ids:
            merges.append(f"{a} {b}")
            ids[a + b] = len(ids)
    if len(ids) + 1 != vocab:
        sys.exit(f"--vocab {vocab}: this writer makes byte-level vocabularies of 257..{256 + len(pairs) + 1} tokens")
    ids["<|endoftext|>"] = len(ids)
    with open(os.path.join(d, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(ids, f, ensure_ascii=False)
    with open(os.path.join(d, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")


def make_folder(args):
    g = torch.Generator().manual_seed(args.seed)
    C, L, P, V = args.n_embd, args.n_layer, args.n_positions, args.vocab
    rnd = lambda *shape, std=0.2, base=0.0: base + std * torch.randn(*shape, generator=g)
    std = 0.5 / math.sqrt(C)
    w = {"wte.weight": rnd(V, C), "wpe.weight": rnd(P, C)}
    for i in range(L):
        h = f"h.{i}."
        w.update({
            h + "ln_1.weight": rnd(C, std=0.1, base=1.0), h + "ln_1.bias": rnd(C, std=0.1),
            # Hugging Face's Conv1D stores these [in, out]: y = x @ W + b
            h + "attn.c_attn.weight": rnd(C, 3 * C, std=std), h + "attn.c_attn.bias": rnd(3 * C, std=0.1),
            h + "attn.c_proj.weight": rnd(C, C, std=std), h + "attn.c_proj.bias": rnd(C, std=0.1),
            h + "ln_2.weight": rnd(C, std=0.1, base=1.0), h + "ln_2.bias": rnd(C, std=0.1),
            h + "mlp.c_fc.weight": rnd(C, 4 * C, std=std), h + "mlp.c_fc.bias": rnd(4 * C, std=0.1),
            h + "mlp.c_proj.weight": rnd(4 * C, C, std=std / 2), h + "mlp.c_proj.bias": rnd(C, std=0.1),
        })
        if args.masks:
            w[h + "attn.bias"] = torch.tril(torch.ones(P, P)).view(1, 1, P, P)
            w[h + "attn.masked_bias"] = torch.tensor(-1e4)
    w["ln_f.weight"], w["ln_f.bias"] = rnd(C, std=0.1, base=1.0), rnd(C, std=0.1)
    if args.untied:
        w["lm_head.weight"] = rnd(V, C)
    os.makedirs(args.make_folder, exist_ok=True)
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in w.items():
        mask = MASK.match(name)
        dt = "F16" if args.float16 and not mask else "F32"
        b = t.numpy().astype(np.float16 if dt == "F16" else np.float32).tobytes()
        key = name if (args.no_prefix or name == "lm_head.weight") else "transformer." + name
        header[key] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * (-len(hb) % 8)
    with open(os.path.join(args.make_folder, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
    cfg = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
           "n_embd": C, "n_layer": L, "n_head": args.n_head, "n_positions": P, "n_ctx": P, "n_inner": None,
           "vocab_size": V, "layer_norm_epsilon": 1e-5, "bos_token_id": V - 1, "eos_token_id": V - 1,
           "tie_word_embeddings": not args.untied}
    with open(os.path.join(args.make_folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    write_tokenizer(args.make_folder, V)
    print(f"wrote {args.make_folder}: GPT-2 {L} x {C}, {args.n_head} heads, {P} positions, vocab {V}, "
          f"{'F16' if args.float16 else 'F32'}, {'no prefix' if args.no_prefix else 'transformer. prefix'}, "
          f"{'untied' if args.untied else 'tied'} head{', mask buffers' if args.masks else ''}")


def self_check(args):
    """Write tied and untied folders (F32 prefixed, F16 bare) under
    args.self_check, convert each with recur; return the paths to check."""
    paths = []
    for untied in (False, True):
        for f16 in (False, True):
            d = os.path.join(args.self_check, f"{'untied' if untied else 'tied'}-{'f16' if f16 else 'f32'}")
            sub = argparse.Namespace(**vars(args))
            sub.make_folder, sub.untied, sub.float16, sub.no_prefix = d, untied, f16, f16
            sub.masks = f16  # the mask buffers in one of each pair
            make_folder(sub)
            out = d + ".model"
            cmd = [args.recur, "convert", "--model", d, "--out", out]
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"{' '.join(cmd)} exited with {run.returncode}: {run.stderr.strip()}")
            paths += [d, out]
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="recur GPT model files and/or Hugging Face GPT-2 folders")
    ap.add_argument("--recur", default="recur", help="path of the recur binary")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--tokens", help="comma-separated ids (default: 12 fixed ids)")
    ap.add_argument("--heads", type=int, help="head count of a recur file whose metadata does not say")
    ap.add_argument("--print", action="store_true", help="print the reference logits as `recur logits` JSON, do not run recur")
    mk = ap.add_argument_group("writing a random checkpoint folder")
    mk.add_argument("--make-folder", metavar="DIR")
    mk.add_argument("--float16", action="store_true", help="store weights as F16")
    mk.add_argument("--no-prefix", action="store_true", help="keys without 'transformer.'")
    mk.add_argument("--untied", action="store_true", help="write a separate lm_head.weight")
    mk.add_argument("--masks", action="store_true", help="also write the attn.bias/attn.masked_bias buffers")
    mk.add_argument("--self-check", metavar="DIR", help="write tied and untied, F32 and F16 folders under DIR, "
                    "convert each with recur and check all of them")
    mk.add_argument("--seed", type=int, default=1)
    mk.add_argument("--n-embd", type=int, default=8)
    mk.add_argument("--n-layer", type=int, default=2)
    mk.add_argument("--n-head", type=int, default=2)
    mk.add_argument("--n-positions", type=int, default=16)
    mk.add_argument("--vocab", type=int, default=300)
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    if args.make_folder:
        make_folder(args)
    models = list(args.models)
    if args.self_check:
        models += self_check(args)
    worst = 0.0
    ok = True
    for path in models:
        cfg, w = load_folder(path) if os.path.isdir(path) else load_recur(path, args.heads)
        V = w["transformer.wte.weight"].shape[0]
        T = min(12, w["transformer.wpe.weight"].shape[0])
        tokens = [int(t) for t in args.tokens.split(",")] if args.tokens else [(3 + 7 * i) % V for i in range(T)]
        ref = gpt_logits(cfg, w, tokens)
        what = (f"GPT {cfg['n_layer']} x {cfg['n_embd']}, {cfg['n_head']} heads, "
                f"{'untied' if 'lm_head.weight' in w else 'tied'} head")
        if args.print:
            json.dump({"logits": ref.tolist()}, sys.stdout)
            print()
            continue
        cmd = [args.recur, "logits", "--model", path, "--tokens", ",".join(map(str, tokens))]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            sys.exit(f"cannot run {args.recur}: {e} (build it: go build -o /tmp/recur ./cmd/recur; pass --recur /tmp/recur)")
        if run.returncode != 0:
            print(f"FAILED  {path}: {' '.join(cmd)} exited with {run.returncode}: {run.stderr.strip()}")
            ok = False
            continue
        got = torch.tensor(json.loads(run.stdout)["logits"], dtype=torch.float64)
        if got.shape != ref.shape:
            print(f"MISMATCH  {path}: recur gave logits of shape {tuple(got.shape)}, torch {tuple(ref.shape)}")
            ok = False
            continue
        diff = (got - ref).abs().max().item()
        worst = max(worst, diff)
        status = "OK" if diff <= args.tol else "MISMATCH"
        ok &= diff <= args.tol
        print(f"{status}  {path}: {what}, {ref.shape[0]} steps x {ref.shape[1]} logits, max |recur - torch| = {diff:.2e} (tol {args.tol:g})")
    if len(models) > 1 and not args.print:
        print(f"{'all agree' if ok else 'NOT all agree'}: {len(models)} models, max |recur - torch| = {worst:.2e}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
