#include "app/gui/model_views.hpp"

#include <chrono>

#include "core/heads/rollout.hpp"
#include "core/inputs/compare_input.hpp"

namespace attnlab::gui {
namespace {

ComparedPass run_second(const CompareKey& key) {
  ComparedPass out;
  try {
    const ModelRun& run = *key.pass.run;
    InputOptions input;
    input.model = run.model.folder.string();
    input.compare.text = key.text;
    out.tokens = compare_tokens(input, run);
    const Ablation ablation = key.ablate.empty() ? Ablation{} : parse_ablation(key.ablate, key.ablate_mean ? "mean" : "zero");
    out.pass = std::make_shared<const ForwardPass>(forward(run.model, out.tokens.ids, {}, {ablation, false}));
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

TimedRollout roll_out(const PassKey& key) {
  const auto start = std::chrono::steady_clock::now();
  TimedRollout out;
  try {
    out.rollout = attention_rollout(key.run->model.config, key.ablated ? *key.ablated : key.run->pass);
  } catch (const std::exception&) {
    out.rollout = {};
  }
  out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

const ComparedPass* compared_pass(ModelViews& views, const LoadedModel& model, bool wait) {
  if (!model.run || views.text.empty()) return nullptr;
  const CompareKey key{{model.run, model.ablated}, views.text, model.ablated ? model.ablate : "", model.ablate_mean};
  return views.compare.get(key, wait, run_second);
}

const TimedRollout* current_rollout(ModelViews& views, const LoadedModel& model, bool wait) {
  if (!model.run) return nullptr;
  return views.rollout.get({model.run, model.ablated}, wait, roll_out);
}

}  // namespace attnlab::gui
