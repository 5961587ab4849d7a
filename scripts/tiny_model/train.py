#!/usr/bin/python3
"""Train a tiny 2-layer GPT-2-layout character-level transformer that forms a
previous-token head (layer 0) and an induction head (layer 1), and save it as a
Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json, README.md).

Run with Debian's python (torch 1.13 from python3-torch):
    /usr/bin/python3 scripts/tiny_model/train.py --out assets/models/induction
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

import verify_model  # beside this file: the independent numpy check, and GPT-2's byte map


def tune_malloc():
    """glibc hands big blocks (the [B,H,T,T] attention tensors) back to the kernel after every
    op and page-faults them in again on the next; keeping them in the heap makes a training step
    2-3x faster here. Same effect as MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)        # M_MMAP_THRESHOLD
        libc.mallopt(-1, 2 ** 31 - 1)    # M_TRIM_THRESHOLD
        libc.mallopt(-2, 256 << 20)      # M_TOP_PAD
    except Exception:  # not glibc: only slower
        pass

# ----------------------------------------------------------------------------
# Vocabulary: the 95 printable ASCII characters (space .. '~'), id = code - 32,
# plus <|endoftext|> = 95.
# ----------------------------------------------------------------------------
N_CHARS = 95
EOT = 95
V = 96
CHARS = [chr(32 + i) for i in range(N_CHARS)]


def encode(text):
    ids = []
    for ch in text:
        c = ord(ch)
        if not 32 <= c <= 126:
            raise ValueError("character %r is not printable ASCII" % ch)
        ids.append(c - 32)
    return ids


def decode(ids):
    return "".join("<|endoftext|>" if i == EOT else CHARS[i] for i in ids)


