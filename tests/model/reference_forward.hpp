#pragma once
// The float64 reference forward pass of the tests, written from the formulas in models.md and the
// architectures' definitions with plain loops, sharing nothing with core/model: every position of
// every layer (no last-row shortcut), the weights as the tiny checkpoint stores them.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "tests/model/tiny_models.hpp"

namespace model_test {

using Rows = std::vector<std::vector<double>>;  // [position][feature]

struct RefLayer {
  Rows q, k, v;                // q: L × H·hd (after RoPE), k and v: L × G·hd
  std::vector<Rows> weights;   // [head][query][key]: every row, causal (and windowed), 0 beyond
  double scale = 0;            // the scores' factor (reference_families.hpp fills it)
  std::optional<long> window;  // the layer's sliding window
  std::optional<double> softcap;  // the scaled scores' C·tanh(s/C) (gemma2)
  // With a QK-norm (qwen3, gemma3, olmo2): q and k as projected, and after the norm (before RoPE).
  Rows q_before_norm, k_before_norm, q_after_norm, k_after_norm;
};
// Heads knocked out (heads.md): (layer, head) pairs whose output weights·V becomes 0, or with `mean`
// that head's mean output over the positions.
struct RefAblation {
  std::vector<std::pair<long, long>> heads;
  bool mean = false;
  bool has(long layer, long head) const {
    return std::find(heads.begin(), heads.end(), std::pair<long, long>{layer, head}) != heads.end();
  }
};
struct RefForward {
  std::vector<RefLayer> layers;
  std::vector<double> logits;  // the last position's
};

namespace detail {

// y[i][o] = Σ_e x[i][e]·W(e, o) + b[o], with W stored [in, out] (Conv1D) or [out, in] (nn.Linear).
inline Rows linear(const Rows& x, const TestTensor& w, const TestTensor* b, bool in_out) {
  const std::size_t in = x.front().size(), out = in_out ? w.shape[1] : w.shape[0];
  Rows y(x.size(), std::vector<double>(out, 0.0));
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t o = 0; o < out; ++o) {
      double sum = b ? b->values[o] : 0.0;
      for (std::size_t e = 0; e < in; ++e) sum += x[i][e] * (in_out ? w.values[e * out + o] : w.values[o * in + e]);
      y[i][o] = sum;
    }
  return y;
}

inline Rows layer_norm(const Rows& x, const TestTensor& w, const TestTensor& b, double eps) {
  Rows y = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double n = static_cast<double>(x[i].size());
    double mean = 0, var = 0;
    for (double v : x[i]) mean += v / n;
    for (double v : x[i]) var += (v - mean) * (v - mean) / n;
    for (std::size_t e = 0; e < x[i].size(); ++e)
      y[i][e] = (x[i][e] - mean) / std::sqrt(var + eps) * w.values[e] + b.values[e];
  }
  return y;
}

inline Rows rms_norm(const Rows& x, const TestTensor& w, double eps) {
  Rows y = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double mean_square = 0;
    for (double v : x[i]) mean_square += v * v / static_cast<double>(x[i].size());
    for (std::size_t e = 0; e < x[i].size(); ++e) y[i][e] = x[i][e] / std::sqrt(mean_square + eps) * w.values[e];
  }
  return y;
}

