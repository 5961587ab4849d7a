#include "app/gui/app_generate.hpp"

#include <algorithm>
#include <exception>

#include "app/gui/app_actions.hpp"
#include "app/gui/platform.hpp"

namespace attnlab::gui {
namespace {

// No more tokens; `why` on the status line when there is something to say.
void stop(AppState& app, const std::string& why) {
  app.generating.wanted = 0;
  if (!why.empty()) app.status = why, app.status_clock = 6;
}

// The sentence as typed, which the sampler's step counts from: kept while the sentence shown is it,
// or it with the tokens generated onto it; anything else (another sentence typed, a reload) starts
// again from the sentence shown.
void follow_prompt(AppState& app) {
  Generating& g = app.generating;
  const LoadedModel& m = app.model;
  const bool continued = g.prompt_folder == m.folder &&
                         (g.tokens.empty() ? m.text == g.prompt_text : g.tokens.back().text_after == m.text);
  if (continued) return;
  g.prompt_folder = m.folder, g.prompt_text = m.text, g.prompt_tokens = m.run->tokens.ids.size();
  g.tokens.clear();
  g.last_draw.reset();
}

bool is_end_of_text(const ModelConfig& c, std::int64_t id) {
  return std::find(c.eos_ids.begin(), c.eos_ids.end(), id) != c.eos_ids.end();
}

// The step itself, on whichever thread runs it: the token drawn and the model extended by it, and
// what the frame would build from it; or why not; then `finished`.
void make_token(Generating& g) {
  try {
    g.draw = draw_next(g.from, g.drawn_with, g.step);
    g.result = extended(g.from, g.settings, g.draw.id);
  } catch (const std::exception& e) {
    g.error = e.what();
  }
  if (g.error.empty()) try {
      Settings after = g.settings;
      after.model_text = g.result.text;
      g.prepared = prepare_view(after, g.result, g.trace_on_worker);
    } catch (const std::exception&) {
      g.prepared.reset();  // the frame's apply() builds it and says why
    }
  g.finished = true;
}

// The next token's step, when one can follow the sentence shown: false (and the status line says
// why) when not.
bool start_step(AppState& app) {
  Generating& g = app.generating;
  const Settings& s = app.settings;
  if (g.cancel) {
    stop(app, "generation stopped after " + std::to_string(g.made) + " of " + std::to_string(g.asked) + " tokens");
    return false;
  }
  if (s.source == Source::model && app.model_loading()) {
    stop(app, "the model is still loading: G once it is there");
    return false;
  }
  if (s.source != Source::model || !app.model.of(s)) {
    stop(app, "G continues a real model's sentence: load a model first (inputs: model)");
    return false;
  }
  follow_prompt(app);
  const ModelRun& run = *app.model.run;
  const ModelConfig& c = run.model.config;
  const auto length = static_cast<Index>(run.tokens.ids.size());
  if (length >= c.positions) {
    stop(app, "the sentence fills the model's " + std::to_string(c.positions) + " positions: no token can follow");
    return false;
  }
  if (!g.tokens.empty() && is_end_of_text(c, run.tokens.ids.back())) {
    stop(app, "the model wrote its end-of-text token (Ctrl+Z takes it back)");
    return false;
  }
  try {
    check_sampling(g.sampling);
  } catch (const std::exception& e) {
    stop(app, e.what());
    return false;
  }
  g.from = app.model, g.settings = s, g.drawn_with = g.sampling;
  g.step = static_cast<std::uint64_t>(length) - g.prompt_tokens;
  g.undoing = false;
  g.result = {}, g.prepared.reset(), g.error.clear(), g.finished = false;
  g.trace_on_worker = app.engine->backend().name() == "cpu";
  if (!platform::threads_available() || app.scripted) make_token(g);
  else g.worker = std::jthread([&g] { make_token(g); });
  return true;
}

// A finished step: its token joins the sentence shown, as one step of the undo history, unless the
// sentence changed meanwhile.
void land(AppState& app) {
  Generating& g = app.generating;
  LoadedModel from = std::move(g.from);
  LoadedModel result = std::move(g.result);
  std::optional<PreparedView> prepared = std::move(g.prepared);
  g.from = {}, g.result = {}, g.prepared.reset();
  if (!g.error.empty()) {
    app.error = g.error;
    return stop(app, "");
  }
  if (app.model.run != from.run || !app.model.of(app.settings))
    return stop(app, "generation stopped: the sentence changed");
  g.tokens.push_back({from.text, result.text, from.run->pass.logits});
  g.last_draw = g.draw;
  app.model = std::move(result);
  retire(g, std::move(from));
  Settings& s = app.settings;
  s.model_text = app.typed.model_text = g.typed_text = app.model.text;
  s.query = static_cast<int>(app.model.run->tokens.ids.size()) - 1;  // the new token's row
  // What apply() would build for the new sentence, built by the worker: the frame only moves it in.
  if (prepared) adopt(app, *prepared);
  remember(app);
  ++g.made, --g.wanted, ++g.changes;
  app.status = "generated " + std::to_string(g.made) + " of " + std::to_string(g.asked) + ": " +
               app.model.run->tokens.labels.back();
  app.status_clock = 4;
  if (is_end_of_text(app.model.run->model.config, g.draw.id)) stop(app, "the model wrote its end-of-text token");
}

}  // namespace

void follow_generation(AppState& app) {
  Generating& g = app.generating;
  if (g.worker.joinable()) {
    if (!g.finished) return;  // the frames go on with the sentence they have
    g.worker.join();
    g.worker = std::jthread();
    if (g.undoing) land_take_back(app);
    else land(app);
  }
  while (g.wanted > 0 && start_step(app) && !g.worker.joinable()) {
    land(app);  // made on this thread: a scripted run makes them all, a web page one per frame
    if (!app.scripted) break;
  }
  // The text field shows what generation wrote: when Ctrl+Z (or redo) moves the sentence, it follows.
  if (app.typed.model_text == g.typed_text && app.settings.model_text != g.typed_text)
    app.typed.model_text = g.typed_text = app.settings.model_text;
}

std::optional<Index> newest_row(const AppState& app) {
  const Generating& g = app.generating;
  const ModelRun* run = app.model.of(app.applied);
  if (g.tokens.empty() || !run || app.model.text != g.tokens.back().text_after) return std::nullopt;
  return static_cast<Index>(run->tokens.ids.size()) - 1;
}

std::string generation_progress(const AppState& app) {
  const Generating& g = app.generating;
  if (!g.running()) return {};
  return "generating token " + std::to_string(g.made + 1) + " of " + std::to_string(g.asked) + " …";
}

}  // namespace attnlab::gui
