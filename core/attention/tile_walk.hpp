#pragma once
// The window's FlashAttention stepper: one query taken tile by tile through softmax_tile (the
// output-only mode's own step), keeping what each tile did to the running maximum m, the running
// sum ℓ and the partial output, and what the tiled path saves in memory.
#include <cstdint>
#include <vector>

#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

struct TileStep {
  Index first_key = 0, keys = 0;         // the tile: keys [first_key, first_key + keys)
  Eigen::VectorXf scaled;                // this query's scaled scores in the tile
  float tile_max = 0;                    // the tile's largest allowed score (-inf if none)
  float max_before = 0, max_after = 0;   // the running maximum m
  double sum_before = 0, sum_after = 0;  // the running sum ℓ = Σ exp(x − m)
  float rescale = 1;                     // exp(m_old − m_new): what ℓ and the partial output were multiplied by
  Eigen::VectorXf partial;               // the unnormalised output after this tile; partial / ℓ is the estimate
};

struct TileWalk {
  std::vector<TileStep> steps;
  Eigen::VectorXf output;  // the final partial / ℓ (zero for a query that may attend nothing)
  float difference = 0;    // max |tiled − standard| over the output row, when the standard row is given
};

TileWalk walk_tiles(const Problem& problem, Index query, Index tile, const Trace* standard = nullptr);

// Bytes each path keeps: the standard one the four Lq×Lk stages; the tiled one a tile of scores,
// masked scores and e per block of 128 queries and thread, besides the inputs and the output both keep.
struct MemoryReadout {
  std::uint64_t standard = 0, tiled = 0;
};
MemoryReadout memory_readout(Index lq, Index lk, Index tile, int threads);

}  // namespace attnlab
