#pragma once
// Each family's reading of config.json and its walk over the weights' names: one file per
// architecture (family_<name>.cpp), the llama-like ones sharing the decoder's (decoder.cpp).
#include "core/model/config_fields.hpp"
#include "core/model/weight_loader.hpp"

namespace attnlab {

// Reads the fields of `c.model_type`'s family into `c` (config.cpp found the family).
void read_family_config(const ConfigFields& f, ModelConfig& c);
// The walk over the family's weights.
void load_family(Model& m, WeightLoader& load, const ModelProgress& progress);
// c.hidden / c.heads for a family whose heads split the width evenly; an InputError naming the
// config's two keys when they do not.
Index even_head_dim(const ConfigFields& f, const ModelConfig& c, const char* hidden_key, const char* heads_key);

void read_gpt2_config(const ConfigFields& f, ModelConfig& c);
void load_gpt2(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_llama_config(const ConfigFields& f, ModelConfig& c);
void load_llama(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_qwen3_config(const ConfigFields& f, ModelConfig& c);
void load_qwen3(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_gemma_config(const ConfigFields& f, ModelConfig& c);
void load_gemma(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_gemma2_config(const ConfigFields& f, ModelConfig& c);
void load_gemma2(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_gemma3_config(const ConfigFields& f, ModelConfig& c);
void load_gemma3(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_olmo2_config(const ConfigFields& f, ModelConfig& c);
void load_olmo2(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_gpt_neox_config(const ConfigFields& f, ModelConfig& c);
void load_gpt_neox(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_phi3_config(const ConfigFields& f, ModelConfig& c);
void load_phi3(Model& m, WeightLoader& load, const ModelProgress& progress);
void read_smollm3_config(const ConfigFields& f, ModelConfig& c);
void load_smollm3(Model& m, WeightLoader& load, const ModelProgress& progress);

// What the llama-like decoders share, and where they differ. Their config.json: sizes, norms, the
// activation, biases, RoPE's θ and scaling, with the family's defaults.
struct DecoderDefaults {
  bool head_dim_from_hidden = true;  // head_dim absent: hidden / heads; else `head_dim`
  Index head_dim = 0;
  double norm_eps = 1e-6;
  bool tied = false;
  const char* activation_key = "hidden_act";
  Activation activation = Activation::silu;
  double rope_theta = 10000;
};
void read_decoder_config(const ConfigFields& f, ModelConfig& c, const DecoderDefaults& defaults);
// rope_parameters and rope_scaling, after the sizes (a longrope counts its factors against them).
void read_rope(const ConfigFields& f, ModelConfig& c);
// layer_types (sliding_attention / full_attention) as c.sliding_layers, when config.json has it.
bool read_layer_types(const ConfigFields& f, ModelConfig& c);
// Qwen2's rule, which qwen3 and smollm3 keep: a window only with use_sliding_window, on the layers
// layer_types names, else those from max_window_layers on.
void read_optional_window(const ConfigFields& f, ModelConfig& c);

// Which weights a decoder block has, by their names under model.layers.N.
struct DecoderLayout {
  const char* input_norm = "input_layernorm";         // before attention (olmo2: none)
  const char* mlp_norm = "post_attention_layernorm";  // before the MLP (gemma3: pre_feedforward_layernorm)
  const char* attn_out_norm = nullptr;                // on the attention's output (gemma2, gemma3, olmo2)
  const char* mlp_out_norm = nullptr;                 // on the MLP's output (gemma2, gemma3, olmo2)
  Index qk_norm_width = 0;  // q_norm's size: hd (each head, qwen3, gemma3), H·hd (olmo2's whole q), 0 none
  bool fused = false;       // phi3: self_attn.qkv_proj and mlp.gate_up_proj
};
void load_decoder(Model& m, WeightLoader& load, const ModelProgress& progress, const DecoderLayout& layout);

}  // namespace attnlab
