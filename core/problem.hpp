#pragma once
// What goes into the engine: Q, K, V, the mask, the scale, and the tokens that label them.
#include <string>
#include <vector>

#include "core/mask.hpp"
#include "core/matrix.hpp"
#include "core/scale.hpp"

namespace attnlab {

struct Problem {
  Matrix q;  // Lq × dk, one query per row
  Matrix k;  // Lk × dk, one key per row
  Matrix v;  // Lk × dv, one value per row
  MaskSpec mask;
  ScaleSpec scale;
  double temperature = 1.0;  // softmax(x / temperature): the GUI's extra knob on top of the scale
  std::vector<std::string> query_tokens;  // Lq labels
  std::vector<std::string> key_tokens;    // Lk labels

  Index lq() const { return q.rows(); }
  Index lk() const { return k.rows(); }
  Index dk() const { return q.cols(); }
  Index dv() const { return v.cols(); }
  // The factor that turns scores into scaled scores: s / temperature.
  float effective_scale() const;
};

// Throws InputError naming the offending input and the shapes or value: the spec's Errors section.
void validate(const Problem& problem);

// "q0", "q1", ... for inputs that come without tokens.
std::vector<std::string> numbered_tokens(const std::string& prefix, Index count);

}  // namespace attnlab
