#pragma once
// What goes into the engine: Q, K, V, the mask, the scale, and the tokens that label them.
#include <string>
#include <vector>

#include "core/attention/mask.hpp"
#include "core/attention/precision.hpp"
#include "core/attention/scale.hpp"
#include "core/base/matrix.hpp"

namespace attnlab {

struct Problem {
  Matrix q;  // Lq × dk, one query per row
  Matrix k;  // Lk × dk, one key per row
  Matrix v;  // Lk × dv, one value per row
  MaskSpec mask;
  ScaleSpec scale;
  double temperature = 1.0;               // softmax(x / temperature): the GUI's extra knob on top of the scale
  PrecisionMode precision;                // the precision lab; the default is the ordinary float32 path
  std::vector<std::string> query_tokens;  // Lq labels
  std::vector<std::string> key_tokens;    // Lk labels

  Index lq() const { return q.rows(); }
  Index lk() const { return k.rows(); }
  Index dk() const { return q.cols(); }
  Index dv() const { return v.cols(); }
  // The factor that turns scores into scaled scores: s / temperature.
  float effective_scale() const;
};

// The largest score or scaled score a problem may reach. The statistics square the scaled scores'
// deviations in float32 and sum them over up to 2³⁰ keys, which 1e14 keeps finite; a softmax is
// one-hot long before (a gap of 100 between two scores already gives e⁻¹⁰⁰).
inline constexpr double max_score = 1e14;
// The largest masked score, a scaled score plus a float mask's value: float32 goes to 3.4e38.
inline constexpr double max_masked_score = 1e38;

// Throws InputError naming the offending input and the shapes or value: the spec's Errors section.
void validate(const Problem& problem);
// The largest row norms of Q and K, which bound every score: |q·k| ≤ ‖q‖·‖k‖.
struct ScoreBound {
  double q_norm = 0, k_norm = 0;
};
ScoreBound score_bound(const Problem& problem);
// The part of validate() that depends on the scale, temperature and mask: what a change of those
// needs when Q, K and V were valid already (no O(L·d) pass over them).
void validate_settings(const Problem& problem, const ScoreBound& bound);

// "q0", "q1", ... for inputs that come without tokens.
std::vector<std::string> numbered_tokens(const std::string& prefix, Index count);

}  // namespace attnlab
