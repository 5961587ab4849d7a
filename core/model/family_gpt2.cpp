// gpt2 (GPT-2 and its fine-tunes): LayerNorm, Conv1D weights, learned positions, GELU's tanh
// approximation, the output tied to the token embedding; names with or without "transformer.".
#include "core/model/family.hpp"

namespace attnlab {

void read_gpt2_config(const ConfigFields& f, ModelConfig& c) {
  c.vocab = f.count("vocab_size", limits::model_vocab);
  c.hidden = f.count("n_embd", limits::model_width);
  c.layers = f.count("n_layer", limits::layers);
  c.heads = c.kv_heads = f.count("n_head", limits::heads);
  c.head_dim = even_head_dim(f, c, "n_embd", "n_head");
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
  c.activation = Activation::gelu_tanh;
  c.tied = true;
  c.qkv_bias = c.output_bias = c.mlp_bias = true;
  c.scale_attn_weights = f.flag("scale_attn_weights", true);
  c.scale_by_inverse_layer = f.flag("scale_attn_by_inverse_layer_idx", false);
}

void load_gpt2(Model& m, WeightLoader& load, const ModelProgress& progress) {
  const ModelConfig& c = m.config;
  const Index E = c.hidden, M = c.intermediate;
  // Saved from GPT2LMHeadModel the names carry "transformer."; from GPT2Model they do not.
  if (!m.checkpoint->find("wte.weight") && m.checkpoint->find("transformer.wte.weight")) load.prefix = "transformer.";
  m.embed = load("wte.weight", {c.vocab, E});
  m.positions = load("wpe.weight", {c.positions, E});
  for (Index l = 0; l < c.layers; ++l) {
    if (progress) progress(loading_phase, l, c.layers);
    const std::string h = "h." + std::to_string(l) + ".";
    LayerWeights& w = m.layers.emplace_back();
    w.attn_norm = load(h + "ln_1.weight", {E});
    w.attn_norm_bias = load(h + "ln_1.bias", {E});
    w.qkv = load(h + "attn.c_attn.weight", {E, 3 * E});
    w.qkv_bias = load(h + "attn.c_attn.bias", {3 * E});
    w.out = load(h + "attn.c_proj.weight", {E, E});
    w.out_bias = load(h + "attn.c_proj.bias", {E});
    w.mlp_norm = load(h + "ln_2.weight", {E});
    w.mlp_norm_bias = load(h + "ln_2.bias", {E});
    w.fc = load(h + "mlp.c_fc.weight", {E, M});
    w.fc_bias = load(h + "mlp.c_fc.bias", {M});
    w.proj = load(h + "mlp.c_proj.weight", {M, E});
    w.proj_bias = load(h + "mlp.c_proj.bias", {E});
  }
  m.final_norm = load("ln_f.weight", {E});
  m.final_norm_bias = load("ln_f.bias", {E});
}

}  // namespace attnlab
