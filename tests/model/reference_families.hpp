#pragma once
// The float64 reference of families.md's architectures, written from transformers' modeling files
// (modeling_qwen3, gemma, gemma2, gemma3, olmo2, gpt_neox, phi3, smollm3) with plain loops, sharing nothing
// with core/model: it reads the tiny model's config.json itself, with transformers' defaults.
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "tests/model/reference_forward.hpp"

namespace model_test {
namespace family_detail {

using detail::add;
using detail::attention;
using detail::layer_norm;
using detail::linear;

template <class T>
T get_or(const nlohmann::ordered_json& c, const char* key, T fallback) {
  return c.contains(key) && !c[key].is_null() ? c[key].get<T>() : fallback;
}

// RMSNorm over groups of w.size() values of each row, times (offset + w): Gemma's offset is 1.
inline Rows rms(const Rows& x, const TestTensor& w, double eps, double offset) {
  Rows y = x;
  const std::size_t width = w.values.size();
  for (auto& row : y)
    for (std::size_t g = 0; g < row.size() / width; ++g) {
      double ms = 0;
      for (std::size_t e = 0; e < width; ++e) ms += row[g * width + e] * row[g * width + e] / static_cast<double>(width);
      for (std::size_t e = 0; e < width; ++e)
        row[g * width + e] = row[g * width + e] / std::sqrt(ms + eps) * (offset + w.values[e]);
    }
  return y;
}

// rotate_half on the first `rotary` dims of each head, by inv_freq and a factor on cos and sin.
inline void rope(Rows& x, long heads, long hd, const std::vector<double>& inv_freq, double factor) {
  const long rotary = 2 * static_cast<long>(inv_freq.size()), half = rotary / 2;
  for (std::size_t p = 0; p < x.size(); ++p)
    for (long h = 0; h < heads; ++h) {
      std::vector<double> head(x[p].begin() + h * hd, x[p].begin() + (h + 1) * hd), turned = head;
      for (long d = 0; d < rotary; ++d) {
        const double angle = static_cast<double>(p) * inv_freq[static_cast<std::size_t>(d % half)];
        const double rotated = d < half ? -head[d + half] : head[d - half];
        turned[d] = head[d] * std::cos(angle) * factor + rotated * std::sin(angle) * factor;
      }
      std::copy(turned.begin(), turned.end(), x[p].begin() + h * hd);
    }
}

inline double gelu_tanh(double u) {
  return 0.5 * u * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (u + 0.044715 * u * u * u)));
}
inline double gelu_erf(double u) {
  return 0.5 * u * (1 + std::erf(u / std::sqrt(2.0)));
}

}  // namespace family_detail

