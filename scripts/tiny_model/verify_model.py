#!/usr/bin/python3
"""Independent check of a saved GPT-2 folder: parses model.safetensors strictly, rebuilds the
model with numpy in float64 (no torch), and compares its logits and attention with a reference.

    /usr/bin/python3 verify_model.py DIR            # checks the file on its own (format, tokenizer,
                                                     # induction behaviour from numpy alone)
Called from train_tiny_model.py with the torch model, it also checks logits agree within 1e-4.
"""
import json
import math
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": ("<f4", 4)}


def read_safetensors(path):
    """Strict reader: every rule of the format is checked; returns {name: float64 array}."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read()
    assert len(raw) == size and size >= 8, "file too small"
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= size, "header length %d beyond the file" % n
    assert n % 8 == 0, "header length %d not a multiple of 8" % n
    hbytes = raw[8:8 + n]
    text = hbytes.decode("utf-8")
    assert text.startswith("{"), "header does not start with '{'"
    stripped = text.rstrip(" ")
    assert stripped.endswith("}"), "header padding is not spaces"
    dec = json.JSONDecoder()
    header, end = dec.raw_decode(text)
    assert end == len(stripped), "trailing data after the header JSON"
    pairs = json.loads(stripped, object_pairs_hook=lambda kv: kv)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate names in header"
    meta = header.pop("__metadata__", None)
    assert meta is None or (isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values())), \
        "__metadata__ must map strings to strings"
    assert meta == {"format": "pt"}, "__metadata__ is %r" % (meta,)
    data = raw[8 + n:]
    entries = []
    for name, h in header.items():
        assert set(h.keys()) == {"dtype", "shape", "data_offsets"}, "%s: keys %s" % (name, list(h))
        assert h["dtype"] in DTYPES, "%s: dtype %s" % (name, h["dtype"])
        shape = h["shape"]
        assert isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape), name
        b, e = h["data_offsets"]
        assert isinstance(b, int) and isinstance(e, int) and 0 <= b <= e, name
        nbytes = int(np.prod(shape, dtype=np.int64)) * DTYPES[h["dtype"]][1]
        assert e - b == nbytes, "%s: %d bytes for shape %s" % (name, e - b, shape)
        entries.append((b, e, name, h))
    entries.sort()
    pos = 0
    for b, e, name, _ in entries:
        assert b == pos, "%s starts at %d, expected %d (gap or overlap)" % (name, b, pos)
        pos = e
    assert 8 + n + pos == size, "8 + %d + %d != file size %d" % (n, pos, size)
    out = {}
    for b, e, name, h in entries:
        arr = np.frombuffer(data[b:e], dtype=DTYPES[h["dtype"]][0]).reshape(h["shape"])
        assert np.all(np.isfinite(arr)), "%s has non-finite values" % name
        out[name] = arr.astype(np.float64)
    return out


def expected_shapes(cfg):
    E, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
    M = cfg["n_inner"] or 4 * E
    s = {"wte.weight": [V, E], "wpe.weight": [P, E], "ln_f.weight": [E], "ln_f.bias": [E]}
    for l in range(L):
        h = "h.%d." % l
        s.update({h + "ln_1.weight": [E], h + "ln_1.bias": [E],
                  h + "attn.c_attn.weight": [E, 3 * E], h + "attn.c_attn.bias": [3 * E],
                  h + "attn.c_proj.weight": [E, E], h + "attn.c_proj.bias": [E],
                  h + "ln_2.weight": [E], h + "ln_2.bias": [E],
                  h + "mlp.c_fc.weight": [E, M], h + "mlp.c_fc.bias": [M],
                  h + "mlp.c_proj.weight": [M, E], h + "mlp.c_proj.bias": [E]})
    return s


def np_forward(W, cfg, ids):
    """GPT-2 forward in float64 numpy for one sequence of ids; returns logits [T,V], attn list."""
    E, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
    eps = cfg["layer_norm_epsilon"]
    hd = E // H
    T = len(ids)
    assert T <= cfg["n_positions"]

    def ln(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * w + b

    def gelu_new(x):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

    x = W["wte.weight"][ids] + W["wpe.weight"][np.arange(T)]
    attns = []
    for l in range(L):
        p = "h.%d." % l
        a = ln(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"])
        qkv = a @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
        q, k, v = qkv[:, :E], qkv[:, E:2 * E], qkv[:, 2 * E:]
        out = np.zeros((T, E))
        att_l = np.zeros((H, T, T))
        for h in range(H):
            sl = slice(h * hd, (h + 1) * hd)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(hd)
            s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
            s = s - s.max(-1, keepdims=True)
            w = np.exp(s)
            w = w / w.sum(-1, keepdims=True)
            att_l[h] = w
            out[:, sl] = w @ v[:, sl]
        attns.append(att_l)
        x = x + out @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        m = ln(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"])
        m = gelu_new(m @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"])
        x = x + m @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
    x = ln(x, W["ln_f.weight"], W["ln_f.bias"])
    return x @ W["wte.weight"].T, attns


def bytes_to_unicode():
    """GPT-2's byte -> unicode map (openai/gpt-2 encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def bytelevel_encode(tok, text):
    """GPT-2 byte-level BPE with the tokenizer.json's vocab and merges (none here): every byte
    becomes its bytes_to_unicode character; with no merges each is one token."""
    b2u = bytes_to_unicode()
    vocab = tok["model"]["vocab"]
    assert tok["model"]["merges"] == []
    return [vocab[b2u[b]] for b in text.encode("utf-8")]


