#include "core/model/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "core/base/error.hpp"

namespace attnlab {

namespace {

// A value as the user would write it: 0.5, -1, inf.
std::string shown(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

}  // namespace

void check_sampling(const Sampling& s) {
  if (!std::isfinite(s.temperature) || s.temperature < 0)
    throw InputError("--temperature " + shown(s.temperature) +
                     " is not a temperature: give 0 (greedy) or a finite number > 0");
  if (s.top_k < 0)
    throw InputError("--top-k " + std::to_string(s.top_k) + " is not a number of candidates: give 1 or more (0: off)");
  if (!(s.top_p > 0 && s.top_p <= 1))
    throw InputError("--top-p " + shown(s.top_p) + " is not a probability mass: give 0 < P ≤ 1");
}

double uniform_draw(std::uint64_t seed, std::uint64_t step) {
  std::uint64_t z = seed + (step + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

namespace {

// Softmax of logits / t over `order` (positions into the logits), float64, the largest subtracted.
std::vector<double> softmax(const Eigen::VectorXf& logits, const std::vector<Index>& order, double t) {
  std::vector<double> p(order.size());
  if (order.empty()) return p;
  double top = -INFINITY;
  for (const Index i : order) top = std::max(top, logits[i] / t);
  for (std::size_t r = 0; r < order.size(); ++r) p[r] = std::exp(logits[order[r]] / t - top);
  const double sum = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= sum;
  return p;
}

}  // namespace

TokenDraw draw_token(const Eigen::VectorXf& logits, const Sampling& s, std::uint64_t step, Index shown) {
  const Index vocab = logits.size();
  // Step 2's order; it is greedy's too (its first is the largest logit, the lower id on a tie).
  std::vector<Index> order(static_cast<std::size_t>(vocab));
  std::iota(order.begin(), order.end(), Index{0});
  const auto before = [&](Index a, Index b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  const bool greedy = s.temperature == 0;
  // Only the first `needed` must be in order: greedy needs one, a top-k K (top-p then works within
  // them), top-p alone all of them.
  Index needed = greedy ? 1 : s.top_k > 0 ? std::min(s.top_k, vocab) : vocab;
  needed = std::min(vocab, std::max(needed, shown));
  std::partial_sort(order.begin(), order.begin() + needed, order.end(), before);

  TokenDraw draw;
  const Index keep_k = greedy ? 1 : s.top_k > 0 ? std::min(s.top_k, vocab) : vocab;
  const std::vector<Index> top(order.begin(), order.begin() + keep_k);
  std::vector<double> q = greedy ? std::vector<double>{1.0} : softmax(logits, top, s.temperature);
  // Top-p: a candidate stays while the mass before it is below P.
  std::size_t staying = q.size();
  if (!greedy && s.top_p < 1) {
    double mass = 0;
    for (staying = 0; staying < q.size() && mass < s.top_p; ++staying) mass += q[staying];
  }
  q.resize(staying);
  const double total = std::accumulate(q.begin(), q.end(), 0.0);
  for (double& x : q) x /= total;

  draw.id = order.front();
  if (!greedy) {
    draw.u = uniform_draw(s.seed, step);
    double running = 0;
    draw.id = order[staying - 1];
    for (std::size_t r = 0; r < staying; ++r)
      if ((running += q[r]) > draw.u) {
        draw.id = order[r];
        break;
      }
  }
  if (shown > 0) {
    const std::vector<Index> described(order.begin(), order.begin() + std::min(shown, vocab));
    const std::vector<double> at_one = softmax(logits, order, 1.0);
    const std::vector<double> tempered = greedy ? at_one : softmax(logits, order, s.temperature);
    for (std::size_t r = 0; r < described.size(); ++r)
      draw.candidates.push_back({static_cast<std::int64_t>(described[r]), logits[described[r]], at_one[r],
                                 tempered[r], r < q.size() ? q[r] : 0.0});
  }
  return draw;
}

}  // namespace attnlab
