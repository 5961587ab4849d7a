#pragma once
// Tiny checkpoints written by the tests: a config.json and random weights in the layout of each
// architecture (models.md), in one safetensors file or in shards with an index. Every weight is
// kept as the file stores it, for the float64 reference (reference_forward.hpp).
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"
#include "tests/model/safetensors_writer.hpp"

namespace model_test {

struct TinySpec {
  std::string model_type = "gpt2";  // gpt2, llama, mistral, qwen2, and families.md's
  bool prefix = false;              // gpt2: names under "transformer."
  long vocab = 41, hidden = 16, layers = 2, heads = 4, kv_heads = 4, intermediate = 24, positions = 24;
  long head_dim = 0;  // llama family: 0 leaves head_dim out of the config (hidden / heads)
  bool tied = false;  // llama family: no lm_head, the embeddings instead
  bool attention_bias = false;
  bool inverse_layer_scale = false;  // gpt2: scale_attn_by_inverse_layer_idx
  double rope_theta = 10000;
  bool llama3 = false;         // rope_scaling of type llama3
  std::optional<long> window;  // mistral: sliding_window; qwen2: with use_sliding_window
  long max_window_layers = 0;  // qwen2: layers from here on slide
  // families.md's: partial RoPE (phi3's partial_rotary_factor, gpt_neox's rotary_pct); gemma3's
  // sliding layers' θ and the local/global alternation; phi3's longrope; smollm3's NoPE layers.
  double rotary = 1.0;
  double rope_local_theta = 10000;
  long sliding_pattern = 0;                 // gemma3: sliding_window_pattern (0: leave out, 6 by default)
  std::vector<std::string> layer_types;     // written when not empty
  bool longrope = false;                    // phi3: rope_scaling longrope, original context 8
  std::vector<int> no_rope_layers;          // smollm3: written when not empty (else the interval rule)
  long no_rope_interval = 0;                // smollm3: no_rope_layer_interval when > 0
  bool parallel_residual = true;            // gpt_neox
  std::optional<double> final_softcap;      // gemma2, gemma3: final_logit_softcapping (else null)
  std::optional<double> attn_softcap;       // gemma2, gemma3: attn_logit_softcapping (else null)
  double query_pre_attn_scalar = 0;         // gemma2, gemma3: written when > 0
  DT dtype = DT::f32;
  int shards = 1;
  int misalign = 0;  // spaces added to the header: F32 data off a float boundary
};

struct TinyModel {
  TinySpec spec;
  nlohmann::ordered_json config;
  std::vector<std::pair<std::string, TestTensor>> tensors;  // values as stored

