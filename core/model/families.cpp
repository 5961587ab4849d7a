#include "core/model/families.hpp"

#include <array>

namespace attnlab {
namespace {

constexpr std::array kFamilies{
    ModelFamily{"gpt2", Architecture::gpt2, "openai-community/gpt2"},
    ModelFamily{"llama", Architecture::llama, "HuggingFaceTB/SmolLM2-135M"},
    ModelFamily{"mistral", Architecture::llama, "mistralai/Mistral-7B-v0.1"},
    ModelFamily{"qwen2", Architecture::llama, "Qwen/Qwen2.5-0.5B"},
    ModelFamily{"qwen3", Architecture::qwen3, "Qwen/Qwen3-0.6B"},
    ModelFamily{"gemma", Architecture::gemma, "google/gemma-2b"},
    ModelFamily{"gemma2", Architecture::gemma2, "google/gemma-2-2b"},
    ModelFamily{"gemma3_text", Architecture::gemma3, "google/gemma-3-1b-pt"},
    ModelFamily{"olmo2", Architecture::olmo2, "allenai/OLMo-2-0425-1B"},
    ModelFamily{"gpt_neox", Architecture::gpt_neox, "EleutherAI/pythia-410m"},
    ModelFamily{"phi3", Architecture::phi3, "microsoft/Phi-4-mini-instruct"},
    ModelFamily{"smollm3", Architecture::smollm3, "HuggingFaceTB/SmolLM3-3B"},
};

}  // namespace

std::span<const ModelFamily> model_families() {
  return kFamilies;
}

const ModelFamily* find_family(std::string_view model_type) {
  for (const ModelFamily& f : kFamilies)
    if (f.model_type == model_type) return &f;
  return nullptr;
}

std::string supported_model_types() {
  std::string list;
  for (const ModelFamily& f : kFamilies) list += (list.empty() ? "" : ", ") + std::string(f.model_type);
  return list;
}

}  // namespace attnlab