// Every layer's q, k (after norm and RoPE), v and the last position's logits.
inline RefForward reference_family_forward(const TinyModel& m, const std::vector<long>& ids,
                                           const RefAblation& ablation = {}) {
  using namespace family_detail;
  const auto& c = m.config;
  const std::string type = c["model_type"].get<std::string>();
  const std::size_t L = ids.size();
  const long E = c["hidden_size"].get<long>(), H = c["num_attention_heads"].get<long>();
  const long layers = c["num_hidden_layers"].get<long>();
  RefForward out;

  if (type == "gpt_neox") {
    const long hd = E / H, rotary = static_cast<long>(static_cast<double>(hd) * c["rotary_pct"].get<double>());
    const double theta = c["rotary_emb_base"].get<double>(), eps = c["layer_norm_eps"].get<double>();
    std::vector<double> inv_freq;
    for (long i = 0; i < rotary / 2; ++i)
      inv_freq.push_back(1 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(rotary)));
    Rows x(L, std::vector<double>(static_cast<std::size_t>(E)));
    for (std::size_t i = 0; i < L; ++i)
      for (long e = 0; e < E; ++e)
        x[i][e] = m.at("gpt_neox.embed_in.weight").values[static_cast<std::size_t>(ids[i] * E + e)];
    for (long l = 0; l < layers; ++l) {
      const std::string h = "gpt_neox.layers." + std::to_string(l) + ".";
      const Rows a = layer_norm(x, m.at(h + "input_layernorm.weight"), m.at(h + "input_layernorm.bias"), eps);
      const Rows qkv = linear(a, m.at(h + "attention.query_key_value.weight"),
                              &m.at(h + "attention.query_key_value.bias"), false);
      // The fused output viewed as [heads, 3·hd]: each head's q, k and v adjacent.
      RefLayer layer;
      for (const auto& row : qkv) {
        std::vector<double> q, k, v;
        for (long head = 0; head < H; ++head) {
          const auto base = row.begin() + head * 3 * hd;
          q.insert(q.end(), base, base + hd), k.insert(k.end(), base + hd, base + 2 * hd);
          v.insert(v.end(), base + 2 * hd, base + 3 * hd);
        }
        layer.q.push_back(q), layer.k.push_back(k), layer.v.push_back(v);
      }
      rope(layer.q, H, hd, inv_freq, 1), rope(layer.k, H, hd, inv_freq, 1);
      layer.scale = 1 / std::sqrt(static_cast<double>(hd));
      const Rows o = attention(layer.q, layer.k, layer.v, H, H, hd, layer.scale, {}, layer.weights, l, ablation);
      const Rows attn = linear(o, m.at(h + "attention.dense.weight"), &m.at(h + "attention.dense.bias"), false);
      const auto mlp = [&](const Rows& in) {
        Rows f = linear(layer_norm(in, m.at(h + "post_attention_layernorm.weight"),
                                   m.at(h + "post_attention_layernorm.bias"), eps),
                        m.at(h + "mlp.dense_h_to_4h.weight"), &m.at(h + "mlp.dense_h_to_4h.bias"), false);
        for (auto& row : f)
          for (double& u : row) u = gelu_erf(u);
        return linear(f, m.at(h + "mlp.dense_4h_to_h.weight"), &m.at(h + "mlp.dense_4h_to_h.bias"), false);
      };
      if (get_or(c, "use_parallel_residual", true)) {
        const Rows f = mlp(x);
        add(x, attn), add(x, f);
      } else {
        add(x, attn);
        add(x, mlp(x));
      }
      out.layers.push_back(std::move(layer));
    }
    const Rows final = layer_norm(x, m.at("gpt_neox.final_layer_norm.weight"), m.at("gpt_neox.final_layer_norm.bias"), eps);
    out.logits = detail::logits(final.back(), m.at("embed_out.weight"));
    return out;
  }

  const bool gemma2 = type == "gemma2", gemma3 = type == "gemma3_text";
  const bool gemma = type == "gemma" || gemma2 || gemma3, sandwich = gemma2 || gemma3;
  const long G = get_or<long>(c, "num_key_value_heads", H);
  const long hd = get_or<long>(c, "head_dim", type == "qwen3" ? 128 : gemma ? 256 : E / H);
  const double eps = get_or<double>(c, "rms_norm_eps", type == "olmo2" ? 1e-5 : 1e-6), offset = gemma ? 1 : 0;
  const double partial = get_or<double>(c, "partial_rotary_factor", 1.0);
  const long rotary = static_cast<long>(static_cast<double>(hd) * partial);
  const double theta = get_or<double>(c, "rope_theta", gemma3 ? 1e6 : type == "smollm3" ? 2e6 : 10000);

  // Inverse frequencies of a global layer (with phi3's longrope by the sequence's length) and of a
  // gemma3 sliding one (rope_local_base_freq, no scaling).
  const auto frequencies = [&](double base) {
    std::vector<double> f;
    for (long i = 0; i < rotary / 2; ++i) f.push_back(1 / std::pow(base, static_cast<double>(2 * i) / rotary));
    return f;
  };
  std::vector<double> global = frequencies(theta);
  double attention_factor = 1;
  if (c.contains("rope_scaling") && c["rope_scaling"]["type"] == "longrope") {
    const double original = c["original_max_position_embeddings"].get<double>();
    const double factor = c["max_position_embeddings"].get<double>() / original;
    const auto& ext = c["rope_scaling"][static_cast<double>(L) > original ? "long_factor" : "short_factor"];
    for (std::size_t i = 0; i < global.size(); ++i) global[i] /= ext[i].get<double>();
    attention_factor = factor <= 1 ? 1 : std::sqrt(1 + std::log(factor) / std::log(original));
  }
  const std::vector<double> local = frequencies(get_or<double>(c, "rope_local_base_freq", 10000));

  // Which layers use no RoPE and which slide, by each config's own rule.
  const auto uses_rope = [&](long l) {
    if (type != "smollm3") return true;
    if (c.contains("no_rope_layers")) return c["no_rope_layers"][static_cast<std::size_t>(l)].get<int>() != 0;
    return (l + 1) % get_or<long>(c, "no_rope_layer_interval", 4) != 0;
  };
  const auto sliding = [&](long l) -> std::optional<long> {
    if (!c.contains("sliding_window") || c["sliding_window"].is_null()) return std::nullopt;
    const long w = c["sliding_window"].get<long>();
    if ((type == "qwen3" || type == "smollm3") && !get_or(c, "use_sliding_window", false)) return std::nullopt;
    if (c.contains("layer_types"))
      return c["layer_types"][static_cast<std::size_t>(l)] == "sliding_attention" ? std::optional(w) : std::nullopt;
    if (gemma3) return (l + 1) % get_or<long>(c, "sliding_window_pattern", 6) != 0 ? std::optional(w) : std::nullopt;
    if (gemma2) return (l + 1) % 2 != 0 ? std::optional(w) : std::nullopt;  // the even layers
    if (type == "qwen3") return l >= get_or<long>(c, "max_window_layers", 28) ? std::optional(w) : std::nullopt;
    if (type == "smollm3") return uses_rope(l) ? std::nullopt : std::optional(w);  // the NoPE layers slide
    return w;  // phi3: every layer
  };
  const double scale = sandwich ? 1 / std::sqrt(get_or<double>(c, "query_pre_attn_scalar", 256))
                                : 1 / std::sqrt(static_cast<double>(hd));
  // Gemma 2's soft-caps: 50 on the scores and 30 on the logits when absent, none when null.
  const auto cap = [&](const char* key, double fallback) -> std::optional<double> {
    if (!sandwich) return std::nullopt;
    if (!c.contains(key)) return gemma2 ? std::optional(fallback) : std::nullopt;
    return c[key].is_null() ? std::nullopt : std::optional(c[key].get<double>());
  };
  const std::optional<double> attn_cap = cap("attn_logit_softcapping", 50),
                              final_cap = cap("final_logit_softcapping", 30);
  const auto opt = [&](const std::string& name) { return m.has(name) ? &m.at(name) : nullptr; };

  Rows x(L, std::vector<double>(static_cast<std::size_t>(E)));
  // Gemma's normalizer √hidden, rounded to float32 as the model computes it in float32.
  const double normalizer = gemma ? static_cast<double>(static_cast<float>(std::sqrt(static_cast<double>(E)))) : 1.0;
  for (std::size_t i = 0; i < L; ++i)
    for (long e = 0; e < E; ++e)
      x[i][e] = m.at("model.embed_tokens.weight").values[static_cast<std::size_t>(ids[i] * E + e)] * normalizer;
  for (long l = 0; l < layers; ++l) {
    const std::string h = "model.layers." + std::to_string(l) + ".";
    const Rows a = type == "olmo2" ? x : rms(x, m.at(h + "input_layernorm.weight"), eps, offset);
    RefLayer layer;
    if (type == "phi3") {
      const Rows qkv = linear(a, m.at(h + "self_attn.qkv_proj.weight"), nullptr, false);
      for (const auto& row : qkv) {
        layer.q.emplace_back(row.begin(), row.begin() + H * hd);
        layer.k.emplace_back(row.begin() + H * hd, row.begin() + (H + G) * hd);
        layer.v.emplace_back(row.begin() + (H + G) * hd, row.end());
      }
    } else {
      layer.q = linear(a, m.at(h + "self_attn.q_proj.weight"), opt(h + "self_attn.q_proj.bias"), false);
      layer.k = linear(a, m.at(h + "self_attn.k_proj.weight"), opt(h + "self_attn.k_proj.bias"), false);
      layer.v = linear(a, m.at(h + "self_attn.v_proj.weight"), opt(h + "self_attn.v_proj.bias"), false);
    }
    if (m.has(h + "self_attn.q_norm.weight")) {  // before RoPE, per head or over the whole projection
      layer.q_before_norm = layer.q, layer.k_before_norm = layer.k;
      layer.q = rms(layer.q, m.at(h + "self_attn.q_norm.weight"), eps, offset);
      layer.k = rms(layer.k, m.at(h + "self_attn.k_norm.weight"), eps, offset);
      layer.q_after_norm = layer.q, layer.k_after_norm = layer.k;
    }
    const std::optional<long> window = sliding(l);
    if (uses_rope(l)) {
      const bool is_local = gemma3 && window;
      rope(layer.q, H, hd, is_local ? local : global, is_local ? 1 : attention_factor);
      rope(layer.k, G, hd, is_local ? local : global, is_local ? 1 : attention_factor);
    }
    layer.scale = scale, layer.window = window, layer.softcap = attn_cap;
    const Rows o = attention(layer.q, layer.k, layer.v, H, G, hd, scale, window, layer.weights, l, ablation, attn_cap);
    Rows attn = linear(o, m.at(h + "self_attn.o_proj.weight"), opt(h + "self_attn.o_proj.bias"), false);
    if (sandwich || type == "olmo2") attn = rms(attn, m.at(h + "post_attention_layernorm.weight"), eps, offset);
    add(x, attn);
    const Rows n = type == "olmo2" ? x
                   : sandwich      ? rms(x, m.at(h + "pre_feedforward_layernorm.weight"), eps, offset)
                                   : rms(x, m.at(h + "post_attention_layernorm.weight"), eps, offset);
    Rows gate, up;
    if (type == "phi3") {
      const Rows both = linear(n, m.at(h + "mlp.gate_up_proj.weight"), nullptr, false);
      const std::size_t M = both.front().size() / 2;
      for (const auto& row : both) gate.emplace_back(row.begin(), row.begin() + M), up.emplace_back(row.begin() + M, row.end());
    } else {
      gate = linear(n, m.at(h + "mlp.gate_proj.weight"), nullptr, false);
      up = linear(n, m.at(h + "mlp.up_proj.weight"), nullptr, false);
    }
    for (std::size_t i = 0; i < gate.size(); ++i)
      for (std::size_t j = 0; j < gate[i].size(); ++j) {
        const double g = gate[i][j];
        gate[i][j] = (gemma ? gelu_tanh(g) : g / (1 + std::exp(-g))) * up[i][j];
      }
    Rows f = linear(gate, m.at(h + "mlp.down_proj.weight"), nullptr, false);
    if (sandwich || type == "olmo2") f = rms(f, m.at(h + "post_feedforward_layernorm.weight"), eps, offset);
    add(x, f);
    out.layers.push_back(std::move(layer));
  }
  const Rows final = rms(x, m.at("model.norm.weight"), eps, offset);
  const bool tied = get_or(c, "tie_word_embeddings", gemma || type == "smollm3");
  out.logits = detail::logits(final.back(), m.at(tied ? "model.embed_tokens.weight" : "lm_head.weight"));
  if (final_cap)
    for (double& z : out.logits) z = *final_cap * std::tanh(z / *final_cap);
  return out;
}

// gpt2 and the llama family by reference_forward, the others here.
inline RefForward reference_any(const TinyModel& m, const std::vector<long>& ids, const RefAblation& ablation = {}) {
  const std::string& t = m.spec.model_type;
  if (t == "gpt2" || t == "llama" || t == "mistral" || t == "qwen2") return reference_forward(m, ids, ablation);
  return reference_family_forward(m, ids, ablation);
}

}  // namespace model_test
