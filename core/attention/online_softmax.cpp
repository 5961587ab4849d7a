#include "core/attention/online_softmax.hpp"

#include <algorithm>
#include <cmath>

// GCC 12 flags the undefined-vector idiom of its own AVX-512 headers once Eigen's packet functions
// are inlined here (the false positive the top-level CMakeLists.txt also silences), and says it
// drops the vector attributes of a packet type used as a template argument: harmless, the type is
// only looked up.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace attnlab {
namespace {
// Eigen's packet math: one loop for whichever of AVX-512, AVX or SSE the build targets.
namespace pk = Eigen::internal;
using Packet = pk::packet_traits<float>::type;
using PacketI = pk::unpacket_traits<Packet>::integer_packet;  // the same lanes, as integers
constexpr Index lanes = pk::packet_traits<float>::size;
constexpr float neg_inf = -std::numeric_limits<float>::infinity();

// exp(d) for −87 ≤ d ≤ 0, in 12 vector operations where Eigen's general exp takes 18: this exp is most
// of the softmax's arithmetic. d = n·ln 2 + r with n = round(d / ln 2), |r| ≤ ln2 / 2, and ln 2 in
// two parts (Cody and Waite) so that r is exact; exp(r) is a degree-6 polynomial fitted for relative
// error; 2ⁿ is put together from the bits of n. Within 1.3 ulp of exp, and exp(0) is exactly 1.
// The caller clamps d at −87 so that the result stays a normal float (see Sums).
Packet exp_nonpositive(Packet d) {
  // Adding 1.5·2²³ rounds to an integer; + 127 leaves n's biased exponent in the low bits.
  const Packet shifter = pk::pset1<Packet>(12582912.0f + 127.0f);
  const Packet k = pk::pmadd(d, pk::pset1<Packet>(1.44269504f), shifter);
  const Packet n = pk::psub(k, shifter);
  Packet r = pk::pmadd(n, pk::pset1<Packet>(-0.693359375f), d);
  r = pk::pmadd(n, pk::pset1<Packet>(2.12194440e-4f), r);
  Packet y = pk::pset1<Packet>(1.38436537e-3f);
  y = pk::pmadd(y, r, pk::pset1<Packet>(8.3741555e-3f));
  y = pk::pmadd(y, r, pk::pset1<Packet>(4.16680016e-2f));
  y = pk::pmadd(y, r, pk::pset1<Packet>(1.66664317e-1f));
  y = pk::pmadd(y, r, pk::pset1<Packet>(4.9999994e-1f));
  y = pk::pmadd(y, r, pk::pset1<Packet>(1.0f));
  y = pk::pmadd(y, r, pk::pset1<Packet>(1.0f));
  const Packet two_n = pk::preinterpret<Packet>(pk::plogical_shift_left<23>(pk::preinterpret<PacketI>(k)));
  return pk::pmul(y, two_n);
}

// Pass 1 over a chunk: its maximum, and Σ t and the count over the keys it may attend.
struct Scan {
  Packet max = pk::pset1<Packet>(neg_inf), sum = pk::pset1<Packet>(0.0f), count = pk::pset1<Packet>(0.0f);

  template <bool maybe_masked>
  void add(Packet x, Packet t) {
    max = pk::pmax(max, x);
    if constexpr (maybe_masked) {
      const Packet open = pk::pcmp_lt(pk::pset1<Packet>(neg_inf), x);
      sum = pk::padd(sum, pk::pand(open, t));
      count = pk::padd(count, pk::pand(open, pk::pset1<Packet>(1.0f)));
    } else {
      sum = pk::padd(sum, t);
    }
  }
  void merge(const Scan& o) {
    max = pk::pmax(max, o.max), sum = pk::padd(sum, o.sum), count = pk::padd(count, o.count);
  }
};

// Pass 2: e = exp(x − m), stored, and every sum the statistics need while e is in registers.
// Keys at the maximum (e exactly 1) are only counted, their terms kept out.
struct Sums {
  Packet e = pk::pset1<Packet>(0.0f), e2 = e, e3 = e, spread = e, m2 = e, top = e;

