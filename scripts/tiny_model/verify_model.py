#!/usr/bin/python3
"""Independent check of a saved GPT-2 folder: parses model.safetensors strictly, rebuilds the
model with numpy in float64 (no torch), checks the tokenizer files with a BPE encoder of its own,
and measures the heads as the heads spec defines them, with knock-outs, asserting the facts the
model's card promises.

    /usr/bin/python3 scripts/tiny_model/verify_model.py [DIR]   # default: assets/models/induction

Called from train.py with the torch model, it also checks that logits agree within 1e-4.
"""
import json
import math
import os
import re
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


def np_forward(W, cfg, ids, ablate=()):
    """GPT-2 forward in float64 numpy for one sequence of ids; returns logits [T,V], attn list.
    ablate: (layer, head) pairs whose output (weights·V, before c_proj) is zeroed."""
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
            out[:, sl] = 0.0 if (l, h) in ablate else w @ v[:, sl]
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


class BpeEncoder:
    """GPT-2 byte-level BPE as the Hugging Face tokenizers library applies it, for ASCII text:
    GPT-2's pre-tokenizer regex (ASCII letters and digits standing for \\p{L} and \\p{N}), each
    piece's bytes as GPT-2's byte symbols, then the merge of lowest rank first (leftmost on a tie)
    until none applies."""
    WS = "[ \\t\\n\\r\\x0b\\x0c]"
    PIECE = re.compile("'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^A-Za-z0-9 \\t\\n\\r\\x0b\\x0c]+|"
                       + WS + "+(?!\\S)|" + WS + "+")

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.rank = {tuple(m): r for r, m in enumerate(merges)}
        self.b2u = bytes_to_unicode()

    def bpe(self, symbols):
        s = list(symbols)
        while len(s) > 1:
            ranks = [self.rank.get((s[i], s[i + 1])) for i in range(len(s) - 1)]
            found = [(r, i) for i, r in enumerate(ranks) if r is not None]
            if not found:
                break
            _, i = min(found)
            s[i:i + 2] = [s[i] + s[i + 1]]
        return [self.vocab[x] for x in s]

    def encode(self, text):
        assert all(c in "\t\n" or " " <= c <= "~" for c in text), "ASCII text only"
        assert "".join(self.PIECE.findall(text)) == text
        ids = []
        for piece in self.PIECE.findall(text):
            ids += self.bpe("".join(self.b2u[b] for b in piece.encode("utf-8")))
        return ids


def check_tokenizer(folder, cfg, one_token=()):
    """tokenizer.json, vocab.json and merges.txt say the same; ids as GPT-2 numbers them (the 256
    bytes first in GPT-2's order, a merge's result at 256 + its rank, <|endoftext|> last); every
    spelling in one_token is one token. Returns the encoder."""
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    model = tok["model"]
    vocab = model["vocab"]
    V = cfg["vocab_size"]
    assert model["type"] == "BPE" and tok["pre_tokenizer"]["type"] == "ByteLevel"
    assert tok["pre_tokenizer"]["use_regex"] and not tok["pre_tokenizer"]["add_prefix_space"]
    assert tok["normalizer"] is None and not model["byte_fallback"]
    assert sorted(vocab.values()) == list(range(V)), "vocab ids not 0..V-1"
    for i, sym in enumerate(bytes_to_unicode().values()):
        assert vocab[sym] == i, "byte symbol %r has id %d, not %d" % (sym, vocab[sym], i)
    merges = [tuple(m.split(" ")) for m in model["merges"]]
    assert all(len(m) == 2 for m in merges)
    for r, (a, b) in enumerate(merges):
        assert vocab[a + b] == 256 + r, "merge %d makes %r, id %d" % (r, a + b, vocab[a + b])
    assert len(merges) == V - 257 and vocab["<|endoftext|>"] == V - 1 == cfg["eos_token_id"]
    assert tok["added_tokens"] == [{"id": V - 1, "content": "<|endoftext|>", "single_word": False,
                                    "lstrip": False, "rstrip": False, "normalized": True, "special": True}]
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        assert json.load(f) == vocab, "vocab.json differs from tokenizer.json"
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "#version: 0.2" and lines[-1] == ""
    assert [tuple(l.split(" ")) for l in lines[1:-1]] == merges, "merges.txt differs from tokenizer.json"
    with open(os.path.join(folder, "tokenizer_config.json")) as f:
        tc = json.load(f)
    assert tc["model_max_length"] == cfg["n_positions"] and tc["eos_token"] == "<|endoftext|>"
    enc = BpeEncoder(vocab, merges)
    for t in one_token:
        assert enc.bpe(t) == [vocab[t]], "%r is not one token: %r" % (t, enc.bpe(t))
    # unknown words still tokenize, into pieces, down to bytes
    assert len(enc.encode(" xylophonist")) > 1 and len(enc.encode("\t~")) == 2
    return enc


def read_metrics(folder):
    path = os.path.join(folder, "metrics.json")
    with open(path) as f:
        return json.load(f)


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
    one_token = read_metrics(folder)["one_token"]
    enc = check_tokenizer(folder, cfg, one_token)
    rng = np.random.default_rng(seed)
    P, V = cfg["n_positions"], cfg["vocab_size"]
    tests = [enc.encode("The cat sat on the mat. The cat sat on the mat."),
             [V - 1] + enc.encode("Hello, world!"),
             rng.integers(0, V, P).tolist(),
             rng.integers(0, V, 37).tolist()]
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
        print("verify: safetensors parsed strictly, %d tensors; tokenizer files agree, %d spellings one"
              " token each" % (len(W), len(one_token)))
    return W, cfg, enc


