#include "core/attention/cpu_backend.hpp"

#include <algorithm>

#include "core/attention/first_error.hpp"
#include "core/attention/online_softmax.hpp"
#include "core/attention/precision_trace.hpp"
#include "core/attention/row_pass.hpp"
#include "core/attention/row_stream.hpp"
#include "core/attention/tile_step.hpp"
#include "core/base/cycles.hpp"
#include "core/base/lap.hpp"
#include "core/base/threads.hpp"

namespace attnlab {
namespace {

// Rows per block of the full trace: large blocks repack K and V (the products' right-hand sides)
// less often, which is worth more than keeping a block's scores in L2 (up to 512 rows measured
// faster than 256 at Lq = Lk = 2048); at least two blocks per thread keep every core busy at
// classroom sizes too.
Index full_block_rows(Index lq) {
  return std::clamp<Index>(lq / (2 * cpu_threads()), 16, 512);
}
// Output-only tiles: 128 queries × key_tile_ keys of scores, reused for every tile.
constexpr Index tile_queries = 128;

void add_times(StageTimes& into, const StageTimes& t) {
  into.scores += t.scores;
  into.scaled += t.scaled;
  into.capped += t.capped;
  into.masked += t.masked;
  into.weights += t.weights;
  into.output += t.output;
}

// Per-thread times summed, then shared out: each stage's part of the wall time.
void share_times(StageTimes& t, int threads) {
  const double d = std::max(threads, 1);
  t = {t.scores / d, t.scaled / d, t.capped / d, t.masked / d, t.weights / d, t.output / d};
}

const float* additive_row(const Problem& p, Index i) {
  return p.mask.kind == MaskSpec::Kind::matrix ? p.mask.additive.row(i).data() : nullptr;
}

}  // namespace

int cpu_threads() {
  return max_threads();
}

std::string CpuBackend::description() const {
  return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + ", " +
         std::to_string(cpu_threads()) + (cpu_threads() == 1 ? " thread" : " threads");
}

void CpuBackend::set_key_tile(Index keys) {
  if (keys < 1) throw InputError("key tile " + std::to_string(keys) + " must be ≥ 1");
  key_tile_ = keys;
}

void CpuBackend::compute(const Problem& problem, Trace& trace, StageTimes* times) {
  run_full(problem, trace, From::inputs, times);
}

void CpuBackend::recompute_from_scores(const Problem& problem, Trace& trace, StageTimes* times) {
  run_full(problem, trace, From::scores, times);
}

void CpuBackend::recompute_from_scaled(const Problem& problem, Trace& trace, StageTimes* times) {
  run_full(problem, trace, From::scaled, times);
}

void CpuBackend::run_full(const Problem& p, Trace& t, From from, StageTimes* times) {
  if (!p.precision.is_default()) {  // the precision lab: a simple row-by-row pass, all stages at once
    auto clock = Clock::now();
    compute_precision_trace(p, t);
    if (times) *times = StageTimes{0, 0, 0, 0, 0, lap(clock)};
    return;
  }
  const Index lq = p.lq(), lk = p.lk();
  const bool cap = p.softcap.has_value();
  t.full = true;
  // resize() keeps the buffers when the sizes are unchanged: no allocation per recompute.
  if (from == From::inputs) t.scores.resize(lq, lk);
  t.scaled.resize(lq, lk);
  t.capped.resize(cap ? lq : 0, cap ? lk : 0);
  t.masked.resize(lq, lk);
  t.weights.resize(lq, lk);
  t.output.resize(lq, p.dv());
  t.stats.resize(lq);
  const float s = p.effective_scale();
  const float c = cap ? static_cast<float>(*p.softcap) : 0.0f;
  const std::optional<float> sink = p.sink_logit();
  const bool additive = p.mask.kind == MaskSpec::Kind::matrix;
  const Index full_block = full_block_rows(lq);
  const Index blocks = (lq + full_block - 1) / full_block;
  StageTimes total;
  int threads = 1;
  // Each thread's rows in flight: the scaled, capped and masked rows are worked on there, in L1, and
  // streamed out to the trace from inside the softmax's exp loop (see RowStream), so the time
  // their stores take shows in the weights stage. Allocated here, outside the parallel region.
  const int team = cpu_threads();
  const int rows = cap ? 3 : 2;
  Matrix in_flight(rows * team, lk);
  FirstError error;

#pragma omp parallel num_threads(team)
  {
    StageTimes mine;
    const int me = thread_index();
    float* const scaled = in_flight.row(rows * me).data();
    float* const masked = in_flight.row(rows * me + 1).data();
    float* const capped = cap ? in_flight.row(rows * me + 2).data() : nullptr;
#pragma omp single
    threads = team_size();
#pragma omp for schedule(dynamic, 1)
    for (Index b = 0; b < blocks; ++b)
      error.run([&] {
        const Index r0 = b * full_block, n = std::min(full_block, lq - r0);
        auto clock = Clock::now();
        if (from == From::inputs) t.scores.middleRows(r0, n).noalias() = p.q.middleRows(r0, n) * p.k.transpose();
        mine.scores += lap(clock);
        // Each row goes through scale, cap, mask and softmax while it is in L1; the time stamp counter
        // (a few cycles to read) splits the block's wall time between the stages.
        std::uint64_t ticks[4] = {0, 0, 0, 0};
        for (Index i = r0; i < r0 + n; ++i) {
          const KeyRange keys = key_range(p.mask, i, lq, lk);
          const std::uint64_t t0 = cycle_count();
          // After a mask change the kept scaled (and capped) row is read where it is, and not written back.
          const bool new_scaled = from != From::scaled;
          const float* scaled_row = new_scaled ? scaled : t.scaled.row(i).data();
          if (new_scaled) scale_row(t.scores.row(i).data(), scaled, lk, s);
          const std::uint64_t t1 = cycle_count();
          const float* logits = scaled_row;  // what the mask is added to
          if (cap) {
            logits = new_scaled ? capped : t.capped.row(i).data();
            if (new_scaled) cap_row(scaled, capped, lk, c);
          }
          const std::uint64_t t2 = cycle_count();
          mask_row(logits, masked, lk, keys, additive_row(p, i));
          const std::uint64_t t3 = cycle_count();
          RowStream out[3] = {
              {t.masked.row(i).data(), masked, lk},
              {t.scaled.row(i).data(), scaled, new_scaled ? lk : 0},
              {cap ? t.capped.row(i).data() : masked, cap ? capped : masked, cap && new_scaled ? lk : 0}};
          t.stats[i] = softmax_row(scaled_row, masked, t.weights.row(i).data(), lk, keys, additive, sink,
                                   std::span<RowStream>(out, cap ? 3 : 2));
          ticks[0] += t1 - t0, ticks[1] += t2 - t1, ticks[2] += t3 - t2, ticks[3] += cycle_count() - t3;
        }
        stream_fence();
        const double rows_ms = lap(clock), all_ticks = double(ticks[0] + ticks[1] + ticks[2] + ticks[3]) + 1e-9;
        mine.scaled += rows_ms * double(ticks[0]) / all_ticks;
        mine.capped += rows_ms * double(ticks[1]) / all_ticks;
        mine.masked += rows_ms * double(ticks[2]) / all_ticks;
        mine.weights += rows_ms * double(ticks[3]) / all_ticks;
        t.output.middleRows(r0, n).noalias() = t.weights.middleRows(r0, n) * p.v;
        mine.output += lap(clock);
      });
#pragma omp critical
    add_times(total, mine);
  }
  error.rethrow();
  if (times) {
    share_times(total, threads);
    *times = total;
  }
}

void CpuBackend::compute_output_only(const Problem& p, Trace& t, StageTimes* times) {
  if (!p.precision.is_default()) {  // the precision lab keeps no tiled path: the full trace, cut down
    Trace full;
    run_full(p, full, From::inputs, times);
    t = Trace{};
    t.full = false;
    t.output = std::move(full.output);
    t.stats = std::move(full.stats);
    return;
  }
  const Index lq = p.lq(), lk = p.lk();
  const Index tile_keys = std::min(key_tile_, lk);  // a tile wider than the keys would be empty space
  t = Trace{};                                      // frees any Lq×Lk matrices a full compute left
  t.full = false;
  t.output.resize(lq, p.dv());
  t.stats.resize(lq);
  const float s = p.effective_scale();
  const std::optional<float> sink = p.sink_logit();
  const bool masked_tile = tile_needs_masked(p);
  const Index blocks = (lq + tile_queries - 1) / tile_queries;
  auto start = Clock::now();
  // Each thread's tile of scaled scores, masked scores and exponentials, and its rows' running
  // softmax: allocated here, outside the parallel region.
  struct Tile {
    Matrix scaled, masked, e;
    std::vector<OnlineSoftmax> rows;
  };
  const int team = cpu_threads();
  std::vector<Tile> tiles(static_cast<std::size_t>(team));
  for (Tile& tile : tiles) {
    tile.scaled.resize(tile_queries, tile_keys);
    tile.e.resize(tile_queries, tile_keys);
    if (masked_tile) tile.masked.resize(tile_queries, tile_keys);
    tile.rows.resize(tile_queries);
  }
  FirstError error;

#pragma omp parallel num_threads(team)
  {
    Tile& tile = tiles[static_cast<std::size_t>(thread_index())];
    Matrix &scaled = tile.scaled, &masked = tile.masked, &e = tile.e;
    std::vector<OnlineSoftmax>& rows = tile.rows;
#pragma omp for schedule(dynamic, 1)
    for (Index b = 0; b < blocks; ++b)
      error.run([&] {
        const Index r0 = b * tile_queries, n = std::min(tile_queries, lq - r0);
        auto out = t.output.middleRows(r0, n);
        out.setZero();
        std::fill(rows.begin(), rows.begin() + n, OnlineSoftmax{});
        // Only the key tiles some query of this block may attend.
        Index first = lk, last = 0;
        for (Index i = r0; i < r0 + n; ++i) {
          const KeyRange keys = key_range(p.mask, i, lq, lk);
          if (keys.lo < keys.hi) first = std::min(first, keys.lo), last = std::max(last, keys.hi);
        }
        for (Index k0 = first; k0 < last; k0 += tile_keys) {
          const Index kn = std::min(tile_keys, last - k0);
          scaled.topLeftCorner(n, kn).noalias() = (s * p.q.middleRows(r0, n)) * p.k.middleRows(k0, kn).transpose();
          for (Index r = 0; r < n; ++r) {
            const float rescale = softmax_tile(p, r0 + r, k0, kn, scaled.row(r).data(),
                                               masked_tile ? masked.row(r).data() : nullptr, e.row(r).data(), rows[r]);
            if (rescale != 1.0f) out.row(r) *= rescale;
          }
          out.noalias() += e.topLeftCorner(n, kn) * p.v.middleRows(k0, kn);
        }
        for (Index r = 0; r < n; ++r) {
          t.stats[r0 + r] = rows[r].stats(lk, sink);
          if (rows[r].attends()) out.row(r) *= static_cast<float>(rows[r].normaliser(sink));
          else out.row(r).setZero();
        }
      });
  }
  error.rethrow();
  if (times) *times = StageTimes{0, 0, 0, 0, 0, lap(start)};
}

}  // namespace attnlab
