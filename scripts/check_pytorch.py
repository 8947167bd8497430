#!/usr/bin/env python3
"""Check that recur computes what PyTorch computes with the same weights.

Loads a recur model file (safetensors layout, PyTorch tensor names) into
torch.nn.Embedding / LSTM / GRU / Linear modules, runs a fixed input, asks
`recur logits` for the same input, and compares the logits. Needs Debian's
python3-torch (apt-get install python3-torch); the Go build and `go test`
do not.

    /usr/bin/python3 scripts/check_pytorch.py --recur /tmp/recur MODEL [MODEL...]

Exit status 0 when every model agrees within --tol (default 1e-4).
"""
import argparse
import json
import struct
import subprocess
import sys

import numpy as np
import torch


def read_model(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        raw = data[base + b:base + e]
        dt = {"F32": np.float32, "F16": np.float16, "I32": np.int32}[t["dtype"]]
        arr = np.frombuffer(raw, dtype=dt).reshape(t["shape"])
        if dt == np.float16:
            arr = arr.astype(np.float32)
        tensors[name] = torch.from_numpy(arr.copy())
    return meta, tensors


def rnn_module(cell, inp, hidden, layers):
    cls = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    return cls(input_size=inp, hidden_size=hidden, num_layers=layers)


def load_rnn(mod, tensors, prefix, layers, suffix=""):
    sd = {}
    for l in range(layers):
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            sd[f"{kind}_l{l}"] = tensors[f"{prefix}.{kind}_l{l}{suffix}"]
    mod.load_state_dict(sd)


def section(cfg, name):
    """cfg[name] with its keys folded (lower case, no underscores): model
    files written before recur's configs had JSON tags say "Cell", "Hidden",
    newer ones "cell", "hidden"."""
    return {k.lower().replace("_", ""): v for k, v in cfg[name].items()}


def linear(tensors, name):
    w = tensors[name + ".weight"]
    m = torch.nn.Linear(w.shape[1], w.shape[0])
    m.load_state_dict({"weight": w, "bias": tensors[name + ".bias"]})
    return m


def textgen_logits(meta, tensors, tokens):
    cfg = json.loads(meta["config"])
    d = section(cfg, "decoder")
    emb = torch.nn.Embedding.from_pretrained(tensors["embed.weight"])
    rnn = rnn_module(d["cell"], d["embed"], d["hidden"], d["layers"])
    load_rnn(rnn, tensors, "rnn", d["layers"])
    out = linear(tensors, "out")
    x = emb(torch.tensor(tokens)).unsqueeze(1)  # [T, 1, E]
    y, _ = rnn(x)
    return out(y.squeeze(1))


def translate_logits(meta, tensors, src, tokens):
    cfg = json.loads(meta["config"])
    e, d = section(cfg, "encoder"), section(cfg, "decoder")
    assert e["cell"] == "gru" and d["cell"] == "gru", "this check implements GRU translators"
    H = e["hidden"]
    x = torch.nn.Embedding.from_pretrained(tensors["enc.embed.weight"])(torch.tensor(src)).unsqueeze(1)
    final = None
    for l in range(e["layers"]):
        f = rnn_module("gru", x.shape[2], H, 1)
        load_one = {k: tensors[f"enc.rnn.{k[:-3]}_l{l}"] for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")}
        f.load_state_dict(load_one)
        yf, hf = f(x)
        y, final = yf, hf[0, 0]
        if e["bidirectional"]:
            b = rnn_module("gru", x.shape[2], H, 1)
            b.load_state_dict({k: tensors[f"enc.rnn.{k[:-3]}_l{l}_reverse"] for k in load_one})
            yb, hb = b(torch.flip(x, [0]))
            y = yf + torch.flip(yb, [0])  # directions summed, as recur does
            final = final + hb[0, 0]
        x = y
    memory = x.squeeze(1)  # [S, H]
    h0 = [torch.tanh(linear(tensors, f"bridge.l{l}")(final)) for l in range(d["layers"])]
    dec = rnn_module("gru", d["embed"], d["hidden"], d["layers"])
    load_rnn(dec, tensors, "rnn", d["layers"])
    emb = torch.nn.Embedding.from_pretrained(tensors["embed.weight"])
    y, _ = dec(emb(torch.tensor(tokens)).unsqueeze(1), torch.stack(h0).unsqueeze(1))
    y = y.squeeze(1)  # [T, H]
    if d.get("attention") == "additive":
        q = y @ tensors["attn.wq.weight"].T + tensors["attn.bias"]
        k = memory @ tensors["attn.wk.weight"].T
        scores = torch.tanh(q[:, None, :] + k[None, :, :]) @ tensors["attn.v.weight"]
    else:
        scores = y @ (memory @ tensors["attn.w.weight"].T).T
    ctx = torch.softmax(scores, dim=1) @ memory
    h = torch.tanh(linear(tensors, "combine")(torch.cat([y, ctx], dim=1)))
    return linear(tensors, "out")(h)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--recur", default="recur", help="path of the recur binary")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    ok = True
    for path in args.models:
        meta, tensors = read_model(path)
        task = meta["recur.task"]
        if task == "textgen":
            vocab = len(json.loads(meta["vocab"]))
            tokens = [i % vocab for i in range(3, 3 + 12)]
            ref = textgen_logits(meta, tensors, tokens)
            cmd = [args.recur, "logits", "--model", path, "--tokens", ",".join(map(str, tokens))]
            what = section(json.loads(meta["config"]), "decoder")["cell"] + " language model"
        elif task == "translate":
            sv, tv = len(json.loads(meta["src_vocab"])), len(json.loads(meta["tgt_vocab"]))
            src = [4 + (7 * i) % (sv - 4) for i in range(9)]
            tokens = [2] + [4 + (5 * i) % (tv - 4) for i in range(7)]
            ref = translate_logits(meta, tensors, src, tokens)
            cmd = [args.recur, "logits", "--model", path, "--src", ",".join(map(str, src)), "--tokens", ",".join(map(str, tokens))]
            what = "seq2seq with " + section(json.loads(meta["config"]), "decoder").get("attention", "no") + " attention"
        else:
            print(f"{path}: skipping task {task}")
            continue
        got = torch.tensor(json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)["logits"])
        diff = (got - ref).abs().max().item()
        status = "OK" if diff <= args.tol else "MISMATCH"
        ok &= diff <= args.tol
        print(f"{status}  {path}: {what}, {ref.shape[0]} steps x {ref.shape[1]} logits, max |recur - torch| = {diff:.2e} (tol {args.tol:g})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