  const TestTensor& at(const std::string& name) const {
    for (const auto& [n, t] : tensors)
      if (n == name) return t;
    throw std::runtime_error("the tiny model has no tensor " + name);
  }
  bool has(const std::string& name) const {
    for (const auto& [n, t] : tensors)
      if (n == name) return true;
    return false;
  }
};

inline nlohmann::ordered_json tiny_config(const TinySpec& s) {
  nlohmann::ordered_json c;
  c["model_type"] = s.model_type;
  c["vocab_size"] = s.vocab;
  if (s.model_type == "gpt2") {
    c["n_embd"] = s.hidden, c["n_layer"] = s.layers, c["n_head"] = s.heads, c["n_inner"] = s.intermediate;
    c["n_positions"] = s.positions, c["layer_norm_epsilon"] = 1e-5, c["activation_function"] = "gelu_new";
    c["scale_attn_by_inverse_layer_idx"] = s.inverse_layer_scale;
    return c;
  }
  if (s.model_type == "gpt_neox") {
    c["hidden_size"] = s.hidden, c["num_hidden_layers"] = s.layers, c["num_attention_heads"] = s.heads;
    c["intermediate_size"] = s.intermediate, c["max_position_embeddings"] = s.positions;
    c["layer_norm_eps"] = 1e-5, c["hidden_act"] = "gelu", c["rotary_pct"] = s.rotary;
    c["rotary_emb_base"] = s.rope_theta, c["use_parallel_residual"] = s.parallel_residual;
    c["tie_word_embeddings"] = false;
    return c;
  }
  c["hidden_size"] = s.hidden, c["num_hidden_layers"] = s.layers, c["num_attention_heads"] = s.heads;
  c["num_key_value_heads"] = s.kv_heads, c["intermediate_size"] = s.intermediate;
  c["max_position_embeddings"] = s.positions, c["rms_norm_eps"] = 1e-5, c["hidden_act"] = "silu";
  c["rope_theta"] = s.rope_theta, c["tie_word_embeddings"] = s.tied;
  if (s.head_dim) c["head_dim"] = s.head_dim;
  if (s.model_type == "llama") c["attention_bias"] = s.attention_bias;
  // With θ = 10⁴ and hd = 8 the wavelengths 2π·θ^(2i/hd) are 6.3, 63, 628 and 6283 positions: against
  // a context of 64 (bands at 64/1 and 64/4) the first is kept, the second smoothed, the rest slowed.
  if (s.llama3)
    c["rope_scaling"] = {{"rope_type", "llama3"},
                         {"factor", 8.0},
                         {"low_freq_factor", 1.0},
                         {"high_freq_factor", 4.0},
                         {"original_max_position_embeddings", 64}};
  if (s.window) c["sliding_window"] = *s.window;
  if (s.model_type == "qwen2" || s.model_type == "qwen3" || s.model_type == "smollm3")
    c["use_sliding_window"] = s.window.has_value(), c["max_window_layers"] = s.max_window_layers;
  if (s.model_type != "llama" && s.model_type != "qwen2") c["attention_bias"] = s.attention_bias;
  if (s.model_type == "gemma" || s.model_type == "gemma2" || s.model_type == "gemma3_text") {
    c.erase("hidden_act");
    c["hidden_activation"] = "gelu_pytorch_tanh", c["rms_norm_eps"] = 1e-6;
  }
  if (s.model_type == "gemma2" || s.model_type == "gemma3_text") {
    if (s.query_pre_attn_scalar > 0) c["query_pre_attn_scalar"] = s.query_pre_attn_scalar;
    c["final_logit_softcapping"] = s.final_softcap ? nlohmann::ordered_json(*s.final_softcap) : nullptr;
    c["attn_logit_softcapping"] = s.attn_softcap ? nlohmann::ordered_json(*s.attn_softcap) : nullptr;
  }
  if (s.model_type == "gemma3_text") {
    c["rope_local_base_freq"] = s.rope_local_theta;
    if (s.sliding_pattern > 0) c["sliding_window_pattern"] = s.sliding_pattern;
  }
  if (!s.layer_types.empty()) c["layer_types"] = s.layer_types;
  if (s.model_type == "phi3") {
    c["partial_rotary_factor"] = s.rotary;
    if (s.longrope) {
      // Factors per rotary frequency, short and long; the long ones are used past 8 tokens.
      const long half = static_cast<long>((s.head_dim ? s.head_dim : s.hidden / s.heads) * s.rotary) / 2;
      std::vector<double> shorts, longs;
      for (long i = 0; i < half; ++i) shorts.push_back(1.0 + 0.25 * i), longs.push_back(2.0 + 1.5 * i);
      c["original_max_position_embeddings"] = 8;
      c["rope_scaling"] = {{"type", "longrope"}, {"short_factor", shorts}, {"long_factor", longs}};
    }
  }
  if (s.model_type == "smollm3") {
    if (!s.no_rope_layers.empty()) c["no_rope_layers"] = s.no_rope_layers;
    if (s.no_rope_interval > 0) c["no_rope_layer_interval"] = s.no_rope_interval;
  }
  return c;
}

// A tiny Gemma 2: 3 layers (0 and 2 slide over 3 keys), 4 query heads over 2 KV heads of 8, scores ·
// 12^−½ capped at 1.5, logits capped at 2: small enough that both caps change the pass.
inline TinySpec tiny_gemma2() {
  TinySpec s;
  s.model_type = "gemma2", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 8, s.intermediate = 40;
  s.layers = 3, s.tied = true, s.window = 3, s.query_pre_attn_scalar = 12, s.attn_softcap = 1.5;
  s.final_softcap = 2;
  return s;
}

// Random weights of the architecture's names and shapes, rounded to the spec's dtype.
inline TinyModel make_tiny_model(const TinySpec& s, std::uint64_t seed = 1) {
  TinyModel m{s, tiny_config(s), {}};
  std::mt19937_64 rng(seed);
  const auto add = [&](const std::string& name, std::vector<std::uint64_t> shape, double mean, double sigma) {
    std::normal_distribution<double> normal(mean, sigma);
    TestTensor t{shape, {}};
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    for (std::uint64_t i = 0; i < n; ++i) t.values.push_back(stored(normal(rng), s.dtype));
    m.tensors.emplace_back(name, std::move(t));
  };
  using U = std::uint64_t;
  const U V = s.vocab, E = s.hidden, M = s.intermediate, P = s.positions;
  // Weights large enough that attention is far from uniform: σ ≈ 1.5/√E.
  const double w = 1.5 / std::sqrt(static_cast<double>(E));
  if (s.model_type == "gpt2") {
    const std::string p = s.prefix ? "transformer." : "";
    add(p + "wte.weight", {V, E}, 0, 0.5);
    add(p + "wpe.weight", {P, E}, 0, 0.3);
    for (long l = 0; l < s.layers; ++l) {
      const std::string h = p + "h." + std::to_string(l) + ".";
      add(h + "ln_1.weight", {E}, 1, 0.1), add(h + "ln_1.bias", {E}, 0, 0.1);
      add(h + "attn.c_attn.weight", {E, 3 * E}, 0, w), add(h + "attn.c_attn.bias", {3 * E}, 0, 0.1);
      add(h + "attn.c_proj.weight", {E, E}, 0, w), add(h + "attn.c_proj.bias", {E}, 0, 0.1);
      add(h + "ln_2.weight", {E}, 1, 0.1), add(h + "ln_2.bias", {E}, 0, 0.1);
      add(h + "mlp.c_fc.weight", {E, M}, 0, w), add(h + "mlp.c_fc.bias", {M}, 0, 0.1);
      add(h + "mlp.c_proj.weight", {M, E}, 0, w), add(h + "mlp.c_proj.bias", {E}, 0, 0.1);
      // The buffers GPT-2 checkpoints may carry, which a reader must skip.
      add(h + "attn.bias", {1, 1, P, P}, 0, 1);
    }
    add(p + "ln_f.weight", {E}, 1, 0.1), add(p + "ln_f.bias", {E}, 0, 0.1);
    return m;
  }
  if (s.model_type == "gpt_neox") {
    add("gpt_neox.embed_in.weight", {V, E}, 0, 0.5);
    for (long l = 0; l < s.layers; ++l) {
      const std::string h = "gpt_neox.layers." + std::to_string(l) + ".";
      add(h + "input_layernorm.weight", {E}, 1, 0.1), add(h + "input_layernorm.bias", {E}, 0, 0.1);
      add(h + "post_attention_layernorm.weight", {E}, 1, 0.1), add(h + "post_attention_layernorm.bias", {E}, 0, 0.1);
      add(h + "attention.query_key_value.weight", {3 * E, E}, 0, w);
      add(h + "attention.query_key_value.bias", {3 * E}, 0, 0.2);
      add(h + "attention.dense.weight", {E, E}, 0, w), add(h + "attention.dense.bias", {E}, 0, 0.1);
      add(h + "mlp.dense_h_to_4h.weight", {M, E}, 0, w), add(h + "mlp.dense_h_to_4h.bias", {M}, 0, 0.1);
      add(h + "mlp.dense_4h_to_h.weight", {E, M}, 0, w), add(h + "mlp.dense_4h_to_h.bias", {E}, 0, 0.1);
      // The buffers some Pythia checkpoints carry, which a reader must skip.
      add(h + "attention.bias", {1, 1, P, P}, 0, 1), add(h + "attention.masked_bias", {1}, 0, 1);
      add(h + "attention.rotary_emb.inv_freq", {2}, 0, 1);
    }
    add("gpt_neox.final_layer_norm.weight", {E}, 1, 0.1), add("gpt_neox.final_layer_norm.bias", {E}, 0, 0.1);
    add("embed_out.weight", {V, E}, 0, w);
    return m;
  }
  const U hd = s.head_dim ? static_cast<U>(s.head_dim) : E / static_cast<U>(s.heads);
  const U Q = static_cast<U>(s.heads) * hd, KV = static_cast<U>(s.kv_heads) * hd;
  const bool qkv_bias = s.model_type == "qwen2" || s.attention_bias;
  const bool gemma = s.model_type == "gemma" || s.model_type == "gemma2" || s.model_type == "gemma3_text";
  const bool gemma2 = s.model_type == "gemma2" || s.model_type == "gemma3_text";  // the sandwich norms
  const bool sandwich = gemma2 || s.model_type == "olmo2";
  // Gemma stores its norms' weights as w − 1 (it multiplies by 1 + w): values near 0.
  const double norm_mean = gemma ? 0.0 : 1.0;
  add("model.embed_tokens.weight", {V, E}, 0, gemma ? 0.5 / std::sqrt(static_cast<double>(E)) : 0.5);
  for (long l = 0; l < s.layers; ++l) {
    const std::string h = "model.layers." + std::to_string(l) + ".";
    if (s.model_type != "olmo2") add(h + "input_layernorm.weight", {E}, norm_mean, 0.1);
    if (s.model_type == "phi3") {
      add(h + "self_attn.qkv_proj.weight", {Q + 2 * KV, E}, 0, w);
    } else {
      add(h + "self_attn.q_proj.weight", {Q, E}, 0, w), add(h + "self_attn.k_proj.weight", {KV, E}, 0, w);
      add(h + "self_attn.v_proj.weight", {KV, E}, 0, w);
    }
    if (qkv_bias) {
      add(h + "self_attn.q_proj.bias", {Q}, 0, 0.2), add(h + "self_attn.k_proj.bias", {KV}, 0, 0.2);
      add(h + "self_attn.v_proj.bias", {KV}, 0, 0.2);
    }
    // QK-norm: per head (qwen3, gemma3) or over the whole projection (olmo2), weights far from 1.
    if (s.model_type == "qwen3" || s.model_type == "gemma3_text")
      add(h + "self_attn.q_norm.weight", {hd}, gemma ? 0.0 : 1.0, 0.4),
          add(h + "self_attn.k_norm.weight", {hd}, gemma ? 0.0 : 1.0, 0.4);
    if (s.model_type == "olmo2")
      add(h + "self_attn.q_norm.weight", {Q}, 1, 0.4), add(h + "self_attn.k_norm.weight", {KV}, 1, 0.4);
    add(h + "self_attn.o_proj.weight", {E, Q}, 0, w);
    if (s.attention_bias) add(h + "self_attn.o_proj.bias", {E}, 0, 0.1);
    if (s.model_type != "olmo2") add(h + "post_attention_layernorm.weight", {E}, norm_mean, 0.1);
    if (s.model_type == "olmo2") add(h + "post_attention_layernorm.weight", {E}, 1, 0.3);
    if (gemma2) add(h + "pre_feedforward_layernorm.weight", {E}, 0, 0.1);
    if (sandwich) add(h + "post_feedforward_layernorm.weight", {E}, norm_mean, 0.3);
    if (s.model_type == "phi3") {
      add(h + "mlp.gate_up_proj.weight", {2 * M, E}, 0, w);
    } else {
      add(h + "mlp.gate_proj.weight", {M, E}, 0, w), add(h + "mlp.up_proj.weight", {M, E}, 0, w);
    }
    add(h + "mlp.down_proj.weight", {E, M}, 0, w);
  }
  add("model.norm.weight", {E}, norm_mean, 0.1);
  if (!s.tied) add("lm_head.weight", {V, E}, 0, w);
  return m;
}

// config.json and the weights: model.safetensors, or shards model-0000i-of-0000n.safetensors and
// model.safetensors.index.json, the tensors dealt round-robin.
inline void write_tiny_model(const TinyModel& m, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  cli_test::write_all(dir / "config.json", m.config.dump(2));
  if (m.spec.shards <= 1) {
    cli_test::write_all(dir / "model.safetensors", safetensors_bytes(m.tensors, m.spec.dtype, m.spec.misalign));
    return;
  }
  const int n = m.spec.shards;
  std::vector<std::vector<std::pair<std::string, TestTensor>>> parts(static_cast<std::size_t>(n));
  nlohmann::ordered_json index;
  index["metadata"] = {{"total_size", 0}};
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    const int shard = static_cast<int>(i % static_cast<std::size_t>(n));
    parts[static_cast<std::size_t>(shard)].push_back(m.tensors[i]);
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", shard + 1, n);
    index["weight_map"][m.tensors[i].first] = name;
  }
  for (int shard = 0; shard < n; ++shard) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", shard + 1, n);
    cli_test::write_all(dir / name, safetensors_bytes(parts[static_cast<std::size_t>(shard)], m.spec.dtype));
  }
  cli_test::write_all(dir / "model.safetensors.index.json", index.dump(2));
}

}  // namespace model_test
