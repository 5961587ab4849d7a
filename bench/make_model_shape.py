#!/usr/bin/python3
"""Writes a Hugging Face model folder with random weights in a real model's exact shapes, for timing
`attnlab bench --model` and measuring its memory: never a trained model, only its sizes.

    /usr/bin/python3 bench/make_model_shape.py --shape gpt2 --out /tmp/gpt2-shape
    /usr/bin/python3 bench/make_model_shape.py --shape smollm2-135m --dtype BF16 --out /tmp/smollm2-shape

gpt2 is GPT-2 small (124 M parameters: 12 layers, 12 heads of 64, vocabulary 50257, 1024 positions);
smollm2-135m is SmolLM2-135M's Llama layout (30 layers, 9 query heads over 3 KV heads of 64, tied
embeddings); qwen2.5-0.5b, llama-3.2-1b and llama-3.1-8b are those models' layouts (the last one
is 16 GB in BF16: write it outside the repository). qwen3-0.6b, gemma-2-2b, gemma-3-1b, pythia-410m,
olmo2-1b and smollm3-3b are those models' shapes; phi-4-mini-8l is Phi-4-mini's layer, embeddings and longrope
with 8 of its 32 layers. --layers keeps only the first N layers of any shape. Weights ~ N(0, 0.02),
norms 1 (Gemma's stored w = 0, for 1 + w), biases 0, from a fixed seed.
"""
import argparse
import json
import os
import struct

import numpy as np


def llama3_rope(factor):
    """Llama 3's rope_scaling, as its config.json writes it."""
    return dict(rope_type="llama3", factor=factor, low_freq_factor=1.0, high_freq_factor=4.0,
                original_max_position_embeddings=8192)


SHAPES = {
    "gpt2": dict(model_type="gpt2", vocab_size=50257, n_embd=768, n_layer=12, n_head=12, n_positions=1024,
                 n_inner=None, layer_norm_epsilon=1e-5, activation_function="gelu_new"),
    "smollm2-135m": dict(model_type="llama", vocab_size=49152, hidden_size=576, num_hidden_layers=30,
                         num_attention_heads=9, num_key_value_heads=3, intermediate_size=1536,
                         max_position_embeddings=8192, rms_norm_eps=1e-5, rope_theta=100000.0,
                         tie_word_embeddings=True, hidden_act="silu"),
    "qwen2.5-0.5b": dict(model_type="qwen2", vocab_size=151936, hidden_size=896, num_hidden_layers=24,
                         num_attention_heads=14, num_key_value_heads=2, intermediate_size=4864,
                         max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0,
                         tie_word_embeddings=True, use_sliding_window=False, hidden_act="silu"),
    "llama-3.2-1b": dict(model_type="llama", vocab_size=128256, hidden_size=2048, num_hidden_layers=16,
                         num_attention_heads=32, num_key_value_heads=8, head_dim=64, intermediate_size=8192,
                         max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                         rope_scaling=llama3_rope(32.0), tie_word_embeddings=True, hidden_act="silu"),
    "llama-3.1-8b": dict(model_type="llama", vocab_size=128256, hidden_size=4096, num_hidden_layers=32,
                         num_attention_heads=32, num_key_value_heads=8, head_dim=128, intermediate_size=14336,
                         max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                         rope_scaling=llama3_rope(8.0), tie_word_embeddings=False, hidden_act="silu"),
    "qwen3-0.6b": dict(model_type="qwen3", vocab_size=151936, hidden_size=1024, num_hidden_layers=28,
                       num_attention_heads=16, num_key_value_heads=8, head_dim=128, intermediate_size=3072,
                       max_position_embeddings=40960, rms_norm_eps=1e-6, rope_theta=1000000.0,
                       tie_word_embeddings=True, hidden_act="silu", attention_bias=False,
                       use_sliding_window=False),
    "gemma-2-2b": dict(model_type="gemma2", vocab_size=256000, hidden_size=2304, num_hidden_layers=26,
                       num_attention_heads=8, num_key_value_heads=4, head_dim=256, intermediate_size=9216,
                       max_position_embeddings=8192, rms_norm_eps=1e-6, rope_theta=10000.0,
                       query_pre_attn_scalar=256, sliding_window=4096, hidden_activation="gelu_pytorch_tanh",
                       final_logit_softcapping=30.0, attn_logit_softcapping=50.0, tie_word_embeddings=True),
    "gemma-3-1b": dict(model_type="gemma3_text", vocab_size=262144, hidden_size=1152, num_hidden_layers=26,
                       num_attention_heads=4, num_key_value_heads=1, head_dim=256, intermediate_size=6912,
                       max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0,
                       rope_local_base_freq=10000.0, query_pre_attn_scalar=256, sliding_window=512,
                       sliding_window_pattern=6, hidden_activation="gelu_pytorch_tanh",
                       final_logit_softcapping=None, attn_logit_softcapping=None, rope_scaling=None),
    "pythia-410m": dict(model_type="gpt_neox", vocab_size=50304, hidden_size=1024, num_hidden_layers=24,
                        num_attention_heads=16, intermediate_size=4096, max_position_embeddings=2048,
                        rotary_pct=0.25, rotary_emb_base=10000, use_parallel_residual=True, hidden_act="gelu",
                        layer_norm_eps=1e-5, tie_word_embeddings=False),
    "phi-4-mini-8l": dict(model_type="phi3", vocab_size=200064, hidden_size=3072, num_hidden_layers=8,
                          num_attention_heads=24, num_key_value_heads=8, intermediate_size=8192,
                          max_position_embeddings=131072, original_max_position_embeddings=4096,
                          partial_rotary_factor=0.75, rope_theta=10000.0, rms_norm_eps=1e-5,
                          tie_word_embeddings=True, hidden_act="silu", sliding_window=262144,
                          rope_scaling=dict(type="longrope", short_factor=[1.0 + i / 48 for i in range(48)],
                                            long_factor=[1.0 + i for i in range(48)])),
    "olmo2-1b": dict(model_type="olmo2", vocab_size=100352, hidden_size=2048, num_hidden_layers=16,
                     num_attention_heads=16, num_key_value_heads=16, intermediate_size=8192,
                     max_position_embeddings=4096, rms_norm_eps=1e-6, rope_theta=500000.0,
                     tie_word_embeddings=False, hidden_act="silu"),
    "smollm3-3b": dict(model_type="smollm3", vocab_size=128256, hidden_size=2048, num_hidden_layers=36,
                       num_attention_heads=16, num_key_value_heads=4, intermediate_size=11008,
                       max_position_embeddings=65536, rms_norm_eps=1e-6, rope_theta=5000000.0,
                       tie_word_embeddings=True, hidden_act="silu", no_rope_layer_interval=4),
}


