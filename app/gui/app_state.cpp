#include "app/gui/app_state.hpp"

#include <algorithm>
#include <chrono>

#include "app/gui/problem_builder.hpp"

namespace attnlab::gui {
namespace {

void clamp_view(AppState& app) {
  // The capped stage goes with the cap: without one the stepper is back at the scaled scores.
  if (app.settings.stage == Stage::capped && !app.problem().softcap) app.settings.stage = Stage::scaled;
  app.settings.query = std::clamp(app.settings.query, 0, static_cast<int>(app.problem().lq()) - 1);
  app.settings.head = std::clamp(app.settings.head, 0, static_cast<int>(app.heads.heads()) - 1);
}

// Loads the source when its settings changed, then builds every head and gives the engine the
// selected one. Nothing is kept unless all of it succeeds.
void rebuild(AppState& app, bool reload) {
  HeadsProblem source = reload ? load_source(app.settings, app.model) : app.source;
  HeadsProblem heads = build_heads(app.settings, source);
  const Index head = std::clamp<Index>(app.settings.head, 0, heads.heads() - 1);
  app.engine->set_problem(head_problem(heads, head));
  app.source = std::move(source);
  app.heads = std::move(heads);
  app.settings.head = static_cast<int>(head);
}

// The backend named in the settings, when it changed; a backend that cannot start keeps the CPU.
void apply_backend(AppState& app) {
  if (app.settings.backend == app.applied.backend || !app.open_backend) return;
  std::string why;
  app.engine->set_backend(app.open_backend(backend_name(app.settings.backend), why));
  app.backend_note = app.engine->backend().description() + (why.empty() ? "" : " — " + why);
  app.applied.backend = app.settings.backend;
  app.engine->trace();
  ++app.generation;
}

// The engine's problem brought to the settings: rebuilt for new inputs, a new dk or another head (the
// loaded source reused: same tokens, no file read), else only the scale, mask or precision changed.
void recompute(AppState& app, bool inputs, bool rebuilt, bool scale, bool mask, bool precision) {
  const Settings& s = app.settings;
  if (rebuilt) {
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
}

}  // namespace

ColourSpan colour_span(const Settings& s) {
  ColourSpan span;
  span.stretch = s.stretch_weights, span.shared = s.shared_range;
  return span;
}

bool weights_stretched_by_default(AppState& app) {
  // Weights spread over hundreds of keys (a random L ≥ 200) are all below 0.2: on [0, 1] one flat colour.
  return !app.settings.stretch_weights && app.trace().full && app.trace().weights.size() > 0 &&
         app.trace().weights.maxCoeff() < 0.2f;
}

ColourSpan shown_span(AppState& app) {
  ColourSpan span = colour_span(app.settings);
  span.stretch = span.stretch || weights_stretched_by_default(app);
  return span;
}

ColourRange colours_of(AppState& app, Stage stage) {
  const StageColours colours = trace_colours({&app.trace()}, stage, "", shown_span(app));
  return {colours.lo, colours.hi, stage != Stage::weights};
}

const ColourRange& stage_colours(AppState& app) {
  auto& c = app.colours;
  const Settings& s = app.settings;
  if (c.generation != app.generation || c.stage != s.stage || c.stretch != s.stretch_weights ||
      c.shared != s.shared_range) {
    c.range = colours_of(app, s.stage);
    c.generation = app.generation, c.stage = s.stage, c.stretch = s.stretch_weights, c.shared = s.shared_range;
  }
  return c.range;
}

const ColormapTable& stage_table(Stage stage) {
  return stage == Stage::weights ? viridis() : diverging();
}

void start(AppState& app, std::unique_ptr<Backend> backend) {
  app.backend_note = backend->description();
  app.engine = std::make_unique<Engine>(std::move(backend));
  rebuild(app, true);
  app.applied = app.settings;
  clamp_view(app);
}

void apply(AppState& app) {
  apply_backend(app);
  Settings& s = app.settings;
  // Ctrl+Z on a generated token drops its row from the cache instead of loading the sentence again.
  if (s.source == Source::model && !app.model_loading()) take_back(app.generating, app.model, s);
  if (s.source == Source::model && !model_ready(app)) return;
  const Settings& old = app.applied;
  if (s.source == Source::model && old.source == Source::model && s.model_folder == old.model_folder &&
      s.model_text == old.model_text)
    follow_layer(s, old.layer, app.model);
  const bool inputs = !same_in(s, old, {Part::source, Part::model, Part::heads});
  // A new soft-cap or sink rebuilds the heads from the loaded source: each head has its own sink.
  const bool rebuilt = inputs || !same_in(s, old, {Part::dk, Part::cap}) || s.head != old.head;
  const bool scale = !same_in(s, old, {Part::scale}), mask = !same_in(s, old, {Part::mask});
  const bool precision = !same_in(s, old, {Part::precision});
  if (!rebuilt && !scale && !mask && !precision) return;
  const auto start_time = std::chrono::steady_clock::now();
  try {
    recompute(app, inputs, rebuilt, scale, mask, precision);
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

ExportSource export_source(AppState& app) {
  // Every head's trace when there are several: the grid figures need them.
  std::vector<Trace> traces;
  if (app.heads.heads() > 1) traces = compute_heads(app.engine->backend(), app.heads);
  return {app.problem(), app.trace(), app.heads,        std::move(traces),
          app.applied,   app.settings.query, shown_span(app), qk_norm_note(app.applied, app.model)};
}

}  // namespace attnlab::gui
