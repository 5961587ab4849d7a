#pragma once
// A second input beside the first (heads.md, "Two inputs side by side"): --compare-text T2 or
// --compare-token-ids LIST, read with the first run's tokenizer and run through the same model, with
// the same heads knocked out, so that the same layer and head can be drawn on both.
#include "core/inputs/model_input.hpp"

namespace attnlab {

inline bool comparing(const InputOptions& input) {
  return input.compare.text || input.compare.token_ids;
}

// The checks that need no model: one of the two options, with --model, a text that is not empty,
// a list of ids that parses. Throws InputError naming the option and the value.
void check_compare_options(const InputOptions& input);

// The second input's tokens, checked against the model as the first's are. Throws InputError naming
// --compare-text or --compare-token-ids.
ModelTokens compare_tokens(const InputOptions& input, const ModelRun& run);

// The second input and the model's pass over it.
struct ComparedRun {
  ModelTokens tokens;
  ForwardPass pass;
};
// Its tokens read, the memory of both passes checked, and the forward pass run with the first run's
// knock-outs. Throws InputError as compare_tokens, or for a pass that would not fit in memory.
ComparedRun run_compared(const InputOptions& input, const ModelRun& run);

}  // namespace attnlab
