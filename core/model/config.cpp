#include "core/model/config.hpp"

#include <algorithm>
#include <cstdint>

#include "core/base/limits.hpp"
#include "core/base/quote.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json_file.hpp"

namespace attnlab {
namespace {

// config.json's fields, read with messages that name the file and the field. A null field counts
// as absent, as transformers reads it (head_dim: null, n_inner: null, sliding_window: null).
class Fields {
 public:
  Fields(const nlohmann::json& json, std::string name) : json_(json), name_(std::move(name)) {}

  bool has(const char* key) const { return json_.contains(key) && !json_[key].is_null(); }
  const nlohmann::json& at(const char* key) const { return json_[key]; }

  // A whole number ≥ 1 inside `range`: checked before anything is sized by it.
  Index count(const char* key, limits::Range range) const {
    if (!has(key)) throw InputError(name_ + ": no " + key);
    const nlohmann::json& v = json_[key];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1)
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a whole number ≥ 1");
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(range.hi))
      throw InputError(limits::out_of_range(name_ + ": " + key, v.dump(), range));
    return static_cast<Index>(v.get<std::uint64_t>());
  }
  Index count_or(const char* key, Index fallback, limits::Range range) const {
    return has(key) ? count(key, range) : fallback;
  }

  // Any whole number, negative too.
  std::int64_t integer(const char* key, std::int64_t fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = json_[key];
    if (v.is_number_unsigned())
      return static_cast<std::int64_t>(std::min<std::uint64_t>(v.get<std::uint64_t>(), INT64_MAX));
    if (!v.is_number_integer())
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a whole number");
    return v.get<std::int64_t>();
  }

  // A finite number > 0.
  double positive(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = json_[key];
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a number > 0");
    return v.get<double>();
  }

  bool flag(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_boolean())
      throw InputError(name_ + ": " + key + " is " + printable(json_[key].dump()) + ", not true or false");
    return json_[key].get<bool>();
  }

  std::string text(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_string())
      throw InputError(name_ + ": " + key + " is " + printable(json_[key].dump()) + ", not a string");
    return json_[key].get<std::string>();
  }

  const std::string& name() const { return name_; }

 private:
  const nlohmann::json& json_;
  std::string name_;
};

void gpt2(const Fields& f, ModelConfig& c) {
  c.architecture = Architecture::gpt2;
  c.vocab = f.count("vocab_size", limits::model_vocab);
  c.hidden = f.count("n_embd", limits::model_width);
  c.layers = f.count("n_layer", limits::layers);
  c.heads = c.kv_heads = f.count("n_head", limits::heads);
  if (c.hidden % c.heads != 0)
    throw InputError(f.name() + ": n_embd " + std::to_string(c.hidden) + " is not a multiple of n_head " +
                     std::to_string(c.heads));
  c.head_dim = c.hidden / c.heads;
  c.intermediate = f.count_or("n_inner", 4 * c.hidden, limits::model_width);
  if (!limits::model_width.contains(c.intermediate))
    throw InputError(
        limits::out_of_range(f.name() + ": n_inner (4 × n_embd)", std::to_string(c.intermediate), limits::model_width));
  c.positions =
      !f.has("n_positions") && f.has("n_ctx") ? f.count("n_ctx", limits::size) : f.count("n_positions", limits::size);
  c.norm_eps = f.positive("layer_norm_epsilon", 1e-5);
  // gelu_new, gelu_pytorch_tanh and gelu_fast are one formula: GELU's tanh approximation.
  const std::string act = f.text("activation_function", "gelu_new");
  if (act != "gelu_new" && act != "gelu_pytorch_tanh" && act != "gelu_fast")
    throw InputError(f.name() + ": activation_function '" + printable(act) +
                     "' is not supported (gelu_new, gelu_pytorch_tanh or gelu_fast)");
  c.tied = true;
  c.qkv_bias = c.output_bias = c.mlp_bias = true;
  c.scale_attn_weights = f.flag("scale_attn_weights", true);
  c.scale_by_inverse_layer = f.flag("scale_attn_by_inverse_layer_idx", false);
}

// rope_scaling (or rope_parameters, where newer configs keep it): none, default, or llama3.
void rope_scaling(const Fields& f, const nlohmann::json& scaling, const std::string& where, ModelConfig& c) {
  const Fields s(scaling, f.name() + ": " + where);
  const std::string type = s.has("rope_type") ? s.text("rope_type", "") : s.text("type", "default");
  if (type == "default") return;
  if (type != "llama3")
    throw InputError(f.name() + ": " + where + " type '" + printable(type) + "' is not supported (default or llama3)");
  Llama3Scaling l;
  for (const char* key : {"factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"})
    if (!s.has(key)) throw InputError(f.name() + ": " + where + " of type llama3 has no " + key);
  l.factor = s.positive("factor", 1);
  l.low_freq_factor = s.positive("low_freq_factor", 1);
  l.high_freq_factor = s.positive("high_freq_factor", 4);
  l.original_max_position_embeddings = s.positive("original_max_position_embeddings", 8192);
  if (!(l.high_freq_factor > l.low_freq_factor))
    throw InputError(f.name() + ": " + where + ": high_freq_factor must be larger than low_freq_factor");
  c.rope_scaling = l;
}