# ----------------------------------------------------------------------------
# Model: literally the GPT-2 computation, parameters named as GPT2Model saves them.
# ----------------------------------------------------------------------------
def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class TinyGPT2(torch.nn.Module):
    def __init__(self, n_embd, n_head, n_layer, n_inner, n_positions, vocab=V, eps=1e-5):
        super().__init__()
        self.E, self.H, self.L, self.M, self.P = n_embd, n_head, n_layer, n_inner, n_positions
        self.hd = n_embd // n_head
        self.eps = eps
        self.p = torch.nn.ParameterDict()
        shapes = self.param_shapes(vocab)
        for name, shape in shapes.items():
            self.p[name.replace(".", "_")] = torch.nn.Parameter(torch.zeros(shape))
        self.names = list(shapes.keys())

    def param_shapes(self, vocab):
        E, M = self.E, self.M
        s = {"wte.weight": (vocab, E), "wpe.weight": (self.P, E)}
        for l in range(self.L):
            h = "h.%d." % l
            s[h + "ln_1.weight"] = (E,)
            s[h + "ln_1.bias"] = (E,)
            s[h + "attn.c_attn.weight"] = (E, 3 * E)
            s[h + "attn.c_attn.bias"] = (3 * E,)
            s[h + "attn.c_proj.weight"] = (E, E)
            s[h + "attn.c_proj.bias"] = (E,)
            s[h + "ln_2.weight"] = (E,)
            s[h + "ln_2.bias"] = (E,)
            s[h + "mlp.c_fc.weight"] = (E, M)
            s[h + "mlp.c_fc.bias"] = (M,)
            s[h + "mlp.c_proj.weight"] = (M, E)
            s[h + "mlp.c_proj.bias"] = (E,)
        s["ln_f.weight"] = (E,)
        s["ln_f.bias"] = (E,)
        return s

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def state(self):
        """name -> tensor, in GPT2Model naming."""
        return {n: self.w(n) for n in self.names}

    def init_weights(self, gen, pos_init="sinusoid", std=0.02):
        with torch.no_grad():
            for n in self.names:
                t = self.w(n)
                if n.endswith("ln_1.weight") or n.endswith("ln_2.weight") or n == "ln_f.weight":
                    t.fill_(1.0)
                elif n.endswith(".bias"):
                    t.zero_()
                else:
                    s = std
                    if n.endswith("c_proj.weight"):
                        s = std / math.sqrt(2 * self.L)  # GPT-2's scaled residual init
                    t.copy_(torch.randn(t.shape, generator=gen) * s)
            if pos_init == "sinusoid":
                # Sinusoidal start for the (still trained) position embedding: relative offsets
                # such as "one to the left" are then a linear map, so a previous-token head is
                # easy to find. Scaled to the same per-row norm as the token embedding.
                P, E = self.P, self.E
                pos = torch.arange(P, dtype=torch.float64)[:, None]
                i = torch.arange(E // 2, dtype=torch.float64)[None, :]
                # periods from 2.5 positions (almost the highest frequency there is: sharp
                # offsets such as i-1 vs i-2) to 2*P (smooth, whole context), geometric
                period = 2.5 * (2.0 * P / 2.5) ** (i / (E // 2 - 1))
                freq = 2 * math.pi / period
                pe = torch.cat([torch.sin(pos * freq), torch.cos(pos * freq)], dim=1)
                pe = pe / pe.norm(dim=1, keepdim=True) * (std * math.sqrt(E))
                self.w("wpe.weight").copy_(pe.float())

    def layer_norm(self, x, w, b):
        mu = x.mean(-1, keepdim=True)
        xc = x - mu
        var = (xc * xc).mean(-1, keepdim=True)
        return xc * torch.rsqrt(var + self.eps) * w + b

    def forward(self, ids, return_attn=False, pos_offset=0):
        """pos_offset: training only (a short sequence placed at positions off..off+T-1, so that
        every row of wpe is trained from the start); inference always uses positions 0..T-1."""
        B, T = ids.shape
        x = self.w("wte.weight")[ids] + self.w("wpe.weight")[pos_offset:pos_offset + T][None]
        mask = torch.ones(T, T, dtype=torch.bool, device=ids.device).tril()
        attns = []
        for l in range(self.L):
            h = "h.%d." % l
            a = self.layer_norm(x, self.w(h + "ln_1.weight"), self.w(h + "ln_1.bias"))
            qkv = a @ self.w(h + "attn.c_attn.weight") + self.w(h + "attn.c_attn.bias")
            q, k, v = qkv.split(self.E, dim=2)
            q = q.view(B, T, self.H, self.hd).transpose(1, 2)
            k = k.view(B, T, self.H, self.hd).transpose(1, 2)
            v = v.view(B, T, self.H, self.hd).transpose(1, 2)
            s = (q * (1.0 / math.sqrt(self.hd))) @ k.transpose(-1, -2)  # = q.k / sqrt(hd)
            s = s.masked_fill(~mask, float("-inf"))
            att = torch.softmax(s, dim=-1)
            if return_attn:
                attns.append(att)
            o = (att @ v).transpose(1, 2).reshape(B, T, self.E)
            x = x + (o @ self.w(h + "attn.c_proj.weight") + self.w(h + "attn.c_proj.bias"))
            m = self.layer_norm(x, self.w(h + "ln_2.weight"), self.w(h + "ln_2.bias"))
            m = gelu_new(m @ self.w(h + "mlp.c_fc.weight") + self.w(h + "mlp.c_fc.bias"))
            x = x + (m @ self.w(h + "mlp.c_proj.weight") + self.w(h + "mlp.c_proj.bias"))
        x = self.layer_norm(x, self.w("ln_f.weight"), self.w("ln_f.bias"))
        logits = x @ self.w("wte.weight").t()
        return (logits, attns) if return_attn else logits


# ----------------------------------------------------------------------------
# Data: random sequences with one span repeated, varied span length, offset and gap.
# ----------------------------------------------------------------------------
# English letter frequencies (per cent) for a..z
EN_FREQ = np.array([8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.77, 4.0, 2.4,
                    6.7, 7.5, 1.9, 0.095, 6.0, 6.3, 9.1, 2.8, 0.98, 2.4, 0.15, 2.0, 0.074])
EN_FREQ = EN_FREQ / EN_FREQ.sum()
LOWER = np.array(encode("abcdefghijklmnopqrstuvwxyz"))
SPACE = encode(" ")[0]
PUNCT = np.array(encode(".,;:!?"))


class Sampler:
    """Draws token streams of one of three kinds. The repeated span and the filler
    around it are drawn from the same kind, so the span cannot be told apart by content."""

    def __init__(self, rng):
        self.rng = rng

    def uniform(self, n):
        return self.rng.integers(0, N_CHARS, n)

    def small_alphabet(self, n):
        k = self.rng.integers(3, 11)
        alpha = self.rng.choice(N_CHARS, k, replace=False)
        return alpha[self.rng.integers(0, k, n)]

    def english_like(self, n):
        out = []
        rng = self.rng
        while len(out) < n:
            wl = min(int(rng.geometric(0.3)), 10)
            w = LOWER[rng.choice(26, wl, p=EN_FREQ)]
            if rng.random() < 0.08:
                w[0] = w[0] + (ord("A") - ord("a"))  # capitalised word
            out.extend(w.tolist())
            if rng.random() < 0.1:
                out.append(int(PUNCT[rng.integers(0, len(PUNCT))]))
            out.append(SPACE)
        start = rng.integers(0, 4)
        out = out[start:] + [SPACE] * start
        return np.array(out[:n])

    def draw(self, kind, n):
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        return {"uniform": self.uniform, "small": self.small_alphabet,
                "english": self.english_like}[kind](n)


def make_batch(rng, B, T, span_lo, span_hi, kinds, kind_p, bos_p=0.5, max_pairs=1, imm_p=0.25):
    """Returns ids [B,T], targets [B,T] (-1 = no loss), and the layout per row: a list of
    (a, b, n) = (first copy start, second copy start, span length) for each repeated span.
    Row: [bos?][filler][span A][filler][span A][filler][span B][filler][span B]...[filler];
    1..max_pairs spans, the filler room split at random (any slot can be empty).
    Loss on positions b .. b+n-2 of each second copy (predict the span's next token)."""
    smp = Sampler(rng)
    ids = np.zeros((B, T), dtype=np.int64)
    tgt = np.full((B, T), -1, dtype=np.int64)
    lays = []
    for r in range(B):
        kind = kinds[rng.choice(len(kinds), p=kind_p)]
        bos = rng.random() < bos_p
        start = 1 if bos else 0
        room = T - start
        K = int(rng.integers(1, max_pairs + 1))
        hi = min(span_hi, room // 2)
        ns = [int(rng.integers(span_lo, hi + 1)) for _ in range(K)]
        while len(ns) > 1 and 2 * sum(ns) > room:
            ns.pop()
        free = room - 2 * sum(ns)
        K = len(ns)
        cuts = np.sort(rng.integers(0, free + 1, 2 * K))
        slots = np.diff(np.concatenate([[0], cuts]))  # 2K slot sizes before each copy
        for k in range(K):
            if rng.random() < imm_p:  # sometimes the copy follows at once
                slots[2 * k] += slots[2 * k + 1]
                slots[2 * k + 1] = 0
        row = smp.draw(kind, T)
        pos = start
        lay = []
        for k, n in enumerate(ns):
            a = pos + int(slots[2 * k])
            b = a + n + int(slots[2 * k + 1])
            span = smp.draw(kind, n)
            row[a:a + n] = span
            row[b:b + n] = span
            tgt[r, b:b + n - 1] = span[1:]
            lay.append((a, b, n))
            pos = b + n
        if bos:
            row[0] = EOT
        ids[r] = row
        lays.append(lay)
    return torch.from_numpy(ids), torch.from_numpy(tgt), lays


def make_eval_set(seed, B, T, n, kind):
    rng = np.random.default_rng(seed)
    ids, tgt, lays = make_batch(rng, B, T, n, n, [kind], [1.0], bos_p=0.0, max_pairs=1)
    return ids, tgt, [l[0] for l in lays]


# ----------------------------------------------------------------------------
# Head scores
# ----------------------------------------------------------------------------
def prev_token_scores(att0):
    """att0: [B,H,T,T] layer-0 attention. Mean over rows i>=1 of weight on i-1, per head."""
    B, H, T, _ = att0.shape
    i = torch.arange(1, T)
    w = att0[:, :, i, i - 1]  # [B,H,T-1]
    return w.mean(dim=(0, 2))


def induction_scores(att1, lay):
    """att1: [B,H,T,T] layer-1 attention. For p = b+t, t = 0..n-2, weight on a+t+1; mean per head."""
    tot = torch.zeros(att1.shape[1], dtype=torch.float64)
    cnt = 0
    for r, (a, b, n) in enumerate(lay):
        t = torch.arange(0, n - 1)
        tot += att1[r, :, b + t, a + t + 1].double().sum(dim=1)
        cnt += n - 1
    return tot / cnt


KIND_SEED = {"uniform": 0, "english": 101, "small": 202}


@torch.no_grad()
def evaluate(model, T, span_lengths, kinds, seed=12345, B=64):
    """Returns {kind: {n: dict(prev=[H], ind=[H], acc=float, loss=float)}}"""
    out = {}
    for kind in kinds:
        out[kind] = {}
        for j, n in enumerate(span_lengths):
            if 2 * n > T:
                continue
            ids, tgt, lay = make_eval_set(seed + 1000 * j + KIND_SEED[kind], B, T, n, kind)
            logits, att = model(ids, return_attn=True)
            m = tgt >= 0
            loss = torch.nn.functional.cross_entropy(logits[m], tgt[m]).item()
            acc = (logits[m].argmax(-1) == tgt[m]).double().mean().item()
            out[kind][n] = dict(prev=prev_token_scores(att[0]).tolist(),
                                ind=induction_scores(att[1], lay).tolist(), acc=acc, loss=loss)
    return out


@torch.no_grad()
def offset_profile(model, T, seed=999):
    """Per layer and head: mean weight on keys at offsets 0..4 back and on position 0 (rows i>=5)."""
    rng = np.random.default_rng(seed)
    ids = torch.from_numpy(rng.integers(0, N_CHARS, (32, T)))
    _, att = model(ids, return_attn=True)
    out = []
    for A in att:
        i = torch.arange(5, T)
        rows = [[A[:, h, i, i - d].mean().item() for d in range(5)] + [A[:, h, i, 0].mean().item()]
                for h in range(A.shape[1])]
        out.append(rows)
    return out


@torch.no_grad()
def sentence_report(model, sentence, bos=False):
    """Sentence typed twice, separated by one space: s + ' ' + s (with bos: <|endoftext|> first).
    First copy at a = 0 (1 with bos), second copy at b = a + len(s) + 1, n = len(s)."""
    text = sentence + " " + sentence
    ids = torch.tensor([([EOT] if bos else []) + encode(text)])
    n = len(sentence)
    a = 1 if bos else 0
    b = a + n + 1
    logits, att = model(ids, return_attn=True)
    T = ids.shape[1]
    H = att[0].shape[1]
    i = torch.arange(a + 1, T)
    prev_all = att[0][0][:, i, i - 1].mean(dim=1)               # all positions i >= 1 (of the text)
    i2 = torch.arange(b + 1, b + n)
    prev_2nd = att[0][0][:, i2, i2 - 1].mean(dim=1)             # second copy, excluding its first position
    t = torch.arange(0, n - 1)
    ind = att[1][0][:, b + t, a + t + 1].mean(dim=1)             # p = b+t, t = 0..n-2, target a+t+1
    # unambiguous positions: the token s[t] occurs only once in the first copy before a+t+1
    sid = encode(sentence)
    unamb = [tt for tt in range(n - 1) if sid.count(sid[tt]) == 1]
    ind_u = att[1][0][:, [b + tt for tt in unamb], [a + tt + 1 for tt in unamb]].mean(dim=1) \
        if unamb else torch.full((H,), float("nan"))
    # weight on any key j < p whose previous token equals the current token (induction-consistent)
    full = ids[0].tolist()
    cons = torch.zeros(H)
    for tt in range(n - 1):
        p = b + tt
        js = [j for j in range(a + 1, p + 1) if full[j - 1] == full[p]]
        cons += att[1][0][:, p, js].sum(dim=1)
    cons /= (n - 1)
    pred = logits[0, b + t].argmax(-1)
    acc = (pred == ids[0, b + t + 1]).double().mean().item()
    return dict(text=text, bos=bos, n=n, a=a, b=b, prev_all=prev_all.tolist(), prev_2nd=prev_2nd.tolist(),
                ind=ind.tolist(), ind_unamb=ind_u.tolist(), n_unamb=len(unamb),
                ind_consistent=cons.tolist(), acc=acc,
                pred=decode(pred.tolist()), want=decode(ids[0, b + t + 1].tolist()))


# ----------------------------------------------------------------------------
# Writing the Hugging Face folder
# ----------------------------------------------------------------------------
def write_safetensors(path, tensors):
    """tensors: list of (name, np.float32 array) in the order to store them."""
    header = {}
    off = 0
    blobs = []
    for name, arr in tensors:
        arr = np.ascontiguousarray(arr, dtype="<f4")
        nb = arr.nbytes
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [off, off + nb]}
        blobs.append(arr.tobytes(order="C"))
        off += nb
    header["__metadata__"] = {"format": "pt"}
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * ((8 - len(hj) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for bl in blobs:
            f.write(bl)


def tokenizer_json():
    b2u = verify_model.bytes_to_unicode()
    vocab = {b2u[32 + i]: i for i in range(N_CHARS)}
    assert b2u[32] == "\u0120" and all(b2u[c] == chr(c) for c in range(33, 127))
    vocab["<|endoftext|>"] = EOT
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": EOT, "content": "<|endoftext|>", "single_word": False,
                          "lstrip": False, "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                           "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": False,
                  "byte_fallback": False, "vocab": vocab, "merges": []},
    }


def config_json(args):
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": EOT,
        "embd_pdrop": 0.0,
        "eos_token_id": EOT,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": args.n_positions,
        "n_embd": args.n_embd,
        "n_head": args.n_head,
        "n_inner": args.n_inner,
        "n_layer": 2,
        "n_positions": args.n_positions,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "scale_attn_by_inverse_layer_idx": False,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "vocab_size": V,
    }


def save_folder(out, model, args):
    os.makedirs(out, exist_ok=True)
    st = model.state()
    write_safetensors(os.path.join(out, "model.safetensors"),
                      [(n, st[n].detach().cpu().numpy()) for n in model.names])
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(args), f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json()["model"]["vocab"], f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": args.n_positions, "bos_token": "<|endoftext|>",
                   "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
                   "add_prefix_space": False, "tokenizer_class": "GPT2Tokenizer"}, f, indent=2)
        f.write("\n")


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------
def lr_at(step, args):
    """Linear warm-up, then cosine from lr down to lr/10."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    pr = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * pr)))


def seq_max_at(step, args):
    """Curriculum on the sequence length: short sequences first (few keys to choose from, so the
    induction circuit forms in a few hundred steps), then a linear ramp up to n_positions."""
    if step < args.ramp_start:
        return args.warm_seq
    f = min(1.0, (step - args.ramp_start) / max(1, args.ramp_end - args.ramp_start))
    return int(round(args.warm_seq + f * (args.seq - args.warm_seq)))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "models", "induction"), help="Hugging Face folder to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (2 was no faster on the shared 2-core machine)")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--tokens", type=int, default=4096, help="tokens per batch (batch = tokens // length)")
    ap.add_argument("--n-positions", type=int, default=128)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-inner", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--span-lo", type=int, default=9, help="shortest repeated span in training")
    ap.add_argument("--span-hi", type=int, default=40, help="longest repeated span in training")
    ap.add_argument("--seq-min", type=int, default=32, help="shortest training sequence")
    ap.add_argument("--warm-seq", type=int, default=48, help="longest training sequence before the ramp")
    ap.add_argument("--ramp-start", type=int, default=400, help="step where longer sequences start")
    ap.add_argument("--ramp-end", type=int, default=1200, help="step from which sequences reach n_positions")
    ap.add_argument("--shift-start", type=int, default=400, help="step from which short batches may be shifted")
    ap.add_argument("--shift-p", type=float, default=0.5, help="share of short batches at a position offset")
    ap.add_argument("--max-pairs", type=int, default=3, help="repeated spans per training sequence, at most")
    ap.add_argument("--kinds", default="uniform,english,small")
    ap.add_argument("--kind-p", default="0.4,0.4,0.2")
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--no-save", action="store_true", help="train and evaluate only")
    args = ap.parse_args(argv)
    args.seq = args.n_positions
    return args


def fmt(v):
    return " ".join("%.3f" % x for x in v)


def main(argv=None):
    args = parse_args(argv)
    tune_malloc()
    t0 = time.time()
    c0 = time.process_time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)          # data
    gen = torch.Generator().manual_seed(args.seed)  # initial weights
    model = TinyGPT2(args.n_embd, args.n_head, 2, args.n_inner, args.n_positions)
    model.init_weights(gen)
    nparams = sum(p.numel() for p in model.parameters())
    print("Attention Lab tiny induction model: %d parameters, seed %d, %d steps, %d thread(s)"
          % (nparams, args.seed, args.steps, args.threads), flush=True)
    kinds = args.kinds.split(",")
    kind_p = np.array([float(x) for x in args.kind_p.split(",")])
    kind_p = kind_p / kind_p.sum()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    ema = None
    seen = 0
    for step in range(args.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        T = int(rng.integers(args.seq_min // 8, seq_max_at(step, args) // 8 + 1)) * 8
        B = max(4, args.tokens // T)
        ids, tgt, _ = make_batch(rng, B, T, args.span_lo, args.span_hi, kinds, kind_p,
                                 max_pairs=args.max_pairs)
        off = 0
        if T < args.seq and step >= args.shift_start and rng.random() < args.shift_p:
            # a short sequence placed further on: uniform offset, or flush with the last position
            # (uniform offsets alone leave the last rows of wpe nearly untrained)
            off = args.seq - T if rng.random() < 0.4 else int(rng.integers(0, args.seq - T + 1))
        logits = model(ids, pos_offset=off)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, V), tgt.view(-1), ignore_index=-1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        seen += B * T
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
            e = evaluate(model, args.seq, [6, 32], ["uniform"], B=32)["uniform"]
            print("step %5d  lr %.2e  T<=%3d  loss %.3f | held-out random, T=%d: L0 prev-token %s"
                  " | L1 induction span 6: %s  span 32: %s | acc %.2f %.2f | %.0fs"
                  % (step + 1, lr_at(step, args), seq_max_at(step, args), ema, args.seq,
                     " ".join("%.2f" % v for v in e[6]["prev"]),
                     " ".join("%.2f" % v for v in e[6]["ind"]),
                     " ".join("%.2f" % v for v in e[32]["ind"]),
                     e[6]["acc"], e[32]["acc"], time.time() - t0), flush=True)
    train_time = time.time() - t0
    train_cpu = time.process_time() - c0
    print("training: %.1f s wall, %.1f s CPU, %d tokens" % (train_time, train_cpu, seen), flush=True)

    # ---------------------------------------------------------------- final evaluation
    model.eval()
    spans = [5, 6, 8, 12, 16, 24, 32, 40, 48, 56, 63]
    ev = evaluate(model, args.seq, spans, ["uniform", "english", "small"], B=64)
    # the heads are picked on held-out uniform random data with span 16
    prev_head = int(np.argmax(ev["uniform"][16]["prev"]))
    ind_head = int(np.argmax(ev["uniform"][16]["ind"]))
    prof = offset_profile(model, args.seq)
    print("\nprevious-token head: layer 0 head %d; induction head: layer 1 head %d" % (prev_head, ind_head))
    print("mean attention by key offset (self, i-1, i-2, i-3, i-4, position 0), random text, rows 5..%d:"
          % (args.seq - 1))
    for l in range(2):
        for h, r in enumerate(prof[l]):
            print("  L%d head %d: %s" % (l, h, fmt(r)))
    for kind in ev:
        print("\n[%s] held-out sequences, T=%d, 64 per span length, random offsets and gap, no BOS;"
              " trained spans %d-%d" % (kind, args.seq, args.span_lo, args.span_hi))
        print("  span | L0 h%d prev | L1 h%d induction | next-token acc | loss | all L0 heads prev / all L1 heads induction"
              % (prev_head, ind_head))
        for n, r in ev[kind].items():
            print("  %4d |   %.3f    |      %.3f       |     %.3f      | %.3f | %s / %s" % (
                n, r["prev"][prev_head], r["ind"][ind_head], r["acc"], r["loss"], fmt(r["prev"]), fmt(r["ind"])))
    sents = [("the cat sat on the mat.", False), ("the cat sat on the mat.", True),
             ("the quick brown fox jumps over the lazy dog.", False),
             ("Attention is all you need!", False),
             ("To be, or not to be, that is the question:", False)]
    srep = []
    for s, bos in sents:
        r = sentence_report(model, s, bos=bos)
        srep.append(r)
        print("\n%r%s (n=%d, first copy at %d, second at %d); per head 0..3:"
              % (r["text"], " with <|endoftext|> first" if bos else "", r["n"], r["a"], r["b"]))
        print("  L0 weight on i-1, all positions i>=1 of the text:      %s" % fmt(r["prev_all"]))
        print("  L0 weight on i-1, second copy without its first token: %s" % fmt(r["prev_2nd"]))
        print("  L1 weight on a+t+1, p=b+t, t=0..n-2:                   %s" % fmt(r["ind"]))
        print("  L1 same, tokens that occur once in the sentence (%2d):  %s" % (r["n_unamb"], fmt(r["ind_unamb"])))
        print("  L1 weight on every j<=p with tok[j-1]=tok[p]:          %s" % fmt(r["ind_consistent"]))
        print("  next-token accuracy on the second copy: %.3f  predicted %r" % (r["acc"], r["pred"]))
    total_time = time.time() - t0
    results = {"params": nparams, "train_time_s": train_time, "train_cpu_s": train_cpu,
               "total_time_s": total_time,
               "train_tokens": seen, "final_loss_ema": ema, "prev_head": prev_head, "ind_head": ind_head,
               "offset_profile": prof, "eval": ev, "sentences": srep, "args": vars(args),
               "torch": torch.__version__, "threads": args.threads}
    if args.no_save:
        h = hashlib.sha256()
        for n in model.names:
            h.update(model.w(n).detach().numpy().tobytes())
        print("\nparameter sha256 %s" % h.hexdigest())
        return results
    save_folder(args.out, model, args)
    verify_model.verify(args.out, model)
    st_path = os.path.join(args.out, "model.safetensors")
    results["file_size"] = os.path.getsize(st_path)
    with open(st_path, "rb") as f:
        results["sha256"] = hashlib.sha256(f.read()).hexdigest()
    write_readme(args.out, results, args)
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\nsaved %s (model.safetensors %d bytes, sha256 %s); total %.1f s"
          % (args.out, results["file_size"], results["sha256"], time.time() - t0))
    return results


def write_readme(out, res, args):
    ev = res["eval"]
    ph, ih = res["prev_head"], res["ind_head"]
    rows = []
    for n in [5, 8, 12, 16, 24, 32, 48, 63]:
        u, e = ev["uniform"][n], ev["english"][n]
        rows.append("| %d | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
            n, u["prev"][ph], u["ind"][ih], u["acc"], e["ind"][ih], e["acc"]))
    cat = res["sentences"][0]
    prof = res["offset_profile"]
    heads = "\n".join(["* layer 0 head %d: %.3f / %.3f / %.3f" % (h, r[0], r[1], r[2]) for h, r in enumerate(prof[0])] +
                      ["* layer 1 head %d: %.3f" % (h, v) for h, v in enumerate(ev["uniform"][16]["ind"])])
    cmd = "/usr/bin/python3 scripts/tiny_model/train.py --out assets/models/induction"
    if args.seed != 1 or args.steps != 2000:
        cmd += " --seed %d --steps %d" % (args.seed, args.steps)
    text = """# Attention Lab tiny induction model

