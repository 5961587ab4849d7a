#pragma once
// The one list of the model types the lab opens (families.cpp): which architecture reads each, and
// a real model of that family a user can try. The loader, its error message and the README's table
// all follow it.
#include <span>
#include <string>
#include <string_view>

namespace attnlab {

// How a folder's config.json and weights are read: one file each, core/model/family_<name>.cpp.
// llama also reads mistral and qwen2; gemma3 reads gemma3_text.
enum class Architecture { gpt2, llama, qwen3, gemma, gemma2, gemma3, olmo2, gpt_neox, phi3, smollm3 };

struct ModelFamily {
  std::string_view model_type;  // as config.json says it
  Architecture architecture;
  std::string_view example;  // a Hugging Face model of this type
};

// Every supported model type, in the order messages list them.
std::span<const ModelFamily> model_families();
// The family of `model_type`, or null when the lab does not open it.
const ModelFamily* find_family(std::string_view model_type);
// "gpt2, llama, …": every supported model type, as messages list them.
std::string supported_model_types();

}  // namespace attnlab
