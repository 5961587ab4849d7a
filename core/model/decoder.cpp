// What the llama-like families share: config.json's sizes, norms, activation, biases and RoPE, and
// the walk over model.layers.N's weights with the norms each family places.
#include <cmath>

#include "core/model/family.hpp"

namespace attnlab {
namespace {

std::string where_in(const ConfigFields& f, const std::string& where) {
  return f.name() + ": " + where;
}

// rope_scaling of type longrope: a factor per rotary frequency, short and long; the attention
// factor from the file, else from max_position_embeddings / original_max_position_embeddings
// (transformers' _compute_longrope_parameters).
void read_longrope(const ConfigFields& f, const ConfigFields& s, const std::string& where, ModelConfig& c) {
  LongRope r;
  const auto factors = [&](const char* key) {
    if (!s.has(key) || !s.at(key).is_array())
      throw InputError(where_in(f, where) + " of type longrope has no list " + key);
    std::vector<double> values;
    for (const auto& v : s.at(key)) {
      if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
        throw InputError(where_in(f, where) + ": " + key + " holds " + printable(v.dump()) + ", not a number > 0");
      values.push_back(v.get<double>());
    }
    if (values.size() != static_cast<std::size_t>(c.rotary_dims / 2))
      throw InputError(where_in(f, where) + ": " + key + " has " + std::to_string(values.size()) +
                       " factors, not one per rotary frequency (" + std::to_string(c.rotary_dims / 2) + ")");
    return values;
  };
  r.short_factor = factors("short_factor");
  r.long_factor = factors("long_factor");
  const auto max_positions = static_cast<double>(c.positions);
  double factor = s.positive("factor", 1);
  r.original_max_position_embeddings = max_positions;
  // Phi3Config always has the attribute (4096 by default); other configs only when the file says it.
  if (f.has("original_max_position_embeddings") || c.model_type == "phi3") {
    r.original_max_position_embeddings = f.positive("original_max_position_embeddings", 4096);
    factor = max_positions / r.original_max_position_embeddings;
  }
  r.attention_factor = factor <= 1 ? 1 : std::sqrt(1 + std::log(factor) / std::log(r.original_max_position_embeddings));
  r.attention_factor = s.positive("attention_factor", r.attention_factor);
  c.longrope = std::move(r);
}

// rope_scaling (or rope_parameters, where newer configs keep it): none, default, linear, llama3 or
// longrope.
void read_rope_scaling(const ConfigFields& f, const nlohmann::json& scaling, const std::string& where,
                       ModelConfig& c) {
  const ConfigFields s(scaling, where_in(f, where));
  const std::string type = s.has("rope_type") ? s.text("rope_type", "") : s.text("type", "default");
  if (type == "default") return;
  if (type == "linear") {
    if (!s.has("factor")) throw InputError(where_in(f, where) + " of type linear has no factor");
    c.rope_linear_factor = s.positive("factor", 1);
    return;
  }
  if (type == "longrope") return read_longrope(f, s, where, c);
  if (type != "llama3")
    throw InputError(where_in(f, where) + " type '" + printable(type) +
                     "' is not supported (default, linear, llama3 or longrope)");
  Llama3Scaling l;
  for (const char* key : {"factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"})
    if (!s.has(key)) throw InputError(where_in(f, where) + " of type llama3 has no " + key);
  l.factor = s.positive("factor", 1);
  l.low_freq_factor = s.positive("low_freq_factor", 1);
  l.high_freq_factor = s.positive("high_freq_factor", 4);
  l.original_max_position_embeddings = s.positive("original_max_position_embeddings", 8192);
  if (!(l.high_freq_factor > l.low_freq_factor))
    throw InputError(where_in(f, where) + ": high_freq_factor must be larger than low_freq_factor");
  c.rope_scaling = l;
}

Activation read_activation(const ConfigFields& f, const char* key, Activation fallback) {
  if (!f.has(key)) return fallback;
  const std::string act = f.text(key, "");
  if (act == "silu" || act == "swish") return Activation::silu;
  if (act == "gelu") return Activation::gelu;
  if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast") return Activation::gelu_tanh;
  throw InputError(f.name() + ": " + key + " '" + printable(act) +
                   "' is not supported (silu, gelu, gelu_new, gelu_pytorch_tanh or gelu_fast)");
}

}  // namespace

void read_decoder_config(const ConfigFields& f, ModelConfig& c, const DecoderDefaults& d) {
  c.vocab = f.count("vocab_size", limits::model_vocab);
  c.hidden = f.count("hidden_size", limits::model_width);
  c.layers = f.count("num_hidden_layers", limits::layers);
  c.heads = f.count("num_attention_heads", limits::heads);
  c.kv_heads = f.count_or("num_key_value_heads", c.heads, limits::heads);
  if (c.heads % c.kv_heads != 0)
    throw InputError(f.name() + ": num_key_value_heads " + std::to_string(c.kv_heads) +
                     " does not divide num_attention_heads " + std::to_string(c.heads));
  if (d.head_dim_from_hidden && !f.has("head_dim") && c.hidden % c.heads != 0)
    throw InputError(f.name() + ": hidden_size " + std::to_string(c.hidden) +
                     " is not a multiple of num_attention_heads " + std::to_string(c.heads) +
                     " and there is no head_dim");
  c.head_dim = f.count_or("head_dim", d.head_dim_from_hidden ? c.hidden / c.heads : d.head_dim, limits::model_width);
  if (!limits::model_width.contains(c.heads * c.head_dim))
    throw InputError(f.name() + ": num_attention_heads " + std::to_string(c.heads) + " × head_dim " +
                     std::to_string(c.head_dim) + " = " + std::to_string(c.heads * c.head_dim) + " is more than the " +
                     std::to_string(limits::model_width.hi) + " a layer's width may be");
  c.rotary_dims = c.head_dim;
  if (c.head_dim % 2 != 0)
    throw InputError(f.name() + ": head_dim " + std::to_string(c.head_dim) + " is odd: RoPE turns pairs of dimensions");
  c.intermediate = f.count("intermediate_size", limits::model_width);
  c.positions = f.count("max_position_embeddings", limits::size);
  c.norm_eps = f.positive("rms_norm_eps", d.norm_eps);
  c.activation = read_activation(f, d.activation_key, d.activation);
  c.tied = f.flag("tie_word_embeddings", d.tied);
  c.qkv_bias = c.output_bias = f.flag("attention_bias", false);
  c.mlp_bias = f.flag("mlp_bias", false);
  c.rope_theta = f.positive("rope_theta", d.rope_theta);
}

// After the sizes (a longrope's factors are counted against the rotary dimensions).
void read_rope(const ConfigFields& f, ModelConfig& c) {
  if (f.has("rope_parameters")) {
    const nlohmann::json& p = f.at("rope_parameters");
    if (!p.is_object()) throw InputError(f.name() + ": rope_parameters is not an object");
    c.rope_theta = ConfigFields(p, f.name() + ": rope_parameters").positive("rope_theta", c.rope_theta);
    read_rope_scaling(f, p, "rope_parameters", c);
  }
  if (f.has("rope_scaling")) {
    if (!f.at("rope_scaling").is_object()) throw InputError(f.name() + ": rope_scaling is not an object");
    read_rope_scaling(f, f.at("rope_scaling"), "rope_scaling", c);
  }
}

bool read_layer_types(const ConfigFields& f, ModelConfig& c) {
  if (!f.has("layer_types")) return false;
  const nlohmann::json& types = f.at("layer_types");
  if (!types.is_array() || types.size() != static_cast<std::size_t>(c.layers))
    throw InputError(f.name() + ": layer_types is not a list of " + std::to_string(c.layers) + " layer types");
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), false);
  for (std::size_t l = 0; l < types.size(); ++l)
    c.sliding_layers[l] = types[l].is_string() && types[l].get<std::string>() == "sliding_attention";
  return true;
}

