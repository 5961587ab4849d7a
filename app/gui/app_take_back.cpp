// Ctrl+Z on a generated token (app_state.hpp's take_back): the run without it is a copy of the cache
// less its last row, made on the generation worker as a step is, so that no frame copies the run.
#include <exception>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {
namespace {

// On the worker: the model before the last token and what the frame would build from it.
void make_run_without(Generating& g) {
  try {
    const GeneratedToken& last = g.tokens.back();
    g.result = without_last(g.from, g.settings, last.text_before, last.logits_before);
    try {
      g.prepared = prepare_view(g.settings, g.result, g.trace_on_worker);
    } catch (const std::exception&) {
      g.prepared.reset();  // apply() builds it and says why
    }
  } catch (const std::exception& e) {
    g.error = e.what();
  }
  g.finished = true;
}

}  // namespace

bool take_back(AppState& app) {
  Generating& g = app.generating;
  if (g.taking_back()) return true;
  if (app.model_loading() || !can_take_back(g, app.model, app.settings)) return false;
  g.from = app.model, g.settings = app.settings, g.undoing = true;
  g.result = {}, g.prepared.reset(), g.error.clear(), g.finished = false;
  g.trace_on_worker = app.engine->backend().name() == "cpu";
  if (platform::threads_available() && !app.scripted) {
    g.worker = std::jthread([&g] {
      g.hold.wait(true);
      make_run_without(g);
    });
    return true;
  }
  make_run_without(g);
  land_take_back(app);
  return false;
}

void land_take_back(AppState& app) {
  Generating& g = app.generating;
  auto [from, result, prepared] = take_result(g);
  g.undoing = false;
  if (!g.error.empty()) {
    app.error = g.error;
    return;
  }
  // The settings moved on meanwhile (a redo): apply() finds what they name.
  if (app.model.run != from.run || !can_take_back(g, from, app.settings)) return;
  app.model = std::move(result);
  retire(g, std::move(from));
  g.tokens.pop_back();
  g.last_draw.reset();
  ++g.changes;
  if (prepared) adopt(app, *prepared);
}

}  // namespace attnlab::gui
