#pragma once
// What the window computes off the frame loop from a real model's pass (background_job.hpp): the head
// dashboard's scores (heads.md) of the pass as shown, knocked-out heads and all, and the next token
// the model predicts after the selected query.
#include <optional>
#include <string>

#include "app/gui/background_job.hpp"
#include "app/gui/model_source.hpp"
#include "core/heads/score_heads.hpp"

namespace attnlab::gui {

// A pass of the model: its run, and its knocked-out pass when there is one.
struct PassKey {
  std::shared_ptr<const ModelRun> run;
  std::shared_ptr<const ForwardPass> ablated;
  bool operator==(const PassKey&) const = default;
};

struct TimedScores {
  HeadScores scores;  // none (0 layers) when they could not be computed
  double ms = 0;
};

// The logits after the text up to and including one query's token: of the model as it is, and
// with its knocked-out heads when there are any.
struct QueryKey {
  PassKey pass;
  std::string ablate;
  bool ablate_mean = false;
  Index query = 0;
  bool operator==(const QueryKey&) const = default;
};
struct Prediction {
  Eigen::VectorXf before;
  std::optional<Eigen::VectorXf> after;
  std::string error;  // why it could not be computed
};

struct ModelJobs {
  BackgroundJob<PassKey, TimedScores> scores;
  BackgroundJob<QueryKey, Prediction> prediction;
};

// The scores of the model's pass as shown, or nullptr while they are computed; `wait`: a scripted
// run's frame waits for them.
const TimedScores* current_scores(ModelJobs& jobs, const LoadedModel& model, bool wait);
// The prediction after `query` (the last query's is the pass's own), or nullptr while it is computed.
const Prediction* current_prediction(ModelJobs& jobs, const LoadedModel& model, Index query, bool wait);

}  // namespace attnlab::gui