// Causal attention, query head h reading KV head h / (H / G), keys i − W < j ≤ i in a window, the
// scaled scores soft-capped C·tanh(s/C) first when there is a cap; each head's weights into
// `weights`; the heads `ablation` lists in `layer` replaced after the fact.
inline Rows attention(const Rows& q, const Rows& k, const Rows& v, long heads, long kv_heads, long hd, double scale,
                      std::optional<long> window, std::vector<Rows>& weights, long layer = 0,
                      const RefAblation& ablation = {}, std::optional<double> softcap = std::nullopt) {
  const std::size_t length = q.size();
  Rows out(length, std::vector<double>(static_cast<std::size_t>(heads * hd), 0.0));
  weights.assign(static_cast<std::size_t>(heads), Rows(length, std::vector<double>(length, 0.0)));
  for (long h = 0; h < heads; ++h) {
    const long g = h / (heads / kv_heads);
    for (std::size_t i = 0; i < length; ++i) {
      std::vector<double> p(length, 0.0);
      double max = -INFINITY, total = 0;
      for (std::size_t j = 0; j <= i; ++j) {
        if (window && static_cast<long>(i) - *window >= static_cast<long>(j)) continue;
        double s = 0;
        for (long d = 0; d < hd; ++d) s += q[i][h * hd + d] * k[j][g * hd + d];
        p[j] = softcap ? *softcap * std::tanh(s * scale / *softcap) : s * scale;
        max = std::max(max, p[j]);
      }
      for (std::size_t j = 0; j <= i; ++j) {
        if (window && static_cast<long>(i) - *window >= static_cast<long>(j)) {
          p[j] = 0;
          continue;
        }
        p[j] = std::exp(p[j] - max);
        total += p[j];
      }
      for (std::size_t j = 0; j <= i; ++j) {
        weights[static_cast<std::size_t>(h)][i][j] = p[j] / total;
        for (long d = 0; d < hd; ++d) out[i][h * hd + d] += p[j] / total * v[j][g * hd + d];
      }
    }
    if (!ablation.has(layer, h)) continue;
    for (long d = 0; d < hd; ++d) {
      double mean = 0;
      for (std::size_t i = 0; i < length; ++i) mean += out[i][h * hd + d] / static_cast<double>(length);
      for (std::size_t i = 0; i < length; ++i) out[i][h * hd + d] = ablation.mean ? mean : 0.0;
    }
  }
  return out;
}

inline void add(Rows& x, const Rows& y) {
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t e = 0; e < x[i].size(); ++e) x[i][e] += y[i][e];
}

// HF's llama3 rule, term by term: slow the long wavelengths by `factor`, keep the short ones, blend
// in between.
inline double llama3_inv_freq(double f, double factor, double low, double high, double context) {
  const double wavelen = 2 * std::numbers::pi / f;
  const double scaled = wavelen > context / low ? f / factor : f;
  const bool medium = !(wavelen < context / high) && !(wavelen > context / low);
  const double smooth = (context / wavelen - low) / (high - low);
  return medium ? (1 - smooth) * scaled / factor + smooth * scaled : scaled;
}

// rotate_half per head: out = x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁].
inline void rope(Rows& x, long heads, long hd, const nlohmann::ordered_json& config) {
  const double theta = config["rope_theta"].get<double>();
  for (std::size_t p = 0; p < x.size(); ++p)
    for (long h = 0; h < heads; ++h) {
      std::vector<double> head(x[p].begin() + h * hd, x[p].begin() + (h + 1) * hd), turned(head.size());
      for (long d = 0; d < hd; ++d) {
        const long i = d % (hd / 2);
        double f = 1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(hd));
        if (config.contains("rope_scaling")) {
          const auto& r = config["rope_scaling"];
          f = llama3_inv_freq(f, r["factor"].get<double>(), r["low_freq_factor"].get<double>(),
                              r["high_freq_factor"].get<double>(), r["original_max_position_embeddings"].get<double>());
        }
        const double angle = static_cast<double>(p) * f;
        const double rotated = d < hd / 2 ? -head[d + hd / 2] : head[d - hd / 2];
        turned[d] = head[d] * std::cos(angle) + rotated * std::sin(angle);
      }
      std::copy(turned.begin(), turned.end(), x[p].begin() + h * hd);
    }
}

inline std::vector<double> logits(const std::vector<double>& last, const TestTensor& w) {
  std::vector<double> z(w.shape[0], 0.0);
  for (std::size_t t = 0; t < z.size(); ++t)
    for (std::size_t e = 0; e < last.size(); ++e) z[t] += last[e] * w.values[t * last.size() + e];
  return z;
}

}  // namespace detail

