#include "app/gui/app_actions.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/knockouts.hpp"
#include "core/base/error.hpp"
#include "core/base/quote.hpp"

namespace attnlab::gui {
namespace {

// `settings` with the view of `view`: what undo and redo leave alone.
Settings with_view(Settings settings, const Settings& view) {
  copy_parts(view, settings, {Part::view});
  return settings;
}

// The mask kind after (or before) the current one in mask_kinds(); a painted mask steps to none.
std::string step_mask(const std::string& mask, int direction) {
  const auto& kinds = mask_kinds();
  const std::string kind = mask.substr(0, mask.find(':'));
  const auto at = std::find(kinds.begin(), kinds.end(), kind);
  if (at == kinds.end()) return kinds.front();
  const auto n = static_cast<int>(kinds.size());
  return kinds[static_cast<std::size_t>(((at - kinds.begin()) + direction + n) % n)];
}

// Undo (or redo): the settings before the last change (or the change undone), the view kept.
void step_history(AppState& app, bool undo) {
  auto& from = undo ? app.history.undo : app.history.redo;
  auto& to = undo ? app.history.redo : app.history.undo;
  remember(app);  // a change not yet remembered is the one undone (and forgets what was undone)
  if (from.empty()) return;
  Settings& s = app.settings;
  to.push_back(with_view(*app.history.last, s));
  s = with_view(from.back(), s);
  from.pop_back();
  app.history.last = s;
}

// About the selected query's row, in the middle of the columns on screen.
void zoom_step(AppState& app, float factor) {
  const Matrix& m = app.trace().stage(app.settings.stage);
  const float col = app.zoom.col0 + 0.5f * static_cast<float>(m.cols()) / app.zoom.scale;
  zoom_heatmap(app.zoom, factor, static_cast<float>(app.settings.query) + 0.5f, col, m.rows(), m.cols());
  show_row(app.zoom, app.settings.query, m.rows());
}

// E and "Export all stages": the figures in the export folder, or why not, on the status line.
void export_shown(AppState& app, bool all) {
  try {
    const ExportSource source = export_source(app);
    app.status =
        all ? export_all(source, app.typed.export_dir) : export_stage(source, app.settings.stage, app.typed.export_dir);
  } catch (const std::exception& e) {
    app.status = std::string("export failed: ") + e.what();
  }
  app.status_clock = 4;
}

// J and K: the next or previous layer of the loaded model.
void step_layer(AppState& app, int direction) {
  Settings& s = app.settings;
  if (s.source != Source::model) return;
  if (const ModelRun* run = app.model.of(s))
    s.layer = std::clamp(s.layer + direction, 0, static_cast<int>(run->model.config.layers) - 1);
}

}  // namespace

// A trained head's dₖ is the model's: more dimensions would be random ones, fewer would drop learnt
// ones, and the weights shown would no longer be the model's. The status line says so.
bool dk_is_fixed(AppState& app) {
  if (app.settings.source != Source::model) return false;
  app.status = "dₖ = " + std::to_string(app.problem().dk()) +
               " is this model's own: a trained head has no other width (+, − and the slider change examples)";
  app.status_clock = 4;
  return true;
}

namespace {

// G and Shift+G: the tokens the next frames generate (app_generate.hpp), unless a run is under way.
void ask_tokens(Generating& g, int count) {
  if (g.running()) return;
  g.wanted = g.asked = count, g.made = 0, g.cancel = false;
}

// The tabs D and H open, or close again to the stepper.
void toggle_tab(AppState& app, AppState::Tab tab) {
  app.tab = app.tab == tab ? AppState::Tab::stepper : tab;
}

// The actions that change a setting; false for the others.
bool act_on_settings(AppState& app, Action action) {
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
    case Action::dk_up:
      if (!dk_is_fixed(app)) s.dk = std::min(2 * static_cast<int>(app.problem().dk()), 1024);
      break;
    case Action::dk_down:
      if (!dk_is_fixed(app)) s.dk = std::max(static_cast<int>(app.problem().dk()) / 2, 1);
      break;
    case Action::toggle_present: s.present = !s.present; break;
    case Action::toggle_scaling: s.scale = s.scaling_on() ? ScaleSpec::Kind::none : ScaleSpec::Kind::sqrt; break;
    case Action::toggle_softcap: s.softcap_on = !s.softcap_on; break;
    case Action::toggle_sink: s.sink_on = !s.sink_on; break;
    case Action::toggle_qk_norm:
      if (shows_qk_norm(s, app.model)) s.qk_norm_before = !s.qk_norm_before;
      break;
    case Action::next_mask: set_mask_kind(app, step_mask(s.mask, 1)); break;
    case Action::previous_mask: set_mask_kind(app, step_mask(s.mask, -1)); break;
    case Action::undo: step_history(app, true); break;
    case Action::redo: step_history(app, false); break;
    case Action::reset: reset_to_defaults(s); break;
    case Action::toggle_theme: s.light = !s.light; break;
    case Action::toggle_motion: s.motion = !s.motion; break;
    case Action::next_head: s.head = std::min(s.head + 1, static_cast<int>(app.heads.heads()) - 1); break;
    case Action::previous_head: s.head = std::max(s.head - 1, 0); break;
    case Action::next_layer: step_layer(app, 1); break;
    case Action::previous_layer: step_layer(app, -1); break;
    case Action::toggle_knockout:
      if (s.source == Source::model) toggle_knockout(s, s.layer, s.head);
      break;
    default: return false;
  }
  return true;
}

// The actions on the window around the settings: the tabs, the overlay, the zoom, the tiles, play, export.
void act_on_window(AppState& app, Action action) {
  switch (action) {
    case Action::play:
      app.playing = !app.playing;
      app.play_clock = 0;
      if (app.playing && app.settings.stage == Stage::output) app.settings.stage = Stage::scores;
      break;
    case Action::toggle_explorer: toggle_tab(app, AppState::Tab::explorer); break;
    case Action::toggle_heads: toggle_tab(app, AppState::Tab::heads); break;
    case Action::toggle_scores: toggle_tab(app, AppState::Tab::scores); break;
    case Action::toggle_generation: toggle_tab(app, AppState::Tab::generate); break;
    case Action::toggle_compare: toggle_tab(app, AppState::Tab::compare); break;
    case Action::toggle_rollout: toggle_tab(app, AppState::Tab::rollout); break;
    case Action::toggle_help: app.help = !app.help; break;
    case Action::close_help: app.help = false; break;
    case Action::toggle_fullscreen: app.fullscreen = !app.fullscreen; break;
    case Action::zoom_in: zoom_step(app, 2.0f); break;
    case Action::zoom_out: zoom_step(app, 0.5f); break;
    case Action::zoom_reset: app.zoom = {}; break;
    case Action::toggle_tiles:
      app.tiles = !app.tiles, app.tile_step = 0;
      if (app.tiles) app.tab = AppState::Tab::stepper;  // where the tiles show
      break;
    case Action::next_tile: ++app.tile_step; break;  // draw_tiles clamps it to the tiles there are
    case Action::previous_tile: app.tile_step = std::max(app.tile_step - 1, 0); break;
    case Action::export_stage: export_shown(app, false); break;
    case Action::export_all: export_shown(app, true); break;
    case Action::cancel_download: app.model_load.cancel = true; break;
    case Action::generate: ask_tokens(app.generating, 1); break;
    case Action::generate_many: ask_tokens(app.generating, app.generating.count); break;
    case Action::cancel_generation: app.generating.cancel = true; break;
    case Action::wait_progress: wait_for_model(app, true); break;
    case Action::wait_model: wait_for_model(app, false); break;
    case Action::wait_motion: app.motion.elapsed = stage_motion_seconds; break;
    default: break;
  }
}

constexpr std::pair<std::string_view, Action> action_table[] = {{"next-stage", Action::next_stage},
                                                                {"previous-stage", Action::previous_stage},
                                                                {"next-query", Action::next_query},
                                                                {"previous-query", Action::previous_query},
                                                                {"play", Action::play},
                                                                {"dk-up", Action::dk_up},
                                                                {"dk-down", Action::dk_down},
                                                                {"present", Action::toggle_present},
                                                                {"scaling", Action::toggle_scaling},
                                                                {"softcap", Action::toggle_softcap},
                                                                {"sink", Action::toggle_sink},
                                                                {"qk-norm", Action::toggle_qk_norm},
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
                                                                {"scores", Action::toggle_scores},
                                                                {"knock-out", Action::toggle_knockout},
                                                                {"generate", Action::generate},
                                                                {"generate-many", Action::generate_many},
                                                                {"cancel-generation", Action::cancel_generation},
                                                                {"generation", Action::toggle_generation},
                                                                {"compare", Action::toggle_compare},
                                                                {"rollout", Action::toggle_rollout},
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
                                                                {"cancel-download", Action::cancel_download},
                                                                {"motion", Action::toggle_motion},
                                                                {"wait", Action::wait},
                                                                {"wait-motion", Action::wait_motion},
                                                                {"wait-progress", Action::wait_progress},
                                                                {"wait-model", Action::wait_model}};

}  // namespace

