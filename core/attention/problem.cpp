#include "core/attention/problem.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace attnlab {
namespace {

// True when no element is NaN or ±inf: the exponent bits of each float, or-ed in one vectorised
// pass (Eigen's allFinite() compares element by element).
bool all_finite(const Matrix& m) {
  const float* data = m.data();
  std::uint32_t special = 0;
#pragma omp simd reduction(| : special)
  for (Index i = 0; i < m.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, data + i, sizeof bits);
    special |= (bits & 0x7f800000u) == 0x7f800000u;
  }
  return special == 0;
}

void check_finite(const Matrix& m, const char* name) {
  if (all_finite(m)) return;
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw InputError(std::string(name) + " has the non-finite value " + std::to_string(m(i, j)) + " at row " +
                         std::to_string(i) + ", column " + std::to_string(j));
}

void check_not_empty(const Matrix& m, const char* name) {
  if (m.rows() < 1 || m.cols() < 1)
    throw InputError(std::string(name) + " is empty (" + shape_str(m.rows(), m.cols()) + ")");
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

// When the bound on the scores and scaled scores is within max_score, none of them can overflow to
// inf and turn a row into NaN, and neither can the statistics. A mask only adds: its positive values could push a
// masked score to +inf, while its negative ones, however large, can only reach -inf, which masks. That is how PyTorch
// and Hugging Face mask with float32's lowest value, −3.4e38: a mask, not a score that is too large.
void check_range(const Problem& p, const ScoreBound& bound) {
  const double scores = bound.q_norm * bound.k_norm, s = std::abs(static_cast<double>(p.effective_scale()));
  if (scores * std::max(1.0, s) > max_score)
    throw InputError("Q and K are too large for float32: scores could reach " + number(scores * std::max(1.0, s)) +
                     " (at most " + number(max_score) + "; largest row norms: Q " + number(bound.q_norm) + ", K " +
                     number(bound.k_norm) + ")");
  if (p.mask.kind != MaskSpec::Kind::matrix || p.mask.additive.size() == 0) return;
  const double top = p.mask.additive.maxCoeff();
  if (top > 0 && scores * s + top > max_masked_score)
    throw InputError("mask " + (p.mask.source.empty() ? std::string("painted") : "file " + p.mask.source) +
                     ": its largest value " + number(top) + " added to scaled scores of up to " + number(scores * s) +
                     " overflows float32");
}

}  // namespace

float Problem::effective_scale() const {
  return static_cast<float>(resolve_scale(scale, dk()) / temperature);
}

void validate(const Problem& p) {
  check_not_empty(p.q, "Q");
  check_not_empty(p.k, "K");
  check_not_empty(p.v, "V");
  if (p.k.cols() != p.q.cols())
    throw InputError("K has " + std::to_string(p.k.cols()) + " columns but Q has " + std::to_string(p.q.cols()) +
                     ": dk must match (Q is " + shape_str(p.lq(), p.dk()) + ", K is " +
                     shape_str(p.k.rows(), p.k.cols()) + ")");
  if (p.v.rows() != p.k.rows())
    throw InputError("V has " + std::to_string(p.v.rows()) + " rows but K has " + std::to_string(p.k.rows()) +
                     ": one value per key (K is " + shape_str(p.k.rows(), p.k.cols()) + ", V is " +
                     shape_str(p.v.rows(), p.v.cols()) + ")");
  check_finite(p.q, "Q");
  check_finite(p.k, "K");
  check_finite(p.v, "V");
  validate_settings(p, score_bound(p));
  if (!p.query_tokens.empty() && static_cast<Index>(p.query_tokens.size()) != p.lq())
    throw InputError(std::to_string(p.query_tokens.size()) + " query tokens for " + std::to_string(p.lq()) +
                     " queries");
  if (!p.key_tokens.empty() && static_cast<Index>(p.key_tokens.size()) != p.lk())
    throw InputError(std::to_string(p.key_tokens.size()) + " key tokens for " + std::to_string(p.lk()) + " keys");
}

ScoreBound score_bound(const Problem& p) {
  return {std::sqrt(static_cast<double>(p.q.rowwise().squaredNorm().maxCoeff())),
          std::sqrt(static_cast<double>(p.k.rowwise().squaredNorm().maxCoeff()))};
}

void validate_settings(const Problem& p, const ScoreBound& bound) {
  if (!(p.temperature > 0) || !std::isfinite(p.temperature))
    throw InputError("temperature " + std::to_string(p.temperature) + " must be a finite number > 0");
  if (!std::isfinite(p.effective_scale()))
    throw InputError("scale " + p.scale.text() + " divided by temperature " + std::to_string(p.temperature) +
                     " overflows float32");
  check_mask(p.mask, p.lq(), p.lk());
  check_range(p, bound);
  if (p.softcap) check_softcap(*p.softcap, "soft-cap " + number(*p.softcap));
  if (p.sink) check_sink(*p.sink, "sink " + number(*p.sink));
  if (p.precision.mask_value && !std::isfinite(*p.precision.mask_value))
    throw InputError("mask value " + std::to_string(*p.precision.mask_value) +
                     " must be a finite number (masked cells are -inf without one)");
}

void check_softcap(double c, const std::string& what) {
  if (!std::isfinite(c) || c <= 0) throw InputError(what + " must be a finite number > 0 (the C of C·tanh(s/C))");
  if (c < min_softcap || c > max_softcap)
    throw InputError(what + " is out of range: " + number(min_softcap) + " to " + number(max_softcap));
}

void check_sink(double s, const std::string& what) {
  if (!std::isfinite(s)) throw InputError(what + " must be a finite number (a logit)");
  if (std::abs(s) > max_score)
    throw InputError(what + " is out of range: a logit from " + number(-max_score) + " to " + number(max_score));
}

std::vector<std::string> numbered_tokens(const std::string& prefix, Index count) {
  std::vector<std::string> tokens;
  tokens.reserve(count);
  for (Index i = 0; i < count; ++i) tokens.push_back(prefix + std::to_string(i));
  return tokens;
}

}  // namespace attnlab
