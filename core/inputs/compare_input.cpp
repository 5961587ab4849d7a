#include "core/inputs/compare_input.hpp"

#include "core/model/model_memory.hpp"

namespace attnlab {
namespace {

// The second input's errors come from the readers of the first's: they are said again under the second's
// option names, so that a user knows which of the two inputs is wrong.
[[noreturn]] void renamed(const InputError& e, const TokenSource& compare) {
  const std::string message = e.what();
  const char* option = compare.text ? "--compare-text" : "--compare-token-ids";
  for (const char* first : {"--text", "--token-ids"})
    if (message.starts_with(first)) throw InputError(option + message.substr(std::string(first).size()));
  throw InputError(std::string(option) + ": " + message);
}

}  // namespace

void check_compare_options(const InputOptions& in) {
  if (!comparing(in)) return;
  if (in.compare.text && in.compare.token_ids)
    throw InputError("--compare-text and --compare-token-ids: give one, not both");
  const char* option = in.compare.text ? "--compare-text" : "--compare-token-ids";
  if (in.model.empty())
    throw InputError(std::string(option) + " runs a second input through a model: give --model DIR|ID");
  if (in.compare.text && in.compare.text->empty())
    throw InputError("--compare-text is empty: give the second sentence, as --text gives the first");
  try {
    if (in.compare.token_ids) parse_token_ids(*in.compare.token_ids);
  } catch (const InputError& e) {
    renamed(e, in.compare);
  }
}

ModelTokens compare_tokens(const InputOptions& in, const ModelRun& run) {
  check_compare_options(in);
  InputOptions second;
  second.tokens = in.compare;
  try {
    return model_tokens(second, run.model, run.tokenizer_or_null());
  } catch (const InputError& e) {
    renamed(e, in.compare);
  }
}

ComparedRun run_compared(const InputOptions& in, const ModelRun& run) {
  ComparedRun second;
  second.tokens = compare_tokens(in, run);
  // Both passes and both layers' traces are held at once: checked as one pass over both inputs' tokens
  // (which counts the score matrices a little above their sum).
  check_forward_memory(run.model, static_cast<Index>(run.tokens.ids.size() + second.tokens.ids.size()), {true});
  second.pass = forward(run.model, second.tokens.ids, {}, {run.ablation, false});
  return second;
}

}  // namespace attnlab
