#include "core/attention/trace.hpp"

#include <string>

#include "core/base/quote.hpp"

namespace attnlab {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::scores: return "scores";
    case Stage::scaled: return "scaled";
    case Stage::capped: return "capped";
    case Stage::masked: return "masked";
    case Stage::weights: return "weights";
    case Stage::output: break;
  }
  return "output";
}

Stage parse_stage(std::string_view name) {
  for (Stage s : all_stages)
    if (stage_name(s) == name) return s;
  throw InputError("stage '" + excerpt(name) + "' is not one of scores, scaled, capped, masked, weights, output");
}

std::span<const Stage> stages_with(bool softcap) {
  static constexpr std::array<Stage, 5> five{Stage::scores, Stage::scaled, Stage::masked, Stage::weights,
                                             Stage::output};
  if (softcap) return all_stages;
  return five;
}

const Matrix& Trace::stage(Stage s) const {
  switch (s) {
    case Stage::scores: return scores;
    case Stage::scaled: return scaled;
    case Stage::capped:
      // An output-only trace keeps no stage; a full one without a soft-cap has no capped stage.
      if (full && capped.size() == 0 && scaled.size() > 0)
        throw InputError("stage capped needs a soft-cap (--softcap C): this problem has none");
      return capped;
    case Stage::masked: return masked;
    case Stage::weights: return weights;
    case Stage::output: break;
  }
  return output;
}

}  // namespace attnlab
