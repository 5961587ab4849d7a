#include "core/attention/trace.hpp"

#include <string>

#include "core/base/quote.hpp"

namespace attnlab {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::scores: return "scores";
    case Stage::scaled: return "scaled";
    case Stage::masked: return "masked";
    case Stage::weights: return "weights";
    case Stage::output: break;
  }
  return "output";
}

Stage parse_stage(std::string_view name) {
  for (Stage s : all_stages)
    if (stage_name(s) == name) return s;
  throw InputError("stage '" + excerpt(name) + "' is not one of scores, scaled, masked, weights, output");
}

const Matrix& Trace::stage(Stage s) const {
  switch (s) {
    case Stage::scores: return scores;
    case Stage::scaled: return scaled;
    case Stage::masked: return masked;
    case Stage::weights: return weights;
    case Stage::output: break;
  }
  return output;
}

}  // namespace attnlab
