#include "core/attention/precision_trace.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/attention/precision.hpp"

namespace attnlab {
namespace {

constexpr float neg_inf = -std::numeric_limits<float>::infinity();

Matrix rounded(Precision format, const Matrix& m) {
  Matrix r = m;
  round_in_place(format, r);
  return r;
}

// softmax of one masked row as the format computes it (see the header); weights may end up NaN.
// Returns the sink's weight (0 without a sink).
float softmax_row(Precision format, bool subtract_max, const float* x, float* p, Index lk, std::optional<float> sink) {
  const float m = std::max(*std::max_element(x, x + lk), sink.value_or(neg_inf));
  if (m == neg_inf) {  // every cell −inf: the query attends nothing
    std::fill(p, p + lk, 0.0f);
    return 0.0f;
  }
  const float shift = subtract_max ? m : 0.0f;
  float sum = 0;
  for (Index j = 0; j < lk; ++j) {
    p[j] = round_to(format, std::exp(x[j] - shift));
    sum += p[j];
  }
  const float sink_e = sink ? round_to(format, std::exp(*sink - shift)) : 0.0f;
  sum += sink_e;
  for (Index j = 0; j < lk; ++j) p[j] = round_to(format, p[j] / sum);
  return sink ? round_to(format, sink_e / sum) : 0.0f;
}

// C·tanh(x / C) as Gemma 2's reference computes it in the format: three operations, each rounded.
float soft_cap(Precision format, float x, float c) {
  return round_to(format, c * round_to(format, std::tanh(round_to(format, x / c))));
}

// The row's statistics; `allowed` marks the keys the mask lets the query attend.
RowStats row_stats(const float* scaled, const float* p, const bool* allowed, Index lk, bool output_finite) {
  RowStats s;
  double mean = 0, sum2 = 0, sum3 = 0, entropy = 0, max_weight = 0;
  bool finite = output_finite;
  for (Index j = 0; j < lk; ++j) {
    if (allowed[j]) mean += scaled[j];
    s.masked_keys += !allowed[j];
    finite = finite && std::isfinite(p[j]);
  }
  const Index attended = lk - s.masked_keys;
  s.fully_masked = attended == 0;
  if (attended > 0) {
    mean /= static_cast<double>(attended);
    double m2 = 0;
    for (Index j = 0; j < lk; ++j)
      if (allowed[j]) m2 += (scaled[j] - mean) * (scaled[j] - mean);
    s.mean = static_cast<float>(mean);
    s.std = static_cast<float>(std::sqrt(m2 / static_cast<double>(attended)));
  }
  s.non_finite = !finite;
  if (!finite) {
    s.max_weight = s.entropy = s.effective_keys = s.jacobian_norm = std::numeric_limits<float>::quiet_NaN();
    return s;
  }
  for (Index j = 0; j < lk; ++j) {
    const double pj = p[j];
    max_weight = std::max(max_weight, pj);
    sum2 += pj * pj;
    sum3 += pj * pj * pj;
    if (pj > 0) entropy -= pj * std::log(pj);
  }
  // ‖diag(p) − ppᵀ‖²_F = Σ p² − 2 Σ p³ + (Σ p²)², for any p (the rounded weights need not sum to 1).
  s.max_weight = static_cast<float>(max_weight);
  s.entropy = static_cast<float>(entropy);
  s.effective_keys = static_cast<float>(std::exp(entropy));
  s.jacobian_norm = static_cast<float>(std::sqrt(std::max(0.0, sum2 - 2 * sum3 + sum2 * sum2)));
  return s;
}

}  // namespace

void compute_precision_trace(const Problem& p, Trace& t) {
  const PrecisionMode& mode = p.precision;
  const Precision f = mode.format;
  const Index lq = p.lq(), lk = p.lk();
  const Matrix q = rounded(f, p.q), k = rounded(f, p.k), v = rounded(f, p.v);
  const bool additive = p.mask.kind == MaskSpec::Kind::matrix;
  const float masked_cell = mode.mask_value ? round_to(f, *mode.mask_value) : neg_inf;

  t.full = true;
  t.scores.resize(lq, lk);
  t.scores.noalias() = q * k.transpose();
  round_in_place(f, t.scores);
  t.scaled = t.scores * p.effective_scale();
  round_in_place(f, t.scaled);
  const Matrix* logits = &t.scaled;  // what the mask is added to
  if (p.softcap) {
    const auto c = static_cast<float>(*p.softcap);
    t.capped = t.scaled.unaryExpr([f, c](float x) { return soft_cap(f, x, c); });
    logits = &t.capped;
  } else {
    t.capped.resize(0, 0);
  }
  const std::optional<float> sink =
      p.sink ? std::optional<float>(round_to(f, static_cast<float>(*p.sink))) : std::nullopt;
  t.masked.resize(lq, lk);
  t.weights.resize(lq, lk);
  t.stats.resize(lq);
  // The keys each query may attend: the mask's range, less a float mask's −inf (after rounding).
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> allowed(lq, lk);
  Eigen::VectorXf sink_weights(lq);
  for (Index i = 0; i < lq; ++i) {
    const KeyRange keys = key_range(p.mask, i, lq, lk);
    for (Index j = 0; j < lk; ++j) {
      const float a = additive ? round_to(f, p.mask.additive(i, j)) : 0.0f;
      allowed(i, j) = keys.lo <= j && j < keys.hi && a > neg_inf;
      const float x = (*logits)(i, j);
      t.masked(i, j) = !allowed(i, j) ? masked_cell : additive ? round_to(f, x + a) : x;
    }
    sink_weights(i) = softmax_row(f, mode.subtract_max, t.masked.row(i).data(), t.weights.row(i).data(), lk, sink);
  }
  t.output.resize(lq, p.dv());
  t.output.noalias() = t.weights * v;
  round_in_place(f, t.output);
  for (Index i = 0; i < lq; ++i) {
    t.stats[i] = row_stats(t.scaled.row(i).data(), t.weights.row(i).data(), allowed.row(i).data(), lk,
                           t.output.row(i).allFinite());
    t.stats[i].sink_weight = sink_weights(i);
  }
}

}  // namespace attnlab
