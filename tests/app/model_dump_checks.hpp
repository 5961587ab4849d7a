#pragma once
// What a compute --model --dump wrote, against the float64 reference: stacks of heads (q.npy, k.npy,
// v.npy, weights.npy) within a tolerance, and next.csv's ten most probable tokens.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "core/io/npy.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_forward.hpp"

namespace model_test {

using cli_test::read_all;
namespace fs = std::filesystem;

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') lines.push_back(line), line.clear();
    else line += c;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// One head of a model-width reference matrix: columns [h·hd, (h+1)·hd).
inline Rows head_of(const Rows& x, long h, long hd) {
  Rows out;
  for (const auto& row : x) out.emplace_back(row.begin() + h * hd, row.begin() + (h + 1) * hd);
  return out;
}

// A dumped stack (count × L × d) against reference heads, within atol + rtol·|x|.
inline void check_stack(const fs::path& file, const std::vector<Rows>& want, double tol) {
  CAPTURE(file);
  const attnlab::Array a = attnlab::parse_npy(read_all(file), file.string());
  REQUIRE(a.shape.size() == 3);
  REQUIRE(a.shape[0] == static_cast<long>(want.size()));
  REQUIRE(a.shape[1] == static_cast<long>(want[0].size()));
  REQUIRE(a.shape[2] == static_cast<long>(want[0][0].size()));
  double worst = 0;
  std::size_t at = 0;
  for (const Rows& head : want)
    for (const auto& row : head)
      for (double w : row) {
        const double got = a.data[at++];
        worst = std::isinf(w) ? (got == w ? worst : INFINITY)
                              : std::max(worst, std::abs(got - w) / (tol + tol * std::abs(w)));
      }
  CHECK_MESSAGE(worst <= 1.0, file.filename().string() << ": " << worst << "× the tolerance");
}

// scale·q·kᵀ of reference heads, soft-capped C·tanh(s/C) when there is a cap: every cell, before the mask.
inline Rows ref_capped(const Rows& q, const Rows& k, double scale, std::optional<double> softcap) {
  Rows s(q.size(), std::vector<double>(k.size(), 0.0));
  for (std::size_t i = 0; i < q.size(); ++i)
    for (std::size_t j = 0; j < k.size(); ++j) {
      const double x = scale * std::inner_product(q[i].begin(), q[i].end(), k[j].begin(), 0.0);
      s[i][j] = softcap ? *softcap * std::tanh(x / *softcap) : x;
    }
  return s;
}

// softmax(scale·q·kᵀ, soft-capped if so, + mask) of reference heads, keys j allowed by `allowed(i, j)`.
template <class Allowed>
Rows ref_weights(const Rows& q, const Rows& k, double scale, Allowed allowed,
                 std::optional<double> softcap = std::nullopt) {
  const Rows capped = ref_capped(q, k, scale, softcap);
  Rows w(q.size(), std::vector<double>(k.size(), 0.0));
  for (std::size_t i = 0; i < q.size(); ++i) {
    double max = -INFINITY, total = 0;
    for (std::size_t j = 0; j < k.size(); ++j) {
      if (!allowed(i, j)) continue;
      w[i][j] = capped[i][j];
      max = std::max(max, w[i][j]);
    }
    for (std::size_t j = 0; j < k.size(); ++j) {
      w[i][j] = allowed(i, j) ? std::exp(w[i][j] - max) : 0.0;
      total += w[i][j];
    }
    for (double& x : w[i]) x /= total;
  }
  return w;
}

// next.csv: the reference's ten most probable tokens, probabilities from its logits in float64.
inline void check_next_tokens(const fs::path& file, const std::vector<double>& logits) {
  const auto next = lines_of(read_all(file));
  REQUIRE(next.size() == 11);
  CHECK(next[0] == "rank,id,text,probability");
  std::vector<double> p = logits;
  const double max = *std::max_element(p.begin(), p.end());
  double total = 0;
  for (double& x : p) total += (x = std::exp(x - max));
  std::vector<long> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](long a, long b) { return p[a] > p[b]; });
  for (int rank = 1; rank <= 10; ++rank) {
    const std::string& line = next[static_cast<std::size_t>(rank)];
    CAPTURE(line);
    const long id = std::stol(line.substr(line.find(',') + 1));
    CHECK(line.starts_with(std::to_string(rank) + "," + std::to_string(order[rank - 1]) + ","));
    CHECK(std::stod(line.substr(line.rfind(',') + 1)) == doctest::Approx(p[id] / total).epsilon(1e-4));
  }
}

}  // namespace model_test
