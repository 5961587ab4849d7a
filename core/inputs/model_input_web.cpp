// The web page's side of model_input.hpp: it runs no real model (the tokenizer's PCRE2 and utf8proc are
// native libraries), so any model option is refused with one line that says where models run.
#include "core/inputs/model_input.hpp"

namespace attnlab {
namespace {

[[noreturn]] void refuse(const char* option) {
  throw InputError(std::string(option) +
                   ": real models (--model, --example induction) run in the desktop app; this web page has no "
                   "tokenizer and no forward pass");
}

}  // namespace

void check_model_options(const InputOptions& in) {
  if (!in.model.empty()) refuse("--model");
  if (in.tokens.text) refuse("--text");
  if (in.tokens.token_ids) refuse("--token-ids");
  if (in.layer) refuse("--layer");
}

HeadsProblem model_heads_problem(const InputOptions&) {
  refuse("--model");
}

}  // namespace attnlab
