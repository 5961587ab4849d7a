// smollm3 (SmolLM3): llama's names and arithmetic, but the layers no_rope_layers marks 0 use no
// RoPE at all (NoPE); without the list, every no_rope_layer_interval-th layer (4 by default).
#include "core/model/family.hpp"

namespace attnlab {
namespace {

// no_rope_layers: 1 where a layer uses RoPE, 0 where it does not; at least one entry a layer, as
// transformers' SmolLM3Config documents it.
void read_nope_layers(const ConfigFields& f, ModelConfig& c) {
  c.nope_layers.assign(static_cast<std::size_t>(c.layers), false);
  if (f.has("no_rope_layers")) {
    const nlohmann::json& list = f.at("no_rope_layers");
    if (!list.is_array() || list.size() < static_cast<std::size_t>(c.layers))
      throw InputError(f.name() + ": no_rope_layers is not a list of " + std::to_string(c.layers) +
                       " zeros and ones (one a layer)");
    for (std::size_t l = 0; l < static_cast<std::size_t>(c.layers); ++l) {
      if (!list[l].is_number_integer() || (list[l] != 0 && list[l] != 1))
        throw InputError(f.name() + ": no_rope_layers[" + std::to_string(l) + "] is " + printable(list[l].dump()) +
                         ", not 0 or 1");
      c.nope_layers[l] = list[l] == 0;
    }
    return;
  }
  const Index interval = f.count_or("no_rope_layer_interval", 4, limits::layers);
  for (Index l = 0; l < c.layers; ++l) c.nope_layers[static_cast<std::size_t>(l)] = (l + 1) % interval == 0;
}

}  // namespace

void read_smollm3_config(const ConfigFields& f, ModelConfig& c) {
  read_decoder_config(f, c, {.tied = true, .rope_theta = 2e6});
  read_rope(f, c);
  read_nope_layers(f, c);
  // A window only with use_sliding_window: on the layers layer_types names, else on the NoPE ones.
  if (!f.has("sliding_window") || !f.flag("use_sliding_window", false)) return;
  c.sliding_window = f.count("sliding_window", limits::size);
  if (!read_layer_types(f, c)) c.sliding_layers = c.nope_layers;
}

void load_smollm3(Model& m, WeightLoader& load, const ModelProgress& progress) {
  load_decoder(m, load, progress, {});
}

}  // namespace attnlab
