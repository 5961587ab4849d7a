// qwen3 (Qwen3-0.6B … 32B): Qwen2's names without q/k/v biases (attention_bias honoured), and
// self_attn.q_norm / k_norm, an RMSNorm over each head's hd values, on q and k before RoPE.
#include "core/model/family.hpp"

namespace attnlab {

void read_qwen3_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, {.head_dim_from_hidden = false, .head_dim = 128});
  read_rope(f, c);
  read_optional_window(f, c);
}

void load_qwen3(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {.qk_norm_width = m.config.head_dim});
}

}  // namespace attnlab