void act(AppState& app, Action action) {
  if (!act_on_settings(app, action)) act_on_window(app, action);
  apply(app);
}

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

void remember(AppState& app) {
  auto& h = app.history;
  if (h.last && same_outside(*h.last, app.settings, {Part::view})) return;
  if (h.last) {
    h.undo.push_back(*h.last);
    h.redo.clear();
    constexpr std::size_t most = 200;
    if (h.undo.size() > most) h.undo.erase(h.undo.begin());
  }
  h.last = app.settings;
}

void reset_to_defaults(Settings& s) {
  // The inputs stay (the same example, files or random sizes, at their own width), the backend and
  // the view; one head.
  Settings fresh;
  copy_parts(s, fresh, {Part::source, Part::backend, Part::view});
  fresh.head = 0;
  s = fresh;
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

void show_row(AppState::Zoom& zoom, Index row, Index rows) {
  const float shown = static_cast<float>(rows) / zoom.scale, top = static_cast<float>(row);
  if (shown < 1) return;
  if (top < zoom.row0) zoom.row0 = top;
  else if (top + 1 > zoom.row0 + shown) zoom.row0 = top + 1 - shown;
}

void tick(AppState& app, double seconds, double seconds_per_stage) {
  if (app.status_clock > 0 && (app.status_clock -= seconds) <= 0) app.status.clear();
  advance(app.motion, seconds);
  if (!app.playing) return;
  app.play_clock += seconds;
  if (app.play_clock < seconds_per_stage) return;
  app.play_clock = 0;
  if (app.settings.stage == Stage::output) app.playing = false;
  else act(app, Action::next_stage);
}

}  // namespace attnlab::gui