A toy model for teaching, not a language model. It is a 2-layer, 4-head GPT-2 (character level,
{P} positions, {np:,} parameters) trained only to continue a repeated span of text, so that its
attention shows the two textbook circuits:

* **layer 0, head {ph}: previous-token head**: position i attends to i-1
  (mean weight on i-1 over positions i >= 1: {prev:.3f} on held-out random text, {catprev:.3f} on
  the sentence below);
* **layer 1, head {ih}: induction head**: from a token in the second copy of a span it attends to
  the token that followed that token's first occurrence (mean weight on that target:
  {ind16:.3f} at span 16 on held-out random text).

Type a sentence twice, e.g. `the cat sat on the mat. the cat sat on the mat.`, and look at layer 1
head {ih}: on the second copy each character looks at the character after its earlier occurrence,
and the model predicts the rest of the copy (next-token accuracy on that copy {catacc:.3f}).
Outside a repeated span it predicts nothing useful.

## Format

GPT-2 layout as `GPT2LMHeadModel` loads it: `config.json`, `model.safetensors` (F32, names as
`GPT2Model` saves them: `wte.weight`, `wpe.weight`, `h.N.*`, `ln_f.*`; the output layer is tied to
`wte`), pre-LN blocks, `gelu_new`, LayerNorm eps 1e-5, no dropout.

