#include "app/gui/app_state.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/gui/export.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/platform.hpp"
#include "core/base/excerpt.hpp"

namespace attnlab::gui {
namespace {

// Everything but dk and the view settings (query, stage, fonts, theme) decides the inputs.
bool same_inputs_but_dk(const Settings& a, const Settings& b) {
  return a.source == b.source && a.example == b.example && a.model_folder == b.model_folder &&
         a.model_text == b.model_text && a.layer == b.layer && a.q_path == b.q_path && a.k_path == b.k_path &&
         a.v_path == b.v_path && a.lq == b.lq && a.lk == b.lk && a.dv == b.dv && a.seed == b.seed &&
         a.sigma == b.sigma && a.heads == b.heads && a.kv_heads == b.kv_heads;
}
bool same_scale(const Settings& a, const Settings& b) {
  return a.scale == b.scale && a.scale_value == b.scale_value && a.temperature == b.temperature;
}
bool same_mask(const Settings& a, const Settings& b) {
  return a.mask == b.mask && a.painted == b.painted;
}
bool same_precision(const Settings& a, const Settings& b) {
  return a.precision == b.precision && a.subtract_max == b.subtract_max && a.mask_value == b.mask_value;
}

void clamp_view(AppState& app) {
  app.settings.query = std::clamp(app.settings.query, 0, static_cast<int>(app.problem().lq()) - 1);
  app.settings.head = std::clamp(app.settings.head, 0, static_cast<int>(app.heads.heads()) - 1);
}

// Loads the source when its settings changed, then builds every head and gives the engine the
// selected one. Nothing is kept unless all of it succeeds.
void rebuild(AppState& app, bool reload) {
  HeadsProblem source = reload ? load_source(app.settings) : app.source;
  HeadsProblem heads = build_heads(app.settings, source);
  const Index head = std::clamp<Index>(app.settings.head, 0, heads.heads() - 1);
  app.engine->set_problem(head_problem(heads, head));
  app.source = std::move(source);
  app.heads = std::move(heads);
  app.settings.head = static_cast<int>(head);
}

}  // namespace

ColourSpan colour_span(const Settings& s) {
  ColourSpan span;
  span.stretch = s.stretch_weights, span.shared = s.shared_range;
  return span;
}

const ColourRange& stage_colours(AppState& app) {
  auto& c = app.colours;
  const Settings& s = app.settings;
  if (c.generation != app.generation || c.stage != s.stage || c.stretch != s.stretch_weights ||
      c.shared != s.shared_range) {
    const StageColours colours = trace_colours({&app.trace()}, s.stage, "", colour_span(s));
    c.range = {colours.lo, colours.hi, s.stage != Stage::weights};
    c.generation = app.generation, c.stage = s.stage, c.stretch = s.stretch_weights, c.shared = s.shared_range;
  }
  return c.range;
}

const ColormapTable& stage_table(Stage stage) {
  return stage == Stage::weights ? viridis() : diverging();
}

namespace {

// Block means down to at most `most` cells a side: a grid thumbnail needs no more, and H full
// Lq × Lk matrices at L = 4096 would be H × 64 MiB.
Matrix pooled(const Matrix& m, Index most) {
  const Index rows = std::min(m.rows(), most), cols = std::min(m.cols(), most);
  if (rows == m.rows() && cols == m.cols()) return m;
  Matrix out = Matrix::Zero(rows, cols), count = Matrix::Zero(rows, cols);
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) {
      const Index r = i * rows / m.rows(), c = j * cols / m.cols();
      out(r, c) += m(i, j), count(r, c) += 1;
    }
  return out.cwiseQuotient(count);
}

}  // namespace

