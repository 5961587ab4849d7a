// gemma (Gemma 1) and gemma3_text (Gemma 3 270M and 1B, the text part of the larger ones). Both:
// RMSNorm as x̂·(1 + w), embeddings times √hidden, a GeGLU MLP (hidden_activation, the tanh GELU by
// default), head_dim 256 by default, the output tied to the embeddings. gemma3_text adds Gemma 2's
// sandwich norms (on the attention's and the MLP's outputs, and before the MLP), q_norm and k_norm
// on each head before RoPE, scores · query_pre_attn_scalar^−½, and sliding layers with their own θ.
#include <cmath>

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

}  // namespace

void read_gemma_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, gemma_defaults);
  read_gemma_common(c);
  read_rope(f, c);
}

void load_gemma(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {});
}

void read_gemma3_config(const ConfigFields& f, ModelConfig& c) {
  DecoderDefaults d = gemma_defaults;
  d.rope_theta = 1e6;
  read_decoder_config(f, c, d);
  read_gemma_common(c);
  read_rope(f, c);
  c.query_pre_attn_scalar = f.positive("query_pre_attn_scalar", 256);
  c.rope_local_theta = f.positive("rope_local_base_freq", 10000);
  if (f.has("final_logit_softcapping")) c.final_logit_softcap = f.positive("final_logit_softcapping", 1);
  // The attention's soft-cap is a stage of its own, which the lab does not show yet: refused rather
  // than computed unseen.
  if (f.has("attn_logit_softcapping"))
    throw InputError(f.name() + ": attn_logit_softcapping " + printable(f.at("attn_logit_softcapping").dump()) +
                     " is not supported (the lab's gemma3_text has no soft-capped scores; null or absent)");
  // Sliding layers: those layer_types names, else all but every sliding_window_pattern-th.
  c.sliding_window = f.count_or("sliding_window", 4096, limits::size);
  if (read_layer_types(f, c)) return;
  const Index pattern = f.count_or("sliding_window_pattern", 6, limits::layers);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), false);
  for (Index l = 0; l < c.layers; ++l) c.sliding_layers[static_cast<std::size_t>(l)] = (l + 1) % pattern != 0;
}

void load_gemma3(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress,
               {.mlp_norm = "pre_feedforward_layernorm",
                .attn_out_norm = "post_attention_layernorm",
                .mlp_out_norm = "post_feedforward_layernorm",
                .qk_norm_width = m.config.head_dim});
}

}  // namespace attnlab
