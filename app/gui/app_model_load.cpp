// The real model's forward pass, off the frame loop: on a worker thread on the desktop, in a frame of
// its own on a web page (one thread), waited for in a scripted run.
#include "app/gui/app_state.hpp"
#include "app/gui/platform.hpp"

namespace attnlab::gui {
namespace {

// Starts the load of the folder and text the settings name: the status line says it comes.
void begin_load(AppState& app) {
  auto& m = app.model_load;
  m.folder = app.settings.model_folder, m.text = app.settings.model_text;
  m.result = {};
  m.error.clear();
  m.finished = false;
  m.phase = nullptr, m.done = 0, m.total = 0;
  app.status = "loading " + m.folder + " …";
  app.status_clock = 0;
}

// The load itself, on whichever thread runs it: the run, or why it was refused, then `finished`.
void load(AppState::ModelLoad& m) {
  try {
    m.result = load_model_run(m.folder, m.text, [&m](const char* phase, Index done, Index total) {
      m.total = total, m.done = done, m.phase = phase;
    });
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  m.finished = true;
}

// A finished load's outcome: the run kept, or the refusal shown and not tried again until the folder
// or the text changes.
void end_load(AppState& app) {
  auto& m = app.model_load;
  if (m.result.run) app.model = std::move(m.result);
  if (!m.error.empty()) m.failed_folder = m.folder, m.failed_text = m.text, app.error = m.error;
  app.status.clear();
}

}  // namespace

bool model_ready(AppState& app) {
  const Settings& s = app.settings;
  auto& m = app.model_load;
  if (m.worker.joinable()) {
    if (!m.finished && !app.scripted) return false;
    m.worker.join();
    m.worker = std::jthread();
    end_load(app);
  }
  if (app.model.of(s)) return true;
  if (m.failed_folder == s.model_folder && m.failed_text == s.model_text) return false;  // its error is shown
  begin_load(app);
  if (!platform::threads_available()) {
    // A web page has one thread: the run takes a frame of its own, after a frame that says it comes.
    if (!app.scripted && !m.announced) {
      m.announced = true;
      return false;
    }
    m.announced = false;
    load(m);
  } else {
    m.worker = std::jthread([&m] { load(m); });
    if (!app.scripted) return false;
    m.worker.join();  // a screenshot shows the model, however busy the machine is
    m.worker = std::jthread();
  }
  end_load(app);
  return app.model.of(s) != nullptr;
}

}  // namespace attnlab::gui
