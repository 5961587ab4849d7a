#pragma once
// Multi-head attention: H query heads over G key/value heads, G dividing H (G = H: multi-head,
// 1 < G < H: grouped-query, G = 1: multi-query). Each head is an ordinary single-head Problem.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/attention/backend.hpp"
#include "core/attention/problem.hpp"

namespace attnlab {

struct HeadsProblem {
  std::vector<Matrix> q;     // H heads, each Lq × dk
  std::vector<Matrix> k, v;  // G heads, each Lk × dk and Lk × dv
  MaskSpec mask;             // Lq × Lk, shared by every head
  ScaleSpec scale;
  double temperature = 1.0;
  std::optional<double> softcap;  // shared by every head (Problem::softcap)
  std::vector<double> sinks;      // none; one for every head; or one per query head (Problem::sink)
  PrecisionMode precision;
  std::vector<std::string> query_tokens, key_tokens;

  Index heads() const { return static_cast<Index>(q.size()); }
  Index kv_heads() const { return static_cast<Index>(k.size()); }
};

// The seed of head h's random inputs: far apart, so heads differ, and head 0 is the single-head seed.
inline std::uint64_t head_seed(std::uint64_t seed, Index h) {
  return seed + static_cast<std::uint64_t>(h) * 1000003u;
}

// The KV head that query head h reads: ⌊h·G/H⌋, PyTorch's enable_gqa (K/V heads repeat-interleaved).
Index kv_head(Index h, Index heads, Index kv_heads);

// One head as a single-head problem, sharing the mask, scale, temperature, soft-cap, precision and
// tokens, with its own sink.
Problem head_problem(const HeadsProblem& problem, Index h);

// Throws InputError: no heads, K and V head counts apart, G not dividing H, heads of unequal shape,
// sinks neither one nor one per head, or any head that validate() refuses.
void validate_heads(const HeadsProblem& problem);

// A one-head problem from a single-head one.
HeadsProblem single_head(Problem problem);

// Validates, then runs the backend once per head: one full trace per query head.
std::vector<Trace> compute_heads(Backend& backend, const HeadsProblem& problem);

// The heads' outputs side by side: Lq × H·dv, head h in columns [h·dv, (h+1)·dv).
Matrix concat_outputs(const std::vector<Trace>& traces);

// A model-width matrix (L × H·d) as H heads of L × d: head h is columns [h·d, (h+1)·d).
std::vector<Matrix> split_heads(const Matrix& x, Index heads);

}  // namespace attnlab