  template <bool maybe_masked>
  void add(Packet x, Packet t, float* e_out, Packet m, Packet mean) {
    // Keys more than 87 below the maximum get e = exp(−87) ≈ 1.6e−38 rather than less, and add
    // e·(−87) to the spread rather than e·d: both 0 to float precision, and finite even where x − m
    // overflows to -inf (a float mask's −3.4e38 under a large maximum). Masked keys get exactly 0.
    Packet d = pk::pmax(pk::psub(x, m), pk::pset1<Packet>(-87.0f)), dev = pk::psub(t, mean), ex = exp_nonpositive(d);
    if constexpr (maybe_masked) {  // masked keys: e = 0, and no -inf into the products below
      const Packet open = pk::pcmp_lt(pk::pset1<Packet>(neg_inf), x);
      ex = pk::pand(open, ex), d = pk::pand(open, d), dev = pk::pand(open, dev);
    }
    pk::pstoreu(e_out, ex);
    const Packet at_max = pk::pcmp_eq(x, m);
    top = pk::padd(top, pk::pand(at_max, pk::pset1<Packet>(1.0f)));
    ex = pk::pandnot(ex, at_max);
    const Packet sq = pk::pmul(ex, ex);
    e = pk::padd(e, ex), e2 = pk::padd(e2, sq), e3 = pk::pmadd(sq, ex, e3);
    spread = pk::pmadd(ex, d, spread), m2 = pk::pmadd(dev, dev, m2);
  }
};

// The last n < lanes keys of a chunk, padded with masked keys so that the packet bodies take them.
struct Tail {
  alignas(64) float x[lanes], t[lanes], e[lanes];
  Tail(const float* x_in, const float* t_in, Index n) {
    std::fill(std::copy_n(x_in, n, x), x + lanes, neg_inf);
    std::fill(std::copy_n(t_in, n, t), t + lanes, 0.0f);
  }
};
}  // namespace

float OnlineSoftmax::add(const float* x, const float* t, float* e, Index n, bool maybe_masked,
                         std::span<RowStream> alongside) {
  return maybe_masked ? add_chunk<true>(x, t, e, n, alongside) : add_chunk<false>(x, t, e, n, alongside);
}

template <bool maybe_masked>
float OnlineSoftmax::add_chunk(const float* x, const float* t, float* e, Index n, std::span<RowStream> alongside) {
  const Index whole = n - n % lanes;  // keys in whole packets
  Tail tail(x + whole, t + whole, n - whole);
  // Two sets of accumulators: max and add wait on their previous result, so one set would run
  // at the latency of an addition per packet.
  Scan scan[2];
  Index j = 0;
  for (; j + 2 * lanes <= whole; j += 2 * lanes) {
    scan[0].add<maybe_masked>(pk::ploadu<Packet>(x + j), pk::ploadu<Packet>(t + j));
    scan[1].add<maybe_masked>(pk::ploadu<Packet>(x + j + lanes), pk::ploadu<Packet>(t + j + lanes));
  }
  if (j < whole) scan[0].add<maybe_masked>(pk::ploadu<Packet>(x + j), pk::ploadu<Packet>(t + j));
  if (whole < n) scan[1].add<true>(pk::pload<Packet>(tail.x), pk::pload<Packet>(tail.t));
  scan[0].merge(scan[1]);
  const float chunk_max = pk::predux_max(scan[0].max);
  if (!(chunk_max > neg_inf)) {  // nothing attendable in this chunk
    std::fill_n(e, n, 0.0f);
    return 1.0f;
  }
  const Index count = maybe_masked ? static_cast<Index>(pk::predux(scan[0].count)) : n;

  float rescale = 1.0f;
  // The first keys always set the maximum, even when it is the lowest float (a row under a mask of −3.4e38).
  const bool moved = attended_ == 0 || chunk_max > m_;
  if (moved) {
    rescale = std::exp(m_ - chunk_max);
    if (attended_ > 0) {
      // The old maximum's term (exactly 1) joins the rest, and everything shrinks by `rescale`.
      const double c = rescale, gap = static_cast<double>(m_) - chunk_max;
      spread_ = c * (spread_ + (1.0 + rest_) * gap);
      rest_ = c * (rest_ + 1.0);
      rest2_ = c * c * (rest2_ + 1.0);
      rest3_ = c * c * c * (rest3_ + 1.0);
    }
    m_ = chunk_max;
  }

  const double chunk_sum = pk::predux(scan[0].sum), chunk_mean = chunk_sum / count;
  const Packet m = pk::pset1<Packet>(m_), mean = pk::pset1<Packet>(static_cast<float>(chunk_mean));
  Sums sums;
  for (j = 0; j < whole; j += lanes) {
    sums.add<maybe_masked>(pk::ploadu<Packet>(x + j), pk::ploadu<Packet>(t + j), e + j, m, mean);
    for (RowStream& row : alongside) row.step();
  }
  if (whole < n) {
    sums.add<true>(pk::pload<Packet>(tail.x), pk::pload<Packet>(tail.t), tail.e, m, mean);
    std::copy_n(tail.e, n - whole, e + whole);
  }
  // Every key at the maximum adds exactly 1 to each sum, but the one that set the maximum here,
  // whose term is the 1 in ℓ = 1 + rest_.
  const double ones = pk::predux(sums.top) - (moved ? 1.0 : 0.0);
  rest_ += pk::predux(sums.e) + ones;
  rest2_ += pk::predux(sums.e2) + ones;
  rest3_ += pk::predux(sums.e3) + ones;
  spread_ += pk::predux(sums.spread);
  const double chunk_m2 = pk::predux(sums.m2);

  // Chan et al.'s merge of two (count, mean, M2) summaries.
  const double total = static_cast<double>(attended_ + count);
  const double delta = chunk_mean - mean_;
  m2_ += chunk_m2 + delta * delta * static_cast<double>(attended_) * count / total;
  mean_ += delta * count / total;
  attended_ += count;
  return rescale;
}

