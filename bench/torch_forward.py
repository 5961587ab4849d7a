#!/usr/bin/python3
"""The forward pass `attnlab bench --model` times, in PyTorch, on the same folder: every layer's q, k
(after RoPE) and v kept, the last position's logits only (and, as attnlab does, the last block run on
that position alone: nothing else reaches the logits). Timed as the median of --repeat runs after a
warm-up, at each thread count given; the best is the one to compare.

Run with Debian's PyTorch (python3-torch; measurement only, never needed to build or test):
    /usr/bin/python3 bench/torch_forward.py --model /tmp/gpt2-shape --tokens 128 --threads 1,2
    build/app/attnlab bench --model /tmp/gpt2-shape --token-ids "$(seq -s, 0 127)" --json

attnlab runs a model's forward pass with OMP_WAIT_POLICY=PASSIVE (idle threads sleep): on a busy
machine time PyTorch that way too and take the better.

With --generate N (GPT-2 only) it times N new tokens after the context instead, each through a KV cache
as transformers' DynamicCache keeps it (torch.cat per layer): `median_ms.per_token`, to set beside
`attnlab bench --model … --generate N`.

With --check DIR it also compares a `compute --model … --dump DIR` of the same tokens and --layer:
q.npy, k.npy, v.npy and next.csv against PyTorch's values.
"""
import argparse
import json
import math
import os
import statistics
import struct
import time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16}


