#include "app/gui/score_job.hpp"

#include <chrono>

namespace attnlab::gui {
namespace {

TimedScores score(const PassKey& key) {
  const auto start = std::chrono::steady_clock::now();
  TimedScores out;
  try {
    out.scores = score_heads(key.run->model.config, key.ablated ? *key.ablated : key.run->pass, key.run->tokens.ids);
  } catch (const std::exception&) {
    out.scores = {};  // no scores rather than a thread that throws
  }
  out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

// The model is causal: what it predicts after token i is the last logits of a pass over tokens 0…i.
Prediction predict(const QueryKey& key) {
  Prediction out;
  try {
    const ModelRun& run = *key.pass.run;
    const std::vector<std::int64_t> ids(run.tokens.ids.begin(), run.tokens.ids.begin() + key.query + 1);
    const ForwardPass before = forward(run.model, ids, {}, {{}, !key.ablate.empty()});
    out.before = before.logits;
    if (!key.ablate.empty())
      out.after =
          ablated_forward(run.model, before, parse_ablation(key.ablate, key.ablate_mean ? "mean" : "zero")).logits;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

const TimedScores* current_scores(ModelJobs& jobs, const LoadedModel& model, bool wait) {
  if (!model.run) return nullptr;
  return jobs.scores.get({model.run, model.ablated}, wait, score);
}

const Prediction* current_prediction(ModelJobs& jobs, const LoadedModel& model, Index query, bool wait) {
  if (!model.run || query < 0 || query >= static_cast<Index>(model.run->tokens.ids.size())) return nullptr;
  QueryKey key{{model.run, model.ablated}, model.ablated ? model.ablate : "", model.ablate_mean, query};
  return jobs.prediction.get(key, wait, predict);
}

}  // namespace attnlab::gui