def check_tokenizer(folder, cfg):
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    vocab = tok["model"]["vocab"]
    assert tok["model"]["type"] == "BPE" and tok["pre_tokenizer"]["type"] == "ByteLevel"
    assert sorted(vocab.values()) == list(range(cfg["vocab_size"])), "vocab ids not 0..V-1"
    assert vocab["\u0120"] == 0 and vocab["~"] == 94 and vocab["<|endoftext|>"] == 95
    assert tok["added_tokens"][0]["id"] == 95 and tok["added_tokens"][0]["content"] == "<|endoftext|>"
    text = "the cat sat on the mat. The Cat! {x~y} 0-9"
    ids = bytelevel_encode(tok, text)
    assert ids == [ord(c) - 32 for c in text], "tokenizer.json disagrees with id = code - 32"
    with open(os.path.join(folder, "tokenizer_config.json")) as f:
        tc = json.load(f)
    assert tc["model_max_length"] == cfg["n_positions"] and tc["eos_token"] == "<|endoftext|>"
    return tok


def verify(folder, torch_model=None, tol=1e-4, seed=7):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["model_type"] == "gpt2" and cfg["activation_function"] == "gelu_new"
    assert cfg["n_ctx"] == cfg["n_positions"] and cfg["tie_word_embeddings"] is True
    W = read_safetensors(os.path.join(folder, "model.safetensors"))
    exp = expected_shapes(cfg)
    assert set(W) == set(exp), "names differ: %s" % sorted(set(W) ^ set(exp))
    for k, s in exp.items():
        assert list(W[k].shape) == s, "%s shape %s, expected %s" % (k, W[k].shape, s)
    check_tokenizer(folder, cfg)
    rng = np.random.default_rng(seed)
    P, V = cfg["n_positions"], cfg["vocab_size"]
    tests = [[ord(c) - 32 for c in "the cat sat on the mat. the cat sat on the mat."],
             [95] + [ord(c) - 32 for c in "Hello, world!"],
             rng.integers(0, V, P).tolist(),
             rng.integers(0, V - 1, 37).tolist()]
    worst = 0.0
    worst64 = 0.0
    m64 = None
    if torch_model is not None:
        import copy
        m64 = copy.deepcopy(torch_model).double()  # same weights, float64: must agree to ~1e-12
    for ids in tests:
        logits, att = np_forward(W, cfg, np.array(ids))
        assert np.all(np.isfinite(logits))
        if torch_model is not None:
            import torch
            with torch.no_grad():
                tl, ta = torch_model(torch.tensor([ids]), return_attn=True)
            d = np.abs(tl[0].double().numpy() - logits).max()
            da = max(np.abs(ta[l][0].double().numpy() - att[l]).max() for l in range(len(att)))
            worst = max(worst, d)
            assert d < tol, "logits differ by %g (tolerance %g)" % (d, tol)
            with torch.no_grad():
                d64 = np.abs(m64(torch.tensor([ids])).numpy()[0] - logits).max()
            worst64 = max(worst64, d64)
            assert d64 < 1e-9, "float64 torch and numpy differ by %g" % d64
            assert da < tol, "attention differs by %g" % da
    if torch_model is not None:
        print("verify: safetensors parsed strictly, %d tensors; numpy float64 forward matches torch:"
              " max |logit diff| = %.2e over %d sequences (tolerance %g); torch in float64 from the"
              " same weights: %.1e" % (len(W), worst, len(tests), tol, worst64))
    else:
        print("verify: safetensors parsed strictly, %d tensors, tokenizer ok" % len(W))
    return W, cfg


def sentence_scores(W, cfg, sentence, prev_head, ind_head):
    """Same measures as the training script, from the numpy model alone."""
    text = sentence + " " + sentence
    ids = np.array([ord(c) - 32 for c in text])
    n, a, b = len(sentence), 0, len(sentence) + 1
    logits, att = np_forward(W, cfg, ids)
    T = len(ids)
    i = np.arange(1, T)
    prev = att[0][prev_head][i, i - 1].mean()
    t = np.arange(0, n - 1)
    ind = att[1][ind_head][b + t, a + t + 1].mean()
    acc = (logits[b + t].argmax(-1) == ids[b + t + 1]).mean()
    return prev, ind, acc


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "models", "induction")
    W, cfg = verify(folder)
    mpath = os.path.join(folder, "metrics.json")
    ph, ih = 0, 0
    if os.path.exists(mpath):
        with open(mpath) as f:
            m = json.load(f)
        ph, ih = m["prev_head"], m["ind_head"]
    for s in ["the cat sat on the mat.", "the quick brown fox jumps over the lazy dog."]:
        p, q, acc = sentence_scores(W, cfg, s, ph, ih)
        print("numpy float64 on %r twice: L0 head %d prev %.3f, L1 head %d induction %.3f, "
              "next-token acc on 2nd copy %.3f" % (s, ph, p, ih, q, acc))
