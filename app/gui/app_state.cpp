#include "app/gui/app_state.hpp"

#include <algorithm>
#include <chrono>

#include "app/gui/export.hpp"
#include "core/resize.hpp"

namespace attnlab::gui {
namespace {

// Everything but dk and the view settings (query, stage, fonts, theme) decides the inputs.
bool same_inputs_but_dk(const Settings& a, const Settings& b) {
  return a.source == b.source && a.example == b.example && a.q_path == b.q_path && a.k_path == b.k_path &&
         a.v_path == b.v_path && a.lq == b.lq && a.lk == b.lk && a.dv == b.dv && a.seed == b.seed &&
         a.sigma == b.sigma;
}
bool same_scale(const Settings& a, const Settings& b) {
  return a.scale == b.scale && a.scale_value == b.scale_value && a.temperature == b.temperature;
}
bool same_mask(const Settings& a, const Settings& b) { return a.mask == b.mask && a.painted == b.painted; }
bool same_precision(const Settings& a, const Settings& b) {
  return a.precision == b.precision && a.subtract_max == b.subtract_max && a.mask_value == b.mask_value;
}

void clamp_view(AppState& app) {
  app.settings.query = std::clamp(app.settings.query, 0, static_cast<int>(app.problem().lq()) - 1);
}

}  // namespace

const ColourRange& stage_colours(AppState& app) {
  auto& c = app.colours;
  if (c.generation != app.generation || c.stage != app.settings.stage || c.stretch != app.stretch_weights) {
    c.range = colour_range(app.trace().stage(app.settings.stage), app.settings.stage == Stage::weights, app.stretch_weights);
    c.generation = app.generation, c.stage = app.settings.stage, c.stretch = app.stretch_weights;
  }
  return c.range;
}

const ColormapTable& stage_table(Stage stage) { return stage == Stage::weights ? viridis() : diverging(); }

void start(AppState& app, std::unique_ptr<Backend> backend) {
  app.backend_note = backend->description();
  app.engine = std::make_unique<Engine>(std::move(backend));
  app.engine->set_problem(build_problem(app.settings));
  app.applied = app.settings;
  clamp_view(app);
}

// The backend named in the settings, when it changed; a backend that cannot start keeps the CPU.
void apply_backend(AppState& app) {
  if (app.settings.backend == app.applied.backend || !app.open_backend) return;
  std::string why;
  app.engine->set_backend(app.open_backend(app.settings.backend, why));
  app.backend_note = app.engine->backend().description() + (why.empty() ? "" : " — " + why);
  app.applied.backend = app.settings.backend;
  app.engine->trace();
  ++app.generation;
}

void apply(AppState& app) {
  apply_backend(app);
  Settings& s = app.settings;
  const Settings& old = app.applied;
  const bool inputs = !same_inputs_but_dk(s, old), dk = s.dk != old.dk;
  const bool scale = !same_scale(s, old), mask = !same_mask(s, old), precision = !same_precision(s, old);
  if (!inputs && !dk && !scale && !mask && !precision) return;
  const auto start_time = std::chrono::steady_clock::now();
  try {
    if (inputs) {
      app.engine->set_problem(build_problem(s));
    } else if (dk) {
      // The dk slider: the same tokens, columns kept or added; nothing else is rebuilt.
      Problem next = with_dk(app.problem(), s.dk > 0 ? s.dk : native_dk(s), s.seed, s.sigma);
      next.mask = build_mask(s, next.lq(), next.lk());
      next.scale = build_scale(s);
      next.temperature = s.temperature;
      next.precision = build_precision(s);
      app.engine->set_problem(std::move(next));
    } else {
      if (scale) {
        app.engine->set_scale(build_scale(s));
        app.engine->set_temperature(s.temperature);
      }
      if (mask) app.engine->set_mask(build_mask(s, app.problem().lq(), app.problem().lk()));
      if (precision) app.engine->set_precision(build_precision(s));
    }
    // The precision lab is emulated on the CPU: the GPU path computes in float32 only.
    if (!app.problem().precision.is_default() && app.engine->backend().name() == "gpu" && app.open_backend) {
      std::string why;
      app.engine->set_backend(app.open_backend("cpu", why));
      app.backend_note = app.engine->backend().description() + " — the precision lab runs on the CPU";
    }
    app.engine->trace();
    app.applied = s;
    app.error.clear();
    ++app.generation;
  } catch (const std::exception& e) {
    app.error = e.what();  // the engine still holds the last good problem and trace
  }
  app.last_compute_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_time).count();
  clamp_view(app);
}

