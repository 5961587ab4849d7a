#pragma once
// What the compare and rollout tabs compute off the frame loop from a real model (heads.md): the
// model's pass over a second sentence, with the same heads knocked out, and the attention rollout of
// the pass as shown. The tabs draw from here (panel_compare.hpp).
#include <memory>
#include <string>
#include <vector>

#include "app/gui/background_job.hpp"
#include "app/gui/score_job.hpp"

namespace attnlab::gui {

// A second sentence through the model of a pass.
struct CompareKey {
  PassKey pass;
  std::string text;
  std::string ablate;
  bool ablate_mean = false;
  bool operator==(const CompareKey&) const = default;
};
struct ComparedPass {
  ModelTokens tokens;
  std::shared_ptr<const ForwardPass> pass;  // null when refused
  std::string error;                        // why: an empty sentence, too many tokens, …
};

struct TimedRollout {
  Matrix rollout;  // L × L; empty when it could not be computed
  double ms = 0;
};

struct ModelViews {
  std::string typed;  // the second sentence as it is being typed
  std::string text;   // the second sentence compared (Enter or the Compare button)
  BackgroundJob<CompareKey, ComparedPass> compare;
  BackgroundJob<PassKey, TimedRollout> rollout;
};

// The pass over views.text of the model shown, or nullptr while it is computed (or with no text).
const ComparedPass* compared_pass(ModelViews& views, const LoadedModel& model, bool wait);
// The rollout of the pass shown (knocked-out heads and all), or nullptr while it is computed.
const TimedRollout* current_rollout(ModelViews& views, const LoadedModel& model, bool wait);

}  // namespace attnlab::gui
