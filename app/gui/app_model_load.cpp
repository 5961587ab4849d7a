// The real model's forward pass, off the frame loop: on a worker thread on the desktop, in a frame of
// its own on a web page (one thread), waited for in a scripted run. A Hub id is downloaded on the same
// worker first (on a page by the browser, between frames), its progress shown each frame, cancelled by
// the Cancel button.
#include "app/gui/app_state.hpp"
#include "app/gui/platform.hpp"

namespace attnlab::gui {
namespace {

// Starts the load of the folder (or Hub id) and text the settings name: the status line says it comes.
void begin_load(AppState& app) {
  auto& m = app.model_load;
  m.folder = app.settings.model_folder, m.text = app.settings.model_text;
  m.wanted = app.settings;
  m.base.reset();
  if (app.model.of(m.folder, m.text)) m.base = app.model;  // the same tokens: only heads knocked out or back
  m.result = {};
  m.error.clear();
  m.finished = false;
  m.phase = nullptr, m.done = 0, m.total = 0;
  m.hub = !m.base && platform::is_hub_model(m.folder);
  m.downloading = m.hub, m.cancel = false;
  m.download = {};
  app.status = m.base   ? (m.wanted.ablate.empty() ? std::string("bringing every head back …")
                                                : "knocking out " + m.wanted.ablate + " …")
               : m.hub ? "opening " + m.folder + " from the Hugging Face cache or the Hub …"
                       : "loading " + m.folder + " …";
  app.status_clock = 0;
}

void finish(AppState::ModelLoad& m) {
  {
    const std::lock_guard lock(m.mutex);
    m.finished = true;
  }
  m.changed.notify_all();
}

// The folder to load: on a page, empty while the browser still fetches a Hub model's files.
std::string folder_of(AppState::ModelLoad& m) {
  return platform::model_folder(
      m.folder,
      [&m](const platform::DownloadProgress& p) {
        {
          const std::lock_guard lock(m.mutex);
          m.download = p;
        }
        m.changed.notify_all();
      },
      m.cancel);
}

// The load itself, on whichever thread runs it: the run, or why it was refused, then `finished`.
void load(AppState::ModelLoad& m) {
  const ModelProgress progress = [&m](const char* phase, Index done, Index total) {
    m.total = total, m.done = done, m.phase = phase;
  };
  try {
    if (m.base) {
      m.downloading = false;
      m.result = knock_out(*m.base, m.wanted, progress);
      return finish(m);
    }
    const std::string folder = folder_of(m);
    m.downloading = false;
    m.result = load_model_run(folder, m.text, progress);
    m.result.folder = m.folder;  // the run is of what the settings name: the Hub id, not its snapshot
    m.result = knock_out(m.result, m.wanted, progress);
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  finish(m);
}

// A finished load's outcome: the run kept, or the refusal shown and not tried again until the folder
// or the text changes.
void end_load(AppState& app) {
  auto& m = app.model_load;
  if (m.result.run) {
    const bool other_model = app.model.folder != m.result.folder;
    app.model = std::move(m.result);
    if (app.model_start && app.model.of(app.settings)) {
      try {
        start_settings(*app.model_start, app.model.run->model.config, app.settings);
      } catch (const std::exception& e) {
        app.error = e.what();  // a --layer the model does not have: said as the command line says it
      }
      app.model_start.reset();
    } else if (other_model && app.model.of(app.settings)) {
      follow_model(app.model.run->model.config, app.settings);  // a model picked in the window: its own mask, scale, cap
    }
  }
  if (!m.error.empty())
    m.failed_folder = m.folder, m.failed_text = m.text, m.failed_ablate = m.wanted.ablate, app.error = m.error;
  m.base.reset();  // the old run is not kept alive by the worker's copy
  if (m.hub) app.typed.cached_hub.reset();  // the cache may hold one more model
  app.status.clear();
}

// A web page has one thread: a Hub model's files come from the browser while the frames go on, each
// frame asking how far (the download bar shows it); then the run takes a frame of its own, after a
// frame that says it comes.
bool ready_in_frames(AppState& app) {
  const Settings& s = app.settings;
  auto& m = app.model_load;
  if (m.fetching && (m.folder != s.model_folder || m.text != s.model_text)) {
    if (m.folder != s.model_folder) {  // another model chosen: this one's download stops
      m.cancel = true;
      try {
        folder_of(m);
      } catch (const std::exception&) {
        // Nothing to say about a download no longer wanted.
      }
    }
    m.fetching = false;
  }
  if (!m.fetching) begin_load(app), m.fetching = m.hub;
  if (m.fetching) {
    try {
      if (folder_of(m).empty()) return false;
    } catch (const std::exception& e) {
      m.error = e.what();
    }
    m.fetching = false, m.downloading = false;
    if (!m.error.empty()) {
      finish(m);
      end_load(app);
      return false;
    }
  }
  if (!app.scripted && !m.announced) {
    m.announced = true;
    return false;
  }
  m.announced = false;
  load(m);
  end_load(app);
  return app.model.of(s) != nullptr;
}

}  // namespace

bool model_ready(AppState& app) {
  const Settings& s = app.settings;
  auto& m = app.model_load;
  if (m.worker.joinable()) {
    // Another model chosen while one downloads: that download stops (what came is kept) and this one
    // starts once the worker is free.
    if (m.hub && !m.finished && m.folder != s.model_folder) m.cancel = true;
    // A scripted run waits for a folder's run, so that its pictures are complete; a download it
    // shows as a user sees it (its --actions wait for it).
    if (!m.finished && (!app.scripted || m.hub)) return false;
    m.worker.join();
    m.worker = std::jthread();
    end_load(app);
  }
  if (app.model.of(s)) return true;
  if (m.failed_folder == s.model_folder && m.failed_text == s.model_text && m.failed_ablate == s.ablate)
    return false;  // its error is shown
  if (!platform::threads_available()) return ready_in_frames(app);
  begin_load(app);
  m.worker = std::jthread([&m] { load(m); });
  if (!app.scripted || m.hub) return false;
  m.worker.join();  // a screenshot shows the model, however busy the machine is
  m.worker = std::jthread();
  end_load(app);
  return app.model.of(s) != nullptr;
}

void wait_for_model(AppState& app, bool progress_is_enough) {
  auto& m = app.model_load;
  if (!m.worker.joinable()) return;
  std::unique_lock lock(m.mutex);
  // Part of the weights there: the files before them are small and may come whole at once.
  const auto partly = [&m] {
    return m.download.file.ends_with(".safetensors") && m.download.fraction > 0 && m.download.fraction < 1;
  };
  m.changed.wait(lock, [&m, progress_is_enough, partly] { return m.finished || (progress_is_enough && partly()); });
}

}  // namespace attnlab::gui