void act(AppState& app, Action action) {
  Settings& s = app.settings;
  const int stage = static_cast<int>(s.stage);
  switch (action) {
    case Action::next_stage: s.stage = static_cast<Stage>(std::min(stage + 1, 4)); break;
    case Action::previous_stage: s.stage = static_cast<Stage>(std::max(stage - 1, 0)); break;
    case Action::next_query: s.query = std::min(s.query + 1, static_cast<int>(app.problem().lq()) - 1); break;
    case Action::previous_query: s.query = std::max(s.query - 1, 0); break;
    case Action::play:
      app.playing = !app.playing;
      app.play_clock = 0;
      if (app.playing && s.stage == Stage::output) s.stage = Stage::scores;
      break;
    case Action::dk_up: s.dk = std::min(2 * static_cast<int>(app.problem().dk()), 1024); break;
    case Action::dk_down: s.dk = std::max(static_cast<int>(app.problem().dk()) / 2, 1); break;
    case Action::toggle_present: s.present = !s.present; break;
    case Action::toggle_scaling: s.scale = s.scaling_on() ? "none" : "sqrt"; break;
    case Action::toggle_explorer:
      app.show_explorer = !app.show_explorer;  // the layout follows at once; the tab bar next frame
      app.explorer_requested = app.show_explorer ? 1 : 0;
      break;
    case Action::toggle_tiles: app.tiles = !app.tiles, app.tile_step = 0; break;
    case Action::next_tile: ++app.tile_step; break;  // draw_tiles clamps it to the tiles there are
    case Action::previous_tile: app.tile_step = std::max(app.tile_step - 1, 0); break;
    case Action::export_stage:
    case Action::export_all:
      try {
        app.status = action == Action::export_all ? export_all(app, app.typed.export_dir) : export_stage(app, app.typed.export_dir);
      } catch (const std::exception& e) {
        app.status = std::string("export failed: ") + e.what();
      }
      app.status_clock = 4;
      break;
  }
  apply(app);
}

Action parse_action(std::string_view name) {
  static const std::pair<std::string_view, Action> names[] = {
      {"next-stage", Action::next_stage}, {"previous-stage", Action::previous_stage}, {"next-query", Action::next_query},
      {"previous-query", Action::previous_query}, {"play", Action::play}, {"dk-up", Action::dk_up},
      {"dk-down", Action::dk_down}, {"present", Action::toggle_present}, {"scaling", Action::toggle_scaling}, {"explorer", Action::toggle_explorer},
      {"export", Action::export_stage}, {"export-all", Action::export_all},
      {"tiles", Action::toggle_tiles}, {"next-tile", Action::next_tile}, {"previous-tile", Action::previous_tile}};
  std::string list;
  for (const auto& [n, action] : names) {
    if (n == name) return action;
    list += (list.empty() ? "" : ", ") + std::string(n);
  }
  throw InputError("action '" + std::string(name) + "' is not one of " + list);
}

void tick(AppState& app, double seconds, double seconds_per_stage) {
  if (app.status_clock > 0 && (app.status_clock -= seconds) <= 0) app.status.clear();
  if (!app.playing) return;
  app.play_clock += seconds;
  if (app.play_clock < seconds_per_stage) return;
  app.play_clock = 0;
  if (app.settings.stage == Stage::output)
    app.playing = false;
  else
    act(app, Action::next_stage);
}

}  // namespace attnlab::gui
