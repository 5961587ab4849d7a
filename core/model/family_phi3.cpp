// phi3 (Phi-3, Phi-3.5, Phi-4-mini): the fused self_attn.qkv_proj (q rows, then k, then v) and
// mlp.gate_up_proj (gate rows, then up); RoPE on the first partial_rotary_factor of each head, with
// rope_scaling of type longrope; the sliding window, when set, in every layer.
#include "core/model/family.hpp"

namespace attnlab {

void read_phi3_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, {.norm_eps = 1e-5});
  const double partial = f.positive("partial_rotary_factor", 1.0);
  if (partial > 1)
    throw InputError(f.name() + ": partial_rotary_factor " + printable(f.at("partial_rotary_factor").dump()) +
                     " is more than 1");
  // transformers' int(head_dim · partial_rotary_factor) rotary dimensions, turned in pairs.
  c.rotary_dims = static_cast<Index>(static_cast<double>(c.head_dim) * partial);
  if (c.rotary_dims % 2 != 0 || c.rotary_dims == 0)
    throw InputError(f.name() + ": head_dim " + std::to_string(c.head_dim) + " × partial_rotary_factor " +
                     printable(f.at("partial_rotary_factor").dump()) + " gives " + std::to_string(c.rotary_dims) +
                     " rotary dimensions: RoPE turns a positive even number");
  read_rope(f, c);
  if (!f.has("sliding_window")) return;
  c.sliding_window = f.count("sliding_window", limits::size);
  c.sliding_layers.assign(static_cast<std::size_t>(c.layers), true);
}

void load_phi3(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {.fused = true});
}

}  // namespace attnlab
