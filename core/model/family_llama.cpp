// llama, mistral and qwen2 (Llama, SmolLM2, TinyLlama, Mistral, Qwen2/2.5): the decoder as it is,
// Qwen2's q, k and v biases, and the sliding windows of each.
#include "core/model/family.hpp"

namespace attnlab {

void read_llama_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, {});
  if (c.model_type == "qwen2") {
    c.qkv_bias = true;  // Qwen2's q, k and v projections always have biases; its output projection none
    c.output_bias = c.mlp_bias = false;
  }
  read_rope(f, c);
  if (c.model_type == "qwen2") return read_optional_window(f, c);
  // Mistral's window, when it has one, is every layer's; Llama has none.
  if (c.model_type == "llama" || !f.has("sliding_window")) return;
  c.sliding_window = f.count("sliding_window", limits::size);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), true);
}

void load_llama(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {});
}

}  // namespace attnlab
