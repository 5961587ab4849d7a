#include "core/inputs/model_examples.hpp"

#include <cstdlib>

#include "core/base/error.hpp"

namespace attnlab {

const std::vector<ModelExample>& model_examples() {
  // A sentence of 13 of the model's words, twice (train.py draws random words, not sentences): on the
  // second copy each word's induction heads in layer 1 look at the word that followed it in the first,
  // which is what the sentence says.
  static const std::vector<ModelExample> examples{
      {"induction", "models/induction",
       "When a word comes back, look at what came after it last time. "
       "When a word comes back, look at what came after it last time.",
       "the project's tiny trained GPT-2 (one token a word) on a sentence typed twice: layer 0 head 2 looks at "
       "the previous token, the heads of layer 1 are induction heads"}};
  return examples;
}

bool is_model_example(std::string_view name) {
  for (const ModelExample& e : model_examples())
    if (e.name == name) return true;
  return false;
}

std::filesystem::path assets_folder() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("ATTNLAB_ASSETS"); env && *env) return env;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::is_directory(dir / "assets" / "models", error)) return dir / "assets";
  return ATTNLAB_SOURCE_ASSETS;
}

void resolve_model_example(InputOptions& in) {
  for (const ModelExample& e : model_examples()) {
    if (in.example != e.name) continue;
    if (!in.model.empty())
      throw InputError("--example " + e.name + " is a model of its own: give --model or --example, not both");
    in.example.clear();
    in.model = (assets_folder() / e.folder).string();
    if (!in.tokens.text && !in.tokens.token_ids) in.tokens.text = e.text;
    return;
  }
}

}  // namespace attnlab
