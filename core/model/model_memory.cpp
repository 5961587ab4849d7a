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
  double weights, scores, kept, rest;
};

// Q, K and V of every layer (and a QK-norm's input), kept by every pass; with `inputs`, every layer's
// input (the residual stream entering it) too.
double kept_bytes(const Model& m, Index length, bool inputs) {
  const ModelConfig& c = m.config;
  const double L = d(length), Q = d(c.heads * c.head_dim), KV = d(c.kv_heads * c.head_dim);
  double kept = d(c.layers) * 4 * L * (Q + 2 * KV);
  // A QK-norm's input is kept too (qk_norm.hpp): q and k once more.
  if (!m.layers.empty() && !m.layers.front().q_norm.empty()) kept += d(c.layers) * 4 * L * (Q + KV);
  if (inputs) kept += d(c.layers) * 4 * L * d(c.hidden);
  return kept;
}

Parts parts(const Model& m, Index length, Index threads, const PassMemory& held) {
  const bool layer_trace = held.layer_trace;
  const ModelConfig& c = m.config;
  const double L = d(length), E = d(c.hidden), M = d(c.intermediate), Q = d(c.heads * c.head_dim),
               KV = d(c.kv_heads * c.head_dim);
  Parts p{};
  p.weights = d(m.weight_bytes) + d(m.largest_widened_source);
  // The layer on screen, when the command shows one: every head's full trace at once, its four L × L
  // stages (scores, scaled, masked, weights), as compute_heads holds them.
  p.scores = layer_trace ? d(c.heads) * 4 * 4 * L * L : 0;
  // The pass's attention is output-only (causal_attention.cpp): one head at a time, its Q, K, V and
  // output copied out (L × hd each) with each row's statistics, and per thread a tile of 128 queries
  // × 256 keys three times over. No L × L matrix.
  const double attention = 4 * L * (4 * d(c.head_dim) + 12) + d(threads) * 3 * 4 * 128 * 256;
  // A knock-out keeps the inputs, and holds the pass without the heads and the pass with them at once.
  p.kept = held.knock_out ? 2 * kept_bytes(m, length, true) : kept_bytes(m, length, false);
  // A block's activations, one token a row: the residual stream and its norms, the projections and
  // their outputs, the MLP's two wide matrices (gpt2's c_attn output is 3E, inside 8E).
  const double working = 4 * L * (8 * E + 2 * Q + 2 * KV + 2 * M);
  const double rope = 4 * L * d(c.head_dim), logits = 24 * d(c.vocab);  // the logits, then in float64 and ranked
  p.rest = program_bytes + d(threads) * per_thread_bytes + working + attention + rope + logits;
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
  const Parts p = parts(opened, length, max_threads(), {});
  return saturated(p.weights + p.scores + p.kept + p.rest);
}

std::uint64_t knock_out_memory(const Model& opened, Index length) {
  return saturated(2 * kept_bytes(opened, length, true) - kept_bytes(opened, length, false));
}

void check_forward_memory(const Model& opened, Index length, const PassMemory& held) {
  const Index threads = max_threads();
  const Parts p = parts(opened, length, threads, held);
  // The advice names the largest part.
  std::string advice = ": its weights alone take " + human_bytes(saturated(p.weights));
  if (p.scores > std::max(p.weights, p.kept))
    advice = ": the score matrices of the layer shown alone take " + human_bytes(saturated(p.scores)) +
             " (four stages of " + shape_str(length, length) + " for each of its " +
             std::to_string(opened.config.heads) + " heads): give fewer tokens";
  else if (p.kept > p.weights)
    advice = ": the Q, K and V" + std::string(held.knock_out ? " and the inputs" : "") + " its " +
             std::to_string(opened.config.layers) + " layers keep alone take " +
             human_bytes(saturated(p.kept)) + ": give fewer tokens";
  check_memory(saturated(p.weights + p.scores + p.kept + p.rest),
               "the forward pass of " + opened.folder.string() + " over " + std::to_string(length) + " tokens", advice);
}

}  // namespace attnlab
