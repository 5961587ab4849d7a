#include "app/gui/generation_job.hpp"

#include <memory>

#include "app/gui/platform.hpp"
#include "core/model/forward.hpp"

namespace attnlab::gui {

TokenDraw draw_next(const LoadedModel& model, const Sampling& sampling, std::uint64_t step) {
  return draw_token(model.pass().logits, sampling, step, shown_candidates);
}

TokenParts::TokenParts(const LoadedModel& model, std::int64_t id)
    // A copy of the run shares its weights; its pass (the cache) is copied, so that the frames keep
    // drawing the run they have while the new one is computed.
    : id_(id), run_(std::make_shared<ModelRun>(*model.run)) {
  // The window's runs keep their layers' inputs (a knock-out starts again from them).
  layers_.emplace(run_->model, run_->pass, id, ForwardOptions{{}, true});
}

LoadedModel TokenParts::finish(const LoadedModel& model, const Settings& settings) {
  layers_->finish();
  run_->tokens.ids.push_back(id_);
  run_->tokens.labels.push_back(token_label(run_->tokenizer_or_null(), id_));
  LoadedModel out;
  out.folder = model.folder;
  out.text = model.text + token_piece(run_->tokenizer_or_null(), id_);
  out.run = std::move(run_);
  return knock_out(out, settings);
}

LoadedModel extended(const LoadedModel& model, const Settings& settings, std::int64_t id) {
  return TokenParts(model, id).finish(model, settings);
}

LoadedModel without_last(const LoadedModel& model, const Settings& settings, const std::string& text,
                         const Eigen::VectorXf& logits) {
  auto run = std::make_shared<ModelRun>(*model.run);
  run->tokens.ids.pop_back();
  run->tokens.labels.pop_back();
  drop_last_tokens(run->pass, static_cast<Index>(run->tokens.ids.size()));
  run->pass.logits = logits;
  LoadedModel out;
  out.folder = model.folder;
  out.text = text;
  out.run = std::move(run);
  return knock_out(out, settings);
}

StepResult take_result(Generating& g) {
  StepResult r{std::move(g.from), std::move(g.result), std::move(g.prepared)};
  g.from = {}, g.result = {}, g.prepared.reset();
  return r;
}

void retire(Generating& g, LoadedModel old) {
  if (!platform::threads_available()) return;  // freed here
  g.retiring = std::jthread([old = std::move(old)]() mutable { old = {}; });
}

bool can_take_back(const Generating& g, const LoadedModel& model, const Settings& settings) {
  if (g.tokens.empty() || g.worker.joinable() || g.parts || !model.run) return false;
  const GeneratedToken& last = g.tokens.back();
  return settings.source == Source::model && settings.model_folder == model.folder && model.text == last.text_after &&
         settings.model_text == last.text_before && model.run->tokens.ids.size() >= 2;
}

}  // namespace attnlab::gui
