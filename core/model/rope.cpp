#include "core/model/rope.hpp"

#include <cmath>
#include <numbers>

namespace attnlab {

std::vector<double> rope_inv_freq(const ModelConfig& c, Index length, bool local) {
  const Index dims = c.rotary_dims ? c.rotary_dims : c.head_dim, half = dims / 2;
  const double theta = local ? *c.rope_local_theta : c.rope_theta;
  std::vector<double> inv_freq(static_cast<std::size_t>(half));
  for (Index i = 0; i < half; ++i)
    inv_freq[i] = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(dims));
  if (local) return inv_freq;
  if (c.rope_linear_factor)
    for (double& f : inv_freq) f /= *c.rope_linear_factor;
  // LongRoPE: each frequency slowed by its own factor, the long ones past the original context.
  if (c.longrope) {
    const LongRope& r = *c.longrope;
    const bool longer = static_cast<double>(length) > r.original_max_position_embeddings;
    for (std::size_t i = 0; i < inv_freq.size(); ++i) inv_freq[i] /= (longer ? r.long_factor : r.short_factor)[i];
  }
  if (!c.rope_scaling) return inv_freq;

  // Llama 3.1's scaling: wavelengths longer than the original context / low_freq_factor are slowed
  // by `factor`, those shorter than context / high_freq_factor are kept, and the band between moves
  // smoothly from one to the other.
  const Llama3Scaling& s = *c.rope_scaling;
  const double context = s.original_max_position_embeddings;
  const double low_freq_wavelen = context / s.low_freq_factor, high_freq_wavelen = context / s.high_freq_factor;
  for (double& f : inv_freq) {
    const double wavelen = 2 * std::numbers::pi / f;
    if (wavelen > low_freq_wavelen) {
      f /= s.factor;
    } else if (wavelen >= high_freq_wavelen) {
      const double smooth = (context / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      f = (1 - smooth) * f / s.factor + smooth * f;
    }
  }
  return inv_freq;
}

RopeTables rope_tables(const ModelConfig& c, Index length, bool local, Index first) {
  const std::vector<double> inv_freq = rope_inv_freq(c, length, local);
  const double factor = c.longrope && !local ? c.longrope->attention_factor : 1.0;
  const auto half = static_cast<Index>(inv_freq.size());
  RopeTables t{Matrix(length - first, half), Matrix(length - first, half)};
  for (Index p = first; p < length; ++p)
    for (Index i = 0; i < half; ++i) {
      const double angle = static_cast<double>(p) * inv_freq[static_cast<std::size_t>(i)];
      t.cos(p - first, i) = static_cast<float>(std::cos(angle) * factor);
      t.sin(p - first, i) = static_cast<float>(std::sin(angle) * factor);
    }
  return t;
}

void apply_rope(Matrix& x, Index heads, Index head_dim, const RopeTables& t) {
  const Index half = t.cos.cols();
#pragma omp parallel for schedule(static)
  for (Index p = 0; p < x.rows(); ++p)
    for (Index h = 0; h < heads; ++h) {
      float* head = x.row(p).data() + h * head_dim;
      for (Index i = 0; i < half; ++i) {
        const float x1 = head[i], x2 = head[i + half], c = t.cos(p, i), s = t.sin(p, i);
        head[i] = x1 * c - x2 * s;
        head[i + half] = x2 * c + x1 * s;
      }
    }
}

}  // namespace attnlab
