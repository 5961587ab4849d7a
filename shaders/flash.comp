#version 430
// The output and the statistics only, FlashAttention style, in O(L) memory: a workgroup takes TILE
// queries and walks the key tiles they may attend. Per query it keeps a running maximum m (from the
// lowest finite float), sums rescaled by exp(m_old − m_new) whenever m grows, and a partial output
// rescaled the same way; a query that may attend nothing gets a zero output. A soft-cap caps each
// scaled score before the mask; a sink joins the denominator at the end. The statistics follow
// core/online_softmax.cpp tile by tile, so they match the full trace's.
// Q at binding 0, K at 1, V at 2, the matrix mask at 3, output at 4, statistics at 5.
#include "common.glsl"
#define ROWS lq
#define COLS lk
#define DEPTH dk
#define B_TRANSPOSED
#include "product.glsl"
#include "row_stats.glsl"

layout(std430, binding = 2) readonly buffer Values { float values[]; };
layout(std430, binding = 3) readonly buffer Additive { float additive[]; };  // Lq × Lk: matrix masks only
layout(std430, binding = 4) buffer Output { float result[]; };  // the partial output until the end
layout(std430, binding = 5) writeonly buffer Stats { RowStats stats[]; };

shared float x_tile[TILE][TILE + 1];  // masked scores of the tile, then e = exp(x − m)
shared float t_tile[TILE][TILE + 1];  // scaled scores of the tile
shared float v_tile[TILE][TILE];
// Each query's running state, as core/online_softmax.hpp keeps it.
shared float row_max[TILE], row_rescale[TILE], row_rest[TILE], row_rest2[TILE], row_rest3[TILE];
shared float row_spread[TILE], row_mean[TILE], row_m2[TILE];
shared uint row_attended[TILE];

// Query y's softmax over the tile in x_tile[y] (OnlineSoftmax::add): afterwards x_tile[y] holds
// e = exp(x − m), 0 where masked, and row_rescale[y] the factor for everything accumulated before.
void add_tile(uint y) {
  row_rescale[y] = 1.0;
  float tile_max = LOWEST;
  uint tile_max_at = TILE;
  for (uint k = 0u; k < TILE; ++k) {
    const float x = x_tile[y][k];
    if (!is_neg_inf(x) && (tile_max_at == TILE || x > tile_max)) {  // lowest values have a maximum too
      tile_max = x;
      tile_max_at = k;
    }
  }
  if (tile_max_at == TILE) {  // nothing attendable in this tile
    for (uint k = 0u; k < TILE; ++k) x_tile[y][k] = 0.0;
    return;
  }
  uint max_at = TILE;  // the new maximum's key in this tile, when the maximum moves here
  if (row_attended[y] == 0u || tile_max > row_max[y]) {
    // Only once something was accumulated: from the lowest float, the gap may overflow to -inf.
    if (row_attended[y] > 0u) {
      // The old maximum's term (exactly 1) joins the rest, and everything shrinks by c (0 when the
      // gap overflowed, as it does under a mask of −3.4e38: then nothing earlier counts).
      const float gap = row_max[y] - tile_max, c = exp(gap);
      row_spread[y] = c > 0.0 ? c * (row_spread[y] + (1.0 + row_rest[y]) * gap) : 0.0;
      row_rest[y] = c * (row_rest[y] + 1.0);
      row_rest2[y] = c * c * (row_rest2[y] + 1.0);
      row_rest3[y] = c * c * c * (row_rest3[y] + 1.0);
      row_rescale[y] = c;
    }
    row_max[y] = tile_max;
    max_at = tile_max_at;
  }
  const float m = row_max[y];
  uint count = 0u;
  float sum_t = 0.0;
  for (uint k = 0u; k < TILE; ++k)
    if (!is_neg_inf(x_tile[y][k])) {
      ++count;
      sum_t += t_tile[y][k];
    }
  const float tile_mean = sum_t / float(count);
  float m2 = 0.0;
  for (uint k = 0u; k < TILE; ++k) {
    const float x = x_tile[y][k];
    float e = 0.0;
    if (!is_neg_inf(x)) {
      const float d = t_tile[y][k] - tile_mean;
      m2 += d * d;
      if (k == max_at) {
        e = 1.0;  // kept out of the sums: see row_stats.glsl
      } else {
        const float gap = x - m;  // -inf when it overflows: e is then 0, and so is its term
        e = exp(gap);
        row_rest[y] += e;
        row_rest2[y] += e * e;
        row_rest3[y] += e * e * e;
        row_spread[y] += e > 0.0 ? e * gap : 0.0;
      }
    }
    x_tile[y][k] = e;
  }
  // Chan et al.'s merge of two (count, mean, M2) summaries.
  const float before = float(row_attended[y]), total = before + float(count);
  const float delta = tile_mean - row_mean[y];
  row_m2[y] += m2 + delta * delta * before * float(count) / total;
  row_mean[y] += delta * float(count) / total;
  row_attended[y] += count;
}