namespace {
// The softmax's denominator split up: with the row maximum m and the sink logit s, M = max(m, s);
// a = exp(m − M) scales every key's e = exp(x − m), b = exp(s − M) is the sink's term, and
// D = ℓ·a + b. Without a sink: a = 1, b = 0, D = ℓ. log_d_over_a = log(D / a), without forming a,
// which may underflow to 0 under a much larger sink.
struct Denominator {
  double a = 1, b = 0, d = 1, log_d_over_a = 0;
  Denominator(double rest, double m, std::optional<float> sink) {
    if (!sink || *sink <= m) {  // M = m: a = 1
      b = sink ? std::exp(*sink - m) : 0.0;
      d = 1.0 + rest + b;
      log_d_over_a = std::log1p(rest + b);
      return;
    }
    a = std::exp(m - *sink);  // M = s: b = 1
    b = 1;
    d = (1.0 + rest) * a + 1.0;
    log_d_over_a = std::log1p((1.0 + rest) * a) + (*sink - m);
  }
};
}  // namespace

double OnlineSoftmax::normaliser(std::optional<float> sink) const {
  if (attended_ == 0) return 0;
  const Denominator den(rest_, m_, sink);
  return den.a / den.d;
}

RowStats OnlineSoftmax::stats(Index lk, std::optional<float> sink) const {
  RowStats s;
  s.masked_keys = lk - attended_;
  if (attended_ == 0) {
    s.fully_masked = true;
    s.sink_weight = sink ? 1.0f : 0.0f;
    return s;
  }
  const Denominator den(rest_, m_, sink);
  // p_j = r·e_j with r = a / D, the maximum's own p_max = r; q = Σ p², c3 = Σ p³ over the others.
  const double r = den.a / den.d, p_max = r;
  const double q = rest2_ * r * r, c3 = rest3_ * r * r * r;
  const double one_minus_p_max = (rest_ * den.a + den.b) / den.d;
  // ‖diag(p) − ppᵀ‖²_F = Σ_j p_j²(1 − p_j)² + Σ_j p_j²(Σ_k p_k² − p_j²), split into the maximum's
  // terms and the others' so that no term is a difference of two numbers near 1.
  const double jacobian2 =
      p_max * p_max * (one_minus_p_max * one_minus_p_max + q) + q - 2 * c3 + q * q + p_max * p_max * q;
  // H = −Σ p log p with log p_j = (x_j − m) − log(D / a): −(a/D)·Σ e (x − m) + Σ p · log(D / a).
  const double key_share = (1.0 + rest_) * r;
  const double entropy = r > 0 ? key_share * den.log_d_over_a - spread_ * r : 0.0;
  s.mean = static_cast<float>(mean_);
  s.std = static_cast<float>(std::sqrt(m2_ / static_cast<double>(attended_)));
  s.max_weight = static_cast<float>(p_max);
  s.entropy = static_cast<float>(std::max(0.0, entropy));
  s.effective_keys = static_cast<float>(std::exp(s.entropy));
  s.jacobian_norm = static_cast<float>(std::sqrt(std::max(0.0, jacobian2)));
  s.sink_weight = static_cast<float>(den.b / den.d);
  return s;
}

}  // namespace attnlab