inline RefForward reference_forward(const TinyModel& m, const std::vector<long>& ids,
                                    const RefAblation& ablation = {}) {
  using namespace detail;
  const TinySpec& s = m.spec;
  const std::size_t L = ids.size(), E = static_cast<std::size_t>(s.hidden);
  RefForward out;
  Rows x(L, std::vector<double>(E));
  if (s.model_type == "gpt2") {
    const std::string p = s.prefix ? "transformer." : "";
    const long hd = s.hidden / s.heads;
    for (std::size_t i = 0; i < L; ++i)
      for (std::size_t e = 0; e < E; ++e)
        x[i][e] = m.at(p + "wte.weight").values[static_cast<std::size_t>(ids[i]) * E + e] +
                  m.at(p + "wpe.weight").values[i * E + e];
    for (long l = 0; l < s.layers; ++l) {
      const std::string h = p + "h." + std::to_string(l) + ".";
      const Rows a = layer_norm(x, m.at(h + "ln_1.weight"), m.at(h + "ln_1.bias"), 1e-5);
      const Rows qkv = linear(a, m.at(h + "attn.c_attn.weight"), &m.at(h + "attn.c_attn.bias"), true);
      RefLayer layer;
      for (const auto& row : qkv) {
        layer.q.emplace_back(row.begin(), row.begin() + E);
        layer.k.emplace_back(row.begin() + E, row.begin() + 2 * E);
        layer.v.emplace_back(row.begin() + 2 * E, row.end());
      }
      double scale = 1 / std::sqrt(static_cast<double>(hd));
      if (s.inverse_layer_scale) scale /= static_cast<double>(l + 1);
      const Rows o =
          attention(layer.q, layer.k, layer.v, s.heads, s.heads, hd, scale, std::nullopt, layer.weights, l, ablation);
      add(x, linear(o, m.at(h + "attn.c_proj.weight"), &m.at(h + "attn.c_proj.bias"), true));
      Rows f = linear(layer_norm(x, m.at(h + "ln_2.weight"), m.at(h + "ln_2.bias"), 1e-5), m.at(h + "mlp.c_fc.weight"),
                      &m.at(h + "mlp.c_fc.bias"), true);
      for (auto& row : f)
        for (double& u : row)
          u = 0.5 * u * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (u + 0.044715 * u * u * u)));
      add(x, linear(f, m.at(h + "mlp.c_proj.weight"), &m.at(h + "mlp.c_proj.bias"), true));
      out.layers.push_back(std::move(layer));
    }
    const Rows final = layer_norm(x, m.at(p + "ln_f.weight"), m.at(p + "ln_f.bias"), 1e-5);
    out.logits = logits(final.back(), m.at(p + "wte.weight"));
    return out;
  }

  const long hd = s.head_dim ? s.head_dim : s.hidden / s.heads;
  for (std::size_t i = 0; i < L; ++i)
    for (std::size_t e = 0; e < E; ++e)
      x[i][e] = m.at("model.embed_tokens.weight").values[static_cast<std::size_t>(ids[i]) * E + e];
  const auto optional = [&](const std::string& name) { return m.has(name) ? &m.at(name) : nullptr; };
  for (long l = 0; l < s.layers; ++l) {
    const std::string h = "model.layers." + std::to_string(l) + ".";
    const Rows a = rms_norm(x, m.at(h + "input_layernorm.weight"), 1e-5);
    RefLayer layer;
    layer.q = linear(a, m.at(h + "self_attn.q_proj.weight"), optional(h + "self_attn.q_proj.bias"), false);
    layer.k = linear(a, m.at(h + "self_attn.k_proj.weight"), optional(h + "self_attn.k_proj.bias"), false);
    layer.v = linear(a, m.at(h + "self_attn.v_proj.weight"), optional(h + "self_attn.v_proj.bias"), false);
    rope(layer.q, s.heads, hd, m.config);
    rope(layer.k, s.kv_heads, hd, m.config);
    const bool slides = s.window && (s.model_type == "mistral" || l >= s.max_window_layers);
    const Rows o = attention(layer.q, layer.k, layer.v, s.heads, s.kv_heads, hd, 1 / std::sqrt(static_cast<double>(hd)),
                             slides ? s.window : std::nullopt, layer.weights, l, ablation);
    add(x, linear(o, m.at(h + "self_attn.o_proj.weight"), optional(h + "self_attn.o_proj.bias"), false));
    const Rows n = rms_norm(x, m.at(h + "post_attention_layernorm.weight"), 1e-5);
    Rows gate = linear(n, m.at(h + "mlp.gate_proj.weight"), nullptr, false);
    const Rows up = linear(n, m.at(h + "mlp.up_proj.weight"), nullptr, false);
    for (std::size_t i = 0; i < gate.size(); ++i)
      for (std::size_t j = 0; j < gate[i].size(); ++j) gate[i][j] = gate[i][j] / (1 + std::exp(-gate[i][j])) * up[i][j];
    add(x, linear(gate, m.at(h + "mlp.down_proj.weight"), nullptr, false));
    out.layers.push_back(std::move(layer));
  }
  const Rows final = rms_norm(x, m.at("model.norm.weight"), 1e-5);
  out.logits = logits(final.back(), m.at(s.tied ? "model.embed_tokens.weight" : "lm_head.weight"));
  return out;
}

}  // namespace model_test