## Vocabulary

96 tokens: the 95 printable ASCII characters in code order (space = 0 ... `~` = 94) and
`<|endoftext|>` = 95. `tokenizer.json` is GPT-2 byte-level BPE with no merges, so each character is
one token (space is `Ġ` in the vocabulary); `vocab.json`/`merges.txt` hold the same for the slow
`GPT2Tokenizer`. Text outside printable ASCII cannot be encoded. `<|endoftext|>` at the start is
optional (half of the training sequences had one).

## Training

* Data, generated on the fly: sequences of 32 to {P} characters in which one to three random spans
  of {lo}-{hi} characters each occur twice, at random offsets with random filler between and
  around them. Span and filler are drawn from one of: uniform over the 95 characters (40 %),
  English-like pseudo-words of lowercase letters with English letter frequencies, spaces, some
  capitals and punctuation (40 %), and a random 3-10 character alphabet (20 %).
  Loss: next-token cross-entropy on the positions of each second copy only.
* Curriculum: sequences of at most 48 characters for the first {rs} steps (the circuit forms there),
  then the longest length grows linearly to {P} by step {re}; from step {ss} half the shorter
  batches are placed at a random position offset (or flush with the last position) so that every
  row of `wpe` is trained. `wpe` starts as a sinusoidal table (periods 2.5 to {P2} positions) and is
  then trained like every other weight.
