#pragma once
// What goes into the engine: Q, K, V, the mask, the scale, the soft-cap and the sink, and the tokens
// that label them.
#include <optional>
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
  double temperature = 1.0;  // softmax(x / temperature): the GUI's extra knob on top of the scale
  // Gemma 2's attention-logit soft-cap C: the scaled scores become C·tanh(s/C) before the mask, the
  // stage `capped`. None: no such stage.
  std::optional<double> softcap;
  // gpt-oss's learned sink, this head's logit: it joins the softmax's denominator but has no value, so
  // the weights add up to less than 1 (the rest is the sink's share). None: an ordinary softmax.
  std::optional<double> sink;
  PrecisionMode precision;                // the precision lab; the default is the ordinary float32 path
  std::vector<std::string> query_tokens;  // Lq labels
  std::vector<std::string> key_tokens;    // Lk labels

  Index lq() const { return q.rows(); }
  Index lk() const { return k.rows(); }
  Index dk() const { return q.cols(); }
  Index dv() const { return v.cols(); }
  // The factor that turns scores into scaled scores: s / temperature.
  float effective_scale() const;
  // The sink logit as the float32 kernels take it.
  std::optional<float> sink_logit() const {
    return sink ? std::optional<float>(static_cast<float>(*sink)) : std::nullopt;
  }
};

// The largest score or scaled score a problem may reach. The statistics square the scaled scores'
// deviations in float32 and sum them over up to 2³⁰ keys, which 1e14 keeps finite; a softmax is
// one-hot long before (a gap of 100 between two scores already gives e⁻¹⁰⁰).
inline constexpr double max_score = 1e14;
// The largest masked score, a scaled score plus a float mask's value: float32 goes to 3.4e38.
inline constexpr double max_masked_score = 1e38;
// A soft-cap C from 1e-30 to 1e30: within float32 with room for s/C and C·tanh, so neither is 0/0 or inf·0.
inline constexpr double min_softcap = 1e-30, max_softcap = 1e30;
// A sink logit is a score like the others: at most max_score in size.

// Throw InputError starting with `what` (the setting and its value as the user wrote it, "--softcap
// 1e31"): a soft-cap that is not a finite number in [min_softcap, max_softcap], a sink logit that is
// not finite or larger than max_score in size.
void check_softcap(double softcap, const std::string& what);
void check_sink(double sink, const std::string& what);

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