const AppState::HeadGrid& head_grid(AppState& app) {
  auto& grid = app.grid;
  if (grid.generation == app.generation) return grid;
  constexpr Index most = 128;
  // The mask is shared by every head: a thumbnail cell is masked when its whole block is.
  const Matrix& masked = app.trace().masked;
  grid.masked = pooled(masked.unaryExpr([](float x) { return std::isinf(x) && x < 0 ? 1.0f : 0.0f; }), most)
                    .unaryExpr([](float all) { return all == 1.0f ? -INFINITY : 0.0f; });
  grid.weights.resize(static_cast<std::size_t>(app.heads.heads()));
  Trace trace;  // one head at a time: the grid keeps thumbnails only
  for (Index h = 0; h < app.heads.heads(); ++h) {
    Matrix& weights = grid.weights[static_cast<std::size_t>(h)];
    if (h == app.applied.head) {
      weights = pooled(app.trace().weights, most);
    } else {
      app.engine->backend().compute(head_problem(app.heads, h), trace);
      weights = pooled(trace.weights, most);
    }
  }
  grid.generation = app.generation;
  return grid;
}

const AppState::ModelGrid& model_grid(AppState& app) {
  auto& grid = app.model_grid;
  if (grid.generation == app.generation) return grid;
  constexpr Index most = 64;
  const auto run = loaded_model(app.applied.model_folder, app.applied.model_text);
  grid.layers = run ? run->model.config.layers : 0;
  grid.heads = app.heads.heads();
  grid.weights.clear(), grid.masked.clear();
  Trace trace;
  for (Index l = 0; l < grid.layers; ++l) {
    Settings layer_settings = app.applied;  // each layer with its own mask and scale where the user kept them
    layer_settings.layer = static_cast<int>(l);
    follow_layer(layer_settings, app.applied.layer);
    const HeadsProblem layer = build_heads(layer_settings, model_source(layer_settings));
    for (Index h = 0; h < layer.heads(); ++h) {
      app.engine->backend().compute(head_problem(layer, h), trace);
      grid.weights.push_back(pooled(trace.weights, most));
    }
    grid.masked.push_back(
        pooled(trace.masked.unaryExpr([](float x) { return std::isinf(x) && x < 0 ? 1.0f : 0.0f; }), most)
            .unaryExpr([](float all) { return all == 1.0f ? -INFINITY : 0.0f; }));
  }
  grid.generation = app.generation;
  return grid;
}