def read_safetensors(path):
    """name -> float32 tensor; mapped by numpy, widened where the file holds 16-bit values."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        begin, end = t["data_offsets"]
        raw = data[begin:end]
        if t["dtype"] == "BF16":
            values = (raw.view("<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            values = raw.view(DTYPES[t["dtype"]]).astype(np.float32, copy=False)
        out[name] = torch.from_numpy(np.array(values).reshape(t["shape"]))
    return out


def load(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    weights = {}
    if os.path.exists(os.path.join(folder, "model.safetensors")):
        weights = read_safetensors(os.path.join(folder, "model.safetensors"))
    else:
        with open(index) as f:
            for shard in sorted(set(json.load(f)["weight_map"].values())):
                weights.update(read_safetensors(os.path.join(folder, shard)))
    if config["model_type"] == "gpt2" and "wte.weight" not in weights:
        weights = {k[len("transformer."):]: v for k, v in weights.items() if k.startswith("transformer.")}
    return config, weights


def attention(q, k, v, scale, window=None):
    """q: H × Lq × hd over the last Lq positions, k and v: H × L × hd (KV heads already repeated)."""
    L, Lq = k.shape[1], q.shape[1]
    i = torch.arange(L - Lq, L)[:, None]
    j = torch.arange(L)[None, :]
    allowed = j <= i
    if window:
        allowed &= j > i - window
    scores = (q @ k.transpose(1, 2)) * scale
    scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def gpt2_forward(c, w, ids):
    E, H = c["n_embd"], c["n_head"]
    hd, L = E // H, len(ids)
    x = w["wte.weight"][ids] + w["wpe.weight"][:L]
    kept = []
    layers = c["n_layer"]
    for l in range(layers):
        p = "h.%d." % l
        a = torch.nn.functional.layer_norm(x, (E,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], c.get("layer_norm_epsilon", 1e-5))
        qkv = torch.addmm(w[p + "attn.c_attn.bias"], a, w[p + "attn.c_attn.weight"])
        q, k, v = (t.view(L, H, hd).transpose(0, 1) for t in qkv.split(E, dim=1))
        kept.append((q, k, v))
        first = L - 1 if l == layers - 1 else 0
        scale = 1 / math.sqrt(hd) / ((l + 1) if c.get("scale_attn_by_inverse_layer_idx") else 1)
        o = attention(q[:, first:], k, v, scale).transpose(0, 1).reshape(L - first, E)
        x = x[first:] + torch.addmm(w[p + "attn.c_proj.bias"], o, w[p + "attn.c_proj.weight"])
        m = torch.nn.functional.layer_norm(x, (E,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], c.get("layer_norm_epsilon", 1e-5))
        h = torch.nn.functional.gelu(torch.addmm(w[p + "mlp.c_fc.bias"], m, w[p + "mlp.c_fc.weight"]), approximate="tanh")
        x = x + torch.addmm(w[p + "mlp.c_proj.bias"], h, w[p + "mlp.c_proj.weight"])
    x = torch.nn.functional.layer_norm(x, (E,), w["ln_f.weight"], w["ln_f.bias"], c.get("layer_norm_epsilon", 1e-5))
    return kept, w["wte.weight"] @ x[-1]


def gpt2_step(c, w, cache, token, pos):
    """One new token through every layer: its q, k, v row, k and v appended to the cache, one query row
    attending over all of it; the next token's logits."""
    E, H = c["n_embd"], c["n_head"]
    hd, eps = E // H, c.get("layer_norm_epsilon", 1e-5)
    x = w["wte.weight"][token] + w["wpe.weight"][pos]
    x = x[None, :]
    for l in range(c["n_layer"]):
        p = "h.%d." % l
        a = torch.nn.functional.layer_norm(x, (E,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        q, k, v = (t.view(1, H, hd).transpose(0, 1) for t in torch.addmm(w[p + "attn.c_attn.bias"], a, w[p + "attn.c_attn.weight"]).split(E, dim=1))
        cache[l] = (torch.cat([cache[l][0], k], 1), torch.cat([cache[l][1], v], 1))
        scores = (q @ cache[l][0].transpose(1, 2)) / math.sqrt(hd)
        o = (torch.softmax(scores, dim=-1) @ cache[l][1]).transpose(0, 1).reshape(1, E)
        x = x + torch.addmm(w[p + "attn.c_proj.bias"], o, w[p + "attn.c_proj.weight"])
        m = torch.nn.functional.layer_norm(x, (E,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = torch.nn.functional.gelu(torch.addmm(w[p + "mlp.c_fc.bias"], m, w[p + "mlp.c_fc.weight"]), approximate="tanh")
        x = x + torch.addmm(w[p + "mlp.c_proj.bias"], h, w[p + "mlp.c_proj.weight"])
    x = torch.nn.functional.layer_norm(x, (E,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return w["wte.weight"] @ x[0]


def generate_ms(c, w, ids, tokens):
    """Per new token (ms), greedy, after the context's k and v are in the cache."""
    kept, logits = gpt2_forward(c, w, ids)
    cache = [(k, v) for _, k, v in kept]
    times = []
    for t in range(tokens):
        start = time.perf_counter()
        logits = gpt2_step(c, w, cache, int(torch.argmax(logits)), len(ids) + t)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def rope_tables(c, hd, L):
    theta = c.get("rope_theta", 10000.0)
    inv = 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    s = c.get("rope_scaling")
    if s and s.get("rope_type", s.get("type")) == "llama3":
        ctx = s["original_max_position_embeddings"]
        low, high = ctx / s["low_freq_factor"], ctx / s["high_freq_factor"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low, inv / s["factor"], inv)
        smooth = (ctx / wavelen - s["low_freq_factor"]) / (s["high_freq_factor"] - s["low_freq_factor"])
        smoothed = (1 - smooth) * scaled / s["factor"] + smooth * scaled
        inv = torch.where(~(wavelen < high) & ~(wavelen > low), smoothed, scaled)
    angles = torch.arange(L, dtype=torch.float64)[:, None] * inv[None, :]
    angles = torch.cat([angles, angles], dim=1)
    return angles.cos().float(), angles.sin().float()


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin


def llama_forward(c, w, ids):
    E, H = c["hidden_size"], c["num_attention_heads"]
    G = c.get("num_key_value_heads") or H
    hd = c.get("head_dim") or E // H
    L, layers, eps = len(ids), c["num_hidden_layers"], c.get("rms_norm_eps", 1e-6)
    cos, sin = rope_tables(c, hd, L)
    window = c.get("sliding_window") if c["model_type"] == "mistral" else None

    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    def linear(x, name):
        b = w.get(name + ".bias")
        return torch.nn.functional.linear(x, w[name + ".weight"], b)

    x = w["model.embed_tokens.weight"][ids]
    kept = []
    for l in range(layers):
        p = "model.layers.%d." % l
        a = rms(x, w[p + "input_layernorm.weight"])
        q = rotate(linear(a, p + "self_attn.q_proj").view(L, H, hd).transpose(0, 1), cos, sin)
        k = rotate(linear(a, p + "self_attn.k_proj").view(L, G, hd).transpose(0, 1), cos, sin)
        v = linear(a, p + "self_attn.v_proj").view(L, G, hd).transpose(0, 1)
        kept.append((q, k, v))
        first = L - 1 if l == layers - 1 else 0
        o = attention(q[:, first:], k.repeat_interleave(H // G, 0), v.repeat_interleave(H // G, 0), 1 / math.sqrt(hd), window)
        x = x[first:] + linear(o.transpose(0, 1).reshape(L - first, H * hd), p + "self_attn.o_proj")
        m = rms(x, w[p + "post_attention_layernorm.weight"])
        x = x + linear(torch.nn.functional.silu(linear(m, p + "mlp.gate_proj")) * linear(m, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = rms(x, w["model.norm.weight"])
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return kept, head @ x[-1]


def check(dump, kept, logits, layer):
    worst = {}
    for name, got in zip("qkv", kept[layer]):
        mine = np.load(os.path.join(dump, name + ".npy"))
        ref = got.numpy()
        worst[name] = float(np.abs(mine - ref).max() / max(1e-30, np.abs(ref).max()))
    p = torch.softmax(logits.double(), 0)
    rows = [line.split(",") for line in open(os.path.join(dump, "next.csv")).read().split("\n")[1:] if line]
    worst["next"] = max(abs(float(r[3]) - float(p[int(r[1])])) for r in rows)
    top = torch.topk(p, len(rows)).indices.tolist()
    same = [int(r[1]) for r in rows] == top
    print(json.dumps({"check_layer": layer, "max_relative_difference": worst, "same_top_ids": same}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--tokens", type=int, default=128, help="token ids 0, 1, … (as `seq -s, 0 N-1`)")
    parser.add_argument("--token-ids", help="or exactly these ids: 464,3797,…")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--threads", default="1,2", help="thread counts to time")
    parser.add_argument("--check", help="a compute --dump directory of the same tokens")
    parser.add_argument("--layer", type=int, default=0, help="the layer of that dump")
    parser.add_argument("--generate", type=int, default=0, help="time this many new tokens (GPT-2) instead")
    args = parser.parse_args()

    config, weights = load(args.model)
    ids = torch.tensor([int(t) for t in args.token_ids.split(",")] if args.token_ids else list(range(args.tokens)))
    run = gpt2_forward if config["model_type"] == "gpt2" else llama_forward
    result = {"model": args.model, "tokens": len(ids), "torch": torch.__version__, "median_ms": {}}
    with torch.inference_mode():
        if args.check:
            kept, logits = run(config, weights, ids)
            check(args.check, kept, logits, args.layer)
        for threads in [int(t) for t in args.threads.split(",")]:
            torch.set_num_threads(threads)
            if args.generate:
                result["median_ms"][str(threads)] = generate_ms(config, weights, ids, args.generate)
                continue
            run(config, weights, ids)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                run(config, weights, ids)
                times.append((time.perf_counter() - start) * 1000)
            result["median_ms"][str(threads)] = statistics.median(times)
    result["best_ms"] = min(result["median_ms"].values())
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
