#include "core/model/model_memory.hpp"

#include <algorithm>

#include "core/base/memory.hpp"
#include "core/base/threads.hpp"

namespace attnlab {
namespace {

// Sizes multiply in double: their products may pass 2⁶⁴.
double d(std::uint64_t n) {
  return static_cast<double>(n);
}

constexpr double mib = 1 << 20;
// The program with its libraries and OpenMP's threads, and what Eigen's products block into on each
// thread (as core/attention/memory.cpp counts them).
constexpr double program_bytes = 32 * mib, per_thread_bytes = 8 * mib;

struct Parts {
  double weights, scores, rest;
};

Parts parts(const Model& m, Index length, Index threads) {
  const ModelConfig& c = m.config;
  const double L = d(length), E = d(c.hidden), M = d(c.intermediate), Q = d(c.heads * c.head_dim),
               KV = d(c.kv_heads * c.head_dim);
  Parts p{};
  p.weights = d(m.weight_bytes) + d(m.largest_widened_source);
  // One head's scores per thread, all rows but in the last layer (forward.cpp's causal_attention).
  p.scores = d(std::min<Index>(threads, c.heads)) * 4 * L * L;
  const double kept = d(c.layers) * 4 * L * (Q + 2 * KV);
  // A block's activations, one token a row: the residual stream and its norms, the projections and
  // their outputs, the MLP's two wide matrices (gpt2's c_attn output is 3E, inside 8E).
  const double working = 4 * L * (8 * E + 2 * Q + 2 * KV + 2 * M);
  const double rope = 4 * L * d(c.head_dim), logits = 24 * d(c.vocab);  // the logits, then in float64 and ranked
  p.rest = program_bytes + d(threads) * per_thread_bytes + kept + working + rope + logits;
  return p;
}

std::uint64_t saturated(double bytes) {
  return bytes >= 0x1p64 ? UINT64_MAX : static_cast<std::uint64_t>(bytes);
}

}  // namespace

std::uint64_t weight_memory(DType dtype, std::uint64_t elements, bool matrix) {
  switch (dtype) {
    case DType::f16:
    case DType::bf16: return (matrix ? 2 : 4) * elements;  // read in place; a norm or bias widened
    default: return 4 * elements;  // F32: read in place, or copied when off a float boundary
  }
}

std::uint64_t forward_memory(const Model& opened, Index length) {
  const Parts p = parts(opened, length, max_threads());
  return saturated(p.weights + p.scores + p.rest);
}

void check_forward_memory(const Model& opened, Index length) {
  const Index threads = max_threads();
  const Parts p = parts(opened, length, threads);
  const Index heads = std::min<Index>(threads, opened.config.heads);
  const std::string advice = p.scores > p.weights
                                 ? ": its score matrices alone take " + human_bytes(saturated(p.scores)) + " (" +
                                       shape_str(length, length) + " for each of the " + std::to_string(heads) +
                                       " heads computed at once): give fewer tokens"
                                 : ": its weights alone take " + human_bytes(saturated(p.weights)) + " as float32";
  check_memory(saturated(p.weights + p.scores + p.rest),
               "the forward pass of " + opened.folder.string() + " over " + std::to_string(length) + " tokens", advice);
}

}  // namespace attnlab