def tensors(config):
    """(name, shape, kind) in the order a checkpoint stores them; kind is weight, norm or bias."""
    if config["model_type"] == "gpt2":
        E, V, P = config["n_embd"], config["vocab_size"], config["n_positions"]
        M = config["n_inner"] or 4 * E
        yield "wte.weight", (V, E), "weight"
        yield "wpe.weight", (P, E), "weight"
        for l in range(config["n_layer"]):
            h = "h.%d." % l
            yield h + "ln_1.weight", (E,), "norm"
            yield h + "ln_1.bias", (E,), "bias"
            yield h + "attn.c_attn.weight", (E, 3 * E), "weight"
            yield h + "attn.c_attn.bias", (3 * E,), "bias"
            yield h + "attn.c_proj.weight", (E, E), "weight"
            yield h + "attn.c_proj.bias", (E,), "bias"
            yield h + "ln_2.weight", (E,), "norm"
            yield h + "ln_2.bias", (E,), "bias"
            yield h + "mlp.c_fc.weight", (E, M), "weight"
            yield h + "mlp.c_fc.bias", (M,), "bias"
            yield h + "mlp.c_proj.weight", (M, E), "weight"
            yield h + "mlp.c_proj.bias", (E,), "bias"
        yield "ln_f.weight", (E,), "norm"
        yield "ln_f.bias", (E,), "bias"
        return
    E, V, M = config["hidden_size"], config["vocab_size"], config["intermediate_size"]
    t = config["model_type"]
    if t == "gpt_neox":
        yield "gpt_neox.embed_in.weight", (V, E), "weight"
        for l in range(config["num_hidden_layers"]):
            h = "gpt_neox.layers.%d." % l
            for norm in ("input_layernorm", "post_attention_layernorm"):
                yield h + norm + ".weight", (E,), "norm"
                yield h + norm + ".bias", (E,), "bias"
            for name, shape in (("attention.query_key_value", (3 * E, E)), ("attention.dense", (E, E)),
                                ("mlp.dense_h_to_4h", (M, E)), ("mlp.dense_4h_to_h", (E, M))):
                yield h + name + ".weight", shape, "weight"
                yield h + name + ".bias", shape[:1], "bias"
        yield "gpt_neox.final_layer_norm.weight", (E,), "norm"
        yield "gpt_neox.final_layer_norm.bias", (E,), "bias"
        yield "embed_out.weight", (V, E), "weight"
        return
    gemma = t in ("gemma2", "gemma3_text")  # the sandwich norms
    norm = "zero" if gemma else "norm"  # Gemma stores w with 1 + w applied
    hd = config.get("head_dim") or E // config["num_attention_heads"]
    Q, KV = config["num_attention_heads"] * hd, config["num_key_value_heads"] * hd
    yield "model.embed_tokens.weight", (V, E), "weight"
    for l in range(config["num_hidden_layers"]):
        h = "model.layers.%d." % l
        if t != "olmo2":
            yield h + "input_layernorm.weight", (E,), norm
        if t == "phi3":
            yield h + "self_attn.qkv_proj.weight", (Q + 2 * KV, E), "weight"
        else:
            yield h + "self_attn.q_proj.weight", (Q, E), "weight"
            yield h + "self_attn.k_proj.weight", (KV, E), "weight"
            yield h + "self_attn.v_proj.weight", (KV, E), "weight"
        if t == "qwen2":  # Qwen2's q, k and v carry biases
            yield h + "self_attn.q_proj.bias", (Q,), "bias"
            yield h + "self_attn.k_proj.bias", (KV,), "bias"
            yield h + "self_attn.v_proj.bias", (KV,), "bias"
        if t in ("qwen3", "gemma3_text"):
            yield h + "self_attn.q_norm.weight", (hd,), norm
            yield h + "self_attn.k_norm.weight", (hd,), norm
        if t == "olmo2":
            yield h + "self_attn.q_norm.weight", (Q,), norm
            yield h + "self_attn.k_norm.weight", (KV,), norm
        yield h + "self_attn.o_proj.weight", (E, Q), "weight"
        yield h + "post_attention_layernorm.weight", (E,), norm
        if gemma:
            yield h + "pre_feedforward_layernorm.weight", (E,), norm
        if gemma or t == "olmo2":
            yield h + "post_feedforward_layernorm.weight", (E,), norm
        if t == "phi3":
            yield h + "mlp.gate_up_proj.weight", (2 * M, E), "weight"
        else:
            yield h + "mlp.gate_proj.weight", (M, E), "weight"
            yield h + "mlp.up_proj.weight", (M, E), "weight"
        yield h + "mlp.down_proj.weight", (E, M), "weight"
    yield "model.norm.weight", (E,), norm
    if not config.get("tie_word_embeddings", gemma):
        yield "lm_head.weight", (V, E), "weight"


