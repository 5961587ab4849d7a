#include "core/sweep/sweep.hpp"

#include <cmath>
#include <string>

#include "core/attention/online_softmax.hpp"
#include "core/attention/row_pass.hpp"
#include "core/base/count.hpp"
#include "core/inputs/random.hpp"

namespace attnlab {
namespace {

// The per-row statistics of one problem, summed over rows: [std, max weight, entropy, Jacobian].
void add_row_stats(const Matrix& scores, float scale, double into[4]) {
  const Index l = scores.cols();
  Eigen::ArrayXf scaled(l), weights(l);
  for (Index i = 0; i < scores.rows(); ++i) {
    scale_row(scores.row(i).data(), scaled.data(), l, scale);
    const RowStats s = softmax_row(scaled.data(), scaled.data(), weights.data(), l, {0, l}, false);
    into[0] += s.std, into[1] += s.max_weight, into[2] += s.entropy, into[3] += s.jacobian_norm;
  }
}

}  // namespace

std::vector<Index> parse_dk_list(std::string_view list) {
  const std::string where = "--dk '" + std::string(list) + "'";
  std::vector<Index> dks;
  if (const auto colon = list.find(':'); colon != std::string_view::npos) {
    const Index from = parse_count(where, list.substr(0, colon)), to = parse_count(where, list.substr(colon + 1));
    if (from > to) throw InputError(where + ": " + std::to_string(from) + " is above " + std::to_string(to));
    for (Index dk = 1; dk <= to; dk *= 2)
      if (dk >= from) dks.push_back(dk);
    if (dks.empty()) throw InputError("--dk '" + std::string(list) + "' holds no power of two");
    return dks;
  }
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    dks.push_back(parse_count(where, list.substr(at, comma - at)));
    at = comma + 1;
  }
  return dks;
}

void check_sweep(const SweepOptions& o) {
  if (o.dks.empty()) throw InputError("--dk gives no dk to sweep");
  for (Index dk : o.dks)
    if (dk < 1 || dk > 65536) throw InputError("--dk " + std::to_string(dk) + " is outside 1 to 65536");
  if (o.length < 1 || o.length > 4096) throw InputError("--len " + std::to_string(o.length) + " is outside 1 to 4096");
  if (o.trials < 1 || o.trials > 100000)
    throw InputError("--trials " + std::to_string(o.trials) + " is outside 1 to 100000");
  if (!(o.sigma > 0) || !std::isfinite(o.sigma))
    throw InputError("--sigma " + std::to_string(o.sigma) + " must be a finite number > 0");
}

std::vector<SweepPoint> sweep(const SweepOptions& o, std::atomic<int>* done, const std::atomic<bool>* cancel) {
  check_sweep(o);
  const int n = static_cast<int>(o.dks.size());
  // sums[d][0 or 1][statistic]: scaled, unscaled.
  std::vector<std::array<std::array<double, 4>, 2>> sums(static_cast<std::size_t>(n));
  const auto sigma = static_cast<float>(o.sigma);
#pragma omp parallel
  {
    std::vector<std::array<std::array<double, 4>, 2>> mine(static_cast<std::size_t>(n));
    Matrix scores;
#pragma omp for schedule(dynamic, 1) collapse(2)
    for (int d = 0; d < n; ++d)
      for (int trial = 0; trial < o.trials; ++trial) {
        if (cancel && cancel->load()) continue;
        const Index dk = o.dks[static_cast<std::size_t>(d)];
        // Each trial its own seed: the same sweep gives the same numbers on every machine.
        const std::uint64_t seed = o.seed * 1000003u + static_cast<std::uint64_t>(trial);
        const Matrix q = random_matrix(seed, RandomStream::q, o.length, dk, sigma);
        const Matrix k = random_matrix(seed, RandomStream::k, o.length, dk, sigma);
        scores.noalias() = q * k.transpose();
        add_row_stats(scores, static_cast<float>(1.0 / std::sqrt(double(dk))),
                      mine[static_cast<std::size_t>(d)][0].data());
        add_row_stats(scores, 1.0f, mine[static_cast<std::size_t>(d)][1].data());
        if (done) ++*done;
      }
#pragma omp critical
    for (int d = 0; d < n; ++d)
      for (int s = 0; s < 2; ++s)
        for (int k = 0; k < 4; ++k) sums[static_cast<std::size_t>(d)][s][k] += mine[static_cast<std::size_t>(d)][s][k];
  }
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
