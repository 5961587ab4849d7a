#pragma once
// What comes out of the engine: every stage, kept, and each query row's statistics.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

// `capped` (C·tanh(scaled/C)) is a stage only of a problem with a soft-cap; the other five always are.
enum class Stage { scores, scaled, capped, masked, weights, output };
inline constexpr std::array<Stage, 6> all_stages{Stage::scores, Stage::scaled,  Stage::capped,
                                                 Stage::masked, Stage::weights, Stage::output};
// The stages of a problem, in order: the five, and `capped` after `scaled` when it has a soft-cap.
std::span<const Stage> stages_with(bool softcap);
std::string_view stage_name(Stage stage);  // "scores", ...
Stage parse_stage(std::string_view name);  // throws InputError listing the stages

// Statistics of one query row, over the keys it may attend (semantics.md, Statistics).
struct RowStats {
  float mean = 0;  // of the scaled scores
  float std = 0;   // population standard deviation of the scaled scores
  float max_weight = 0;
  float entropy = 0;         // −Σ p log p, nats
  float effective_keys = 0;  // exp(entropy)
  float jacobian_norm = 0;   // ‖diag(p) − p pᵀ‖_F
  float sink_weight = 0;     // with a sink: its share of the softmax, 1 − Σ weights (0 without one)
  Index masked_keys = 0;
  bool fully_masked = false;  // the query may attend nothing: zero weights, zero output
  bool non_finite = false;    // precision modes only: NaN or inf in the row's weights or output
};

struct Trace {
  bool full = true;  // false after an output-only compute: only `output` and `stats` are filled
  Matrix scores;     // Q Kᵀ
  Matrix scaled;     // s · scores
  Matrix capped;     // C·tanh(scaled / C) with a soft-cap C; empty without one
  Matrix masked;     // (capped or) scaled + A, -inf where a query may not attend
  Matrix weights;    // softmax of each masked row (with the sink in its denominator when there is one)
  Matrix output;     // weights V
  std::vector<RowStats> stats;

  const Matrix& stage(Stage s) const;
};

// Milliseconds spent in each stage of one compute (for `bench`); a fused backend splits its pass.
struct StageTimes {
  double scores = 0, scaled = 0, capped = 0, masked = 0, weights = 0, output = 0;
};

}  // namespace attnlab