def encode(values, dtype):
    values = values.astype("<f4")
    if dtype == "F32":
        return values.tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    bits = values.view("<u4").astype(np.uint64)  # BF16: the top half, rounded to nearest even
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return bits.astype("<u2").tobytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="gpt2")
    parser.add_argument("--dtype", choices=["F32", "F16", "BF16"], default="F32")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=0, help="keep only the first N layers")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    config = dict(SHAPES[args.shape])
    if args.layers:
        config["num_hidden_layers" if "num_hidden_layers" in config else "n_layer"] = args.layers
    size = {"F32": 4, "F16": 2, "BF16": 2}[args.dtype]
    header, offset, layout = {"__metadata__": {"format": "pt"}}, 0, list(tensors(config))
    for name, shape, _ in layout:
        n = int(np.prod(shape)) * size
        header[name] = {"dtype": args.dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)

    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    with open(os.path.join(args.out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for name, shape, kind in layout:  # a few million values in memory at a time
            left = int(np.prod(shape))
            while left:
                n = min(left, 1 << 24)
                values = {"weight": lambda: rng.standard_normal(n, dtype=np.float32) * np.float32(0.02),
                          "norm": lambda: np.ones(n), "bias": lambda: np.zeros(n), "zero": lambda: np.zeros(n)}[kind]()
                f.write(encode(values, args.dtype))
                left -= n
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    parameters = sum(int(np.prod(shape)) for _, shape, _ in layout)
    print("%s: %d parameters, %s, %.1f MB" % (args.out, parameters, args.dtype, (8 + len(text) + offset) / 1e6))


if __name__ == "__main__":
    main()
