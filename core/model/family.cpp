#include "core/model/family.hpp"

namespace attnlab {

void read_family_config(const ConfigFields& f, ModelConfig& c) {
  switch (c.architecture) {
    case Architecture::gpt2: return read_gpt2_config(f, c);
    case Architecture::llama: return read_llama_config(f, c);
    case Architecture::qwen3: return read_qwen3_config(f, c);
    case Architecture::gemma: return read_gemma_config(f, c);
    case Architecture::gemma2: return read_gemma2_config(f, c);
    case Architecture::gemma3: return read_gemma3_config(f, c);
    case Architecture::olmo2: return read_olmo2_config(f, c);
    case Architecture::gpt_neox: return read_gpt_neox_config(f, c);
    case Architecture::phi3: return read_phi3_config(f, c);
    case Architecture::smollm3: return read_smollm3_config(f, c);
  }
}

void load_family(Model& m, WeightLoader& load, const ModelProgress& progress) {
  switch (m.config.architecture) {
    case Architecture::gpt2: return load_gpt2(m, load, progress);
    case Architecture::llama: return load_llama(m, load, progress);
    case Architecture::qwen3: return load_qwen3(m, load, progress);
    case Architecture::gemma: return load_gemma(m, load, progress);
    case Architecture::gemma2: return load_gemma2(m, load, progress);
    case Architecture::gemma3: return load_gemma3(m, load, progress);
    case Architecture::olmo2: return load_olmo2(m, load, progress);
    case Architecture::gpt_neox: return load_gpt_neox(m, load, progress);
    case Architecture::phi3: return load_phi3(m, load, progress);
    case Architecture::smollm3: return load_smollm3(m, load, progress);
  }
}

Index even_head_dim(const ConfigFields& f, const ModelConfig& c, const char* hidden_key, const char* heads_key) {
  if (c.hidden % c.heads != 0)
    throw InputError(f.name() + ": " + hidden_key + " " + std::to_string(c.hidden) + " is not a multiple of " +
                     heads_key + " " + std::to_string(c.heads));
  return c.hidden / c.heads;
}

}  // namespace attnlab
