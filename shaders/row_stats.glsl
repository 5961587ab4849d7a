// One query row's statistics (semantics.md, Statistics) from what its softmax accumulated, with the
// definitions and the formulation of core/online_softmax.cpp. The C++ mirror of RowStats is
// GpuRowStats in core/gl/gl_backend.cpp.

struct RowStats {
  float mean;            // of the scaled scores over the attended keys
  float std;             // their population standard deviation
  float max_weight;
  float entropy;         // −Σ p log p, nats
  float effective_keys;  // exp(entropy)
  float jacobian_norm;   // ‖diag(p) − p pᵀ‖_F
  uint masked_keys;
  uint fully_masked;     // 1 when the query may attend nothing
};

// log(1 + x) that keeps a tiny x: the rounding of 1 + x cancels out of log(u)·x / (u − 1).
float log_one_plus(float x) {
  precise float u = 1.0 + x;
  precise float d = u - 1.0;
  return u == 1.0 ? x : log(u) * x / d;
}

// The sums leave out the key holding the maximum, whose term exp(0) = 1 is exact, so that a nearly
// one-hot row loses nothing to cancellation (1 − p_max): rest = Σ e, rest2 = Σ e², rest3 = Σ e³,
// spread = Σ e·(x − m) with e = exp(x − m) over the other attended keys; mean and m2 = Σ (t − mean)²
// of the scaled scores t.
RowStats row_stats(float rest, float rest2, float rest3, float spread, float mean, float m2, uint attended) {
  RowStats s = RowStats(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, lk - attended, attended == 0u ? 1u : 0u);
  if (attended == 0u) return s;
  const float total = 1.0 + rest;
  const float p_max = 1.0 / total;
  const float q = rest2 / (total * total), c3 = rest3 / (total * total * total);
  const float one_minus_p_max = rest / total;
  // ‖diag(p) − ppᵀ‖²_F split into the maximum's terms and the others': no difference of numbers near 1.
  const float jacobian2 = p_max * p_max * (one_minus_p_max * one_minus_p_max + q) + q - 2.0 * c3 + q * q +
                          p_max * p_max * q;
  // H = log ℓ − Σ p (x − m)
  s.entropy = max(0.0, log_one_plus(rest) - spread / total);
  s.mean = mean;
  s.std = sqrt(m2 / float(attended));
  s.max_weight = p_max;
  s.effective_keys = exp(s.entropy);
  s.jacobian_norm = sqrt(max(0.0, jacobian2));
  return s;
}