void start(AppState& app, std::unique_ptr<Backend> backend) {
  app.backend_note = backend->description();
  app.engine = std::make_unique<Engine>(std::move(backend));
  rebuild(app, true);
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

// True when the model these settings name is loaded; else starts or follows its loading on the
// worker (a scripted run waits for it) and says why the data stays as it was.
bool model_ready(AppState& app) {
  const Settings& s = app.settings;
  auto& m = app.model_load;
  for (;;) {
    if (m.worker.joinable()) {
      if (!m.finished && !app.scripted) return false;
      m.worker.join();
      m.worker = std::jthread();
      if (!m.error.empty()) {
        m.failed_folder = m.folder, m.failed_text = m.text;
        app.error = m.error;
      }
      app.status.clear();
    }
    if (loaded_model(s.model_folder, s.model_text)) return true;
    if (m.failed_folder == s.model_folder && m.failed_text == s.model_text) return false;  // its error is shown
    m.folder = s.model_folder, m.text = s.model_text;
    m.error.clear();
    m.finished = false;
    m.phase = nullptr, m.done = 0, m.total = 0;
    app.status = "loading " + m.folder + " …";
    app.status_clock = 0;
    auto load = [&m, folder = m.folder, text = m.text] {
      try {
        load_model_run(folder, text, [&m](const char* phase, Index done, Index total) {
          m.total = total, m.done = done, m.phase = phase;
        });
      } catch (const std::exception& e) {
        m.error = e.what();
      }
      m.finished = true;
    };
    if (!platform::threads_available()) {
      // A web page has one thread: the run takes a frame of its own, after a frame that says it comes.
      if (!app.scripted && !m.announced) {
        m.announced = true;
        return false;
      }
      m.announced = false;
      load();
      if (!m.error.empty()) m.failed_folder = m.folder, m.failed_text = m.text, app.error = m.error;
      app.status.clear();
      continue;
    }
    m.worker = std::jthread(load);
  }
}

void apply(AppState& app) {
  apply_backend(app);
  Settings& s = app.settings;
  if (s.source == "model" && !model_ready(app)) return;
  const Settings& old = app.applied;
  if (s.source == "model" && old.source == "model" && s.model_folder == old.model_folder &&
      s.model_text == old.model_text)
    follow_layer(s, old.layer);
  const bool inputs = !same_inputs_but_dk(s, old), dk = s.dk != old.dk, head = s.head != old.head;
  const bool scale = !same_scale(s, old), mask = !same_mask(s, old), precision = !same_precision(s, old);
  if (!inputs && !dk && !head && !scale && !mask && !precision) return;
  const auto start_time = std::chrono::steady_clock::now();
  try {
    if (inputs || dk || head) {
      // The dk slider and the head selector reuse the loaded source: same tokens, no file read.
      rebuild(app, inputs);
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
    // The other heads follow the selected one's settings.
    app.heads.mask = app.problem().mask, app.heads.scale = app.problem().scale;
    app.heads.temperature = app.problem().temperature, app.heads.precision = app.problem().precision;
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

namespace {

// `settings` with the view of `view`: what undo and redo leave alone.
Settings with_view(Settings settings, const Settings& view) {
  settings.stage = view.stage, settings.query = view.query, settings.head = view.head;
  settings.present = view.present, settings.light = view.light, settings.font_scale = view.font_scale;
  return settings;
}

bool same_but_view(const Settings& a, const Settings& b) {
  return to_json(with_view(a, b)) == to_json(b);
}

}  // namespace

void remember(AppState& app) {
  auto& h = app.history;
  if (h.last && same_but_view(*h.last, app.settings)) return;
  if (h.last) {
    h.undo.push_back(*h.last);
    h.redo.clear();
    constexpr std::size_t most = 200;
    if (h.undo.size() > most) h.undo.erase(h.undo.begin());
  }
  h.last = app.settings;
}

void reset_to_defaults(Settings& s) {
  Settings fresh;
  // The inputs stay: the same example, files or random sizes, at their own width.
  fresh.source = s.source, fresh.example = s.example, fresh.q_path = s.q_path, fresh.k_path = s.k_path;
  fresh.v_path = s.v_path, fresh.lq = s.lq, fresh.lk = s.lk, fresh.dv = s.dv, fresh.seed = s.seed,
  fresh.sigma = s.sigma;
  fresh.backend = s.backend;
  s = with_view(fresh, s);
  s.head = 0;
}

const std::vector<std::string>& mask_kinds() {
  static const std::vector<std::string> kinds{"none", "causal", "causal-bottom-right", "window", "padding"};
  return kinds;
}

void set_mask_kind(AppState& app, const std::string& kind) {
  Settings& s = app.settings;
  if (kind == "window") {
    s.mask = "window:3";
  } else if (kind == "padding") {
    s.mask = "padding:" + std::to_string(std::max<Index>(1, app.problem().lk() - 2));
  } else if (kind == "painted") {
    // Painting starts from what the current mask allows, not from an empty mask.
    const Matrix& masked = app.trace().masked;
    if (s.mask != "painted") {
      s.painted.assign(static_cast<std::size_t>(masked.size()), 1);
      for (Index c = 0; c < masked.size(); ++c)
        s.painted[static_cast<std::size_t>(c)] = std::isinf(masked.data()[c]) && masked.data()[c] < 0 ? 0 : 1;
    }
    s.mask = "painted";
  } else {
    s.mask = kind;
  }
}

namespace {

// The mask kind after (or before) the current one in mask_kinds(); a painted mask steps to none.
std::string step_mask(const std::string& mask, int direction) {
  const auto& kinds = mask_kinds();
  const std::string kind = mask.substr(0, mask.find(':'));
  const auto at = std::find(kinds.begin(), kinds.end(), kind);
  if (at == kinds.end()) return kinds.front();
  const auto n = static_cast<int>(kinds.size());
  return kinds[static_cast<std::size_t>(((at - kinds.begin()) + direction + n) % n)];
}

}  // namespace

void act(AppState& app, Action action) {
  Settings& s = app.settings;
  // The problem's stages: the five, and capped when it has a soft-cap.
  const std::span<const Stage> stages = stages_with(app.problem().softcap.has_value());
  const auto stage = std::find(stages.begin(), stages.end(), s.stage) - stages.begin();
  const auto last = static_cast<std::ptrdiff_t>(stages.size()) - 1;
  switch (action) {
    case Action::next_stage: s.stage = stages[static_cast<std::size_t>(std::min(stage + 1, last))]; break;
    case Action::previous_stage:
      s.stage = stages[static_cast<std::size_t>(std::max<std::ptrdiff_t>(stage - 1, 0))];
      break;
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
    case Action::toggle_heads: {
      const auto tab = action == Action::toggle_explorer ? AppState::Tab::explorer : AppState::Tab::heads;
      app.tab = app.tab == tab ? AppState::Tab::stepper : tab;
      break;
    }
    case Action::next_mask: set_mask_kind(app, step_mask(s.mask, 1)); break;
    case Action::previous_mask: set_mask_kind(app, step_mask(s.mask, -1)); break;
    case Action::toggle_help: app.help = !app.help; break;
    case Action::close_help: app.help = false; break;
    case Action::toggle_fullscreen: app.fullscreen = !app.fullscreen; break;
    case Action::zoom_in:
    case Action::zoom_out: {
      // About the selected query's row, in the middle of the columns on screen.
      const auto [rows, cols] = stage_shape(app);
      const float col = app.zoom.col0 + 0.5f * static_cast<float>(cols) / app.zoom.scale;
      zoom_heatmap(app.zoom, action == Action::zoom_in ? 2.0f : 0.5f, static_cast<float>(s.query) + 0.5f, col, rows,
                   cols);
      break;
    }
    case Action::zoom_reset: app.zoom = {}; break;
    case Action::undo:
    case Action::redo: {
      auto& from = action == Action::undo ? app.history.undo : app.history.redo;
      auto& to = action == Action::undo ? app.history.redo : app.history.undo;
      remember(app);  // a change not yet remembered is the one undone (and forgets what was undone)
      if (from.empty()) break;
      to.push_back(with_view(*app.history.last, s));
      s = with_view(from.back(), s);
      from.pop_back();
      app.history.last = s;
      break;
    }
    case Action::reset: reset_to_defaults(s); break;
    case Action::toggle_theme: s.light = !s.light; break;
    case Action::wait: break;
    case Action::next_head: s.head = std::min(s.head + 1, static_cast<int>(app.heads.heads()) - 1); break;
    case Action::previous_head: s.head = std::max(s.head - 1, 0); break;
    case Action::next_layer:
    case Action::previous_layer:
      if (s.source != "model") break;
      if (const auto run = loaded_model(s.model_folder, s.model_text))
        s.layer = std::clamp(s.layer + (action == Action::next_layer ? 1 : -1), 0,
                             static_cast<int>(run->model.config.layers) - 1);
      break;
    case Action::toggle_tiles:
      app.tiles = !app.tiles, app.tile_step = 0;
      if (app.tiles) app.tab = AppState::Tab::stepper;  // where the tiles show
      break;
    case Action::next_tile: ++app.tile_step; break;  // draw_tiles clamps it to the tiles there are
    case Action::previous_tile: app.tile_step = std::max(app.tile_step - 1, 0); break;
    case Action::export_stage:
    case Action::export_all:
      try {
        app.status = action == Action::export_all ? export_all(app, app.typed.export_dir)
                                                  : export_stage(app, app.typed.export_dir);
      } catch (const std::exception& e) {
        app.status = std::string("export failed: ") + e.what();
      }
      app.status_clock = 4;
      break;
  }
  apply(app);
}

namespace {

constexpr std::pair<std::string_view, Action> action_table[] = {{"next-stage", Action::next_stage},
                                                                {"previous-stage", Action::previous_stage},
                                                                {"next-query", Action::next_query},
                                                                {"previous-query", Action::previous_query},
                                                                {"play", Action::play},
                                                                {"dk-up", Action::dk_up},
                                                                {"dk-down", Action::dk_down},
                                                                {"present", Action::toggle_present},
                                                                {"scaling", Action::toggle_scaling},
                                                                {"explorer", Action::toggle_explorer},
                                                                {"export", Action::export_stage},
                                                                {"export-all", Action::export_all},
                                                                {"tiles", Action::toggle_tiles},
                                                                {"next-tile", Action::next_tile},
                                                                {"previous-tile", Action::previous_tile},
                                                                {"heads", Action::toggle_heads},
                                                                {"next-head", Action::next_head},
                                                                {"previous-head", Action::previous_head},
                                                                {"next-layer", Action::next_layer},
                                                                {"previous-layer", Action::previous_layer},
                                                                {"mask", Action::next_mask},
                                                                {"previous-mask", Action::previous_mask},
                                                                {"help", Action::toggle_help},
                                                                {"zoom-in", Action::zoom_in},
                                                                {"zoom-out", Action::zoom_out},
                                                                {"zoom-reset", Action::zoom_reset},
                                                                {"undo", Action::undo},
                                                                {"redo", Action::redo},
                                                                {"reset", Action::reset},
                                                                {"theme", Action::toggle_theme},
                                                                {"wait", Action::wait}};

}  // namespace

std::vector<std::string_view> action_names() {
  std::vector<std::string_view> names;
  for (const auto& [name, action] : action_table) names.push_back(name);
  return names;
}

Action parse_action(std::string_view name) {
  std::string list;
  for (const auto& [n, action] : action_table) {
    if (n == name) return action;
    list += (list.empty() ? "" : ", ") + std::string(n);
  }
  throw InputError("action '" + excerpt(name) + "' is not one of " + list);
}

void zoom_heatmap(AppState::Zoom& zoom, float factor, float row, float col, Index rows, Index cols) {
  // The largest zoom shows about four cells across the shorter side.
  const float most = std::max(1.0f, static_cast<float>(std::min(rows, cols)) / 4);
  const float scale = std::clamp(zoom.scale * factor, 1.0f, std::max(most, 1.0f));
  const float kept = zoom.scale / scale;  // how much of the old distance to the anchor remains
  const auto clamp_start = [&](float start, Index count) {
    return std::clamp(start, 0.0f, static_cast<float>(count) * (1 - 1 / scale));
  };
  zoom.row0 = clamp_start(row - (row - zoom.row0) * kept, rows);
  zoom.col0 = clamp_start(col - (col - zoom.col0) * kept, cols);
  zoom.scale = scale;
}

std::pair<Index, Index> stage_shape(AppState& app) {
  const Matrix& m = app.trace().stage(app.settings.stage);
  return {m.rows(), m.cols()};
}

void tick(AppState& app, double seconds, double seconds_per_stage) {
  if (app.status_clock > 0 && (app.status_clock -= seconds) <= 0) app.status.clear();
  if (!app.playing) return;
  app.play_clock += seconds;
  if (app.play_clock < seconds_per_stage) return;
  app.play_clock = 0;
  if (app.settings.stage == Stage::output) app.playing = false;
  else act(app, Action::next_stage);
}

}  // namespace attnlab::gui
