#pragma once
// Built-in examples that are real models: the project's own tiny model (assets/models/induction,
// trained by scripts/tiny_model/train.py) on a sentence it never saw, typed twice, so that its
// previous-token head (layer 0, head 0) and its induction head (layer 1, head 2) show on any
// machine with no download.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/inputs/input.hpp"

namespace attnlab {

struct ModelExample {
  std::string name;
  std::string folder;  // under the assets folder
  std::string text;    // what --example NAME tokenizes unless --text or --token-ids is given
  std::string description;
};
const std::vector<ModelExample>& model_examples();
bool is_model_example(std::string_view name);

// The folder of the shipped assets: $ATTNLAB_ASSETS when set, else assets/ beside the executable's
// folder or above it (a build tree inside the source tree), else the source tree's own.
std::filesystem::path assets_folder();

// --example NAME of a model example becomes --model <assets>/FOLDER with --text TEXT unless the
// tokens are given. Throws InputError when --model is given too. Other examples are left alone.
void resolve_model_example(InputOptions& input);

}  // namespace attnlab
