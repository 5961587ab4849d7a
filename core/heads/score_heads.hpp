#pragma once
// Every layer × head of one forward pass scored (`attnlab heads`, the window's head dashboard).
#include <cstdint>
#include <vector>

#include "core/heads/head_scores.hpp"
#include "core/model/forward.hpp"

namespace attnlab {

struct HeadScores {
  Index layers = 0, heads = 0;
  std::vector<ScoreValues> values;  // layer-major: [layer · heads + head]

  const ScoreValues& at(Index layer, Index head) const {
    return values[static_cast<std::size_t>(layer * heads + head)];
  }
};

// Each head's weights are computed again from the pass's Q and K (the model's own mask and scale),
// scored, and dropped: one L × L matrix per thread at a time.
HeadScores score_heads(const ModelConfig& config, const ForwardPass& pass, const std::vector<std::int64_t>& ids);

}  // namespace attnlab
