// olmo2 (OLMo 2): no norm before the attention or the MLP; post_attention_layernorm and
// post_feedforward_layernorm on each one's output before its residual add; q_norm and k_norm over
// the whole projected q (H·hd) and k (G·hd), before they split into heads and turn by RoPE.
#include "core/model/family.hpp"

namespace attnlab {

void read_olmo2_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, {.norm_eps = 1e-5});
  read_rope(f, c);
}

void load_olmo2(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress,
               {.input_norm = nullptr,
                .mlp_norm = nullptr,
                .attn_out_norm = "post_attention_layernorm",
                .mlp_out_norm = "post_feedforward_layernorm",
                .qk_norm_width = m.config.heads * m.config.head_dim});
}

}  // namespace attnlab
