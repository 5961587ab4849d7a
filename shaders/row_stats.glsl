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
  float sink_weight;     // with a sink: its share of the softmax, 1 − Σ weights
  uint masked_keys;
  uint fully_masked;     // 1 when the query may attend nothing
};

// log(1 + x) that keeps a tiny x: the rounding of 1 + x cancels out of log(u)·x / (u − 1).
float log_one_plus(float x) {
  precise float u = 1.0 + x;
  precise float d = u - 1.0;
  return u == 1.0 ? x : log(u) * x / d;
}

// The softmax's denominator split up, as core/online_softmax.cpp does: with the row maximum m and the
// sink logit s, M = max(m, s); a = exp(m − M) scales every key's e = exp(x − m), b = exp(s − M) is the
// sink's term and d = ℓ·a + b; log_d_over_a = log(d / a), formed without a (which may underflow).
// Without a sink: a = 1, b = 0, d = ℓ = 1 + rest.
struct Denominator {
  float a, b, d, log_d_over_a;
};

Denominator denominator(float rest, float m) {
  if (has_sink == 0u || sink <= m) {
    const float b = has_sink == 0u ? 0.0 : exp(sink - m);
    return Denominator(1.0, b, 1.0 + rest + b, log_one_plus(rest + b));
  }
  const float a = exp(m - sink);
  return Denominator(a, 1.0, (1.0 + rest) * a + 1.0, log_one_plus((1.0 + rest) * a) + (sink - m));
}

// What turns each e = exp(x − m) into its weight: a / d (1 / ℓ without a sink); 0 when nothing is attended.
float weight_factor(float rest, float m, uint attended) {
  if (attended == 0u) return 0.0;
  const Denominator den = denominator(rest, m);
  return den.a / den.d;
}

// The sums leave out the key holding the maximum, whose term exp(0) = 1 is exact, so that a nearly
// one-hot row loses nothing to cancellation (1 − p_max): rest = Σ e, rest2 = Σ e², rest3 = Σ e³,
// spread = Σ e·(x − m) with e = exp(x − m) over the other attended keys; mean and m2 = Σ (t − mean)²
// of the scaled scores t. The statistics are over the keys: the sink is none of them.
RowStats row_stats(float rest, float rest2, float rest3, float spread, float mean, float m2, uint attended, float m) {
  RowStats s = RowStats(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, has_sink != 0u && attended == 0u ? 1.0 : 0.0,
                        lk - attended, attended == 0u ? 1u : 0u);
  if (attended == 0u) return s;
  const Denominator den = denominator(rest, m);
  const float r = den.a / den.d;
  const float p_max = r;
  const float q = rest2 * r * r, c3 = rest3 * r * r * r;
  const float one_minus_p_max = (rest * den.a + den.b) / den.d;
  // ‖diag(p) − ppᵀ‖²_F split into the maximum's terms and the others': no difference of numbers near 1.
  const float jacobian2 = p_max * p_max * (one_minus_p_max * one_minus_p_max + q) + q - 2.0 * c3 + q * q +
                          p_max * p_max * q;
  // H = −Σ p log p with log p_j = (x_j − m) − log(d / a)
  s.entropy = r > 0.0 ? max(0.0, (1.0 + rest) * r * den.log_d_over_a - spread * r) : 0.0;
  s.mean = mean;
  s.std = sqrt(m2 / float(attended));
  s.max_weight = p_max;
  s.effective_keys = exp(s.entropy);
  s.jacobian_norm = sqrt(max(0.0, jacobian2));
  s.sink_weight = den.b / den.d;
  return s;
}