void read_optional_window(const ConfigFields& f, ModelConfig& c) {
  if (!f.has("sliding_window") || !f.flag("use_sliding_window", false)) return;
  c.sliding_window = f.count("sliding_window", limits::size);
  if (read_layer_types(f, c)) return;
  // Any whole number, as transformers takes it: 0 (or less) slides every layer, c.layers or more none.
  const std::int64_t first = f.integer("max_window_layers", 28);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), false);
  for (Index l = 0; l < c.layers; ++l) c.sliding_layers[static_cast<std::size_t>(l)] = l >= first;
}

void load_decoder(Model& m, WeightLoader& load, const ModelProgress& progress, const DecoderLayout& layout) {
  const ModelConfig& c = m.config;
  const Index E = c.hidden, M = c.intermediate, Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  const auto norm = [&](const char* name, const std::string& h) {
    return name ? load(h + name + ".weight", {E}) : Weight{};
  };
  m.embed = load("model.embed_tokens.weight", {c.vocab, E});
  for (Index l = 0; l < c.layers; ++l) {
    if (progress) progress(loading_phase, l, c.layers);
    const std::string h = "model.layers." + std::to_string(l) + ".";
    LayerWeights& w = m.layers.emplace_back();
    w.attn_norm = norm(layout.input_norm, h);
    if (layout.fused) {
      w.qkv = load(h + "self_attn.qkv_proj.weight", {Q + 2 * KV, E});
      w.qkv_bias = load.optional(c.qkv_bias, h + "self_attn.qkv_proj.bias", {Q + 2 * KV});
    } else {
      w.q = load(h + "self_attn.q_proj.weight", {Q, E});
      w.k = load(h + "self_attn.k_proj.weight", {KV, E});
      w.v = load(h + "self_attn.v_proj.weight", {KV, E});
      w.q_bias = load.optional(c.qkv_bias, h + "self_attn.q_proj.bias", {Q});
      w.k_bias = load.optional(c.qkv_bias, h + "self_attn.k_proj.bias", {KV});
      w.v_bias = load.optional(c.qkv_bias, h + "self_attn.v_proj.bias", {KV});
    }
    if (layout.qk_norm_width) {
      const bool per_head = layout.qk_norm_width == c.head_dim;
      w.q_norm = load(h + "self_attn.q_norm.weight", {layout.qk_norm_width});
      w.k_norm = load(h + "self_attn.k_norm.weight", {per_head ? c.head_dim : KV});
    }
    w.out = load(h + "self_attn.o_proj.weight", {E, Q});
    w.out_bias = load.optional(c.output_bias, h + "self_attn.o_proj.bias", {E});
    w.attn_out_norm = norm(layout.attn_out_norm, h);
    w.mlp_norm = norm(layout.mlp_norm, h);
    if (layout.fused) {
      w.gate_up = load(h + "mlp.gate_up_proj.weight", {2 * M, E});
    } else {
      w.gate = load(h + "mlp.gate_proj.weight", {M, E});
      w.up = load(h + "mlp.up_proj.weight", {M, E});
      w.gate_bias = load.optional(c.mlp_bias, h + "mlp.gate_proj.bias", {M});
      w.up_bias = load.optional(c.mlp_bias, h + "mlp.up_proj.bias", {M});
    }
    w.down = load(h + "mlp.down_proj.weight", {E, M});
    w.down_bias = load.optional(c.mlp_bias, h + "mlp.down_proj.bias", {E});
    w.mlp_out_norm = norm(layout.mlp_out_norm, h);
  }
  m.final_norm = load("model.norm.weight", {E});
  if (!c.tied) m.lm_head = load("lm_head.weight", {c.vocab, E});
}

}  // namespace attnlab
