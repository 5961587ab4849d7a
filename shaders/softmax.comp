#version 430
// Stages 2–4 and the statistics, fused, one query row per workgroup: scaled = scale · scores,
// capped = C·tanh(scaled / C) with a soft-cap, masked = (capped or scaled) + A (-inf where the query
// may not attend), weights = softmax(masked) computed stably, with the sink in its denominator when
// there is one, and the row's statistics with the definitions of core/online_softmax.cpp. A row with
// no key to attend gets zero weights and is flagged.
#include "common.glsl"
#include "reduce.glsl"
#include "row_stats.glsl"

layout(local_size_x = ROW_THREADS) in;
layout(std430, binding = 0) readonly buffer Scores { float scores[]; };
layout(std430, binding = 1) readonly buffer Additive { float additive[]; };  // Lq × Lk: matrix masks only
layout(std430, binding = 2) buffer Scaled { float scaled[]; };
layout(std430, binding = 3) buffer Masked { float masked[]; };
layout(std430, binding = 4) buffer Weights { float weights[]; };
layout(std430, binding = 5) writeonly buffer Stats { RowStats stats[]; };
layout(std430, binding = 6) writeonly buffer Capped { float capped[]; };  // with a soft-cap only

void main() {
  const uint id = gl_LocalInvocationID.x;
  for (uint query = gl_WorkGroupID.x; query < lq; query += gl_NumWorkGroups.x) {
    const uvec2 keys = key_range(query);
    const uint row = query * lk;

    // Pass 1: scaled and masked. Each invocation takes keys id, id + ROW_THREADS, ... in every pass,
    // so it only ever reads back what it wrote itself. The row maximum goes to its first key.
    float largest = LOWEST, sum_scaled = 0.0;
    uint largest_at = lk, attended = 0u;
    for (uint j = id; j < lk; j += ROW_THREADS) {
      const float t = scale * scores[row + j];
      const float c = capped_score(t);
      float x = c;
      bool open = j >= keys.x && j < keys.y;
      if (open && mask_kind == MASK_MATRIX) {
        x = c + additive[row + j];
        open = !is_neg_inf(x);  // -inf in the mask, or a large negative one that overflowed to -inf
      }
      scaled[row + j] = t;
      if (softcap > 0.0) capped[row + j] = c;
      masked[row + j] = open ? x : neg_inf();
      if (open) {
        ++attended;
        sum_scaled += t;
        if (largest_at == lk || x > largest) {  // a row of float32's lowest values has a maximum too
          largest = x;
          largest_at = j;
        }
      }
    }
    const float m = workgroup_max(largest);
    const uint max_at = workgroup_min(attended > 0u && largest == m ? largest_at : lk);
    const uint count = workgroup_count(attended);
    const float sum_all = workgroup_sum(vec4(sum_scaled)).x;
    const float mean = count > 0u ? sum_all / float(count) : 0.0;

    // Pass 2: e = exp(x − m), exactly 1 at the maximum, and the sums the statistics need.
    float m2 = 0.0, rest = 0.0, rest2 = 0.0, rest3 = 0.0, spread = 0.0;
    for (uint j = id; j < lk; j += ROW_THREADS) {
      const float x = masked[row + j];
      float e = 0.0;
      if (!is_neg_inf(x)) {
        const float d = scaled[row + j] - mean;
        m2 += d * d;
        if (j == max_at) {
          e = 1.0;
        } else {
          // x − m overflows to -inf under a mask of −3.4e38 and a large maximum: e is then 0, and so is its term.
          const float gap = x - m;
          e = exp(gap);
          rest += e;
          rest2 += e * e;
          rest3 += e * e * e;
          spread += e > 0.0 ? e * gap : 0.0;
        }
      }
      weights[row + j] = e;
    }
    const vec4 sums = workgroup_sum(vec4(rest, rest2, rest3, spread));
    const float m2_total = workgroup_sum(vec4(m2)).x;

    // Pass 3: weights = e / ℓ, ℓ = 1 + rest (e·a / d with a sink: see row_stats.glsl).
    const float factor = weight_factor(sums.x, m, count);
    for (uint j = id; j < lk; j += ROW_THREADS) weights[row + j] *= factor;
    if (id == 0u) stats[query] = row_stats(sums.x, sums.y, sums.z, sums.w, mean, m2_total, count, m);
  }
}
