#include "core/attention/memory.hpp"

#include <algorithm>
#include <limits>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/online_softmax.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {
namespace {

// Sizes multiply in double: a product of sizes the limits allow can pass 2⁶⁴.
double d(Index n) {
  return static_cast<double>(n);
}

std::uint64_t saturated(double bytes) {
  return bytes >= 0x1p64 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(bytes);
}

constexpr double mib = 1 << 20;
// The program with its libraries, OpenMP's threads and Eigen's buffers, measured at 7 to 10 MiB
// (bench --json on tiny problems), and with a GL driver on top: Mesa's llvmpipe took 104 MiB.
constexpr double program_bytes = 32 * mib, gpu_driver_bytes = 160 * mib;
// A token label: a std::string, whose short-string buffer holds any "q123456789".
constexpr double token_bytes = sizeof(std::string);

// Q, K and V of one head, with the tokens of its queries and keys.
double head_inputs(const RunSizes& s) {
  return 4 * (d(s.lq) * d(s.dk) + d(s.lk) * (d(s.dk) + d(s.dv))) + token_bytes * (d(s.lq) + d(s.lk));
}

double inputs(const RunSizes& s) {
  return 4 * (d(s.heads) * d(s.lq) * d(s.dk) + d(s.kv_heads) * d(s.lk) * (d(s.dk) + d(s.dv))) +
         token_bytes * (d(s.lq) + d(s.lk));
}

double trace(Index lq, Index lk, Index dv, bool full, bool capped) {
  return (full ? (capped ? 5 : 4) * 4 * d(lq) * d(lk) : 0) + 4 * d(lq) * d(dv) + sizeof(RowStats) * d(lq);
}

// Each CPU thread's rows or tiles in flight, and what Eigen's products block into (a few MiB).
double cpu_working(const MemoryPlan& p, bool full) {
  const double per_thread = full ? (p.sizes.capped ? 3 : 2) * 4 * d(p.sizes.lk)
                                 : 3 * 4 * 128 * d(std::min(p.key_tile, p.sizes.lk)) + 128 * sizeof(OnlineSoftmax);
  return cpu_threads() * (per_thread + 8 * mib);
}

// The GPU backend's buffers, which a software renderer keeps in host memory: one head's inputs, the
// stages (and a float mask), the output and the statistics, and one stage's staging copy to read back.
double gpu_buffers(const MemoryPlan& p, bool full) {
  const RunSizes& s = p.sizes;
  return head_inputs(s) + ((full ? 6 : 1) + (full && s.capped ? 1 : 0)) * 4 * d(s.lq) * d(s.lk) +
         trace(s.lq, s.lk, s.dv, false, false);
}

}  // namespace

std::uint64_t inputs_bytes(const RunSizes& sizes) {
  return saturated(inputs(sizes));
}

std::uint64_t trace_bytes(Index lq, Index lk, Index dv, bool full_trace, bool capped) {
  return saturated(trace(lq, lk, dv, full_trace, capped));
}

std::uint64_t peak_bytes(const MemoryPlan& p) {
  const RunSizes& s = p.sizes;
  const bool full = p.full_trace || p.precision_lab;          // the precision lab always computes every stage
  double bytes = program_bytes + inputs(s) + head_inputs(s);  // every head, and one copied out to compute
  bytes += (p.every_head ? d(s.heads) : 1) * trace(s.lq, s.lk, s.dv, full, s.capped);
  if (p.precision_lab) bytes += head_inputs(s);  // Q, K and V rounded to the format
  bytes += p.gpu ? gpu_driver_bytes + gpu_buffers(p, full) : cpu_working(p, full);
  bytes += p.extra_lq_lk * 4 * d(s.lq) * d(s.lk) + static_cast<double>(p.extra_bytes);
  return saturated(bytes);
}

std::uint64_t full_trace_bytes(Index lq, Index lk, Index dk, Index dv) {
  const auto n = [](Index a, Index b) { return static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b); };
  return sizeof(float) * (n(lq, dk) + n(lk, dk) + n(lk, dv) + 4 * n(lq, lk) + n(lq, dv));
}

void check_full_trace_fits(Index lq, Index lk, Index dk, Index dv, bool capped) {
  RunSizes sizes{1, 1, lq, lk, dk, dv, capped};
  check_memory(saturated(inputs(sizes) + trace(lq, lk, dv, true, capped)),
               "the full trace of Lq×Lk = " + shape_str(lq, lk),
               "; use the output-only mode (--stages output), which keeps no Lq×Lk matrix");
}

}  // namespace attnlab