void main() {
  const uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  for (uint row0 = gl_WorkGroupID.x * TILE; row0 < lq; row0 += gl_NumWorkGroups.x * TILE) {
    const uint query = row0 + ty;
    const bool real = query < lq;
    const uvec2 keys = real ? key_range(query) : uvec2(0u);
    // Only the key tiles some query of this workgroup may attend.
    uint first = lk, last = 0u;
    for (uint i = row0; i < min(row0 + TILE, lq); ++i) {
      const uvec2 range = key_range(i);
      if (range.x < range.y) {
        first = min(first, range.x);
        last = max(last, range.y);
      }
    }
    if (tx == 0u) {
      row_max[ty] = LOWEST;
      row_rest[ty] = row_rest2[ty] = row_rest3[ty] = row_spread[ty] = row_mean[ty] = row_m2[ty] = 0.0;
      row_attended[ty] = 0u;
    }
    sync();  // every query's state is read by its whole row of invocations, even with no key tile
    // Each invocation owns the output columns tx, tx + TILE, ... of its query, in every pass.
    if (real)
      for (uint c = tx; c < dv; c += TILE) result[query * dv + c] = 0.0;

    for (uint k0 = first; k0 < last; k0 += TILE) {
      const float score = tile_product(row0, k0);  // scores of (query, k0 + tx)
      const uint key = k0 + tx;
      const float t = scale * score;
      const float logit = capped_score(t);
      float x = logit;
      bool open = real && key >= keys.x && key < keys.y;
      if (open && mask_kind == MASK_MATRIX) {
        x = logit + additive[query * lk + key];
        open = !is_neg_inf(x);  // -inf in the mask, or a large negative one that overflowed to -inf
      }
      x_tile[ty][tx] = open ? x : neg_inf();
      t_tile[ty][tx] = t;
      sync();
      if (tx == 0u) add_tile(ty);
      sync();
      // output = output · rescale + Σ e·V over this tile, TILE value columns at a time.
      const float rescale = row_rescale[ty];
      for (uint c0 = 0u; c0 < dv; c0 += TILE) {
        v_tile[ty][tx] = k0 + ty < lk && c0 + tx < dv ? values[(k0 + ty) * dv + c0 + tx] : 0.0;
        sync();
        if (real && c0 + tx < dv) {
          float sum = 0.0;
          for (uint k = 0u; k < TILE; ++k) sum += x_tile[ty][k] * v_tile[k][tx];
          const uint at = query * dv + c0 + tx;
          result[at] = result[at] * rescale + sum;
        }
        sync();
      }
    }

    if (real) {
      const float factor = weight_factor(row_rest[ty], row_max[ty], row_attended[ty]);
      for (uint c = tx; c < dv; c += TILE) result[query * dv + c] *= factor;
      if (tx == 0u)
        stats[query] = row_stats(row_rest[ty], row_rest2[ty], row_rest3[ty], row_spread[ty], row_mean[ty],
                                 row_m2[ty], row_attended[ty], row_max[ty]);
    }
    sync();  // before the next block of queries resets the shared state
  }
}
