// gpt_neox (Pythia, GPT-NeoX): gpt_neox.embed_in, gpt_neox.layers.N.{input_layernorm,
// post_attention_layernorm, attention.query_key_value, attention.dense, mlp.dense_h_to_4h,
// mlp.dense_4h_to_h}, gpt_neox.final_layer_norm, embed_out. LayerNorms and projections with biases;
// the fused projection laid out per head (each head's q, k, v rows adjacent); RoPE on the first
// rotary_pct of each head; the exact GELU; use_parallel_residual. The attention.bias, masked_bias
// and rotary_emb.inv_freq buffers some checkpoints carry are never looked up.
#include "core/model/family.hpp"

namespace attnlab {

void read_gpt_neox_config(const ConfigFields& f, ModelConfig& c) {
  c.vocab = f.count("vocab_size", limits::model_vocab);
  c.hidden = f.count("hidden_size", limits::model_width);
  c.layers = f.count("num_hidden_layers", limits::layers);
  c.heads = c.kv_heads = f.count("num_attention_heads", limits::heads);
  c.head_dim = even_head_dim(f, c, "hidden_size", "num_attention_heads");
  c.intermediate = f.count("intermediate_size", limits::model_width);
  c.positions = f.count("max_position_embeddings", limits::size);
  c.norm_eps = f.positive("layer_norm_eps", 1e-5);
  const std::string act = f.text("hidden_act", "gelu");
  if (act == "gelu") c.activation = Activation::gelu;
  else if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast") c.activation = Activation::gelu_tanh;
  else throw InputError(f.name() + ": hidden_act '" + printable(act) + "' is not supported (gelu or gelu_new)");
  c.tied = f.flag("tie_word_embeddings", false);
  c.qkv_bias = c.output_bias = f.flag("attention_bias", true);
  c.mlp_bias = true;
  c.parallel_residual = f.flag("use_parallel_residual", true);
  // rotary_pct and rotary_emb_base, or the names newer configs give them.
  const char* pct = f.has("rotary_pct") ? "rotary_pct" : "partial_rotary_factor";
  const double partial = f.positive(pct, 0.25);
  if (partial > 1) throw InputError(f.name() + ": " + pct + " " + printable(f.at(pct).dump()) + " is more than 1");
  c.rotary_dims = static_cast<Index>(static_cast<double>(c.head_dim) * partial);
  if (c.rotary_dims % 2 != 0 || c.rotary_dims == 0)
    throw InputError(f.name() + ": head size " + std::to_string(c.head_dim) + " × " + pct + " " +
                     printable(f.at(pct).dump()) + " gives " + std::to_string(c.rotary_dims) +
                     " rotary dimensions: RoPE turns a positive even number");
  c.rope_theta = f.positive(f.has("rotary_emb_base") ? "rotary_emb_base" : "rope_theta", 10000);
  read_rope(f, c);
}

void load_gpt_neox(Model& m, WeightLoader& load, const ModelProgress& progress) {
  const ModelConfig& c = m.config;
  const Index E = c.hidden, M = c.intermediate;
  m.embed = load("gpt_neox.embed_in.weight", {c.vocab, E});
  for (Index l = 0; l < c.layers; ++l) {
    if (progress) progress(loading_phase, l, c.layers);
    const std::string h = "gpt_neox.layers." + std::to_string(l) + ".";
    LayerWeights& w = m.layers.emplace_back();
    w.attn_norm = load(h + "input_layernorm.weight", {E});
    w.attn_norm_bias = load(h + "input_layernorm.bias", {E});
    w.qkv = load(h + "attention.query_key_value.weight", {3 * E, E});
    w.qkv_bias = load.optional(c.qkv_bias, h + "attention.query_key_value.bias", {3 * E});
    w.out = load(h + "attention.dense.weight", {E, E});
    w.out_bias = load.optional(c.output_bias, h + "attention.dense.bias", {E});
    w.mlp_norm = load(h + "post_attention_layernorm.weight", {E});
    w.mlp_norm_bias = load(h + "post_attention_layernorm.bias", {E});
    w.fc = load(h + "mlp.dense_h_to_4h.weight", {M, E});
    w.fc_bias = load(h + "mlp.dense_h_to_4h.bias", {M});
    w.proj = load(h + "mlp.dense_4h_to_h.weight", {E, M});
    w.proj_bias = load(h + "mlp.dense_4h_to_h.bias", {E});
  }
  m.final_norm = load("gpt_neox.final_layer_norm.weight", {E});
  m.final_norm_bias = load("gpt_neox.final_layer_norm.bias", {E});
  if (!c.tied) m.lm_head = load("embed_out.weight", {c.vocab, E});
}

}  // namespace attnlab
