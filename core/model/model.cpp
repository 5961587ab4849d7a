#include "core/model/model.hpp"

#include <algorithm>
#include <system_error>

#include "core/model/model_memory.hpp"

namespace attnlab {
namespace {

namespace fs = std::filesystem;

// Loads weights by name, each shape from the config, counting the parameters. The same walk over the
// names opens a model without reading (`read` false): every tensor found and checked, and what the
// weights will take in memory summed.
struct Loader {
  Model& model;
  std::string prefix;  // gpt2's optional "transformer."
  std::string config_name;
  bool read = true;

  Weight operator()(const std::string& name, const std::vector<Index>& shape) {
    if (read) return Weight::load(*model.checkpoint, prefix + name, shape, config_name);
    const TensorRef& ref = Weight::find(*model.checkpoint, prefix + name, shape, config_name);
    const std::uint64_t elements = element_count(shape);
    model.parameters += static_cast<Index>(elements);
    model.weight_bytes += weight_memory(ref.entry->dtype, elements, shape.size() == 2);
    if (ref.entry->dtype != DType::f32 && shape.size() == 1)
      model.largest_widened_source = std::max(model.largest_widened_source, ref.entry->end - ref.entry->begin);
    return {};
  }
  Weight optional(bool present, const std::string& name, const std::vector<Index>& shape) {
    return present ? (*this)(name, shape) : Weight{};
  }

  static std::uint64_t element_count(const std::vector<Index>& shape) {
    std::uint64_t n = 1;
    for (const Index d : shape) n *= static_cast<std::uint64_t>(d);
    return n;
  }
};

constexpr const char* loading_phase = "loading the weights";

void load_gpt2(Model& m, Loader& load, const ModelProgress& progress) {
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

void load_llama(Model& m, Loader& load, const ModelProgress& progress) {
  const ModelConfig& c = m.config;
  const Index E = c.hidden, M = c.intermediate, Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  m.embed = load("model.embed_tokens.weight", {c.vocab, E});
  for (Index l = 0; l < c.layers; ++l) {
    if (progress) progress(loading_phase, l, c.layers);
    const std::string h = "model.layers." + std::to_string(l) + ".";
    LayerWeights& w = m.layers.emplace_back();
    w.attn_norm = load(h + "input_layernorm.weight", {E});
    w.q = load(h + "self_attn.q_proj.weight", {Q, E});
    w.k = load(h + "self_attn.k_proj.weight", {KV, E});
    w.v = load(h + "self_attn.v_proj.weight", {KV, E});
    w.q_bias = load.optional(c.qkv_bias, h + "self_attn.q_proj.bias", {Q});
    w.k_bias = load.optional(c.qkv_bias, h + "self_attn.k_proj.bias", {KV});
    w.v_bias = load.optional(c.qkv_bias, h + "self_attn.v_proj.bias", {KV});
    w.out = load(h + "self_attn.o_proj.weight", {E, Q});
    w.out_bias = load.optional(c.output_bias, h + "self_attn.o_proj.bias", {E});
    w.mlp_norm = load(h + "post_attention_layernorm.weight", {E});
    w.gate = load(h + "mlp.gate_proj.weight", {M, E});
    w.up = load(h + "mlp.up_proj.weight", {M, E});
    w.down = load(h + "mlp.down_proj.weight", {E, M});
    w.gate_bias = load.optional(c.mlp_bias, h + "mlp.gate_proj.bias", {M});
    w.up_bias = load.optional(c.mlp_bias, h + "mlp.up_proj.bias", {M});
    w.down_bias = load.optional(c.mlp_bias, h + "mlp.down_proj.bias", {E});
  }
  m.final_norm = load("model.norm.weight", {E});
  if (!c.tied) m.lm_head = load("lm_head.weight", {c.vocab, E});
}

}  // namespace

Model open_model(const fs::path& folder) {
  std::error_code error;
  if (!fs::exists(folder, error)) throw InputError("model folder " + folder.string() + " does not exist");
  if (!fs::is_directory(folder, error)) throw InputError("model folder " + folder.string() + " is not a folder");
  Model m;
  m.folder = folder;
  m.config = read_config(folder);
  m.checkpoint = std::make_unique<Checkpoint>(folder);
  Loader plan{m, "", (folder / "config.json").string(), false};
  if (m.config.architecture == Architecture::gpt2) load_gpt2(m, plan, {});
  else load_llama(m, plan, {});
  m.layers.clear();  // the walk's empty weights; load_weights fills them
  return m;
}

void load_weights(Model& m, const ModelProgress& progress) {
  Loader load{m, "", (m.folder / "config.json").string(), true};
  if (m.config.architecture == Architecture::gpt2) load_gpt2(m, load, progress);
  else load_llama(m, load, progress);
}

Model load_model(const fs::path& folder, const ModelProgress& progress) {
  Model m = open_model(folder);
  load_weights(m, progress);
  return m;
}

}  // namespace attnlab