void llama(const Fields& f, ModelConfig& c) {
  c.architecture = Architecture::llama;
  c.vocab = f.count("vocab_size", limits::model_vocab);
  c.hidden = f.count("hidden_size", limits::model_width);
  c.layers = f.count("num_hidden_layers", limits::layers);
  c.heads = f.count("num_attention_heads", limits::heads);
  c.kv_heads = f.count_or("num_key_value_heads", c.heads, limits::heads);
  if (c.heads % c.kv_heads != 0)
    throw InputError(f.name() + ": num_key_value_heads " + std::to_string(c.kv_heads) +
                     " does not divide num_attention_heads " + std::to_string(c.heads));
  if (!f.has("head_dim") && c.hidden % c.heads != 0)
    throw InputError(f.name() + ": hidden_size " + std::to_string(c.hidden) +
                     " is not a multiple of num_attention_heads " + std::to_string(c.heads) +
                     " and there is no head_dim");
  c.head_dim = f.count_or("head_dim", c.hidden / c.heads, limits::model_width);
  if (!limits::model_width.contains(c.heads * c.head_dim))
    throw InputError(f.name() + ": num_attention_heads " + std::to_string(c.heads) + " × head_dim " +
                     std::to_string(c.head_dim) + " = " + std::to_string(c.heads * c.head_dim) + " is more than the " +
                     std::to_string(limits::model_width.hi) + " a layer's width may be");
  if (c.head_dim % 2 != 0)
    throw InputError(f.name() + ": head_dim " + std::to_string(c.head_dim) + " is odd: RoPE turns pairs of dimensions");
  c.intermediate = f.count("intermediate_size", limits::model_width);
  c.positions = f.count("max_position_embeddings", limits::size);
  c.norm_eps = f.positive("rms_norm_eps", 1e-6);
  const std::string act = f.text("hidden_act", "silu");
  if (act != "silu" && act != "swish")
    throw InputError(f.name() + ": hidden_act '" + printable(act) + "' is not supported (silu)");
  c.tied = f.flag("tie_word_embeddings", false);
  if (c.model_type == "qwen2") {
    c.qkv_bias = true;  // Qwen2's q, k and v projections always have biases; its output projection none
  } else {
    c.qkv_bias = c.output_bias = f.flag("attention_bias", false);
    c.mlp_bias = f.flag("mlp_bias", false);
  }

  c.rope_theta = f.positive("rope_theta", 10000);
  if (f.has("rope_parameters")) {
    const nlohmann::json& p = f.at("rope_parameters");
    if (!p.is_object()) throw InputError(f.name() + ": rope_parameters is not an object");
    c.rope_theta = Fields(p, f.name() + ": rope_parameters").positive("rope_theta", c.rope_theta);
    rope_scaling(f, p, "rope_parameters", c);
  }
  if (f.has("rope_scaling")) {
    if (!f.at("rope_scaling").is_object()) throw InputError(f.name() + ": rope_scaling is not an object");
    rope_scaling(f, f.at("rope_scaling"), "rope_scaling", c);
  }

  // Sliding windows: every layer of a Mistral that has one; Qwen2's only with use_sliding_window,
  // and then only the layers from max_window_layers on (or those layer_types names).
  if (c.model_type == "llama" || !f.has("sliding_window")) return;
  if (c.model_type == "qwen2" && !f.flag("use_sliding_window", false)) return;
  c.sliding_window = f.count("sliding_window", limits::size);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), true);
  if (c.model_type != "qwen2") return;
  if (f.has("layer_types")) {
    const nlohmann::json& types = f.at("layer_types");
    if (!types.is_array() || types.size() != static_cast<std::size_t>(c.layers))
      throw InputError(f.name() + ": layer_types is not a list of " + std::to_string(c.layers) + " layer types");
    for (std::size_t l = 0; l < types.size(); ++l)
      c.sliding_layers[l] = types[l].is_string() && types[l].get<std::string>() == "sliding_attention";
  } else {
    // Any whole number, as transformers takes it: 0 (or less) slides every layer, c.layers or more none.
    const std::int64_t first = f.integer("max_window_layers", 28);
    for (Index l = 0; l < c.layers; ++l) c.sliding_layers[static_cast<std::size_t>(l)] = l >= first;
  }
}

}  // namespace

ModelConfig parse_config(std::string_view text, const std::string& name) {
  const nlohmann::json json = parse_json(text, name, false, kMaxConfigValues);
  if (!json.is_object()) throw InputError(name + ": not a JSON object");
  const Fields f(json, name);
  ModelConfig c;
  if (!f.has("model_type")) throw InputError(name + ": no model_type (supported: " + supported_model_types + ")");
  c.model_type = f.text("model_type", "");
  if (c.model_type == "gpt2") {
    gpt2(f, c);
  } else if (c.model_type == "llama" || c.model_type == "mistral" || c.model_type == "qwen2") {
    llama(f, c);
  } else {
    throw InputError(name + ": model_type '" + printable(c.model_type) +
                     "' is not supported (supported: " + supported_model_types + ")");
  }
  return c;
}

ModelConfig read_config(const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / "config.json";
  return parse_config(read_file(path, path.string(), kMaxConfigBytes), path.string());
}

}  // namespace attnlab
