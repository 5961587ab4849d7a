#include "core/attention/tile_step.hpp"

#include <algorithm>

#include "core/attention/row_pass.hpp"

namespace attnlab {

bool tile_needs_masked(const Problem& p) {
  return p.softcap || p.mask.kind == MaskSpec::Kind::matrix;
}

float softmax_tile(const Problem& p, Index query, Index k0, Index kn, float* scaled, float* masked, float* e,
                   OnlineSoftmax& row) {
  const KeyRange keys = key_range(p.mask, query, p.lq(), p.lk());
  const Index lo = std::clamp(keys.lo - k0, Index{0}, kn), hi = std::clamp(keys.hi - k0, lo, kn);
  const bool additive = p.mask.kind == MaskSpec::Kind::matrix;
  float* x = scaled;
  if (p.softcap) {
    x = masked;
    cap_row(scaled + lo, x + lo, hi - lo, static_cast<float>(*p.softcap));
    if (additive)
      for (Index j = lo; j < hi; ++j) x[j] += p.mask.additive(query, k0 + j);
  } else if (additive) {
    x = masked;
    for (Index j = lo; j < hi; ++j) x[j] = scaled[j] + p.mask.additive(query, k0 + j);
  }
  std::fill(e, e + lo, 0.0f);
  std::fill(e + hi, e + kn, 0.0f);
  return row.add(x + lo, scaled + lo, e + lo, hi - lo, additive);
}

}  // namespace attnlab
