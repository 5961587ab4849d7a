#include "core/sweep/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/attention/first_error.hpp"
#include "core/attention/online_softmax.hpp"
#include "core/attention/problem.hpp"
#include "core/attention/row_pass.hpp"
#include "core/base/count.hpp"
#include "core/base/limits.hpp"
#include "core/base/memory.hpp"
#include "core/base/threads.hpp"
#include "core/inputs/random.hpp"

namespace attnlab {
namespace {

using Sums = std::vector<std::array<std::array<double, 4>, 2>>;  // [dk][scaled, unscaled][statistic]

// One thread's matrices, at the widest dk, and its sums: allocated before the parallel region,
// inside which nothing may throw.
struct Scratch {
  Matrix q, k, scores;
  Eigen::ArrayXf scaled, weights;
  Sums sums;
};

// A trial's Q or K: what random_matrix gives, drawn into the first dk columns of `m`.
auto draw(Matrix& m, std::uint64_t seed, RandomStream stream, Index dk, float sigma) {
  for (Index i = 0; i < m.rows(); ++i)
    fill_normals(m.row(i).data(), seed, stream, static_cast<std::uint64_t>(i), 0, dk, sigma);
  return m.leftCols(dk);
}

// The per-row statistics of one problem, summed over rows: [std, max weight, entropy, Jacobian].
void add_row_stats(Scratch& s, float scale, double into[4]) {
  const Index l = s.scores.cols();
  for (Index i = 0; i < s.scores.rows(); ++i) {
    scale_row(s.scores.row(i).data(), s.scaled.data(), l, scale);
    const RowStats r = softmax_row(s.scaled.data(), s.scaled.data(), s.weights.data(), l, {0, l}, false);
    into[0] += r.std, into[1] += r.max_weight, into[2] += r.entropy, into[3] += r.jacobian_norm;
  }
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

// The multiply-adds of Q·Kᵀ, the random draws (a logarithm, a root and a sine per pair) and the
// softmax's exponentials, scaled and unscaled, of every trial.
double sweep_flops(const SweepOptions& o) {
  const auto l = static_cast<double>(o.length);
  double per_trial = 0;
  for (const Index dk : o.dks) per_trial += 2 * l * l * double(dk) + 100 * l * double(dk) + 40 * l * l;
  return per_trial * o.trials;
}

}  // namespace

std::vector<Index> parse_dk_list(std::string_view list) {
  const std::string where = "--dk '" + excerpt(list) + "'";
  // Each dk is checked as it is read, so that neither the doubling below nor the list can run away.
  const auto dk_at = [&](std::string_view text) {
    const Index dk = parse_count(where, text);
    if (!limits::sweep_dk.contains(dk))
      throw InputError(where + ": " + limits::out_of_range("dk", excerpt(text), limits::sweep_dk));
    return dk;
  };
  std::vector<Index> dks;
  if (const auto colon = list.find(':'); colon != std::string_view::npos) {
    const Index from = dk_at(list.substr(0, colon)), to = dk_at(list.substr(colon + 1));
    if (from > to) throw InputError(where + ": " + std::to_string(from) + " is above " + std::to_string(to));
    for (Index dk = 1; dk <= to; dk *= 2)
      if (dk >= from) dks.push_back(dk);
    if (dks.empty()) throw InputError(where + " holds no power of two");
    return dks;
  }
  for (std::size_t at = 0; at <= list.size();) {
    if (dks.size() == limits::sweep_dks)
      throw InputError(where + " holds more than " + std::to_string(limits::sweep_dks) + " values");
    const std::size_t comma = std::min(list.find(',', at), list.size());
    dks.push_back(dk_at(list.substr(at, comma - at)));
    at = comma + 1;
  }
  return dks;
}

void check_sweep(const SweepOptions& o) {
  if (o.dks.empty()) throw InputError("--dk gives no dk to sweep");
  for (Index dk : o.dks) limits::check("--dk", dk, limits::sweep_dk);
  limits::check("--len", o.length, limits::sweep_length);
  limits::check("--trials", o.trials, limits::sweep_trials);
  if (o.dks.size() > limits::sweep_dks)
    throw InputError("--dk holds " + std::to_string(o.dks.size()) + " values; at most " +
                     std::to_string(limits::sweep_dks));
  if (!(o.sigma > 0) || !std::isfinite(o.sigma))
    throw InputError("--sigma " + number(o.sigma) + " must be a finite number > 0");
  const Index widest = *std::max_element(o.dks.begin(), o.dks.end());
  // Box–Muller's normals stay within ±6.67 (the uniform is at least 2⁻³²), so every score of dk
  // columns is at most 44.4·σ²·dk: the bound compute checks on its data (max_score), here before
  // any draw.
  const double largest = 44.4 * o.sigma * o.sigma * static_cast<double>(widest);
  if (!(largest <= max_score))
    throw InputError("--sigma " + number(o.sigma) + " is too large for float32: scores of dk " +
                     std::to_string(widest) + " could reach " + number(largest) + " (at most " + number(max_score) +
                     ")");
  if (const double flops = sweep_flops(o); flops > limits::sweep_flops)
    throw InputError("the sweep needs about " + number(flops) + " floating-point operations, more than the " +
                     number(limits::sweep_flops) + " a sweep may take: lower --trials, --len or the largest --dk");
  // Each thread's Q and K at the widest dk and its scores (see Scratch), and the program itself.
  const double l = static_cast<double>(o.length), per_thread = 4 * (2 * l * double(widest) + l * l + 2 * l);
  check_memory(static_cast<std::uint64_t>(max_threads() * per_thread + (32 << 20)), "the sweep",
               ": lower --len or the largest --dk");
}

std::vector<SweepPoint> sweep(const SweepOptions& o, std::atomic<int>* done, const std::atomic<bool>* cancel) {
  check_sweep(o);
  const int n = static_cast<int>(o.dks.size());
  const auto sigma = static_cast<float>(o.sigma);
  const Index l = o.length, widest = *std::max_element(o.dks.begin(), o.dks.end());
  const int team = max_threads();
  std::vector<Scratch> scratch(static_cast<std::size_t>(team));
  for (Scratch& s : scratch) {
    s.q.resize(l, widest), s.k.resize(l, widest), s.scores.resize(l, l);
    s.scaled.resize(l), s.weights.resize(l);
    s.sums.resize(static_cast<std::size_t>(n));
  }
  FirstError error;
#pragma omp parallel num_threads(team)
  {
    Scratch& mine = scratch[static_cast<std::size_t>(thread_index())];
#pragma omp for schedule(dynamic, 1) collapse(2)
    for (int d = 0; d < n; ++d)
      for (int trial = 0; trial < o.trials; ++trial) {
        if (cancel && cancel->load()) continue;
        error.run([&] {
          const Index dk = o.dks[static_cast<std::size_t>(d)];
          // Each trial its own seed: the same sweep gives the same numbers on every machine.
          const std::uint64_t seed = o.seed * 1000003u + static_cast<std::uint64_t>(trial);
          mine.scores.noalias() = draw(mine.q, seed, RandomStream::q, dk, sigma) *
                                  draw(mine.k, seed, RandomStream::k, dk, sigma).transpose();
          auto& sums = mine.sums[static_cast<std::size_t>(d)];
          add_row_stats(mine, static_cast<float>(1.0 / std::sqrt(double(dk))), sums[0].data());
          add_row_stats(mine, 1.0f, sums[1].data());
          if (done) ++*done;
        });
      }
  }
  error.rethrow();
  Sums sums(static_cast<std::size_t>(n));
  for (const Scratch& s : scratch)
    for (std::size_t d = 0; d < sums.size(); ++d)
      for (int k = 0; k < 2; ++k)
        for (int stat = 0; stat < 4; ++stat) sums[d][k][stat] += s.sums[d][k][stat];
  std::vector<SweepPoint> points;
  const double rows = static_cast<double>(o.length) * o.trials;
  for (int d = 0; d < n; ++d)
    for (int s = 0; s < 2; ++s) {
      const auto& sum = sums[static_cast<std::size_t>(d)][s];
      points.push_back(
          {o.dks[static_cast<std::size_t>(d)], s == 0, sum[0] / rows, sum[1] / rows, sum[2] / rows, sum[3] / rows});
    }
  return points;
}

}  // namespace attnlab
