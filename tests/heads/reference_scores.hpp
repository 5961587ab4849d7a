#pragma once
// heads.md's six scores in float64, written from the table's definitions with plain loops over the
// sets as the spec states them (S_i built explicitly), sharing nothing with core/heads.
#include <cmath>
#include <optional>
#include <set>
#include <vector>

namespace heads_test {

using Weights = std::vector<std::vector<double>>;  // [query][key]

struct RefScores {
  std::optional<double> previous_token, first_token, duplicate_token, induction, entropy, distance;
};

inline std::optional<double> mean_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

inline RefScores reference_scores(const Weights& a, const std::vector<long>& t) {
  const std::size_t L = a.size();
  std::vector<double> previous, first, duplicate, induction, entropy, distance;
  for (std::size_t i = 0; i < L; ++i) {
    if (i >= 1) previous.push_back(a[i][i - 1]), first.push_back(a[i][0]);
    std::set<std::size_t> copies, followers;
    for (std::size_t j = 0; j < i; ++j)
      if (t[j] == t[i]) copies.insert(j);
    for (std::size_t j = 0; j + 1 < i; ++j)
      if (t[j] == t[i]) followers.insert(j + 1);
    if (!copies.empty()) {
      double s = 0;
      for (std::size_t j : copies) s += a[i][j];
      duplicate.push_back(s);
    }
    if (!followers.empty()) {
      double s = 0;
      for (std::size_t j : followers) s += a[i][j];
      induction.push_back(s);
    }
    double h = 0, d = 0;
    for (std::size_t j = 0; j < L; ++j) {
      if (a[i][j] > 0) h += -a[i][j] * std::log(a[i][j]);
      d += a[i][j] * (static_cast<double>(i) - static_cast<double>(j));
    }
    entropy.push_back(h), distance.push_back(d);
  }
  return {mean_of(previous),  mean_of(first),   mean_of(duplicate),
          mean_of(induction), mean_of(entropy), mean_of(distance)};
}

inline std::optional<double> pick(const RefScores& s, int score) {
  const std::optional<double> all[] = {s.previous_token, s.first_token, s.duplicate_token,
                                       s.induction,      s.entropy,     s.distance};
  return all[score];
}

}  // namespace heads_test

namespace heads_test {

// Abnar & Zuidema's rollout as heads.md states it, in float64: Ã_ℓ = ½(Ā_ℓ + I), Ā_ℓ the mean over
// the heads, rows renormalised to 1, R = Ã_{NL−1} ⋯ Ã_0.
inline Weights reference_rollout(const std::vector<std::vector<Weights>>& layers) {
  const std::size_t L = layers.front().front().size();
  Weights r(L, std::vector<double>(L, 0.0));
  for (std::size_t i = 0; i < L; ++i) r[i][i] = 1;
  for (const auto& heads : layers) {
    Weights a(L, std::vector<double>(L, 0.0));
    for (std::size_t i = 0; i < L; ++i) {
      double total = 0;
      for (std::size_t j = 0; j < L; ++j) {
        double mean = 0;
        for (const Weights& w : heads) mean += w[i][j] / static_cast<double>(heads.size());
        a[i][j] = 0.5 * (mean + (i == j ? 1.0 : 0.0));
        total += a[i][j];
      }
      for (double& x : a[i]) x /= total;
    }
    Weights next(L, std::vector<double>(L, 0.0));
    for (std::size_t i = 0; i < L; ++i)
      for (std::size_t j = 0; j < L; ++j)
        for (std::size_t k = 0; k < L; ++k) next[i][j] += a[i][k] * r[k][j];
    r = next;
  }
  return r;
}

}  // namespace heads_test