* Adam (betas 0.9, 0.98), lr {lr:g}, {wu} warm-up steps, cosine to lr/10, gradient clipping 1.0,
  {steps} steps of about {tok} tokens ({ntok:,} in all), seed {seed}; {cpu:.0f} s of CPU on
  {th} thread ({secs:.0f} s wall on a shared 2-core machine), PyTorch {tv} from Debian 12.
  Final training loss (moving average) {loss:.3f}.
* Re-train (deterministic: the same seed, thread count and BLAS library give the same file):
  `{cmd}` with Debian's `python3-torch` and `python3-numpy`.

## Measured on held-out data (fresh random sequences; spans 5-8 and 48-63 are lengths never trained, training used {lo}-{hi})

Mean attention weight of layer 0 head {ph} on i-1 over all positions i >= 1; of layer 1 head {ih} on the
induction target a+t+1 for every position b+t (t = 0 .. n-2) of the second copy; next-token accuracy
on the same positions. 64 sequences of {P} characters per row.

| span | L0 h{ph} prev (random) | L1 h{ih} induction (random) | accuracy (random) | L1 h{ih} induction (English-like) | accuracy (English-like) |
|---|---|---|---|---|---|
{rows}

All heads (mean weight on random text, rows 5..{P1}: on self / i-1 / i-2 for layer 0; on the
induction target at span 16 for layer 1):

{heads}

English-like text repeats letters, so part of the induction weight goes to other, equally valid
earlier occurrences; on `{cattext}`, layer 1 head {ih} puts {catcons:.3f} of its weight on keys
whose previous character equals the current one, {catind:.3f} on the exact target a+t+1.

## Licence

Same licence as the Attention Lab project it ships with.
""".format(P=args.n_positions, np=res["params"], ph=ph, ih=ih, prev=ev["uniform"][16]["prev"][ph],
           catprev=cat["prev_all"][ph], ind16=ev["uniform"][16]["ind"][ih], catacc=cat["acc"],
           lo=args.span_lo, hi=args.span_hi, rs=args.ramp_start, re=args.ramp_end, ss=args.shift_start,
           P2=2 * args.n_positions, lr=args.lr, wu=args.warmup, steps=args.steps, tok=args.tokens,
           seed=args.seed, secs=res["train_time_s"], th=args.threads, tv=res["torch"],
           loss=res["final_loss_ema"], cmd=cmd, rows="\n".join(rows), cattext=cat["text"],
           catcons=cat["ind_consistent"][ih], catind=cat["ind"][ih], cpu=res["train_cpu_s"],
           ntok=res["train_tokens"], P1=args.n_positions - 1, heads=heads)
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
