// gemma (Gemma 1), gemma2 (Gemma 2) and gemma3_text (Gemma 3 270M and 1B, the text part of the larger
// ones). All: RMSNorm as x̂·(1 + w), embeddings times √hidden, a GeGLU MLP (hidden_activation, the tanh
// GELU by default), head_dim 256 by default, the output tied to the embeddings. gemma2 adds the
// sandwich norms (on the attention's and the MLP's outputs, and before the MLP), scores ·
// query_pre_attn_scalar^−½, the soft-caps on the scores (attn_logit_softcapping, 50 by default) and on
// the logits (final_logit_softcapping, 30), and sliding layers (the even ones by default).
// gemma3_text keeps that layout, without soft-caps by default, with q_norm and k_norm on each head
// before RoPE and sliding layers with their own θ.
#include <cmath>

#include "core/attention/problem.hpp"
#include "core/model/family.hpp"

namespace attnlab {
namespace {

constexpr DecoderDefaults gemma_defaults{.head_dim_from_hidden = false,
                                         .head_dim = 256,
                                         .norm_eps = 1e-6,
                                         .tied = true,
                                         .activation_key = "hidden_activation",
                                         .activation = Activation::gelu_tanh,
                                         .rope_theta = 10000};

void read_gemma_common(ModelConfig& c) {
  c.norm_offset = 1;
  // transformers multiplies by √hidden in the compute dtype: float32 here.
  c.embed_scale = static_cast<float>(std::sqrt(static_cast<double>(c.hidden)));
}

// A soft-cap of config.json: transformers' default when absent, none when null, else a number the
// lab's soft-cap stage takes.
std::optional<double> read_softcap(const ConfigFields& f, const char* key, std::optional<double> fallback) {
  if (f.is_null(key)) return std::nullopt;
  if (!f.has(key)) return fallback;
  const double cap = f.positive(key, 1);
  // The range Problem::softcap takes (problem.hpp), checked here so that the message names the file.
  if (cap < min_softcap || cap > max_softcap)
    throw InputError(f.name() + ": " + key + " " + printable(f.at(key).dump()) +
                     " is out of range: the soft-cap stage takes 1e-30 to 1e+30");
  return cap;
}

// What gemma2 and gemma3_text share beyond gemma: the scale, the soft-caps (with each one's
// defaults), the window's size, and a causal mask.
void read_gemma2_attention(const ConfigFields& f, ModelConfig& c, std::optional<double> attn_cap,
                           std::optional<double> final_cap) {
  c.query_pre_attn_scalar = f.positive("query_pre_attn_scalar", 256);
  c.attn_logit_softcap = read_softcap(f, "attn_logit_softcapping", attn_cap);
  c.final_logit_softcap = read_softcap(f, "final_logit_softcapping", final_cap);
  // transformers has no window for the sliding layers without a size: it refuses such a config.
  if (f.is_null("sliding_window"))
    throw InputError(f.name() + ": sliding_window is null, but " + c.model_type + "'s sliding layers need one");
  c.sliding_window = f.count_or("sliding_window", 4096, limits::size);
  // Bidirectional attention (EmbeddingGemma) has no causal mask: not a language model the lab shows.
  if (f.flag("use_bidirectional_attention", false))
    throw InputError(f.name() + ": use_bidirectional_attention true is not supported (the lab shows causal models)");
}

}  // namespace

void read_gemma_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, gemma_defaults);
  read_gemma_common(c);
  read_rope(f, c);
}

void load_gemma(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {});
}

void read_gemma2_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, gemma_defaults);
  read_gemma_common(c);
  read_rope(f, c);
  read_gemma2_attention(f, c, 50.0, 30.0);
  // Sliding layers: those layer_types names, else the even ones (0, 2, …).
  if (read_layer_types(f, c)) return;
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), false);
  for (Index l = 0; l < c.layers; l += 2) c.sliding_layers[static_cast<std::size_t>(l)] = true;
}

// The sandwich: a norm on the attention's output, one before the MLP and one on its output.
constexpr DecoderLayout gemma2_layout{.mlp_norm = "pre_feedforward_layernorm",
                                      .attn_out_norm = "post_attention_layernorm",
                                      .mlp_out_norm = "post_feedforward_layernorm"};

void load_gemma2(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, gemma2_layout);
}

void read_gemma3_config(const ConfigFields& f, ModelConfig& c) {
  DecoderDefaults d = gemma_defaults;
  d.rope_theta = 1e6;
  read_decoder_config(f, c, d);
  read_gemma_common(c);
  read_rope(f, c);
  read_gemma2_attention(f, c, std::nullopt, std::nullopt);
  c.rope_local_theta = f.positive("rope_local_base_freq", 10000);
  // Sliding layers: those layer_types names, else all but every sliding_window_pattern-th.
  if (read_layer_types(f, c)) return;
  const Index pattern = f.count_or("sliding_window_pattern", 6, limits::layers);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), false);
  for (Index l = 0; l < c.layers; ++l) c.sliding_layers[static_cast<std::size_t>(l)] = (l + 1) % pattern != 0;
}

void load_gemma3(Model& m, WeightLoader& load, const ModelProgress& progress) {
  DecoderLayout layout = gemma2_layout;
  layout.qk_norm_width = m.config.head_dim;
  load_decoder(m, load, progress, layout);
}

}  // namespace attnlab
