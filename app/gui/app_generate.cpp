#include "app/gui/app_generate.hpp"

#include <algorithm>
#include <exception>

#include <nlohmann/json.hpp>

#include "app/gui/app_actions.hpp"
#include "app/gui/frame_budget.hpp"
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

// A page's step: the token drawn now, the model extended by it a part at a time (make_parts).
void begin_parts(Generating& g) {
  try {
    g.draw = draw_next(g.from, g.drawn_with, g.step);
    g.parts = std::make_unique<TokenParts>(g.from, g.draw.id);
  } catch (const std::exception& e) {
    g.error = e.what();
    g.finished = true;
  }
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
  if (app.scripted) make_token(g);
  else if (!platform::threads_available()) begin_parts(g);
  else g.worker = std::jthread([&g] {
    g.hold.wait(true);
    make_token(g);
  });
  return true;
}

// A finished step: its token joins the sentence shown, as one step of the undo history, unless the
// sentence changed meanwhile.
void land(AppState& app) {
  Generating& g = app.generating;
  auto [from, result, prepared] = take_result(g);
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

// The page's token under way, a part (a layer, then the logits) at a time while the frame's budget
// lasts, with one part at least in each frame, so that a long run never holds a frame for a whole
// token. Cancel or a changed sentence drops it between parts (the model shown never had its rows).
// True once the token has landed or been dropped; false while parts are left for the next frame.
bool make_parts(AppState& app, FrameBudget& budget) {
  Generating& g = app.generating;
  const auto drop = [&](const std::string& why) {
    g.parts.reset(), g.from = {};
    stop(app, why);
    return true;
  };
  if (g.cancel)
    return drop("generation stopped after " + std::to_string(g.made) + " of " + std::to_string(g.asked) + " tokens");
  if (app.model.run != g.from.run) return drop("generation stopped: the sentence changed");
  bool through = false;
  try {
    while (!through && budget.room()) budget.run([&] { through = g.parts->next(); });
    if (through) g.result = g.parts->finish(g.from, g.settings);
  } catch (const std::exception& e) {
    g.error = e.what();
    through = true;
  }
  if (!through) return false;
  g.parts.reset();
  g.finished = true;
  land(app);
  return true;
}

// What the page's script reads of a run (platform::show_generation): the tokens made and asked, the
// part of the token under way, and the sentence's ids.
void show_state(const AppState& app) {
  const Generating& g = app.generating;
  nlohmann::json state{{"made", g.made}, {"asked", g.asked}, {"running", g.running()}};
  state["part"] = g.parts ? g.parts->done() : 0;
  state["parts"] = g.parts ? g.parts->parts() : 0;
  state["ids"] = app.model.run ? app.model.run->tokens.ids : std::vector<std::int64_t>{};
  platform::show_generation(state.dump());
}

}  // namespace

void follow_generation(AppState& app) {
  Generating& g = app.generating;
  FrameBudget budget(platform::frame_budget_ms());
  if (g.worker.joinable()) {
    if (!g.finished) return;  // the frames go on with the sentence they have
    g.worker.join();
    g.worker = std::jthread();
    if (g.undoing) land_take_back(app);
    else land(app);
  }
  if (!g.parts || make_parts(app, budget)) {
    while (g.wanted > 0 && start_step(app) && !g.worker.joinable()) {
      // A page's token runs while the frame's budget lasts, then the next frames go on with it.
      if (g.parts) {
        if (!make_parts(app, budget)) break;
        continue;
      }
      land(app);  // made on this thread: a scripted run makes them all
      if (!app.scripted) break;
    }
  }
  if (!platform::threads_available()) show_state(app);
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
  const std::string token = "generating token " + std::to_string(g.made + 1) + " of " + std::to_string(g.asked);
  if (!g.parts) return token + " …";
  // A page's token, a part per frame: how far through the model it is.
  const Index layers = g.parts->parts() - 1, done = g.parts->done();
  const std::string part =
      done < layers ? "layer " + std::to_string(done + 1) + " of " + std::to_string(layers) : "the logits";
  return token + ": " + part + " …";
}

}  // namespace attnlab::gui
