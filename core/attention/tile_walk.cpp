#include "core/attention/tile_walk.hpp"

#include <algorithm>
#include <limits>

#include "core/attention/online_softmax.hpp"
#include "core/attention/tile_step.hpp"

namespace attnlab {

TileWalk walk_tiles(const Problem& p, Index query, Index tile, const Trace* standard) {
  if (tile < 1) throw InputError("tile " + std::to_string(tile) + " must be ≥ 1 key");
  if (query < 0 || query >= p.lq()) throw InputError("query " + std::to_string(query) + " is out of range");
  TileWalk walk;
  OnlineSoftmax row;
  Eigen::VectorXf partial = Eigen::VectorXf::Zero(p.dv());
  Eigen::VectorXf masked(tile), e(tile);
  const float s = p.effective_scale();
  for (Index k0 = 0; k0 < p.lk(); k0 += tile) {
    const Index kn = std::min(tile, p.lk() - k0);
    TileStep step;
    step.first_key = k0, step.keys = kn;
    step.scaled = s * (p.k.middleRows(k0, kn) * p.q.row(query).transpose());
    step.max_before = row.attends() ? row.max() : -std::numeric_limits<float>::infinity();
    step.sum_before = row.attends() ? row.sum() : 0.0;
    Eigen::VectorXf scaled = step.scaled;
    step.rescale = softmax_tile(p, query, k0, kn, scaled.data(), masked.data(), e.data(), row);
    partial = step.rescale * partial + p.v.middleRows(k0, kn).transpose() * e.head(kn);
    step.max_after = row.attends() ? row.max() : -std::numeric_limits<float>::infinity();
    step.sum_after = row.attends() ? row.sum() : 0.0;
    step.tile_max = -std::numeric_limits<float>::infinity();
    // The tile's masked scores: where softmax_tile left them, or the scaled scores themselves.
    const float* x = tile_needs_masked(p) ? masked.data() : scaled.data();
    const KeyRange allowed = key_range(p.mask, query, p.lq(), p.lk());
    for (Index j = std::max(allowed.lo, k0); j < std::min(allowed.hi, k0 + kn); ++j)
      step.tile_max = std::max(step.tile_max, x[j - k0]);
    step.partial = partial;
    walk.steps.push_back(std::move(step));
  }
  if (!row.attends()) walk.output = Eigen::VectorXf::Zero(p.dv());
  else if (p.sink) walk.output = partial * static_cast<float>(row.normaliser(p.sink_logit()));
  else walk.output = partial / static_cast<float>(row.sum());
  if (standard && standard->output.rows() == p.lq())
    walk.difference = (walk.output.transpose() - standard->output.row(query)).cwiseAbs().maxCoeff();
  return walk;
}

MemoryReadout memory_readout(Index lq, Index lk, Index tile, int threads) {
  const auto n = [](Index a) { return static_cast<std::uint64_t>(a); };
  const std::uint64_t block_queries = 128;  // the output-only mode's block of queries
  return {4 * sizeof(float) * n(lq) * n(lk),
          3 * sizeof(float) * block_queries * n(std::min(tile, lk)) * static_cast<std::uint64_t>(threads)};
}

}  // namespace attnlab
