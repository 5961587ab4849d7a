#include "app/gui/app_state.hpp"

#include <algorithm>
#include <chrono>

#include "app/gui/problem_builder.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/figure/figure_text.hpp"

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

namespace {

// Weights spread over hundreds of keys (a random L ≥ 200) are all below 0.2: on [0, 1] one flat colour.
bool stretched_by_default(const Settings& s, const Trace& t) {
  return !s.stretch_weights && t.full && t.weights.size() > 0 && t.weights.maxCoeff() < 0.2f;
}

ColourSpan shown_span(const Settings& s, const Trace& t) {
  ColourSpan span = colour_span(s);
  span.stretch = span.stretch || stretched_by_default(s, t);
  return span;
}

ColourRange range_of(const Settings& s, const Trace& t, Stage stage) {
  const StageColours colours = trace_colours({&t}, stage, "", shown_span(s, t));
  return {colours.lo, colours.hi, stage != Stage::weights};
}

}  // namespace

bool weights_stretched_by_default(AppState& app) {
  return stretched_by_default(app.settings, app.trace());
}

ColourSpan shown_span(AppState& app) {
  return shown_span(app.settings, app.trace());
}

ColourRange colours_of(AppState& app, Stage stage) {
  return range_of(app.settings, app.trace(), stage);
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
  // Ctrl+Z on a generated token drops its row from the cache on the worker (app_take_back.cpp)
  // instead of loading the sentence again: until then the data stays as it is.
  if (s.source == Source::model && take_back(app)) return;
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

PreparedView prepare_view(const Settings& settings, const LoadedModel& model, bool trace) {
  PreparedView p;
  p.settings = settings;
  p.source = load_source(settings, model);
  p.heads = build_heads(settings, p.source);
  if (trace) {
    const Index head = std::clamp<Index>(settings.head, 0, p.heads.heads() - 1);
    CpuBackend cpu;
    cpu.compute(head_problem(p.heads, head), p.trace.emplace());
    const Trace& t = *p.trace;
    const Matrix& m = t.stage(settings.stage);
    if (m.size() == 0) return p;
    // The heatmap's texture as panel_heatmap.cpp paints it.
    PaintedStage& painted = p.painted.emplace();
    painted.stage = settings.stage, painted.range = range_of(settings, t, settings.stage);
    painted.pixels = paint_stage(m, t, settings.stage, painted.range, stage_table(settings.stage));
    painted.decimals = cell_decimals(settings.stage, m);
  }
  return p;
}

bool adopt(AppState& app, PreparedView& prepared) {
  Settings& s = app.settings;
  if (!prepared.trace || app.engine->backend().name() != "cpu" || s.backend != app.applied.backend ||
      s.head != prepared.settings.head ||
      !same_in(s, prepared.settings, {Part::source, Part::model, Part::heads, Part::dk, Part::cap, Part::scale,
                                      Part::mask, Part::precision}))
    return false;
  try {
    const Index head = std::clamp<Index>(s.head, 0, prepared.heads.heads() - 1);
    app.engine->set_problem(head_problem(prepared.heads, head), std::move(*prepared.trace));
    app.source = std::move(prepared.source);
    app.heads = std::move(prepared.heads);
    s.head = static_cast<int>(head);
  } catch (const std::exception&) {
    return false;  // apply() builds it again and says why
  }
  app.applied = s;
  app.error.clear();
  ++app.generation;
  if (prepared.painted) {
    app.painted = std::move(*prepared.painted);
    app.painted.generation = app.generation;
    app.colours = {app.generation, s.stage, s.stretch_weights, s.shared_range, app.painted.range};
  }
  clamp_view(app);
  return true;
}

ExportSource export_source(AppState& app) {
  // Every head's trace when there are several: the grid figures need them.
  std::vector<Trace> traces;
  if (app.heads.heads() > 1) traces = compute_heads(app.engine->backend(), app.heads);
  return {app.problem(), app.trace(), app.heads,        std::move(traces),
          app.applied,   app.settings.query, shown_span(app), qk_norm_note(app.applied, app.model)};
}

}  // namespace attnlab::gui