# ----------------------------------------------------------------------------
# The heads, as the heads spec scores them (A: a head's weights, t: the token ids)
# ----------------------------------------------------------------------------
def previous_token(A):
    """mean over queries i >= 1 of A[i, i-1]"""
    i = np.arange(1, A.shape[0])
    return A[i, i - 1].mean()


def induction(A, t):
    """mean over queries i with S_i not empty of the weight on S_i = { j+1 : j+1 < i, t_j = t_i }"""
    sums = []
    for i in range(len(t)):
        S = [j + 1 for j in range(i - 1) if t[j] == t[i]]
        if S:
            sums.append(A[i, S].sum())
    return float(np.mean(sums)) if sums else float("nan")


def scores(W, cfg, ids, ablate=()):
    """[layer][head] previous-token and induction scores of one sequence, and its logits."""
    logits, att = np_forward(W, cfg, np.asarray(ids), ablate=ablate)
    return ([[previous_token(A) for A in layer] for layer in att],
            [[induction(A, ids) for A in layer] for layer in att], logits)


def top(table):
    """(layer, head, score) of the largest entry of a [layer][head] table."""
    return max(((l, h, s) for l, row in enumerate(table) for h, s in enumerate(row)), key=lambda x: x[2])


def p_next(logits, ids, N):
    """Mean probability of the correct next token on the second copy (queries N .. 2N-2)."""
    z = logits[N:2 * N - 1]
    p = np.exp(z - z.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return float(p[np.arange(N - 1), ids[N + 1:2 * N]].mean())


def head_facts(W, cfg, N, seed, count=16):
    """The heads spec's induction test: N random ids (uniform over the vocabulary) repeated twice,
    `count` sequences, scores averaged over them. Knock-outs: every head of induction >= 0.5
    (the correct next token's probability on the second copy), and the top previous-token head
    (the top induction score)."""
    rng = np.random.default_rng(seed)
    seqs = [np.tile(rng.integers(0, cfg["vocab_size"], N), 2) for _ in range(count)]
    runs = [scores(W, cfg, t) for t in seqs]
    prev = np.mean([r[0] for r in runs], axis=0)
    ind = np.mean([r[1] for r in runs], axis=0)
    pl, ph, ps = top(prev)
    il, ih, iscore = top(ind)
    ind_heads = [(l, h) for l, row in enumerate(ind) for h, s in enumerate(row) if s >= 0.5]
    p_before = np.mean([p_next(r[2], t, N) for r, t in zip(runs, seqs)])
    p_after = np.mean([p_next(scores(W, cfg, t, ablate=ind_heads)[2], t, N) for t in seqs])
    ind_no_prev = np.mean([scores(W, cfg, t, ablate=[(pl, ph)])[1] for t in seqs], axis=0)
    return dict(N=N, sequences=count, prev=prev.tolist(), ind=ind.tolist(),
                top_prev=[int(pl), int(ph), float(ps)], top_ind=[int(il), int(ih), float(iscore)],
                ind_heads=ind_heads, p_next=float(p_before), p_next_without_ind=float(p_after),
                p_ratio=float(p_after / p_before), ind_without_prev=ind_no_prev.tolist(),
                top_ind_without_prev=float(top(ind_no_prev)[2]),
                ind_drop=float(1 - top(ind_no_prev)[2] / iscore))


def check_facts(f):
    """What the card promises (and the heads spec's tests assert) of one head_facts result."""
    pl, _, ps = f["top_prev"]
    il, _, iscore = f["top_ind"]
    assert pl == 0 and ps >= 0.9, "N=%d: top previous-token head %s" % (f["N"], f["top_prev"])
    assert il >= 1 and iscore >= 0.9, "N=%d: top induction head %s" % (f["N"], f["top_ind"])
    assert f["p_ratio"] <= 0.5, "N=%d: knocking out %s leaves %.3f of p(next)" % (f["N"], f["ind_heads"], f["p_ratio"])
    assert f["ind_drop"] >= 0.3, "N=%d: knocking out the previous-token head lowers induction by %.3f only" % (
        f["N"], f["ind_drop"])


FACT_N = [8, 16, 24, 32, 48, 64]


def all_facts(W, cfg):
    return [head_facts(W, cfg, n, 1000 + n) for n in FACT_N]


def report(facts):
    for f in facts:
        print("N=%2d: top previous-token L%d h%d %.3f | top induction L%d h%d %.3f | p(next) %.3f, with %s"
              " knocked out %.4f (x%.3f) | previous-token head knocked out: top induction %.3f (-%.0f%%)"
              % (f["N"], *f["top_prev"], *f["top_ind"], f["p_next"], f["ind_heads"], f["p_next_without_ind"],
                 f["p_ratio"], f["top_ind_without_prev"], 100 * f["ind_drop"]))


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "models", "induction")
    W, cfg, _ = verify(folder)
    facts = all_facts(W, cfg)
    report(facts)
    for f in facts:
        check_facts(f)
    print("all facts hold")
