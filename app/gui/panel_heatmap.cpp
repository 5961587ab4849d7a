// Heatmap: the current stage as one texture, labelled axes, a colour bar, the query row outlined.
// The axes follow the figures' rule (core/figure/axis_labels.hpp); the wheel zooms, a drag pans and
// 0 shows the whole matrix again, so a 512 × 512 problem can be pointed at cell by cell.
#include "app/gui/panel_heatmap.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_generate.hpp"
#include "app/gui/download_bar.hpp"
#include "app/gui/generation_bar.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/style.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/reference64.hpp"
#include "core/base/quote.hpp"
#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab::gui {
namespace {

std::string title(const AppState& app, Stage shown) {
  const Problem& p = app.problem();
  std::string scale = p.scale.kind == ScaleSpec::Kind::sqrt   ? "1/√dₖ"
                      : p.scale.kind == ScaleSpec::Kind::none ? "none"
                                                              : p.scale.text();
  if (p.temperature != 1) scale += ", temperature " + format_value(static_cast<float>(p.temperature));
  // Presenting, the stage's button above says "softmax"; the title stays on one line.
  const std::string stage =
      shown == Stage::weights && !app.settings.present ? "weights (softmax)" : std::string(stage_name(shown));
  const Index heads = app.heads.heads();
  // A model's layer first: "layer 1 · head 2 of 4" is what a class compares across the model.
  const std::string layer =
      app.applied.source == Source::model ? "layer " + std::to_string(app.applied.layer) + " · " : "";
  const std::string head =
      heads < 2 ? "" : "head " + std::to_string(app.applied.head) + " of " + std::to_string(heads) + " · ";
  std::string extra;
  if (p.softcap) extra += printed(", soft-cap C = %.3g", *p.softcap);
  if (p.sink) extra += printed(", sink %.3g", *p.sink);
  if (const std::string norm = qk_norm_note(app.applied, app.model); !norm.empty()) extra += ", " + norm;
  return layer + head + stage + "  —  dₖ = " + std::to_string(p.dk()) + ", scale " + scale + extra + ", mask " +
         p.mask.text();
}

// The title in phrases that stay whole on a line ("mask none", "dₖ = 8,"): it wraps between them.
std::vector<std::string> title_phrases(const std::string& title) {
  std::vector<std::string> out{""};
  std::size_t at = 0;
  while (at < title.size()) {
    std::size_t cut = std::string::npos, skip = 0;
    for (const std::string_view sep : {", ", "  —  ", " · "}) {
      const std::size_t found = title.find(sep, at);
      if (found < cut) cut = found, skip = sep.size();
    }
    const std::size_t end = std::min(cut, title.size());
    out.back() += title.substr(at, end - at);
    if (cut == std::string::npos) break;
    // The separator stays with the phrase before it: "dₖ = 8," and "weights —".
    const std::string_view sep = std::string_view(title).substr(cut, skip);
    out.back() += sep == ", " ? "," : sep == " · " ? " ·" : " —";
    out.emplace_back();
    at = cut + skip;
  }
  return out;
}

// Toggles one cell of the painted mask, starting from the current mask's pattern.
void paint_cell(AppState& app, Index i, Index j) {
  set_mask_kind(app, "painted");
  Settings& s = app.settings;
  const Index lk = app.trace().masked.cols();
  if (s.painted.size() != static_cast<std::size_t>(app.trace().masked.size())) return;
  auto& cell = s.painted[static_cast<std::size_t>(i * lk + j)];
  cell = cell ? 0 : 1;
}

// The controls' widths for a stage, in the order controls() draws them: what the heading reserves.
std::vector<float> control_widths(const AppState& app, Stage stage, bool error_view_possible) {
  std::vector<float> w;
  if (app.settings.present) return w;  // controls() draws none
  w.push_back(button_width("Export (E)"));
  w.push_back(button_width("Export all stages"));
  if (!platform::downloads_exports())
    w.push_back(ImGui::GetFontSize() * 8 + ImGui::GetStyle().ItemInnerSpacing.x + text_width("folder"));
  if (error_view_possible) w.push_back(checkbox_width("error vs float64"));
  if (stage == Stage::weights) w.push_back(checkbox_width("stretch colours"));
  else if (stage != Stage::output) w.push_back(checkbox_width("same colours for scores and scaled"));
  if (app.zoom.scale > 1) w.push_back(button_width("whole matrix (0)"));
  return w;
}

// While presenting the heatmap owns the screen: the exports stay on E (the status line names the
// file) and the colour options in the window's own mode, so the heading is the title alone.
void controls(AppState& app, bool error_view_possible) {
  if (app.settings.present) return;
  const Stage stage = app.settings.stage;
  Flow flow;
  flow.next(button_width("Export (E)"));
  if (fit_button("heatmap.export", {"Export (E)"})) act(app, Action::export_stage);
  flow.next(button_width("Export all stages"));
  if (fit_button("heatmap.export_all", {"Export all stages"})) act(app, Action::export_all);
  if (!platform::downloads_exports()) {
    const float folder_w = ImGui::GetFontSize() * 8;
    flow.next(folder_w + ImGui::GetStyle().ItemInnerSpacing.x + text_width("folder"));
    ImGui::SetNextItemWidth(folder_w);
    ImGui::InputText("folder", &app.typed.export_dir);
  }
  if (error_view_possible) {
    flow.next(checkbox_width("error vs float64"));
    ImGui::Checkbox("error vs float64", &app.show_error);
  }
  if (stage == Stage::weights) {
    flow.next(checkbox_width("stretch colours"));
    ImGui::Checkbox("stretch colours", &app.settings.stretch_weights);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("spread the colours over 0 to the largest weight instead of 0 to 1");
  } else if (stage != Stage::output) {
    const char* label = "same colours for scores and scaled";
    flow.next(checkbox_width(label));
    ImGui::Checkbox(label, &app.settings.shared_range);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "one colour range for scores, scaled and masked: scaling by 1/√dₖ is seen to shrink the spread");
  }
  if (app.zoom.scale > 1) {
    flow.next(button_width("whole matrix (0)"));
    if (fit_button("heatmap.zoom_reset", {"whole matrix (0)"})) act(app, Action::zoom_reset);
  }
}

// Text on the draw list, `size` pixels tall (the panel's font when 0), reported to the layout audit.
void label(ImDrawList* draw, ImVec2 at, ImU32 colour, const std::string& text, std::string_view id, float size = 0) {
  const float font = ImGui::GetFontSize(), k = size > 0 ? size / font : 1;
  draw->AddText(ImGui::GetFont(), font * k, at, colour, text.c_str());
  const ImVec2 extent = ImGui::CalcTextSize(text.c_str());
  audit_box(id, at, {at.x + extent.x * k, at.y + extent.y * k});
}

// Text written bottom to top, its end at `top` and its line centred on x: ImGui draws text only
// level, so the label's vertices are turned a quarter turn after it is drawn.
void upright_label(ImDrawList* draw, float x, float top, ImU32 colour, const std::string& text, std::string_view id,
                   float font_size) {
  const float k = font_size / ImGui::GetFontSize();
  const ImVec2 size{ImGui::CalcTextSize(text.c_str()).x * k, ImGui::CalcTextSize(text.c_str()).y * k};
  const ImVec2 at{x - size.y / 2, top + size.x};  // where the text's start lands
  const int first = draw->VtxBuffer.Size;
  draw->PushClipRectFullScreen();  // ImGui skips glyphs outside the clip before they are turned
  draw->AddText(ImGui::GetFont(), font_size, at, colour, text.c_str());
  draw->PopClipRect();
  for (int v = first; v < draw->VtxBuffer.Size; ++v) {
    ImVec2& p = draw->VtxBuffer[v].pos;
    const ImVec2 d{p.x - at.x, p.y - at.y};
    p = {at.x + d.y, at.y - d.x};
  }
  audit_box(id, {at.x, top}, {at.x + size.y, top + size.x});
}

struct Axes {
  std::vector<std::string> rows, cols;  // every label's text, shortened
  std::string row_title, col_title;
};

Axes axes(const AppState& app, Stage stage, float most) {
  const Problem& p = app.problem();
  const auto fit = [most](std::vector<std::string> texts) {
    for (auto& t : texts) t = shorten(t, most, [](const std::string& s) { return text_width(s); });
    return texts;
  };
  Axes a;
  a.rows = fit(visible_spaces(axis_texts(p.query_tokens)));
  a.row_title = "queries";
  if (stage == Stage::output) {
    a.cols = axis_texts(numbered_tokens("d", p.dv()));
    a.col_title = "value dimensions";
  } else {
    a.cols = fit(visible_spaces(axis_texts(p.key_tokens)));
    a.col_title = "keys";
  }
  return a;
}

float widest(const std::vector<std::string>& texts, Index first, Index end) {
  float w = 0;
  // Beyond a few hundred labels only every stride-th shows; their widths are alike (numbers).
  const Index step = std::max<Index>(1, (end - first) / 256);
  for (Index i = first; i < end; i += step) w = std::max(w, text_width(texts[static_cast<std::size_t>(i)]));
  return w;
}

// The room around the cells: the query labels left, the colour bar and its legend right. The axis
// labels are `label` pixels tall: the panel's font, or as small as the cells (not below 55 % of it),
// so that every token is labelled whenever the cells are at least as tall as the label font.
struct Margins {
  float left = 0, right = 0, col_w = 0, line = 0, gap = 0, label = 0;
};
// The colour bar: a swatch's width is enough to read a colour by; the rest goes to the cells.
float colour_bar_width() {
  return std::max(0.7f * ImGui::GetFontSize(), 12.0f);
}

Margins margins(const Axes& a, Index row_first, Index row_end, Index col_first, Index col_end, float tick_w,
                bool any_masked, bool nan, bool stretched, float label) {
  Margins m;
  const float font = ImGui::GetFontSize(), k = label / font;
  m.line = ImGui::GetTextLineHeight(), m.gap = font * 0.4f, m.label = label;
  m.col_w = widest(a.cols, col_first, col_end) * k;
  m.left = std::max(widest(a.rows, row_first, row_end) * k, text_width(a.row_title)) + m.gap;
  const float bar_w = colour_bar_width();
  float legend_w = 0;
  if (any_masked) legend_w = std::max(text_width("masked (−∞)"), text_width("to be masked"));
  if (nan) legend_w = std::max(legend_w, text_width("NaN"));
  m.right = m.gap + std::max(bar_w + 6 + tick_w, legend_w > 0 ? m.line + 4 + legend_w : 0.0f);
  if (stretched) m.right = std::max(m.right, m.gap + text_width("stretched"));
  return m;
}

// Square cells as large as `avail` allows once the margins and the key labels below are taken,
// and the labels' plan at that size: key labels upright take the room of the longest below.
struct Fit {
  float cell = 0, below = 0;
  AxisPlan plan;
};
Fit fit_cells(const Margins& m, ImVec2 avail, float rows_shown, float cols_shown) {
  const auto cell_for = [&](float below) {
    return std::max(0.01f,
                    std::min((avail.x - m.left - m.right) / cols_shown, (avail.y - m.line - below) / rows_shown));
  };
  Fit f;
  const float label_line = m.line * m.label / ImGui::GetFontSize(), label_gap = m.gap * m.label / ImGui::GetFontSize();
  f.below = label_line + 4 + m.line;  // level key labels and the axis title
  f.cell = cell_for(f.below);
  f.plan = plan_axis(f.cell, f.cell, label_line, m.col_w, label_gap);
  if (f.plan.upright) {
    // The axis title goes in the corner left of the upright labels, under the query labels.
    f.below = std::max(m.col_w, m.line) + 4;
    f.cell = cell_for(f.below);
    f.plan = plan_axis(f.cell, f.cell, label_line, m.col_w, label_gap);
    f.plan.upright = true;
  }
  return f;
}

// The label size for cells of `cell` pixels: the panel's font, or the cells' height down to 55 % of it.
float label_size(float cell) {
  const float font = ImGui::GetFontSize();
  return std::clamp(cell / ImGui::GetTextLineHeight() * font, 0.55f * font, font);
}

// Margins and cells together: first with labels in the panel's font, then with labels as large as
// those cells allow (smaller margins only make the cells larger, so the labels still fit them).
template <class MarginsAt>
std::pair<Margins, Fit> margins_and_fit(MarginsAt&& margins_at, ImVec2 avail, float rows, float cols) {
  Margins m = margins_at(ImGui::GetFontSize());
  const Fit first = fit_cells(m, avail, rows, cols);
  m = margins_at(label_size(first.cell));
  return {m, fit_cells(m, avail, rows, cols)};
}

// The stages a lesson steps through on one geometry: between them only the colours change.
std::vector<Stage> lesson_stages(const AppState& app) {
  std::vector<Stage> stages{Stage::scores, Stage::scaled, Stage::masked, Stage::weights};
  if (app.problem().softcap) stages.push_back(Stage::capped);
  if (app.settings.stage == Stage::output) stages.push_back(Stage::output);
  return stages;
}

bool error_view_possible(AppState& app, Stage stage) {
  return stage == Stage::weights && !app.problem().precision.is_default() && app.trace().full;
}

// The height above the cells in a panel `width` wide: the tallest title and row of controls of the
// lesson's stages, so that stepping through the stages never moves the cells.
float heading_reserve(AppState& app, float width) {
  float most = 0;
  for (const Stage stage : lesson_stages(app)) {
    float h = chunks_height(title_phrases(title(app, stage)), width);
    const std::vector<float> widths = control_widths(app, stage, error_view_possible(app, stage));
    if (!widths.empty()) h += static_cast<float>(flow_lines(widths, width)) * ImGui::GetFrameHeightWithSpacing();
    most = std::max(most, h);
  }
  return most;
}

// What the margins need from every lesson stage, found once per recompute and font: the widest tick of
// their colour bars, and whether any cell is masked.
const HeatmapView::Reserve& reserve(AppState& app, HeatmapView& view) {
  HeatmapView::Reserve& r = view.reserve;
  const Settings& s = app.settings;
  const float font = ImGui::GetFontSize();
  if (r.generation == app.generation && r.font == font && r.stretch == s.stretch_weights &&
      r.shared == s.shared_range && r.stage_output == (s.stage == Stage::output))
    return r;
  r = {app.generation, font, s.stretch_weights, s.shared_range, s.stage == Stage::output};
  for (const Stage stage : lesson_stages(app)) {
    const StageColours c = trace_colours({&app.trace()}, stage, "", shown_span(app));
    for (const Tick& tick : nice_ticks(c.lo, c.hi)) r.tick_w = std::max(r.tick_w, text_width(tick.text));
  }
  r.any_masked = (app.trace().masked.array() == -INFINITY).any();
  r.stretched = weights_stretched_by_default(app);
  return r;
}

// What the cells show this frame: the stage (or the precision lab's error view), its colours, and how
// masked cells look.
struct Picture {
  const Matrix& m;
  ColourRange range;
  const ColormapTable& table;
  bool error, error_possible;
  bool any_masked, striped;  // cells the mask blocks: grey from the masked stage on, striped before it
  // While a change of stage moves (stage_motion.hpp): `m` holds the values between the two stages,
  // `grey` each cell's fade to the masked grey, `e` how far it is, from the old stage's table to `table`.
  const StageMotion* motion = nullptr;  // null: the stage still
  const Matrix* grey = nullptr;
  const ColormapTable* from_table = nullptr;
  float e = 1, stripes = 1;  // the stripes' strength: they fade as the mask arrives
};

bool striped_stage(Stage stage) {
  return stage == Stage::scores || stage == Stage::scaled;
}

// A cell's colour as the texture paints it, for the text over it.
Rgba cell_colour(const Picture& pic, Index i, Index j) {
  const float v = pic.m(i, j);
  if (!pic.motion) return colormap(v, pic.range.lo, pic.range.hi, pic.table);
  return colour_between({v, (*pic.grey)(i, j)}, pic.range, *pic.from_table, pic.table, pic.e);
}

// The picture of this frame, its texture repainted when the data, the stage or the colours changed.
Picture picture(AppState& app, HeatmapView& view) {
  const Problem& p = app.problem();
  const Trace& t = app.trace();
  const Stage stage = app.settings.stage;
  // The precision lab's error view: how far each weight is from float64, on a log scale.
  const bool error_possible = error_view_possible(app, stage);
  const bool error = app.show_error && error_possible;
  if (error && (view.painted_generation != app.generation || !view.painted_error))
    view.error =
        reference_weights_error(p, t.weights).unaryExpr([](float e) { return std::log10(std::max(e, 1e-12f)); });
  const Matrix& m = error ? view.error : t.stage(stage);
  const ColourRange range = error ? ColourRange{-8, 0, false} : stage_colours(app);
  const ColormapTable& table = error ? viridis() : stage_table(stage);
  const bool any_masked = stage != Stage::output && !error && (t.masked.array() == -INFINITY).any();
  const StageMotion& motion = app.motion;
  if (motion.moving() && !error && motion.to == stage) {
    // Between two stages: their values and colour ranges mixed, painted afresh every frame.
    const float e = motion.progress();
    view.between = stages_between(t, motion.from, stage, e);
    const ColourRange between = range_between(colours_of(app, motion.from), range, e);
    const ColormapTable& from_table = stage_table(motion.from);
    view.image.upload(paint_between(view.between, between, from_table, table, e), m.rows(), m.cols());
    view.painted_generation = -1;  // the still stage paints again once the motion is over
    view.decimals = std::max(cell_decimals(motion.from, t.stage(motion.from)), cell_decimals(stage, m));
    const float stripes = std::lerp(striped_stage(motion.from) ? 1.0f : 0.0f, striped_stage(stage) ? 1.0f : 0.0f, e);
    return {view.between.values, between, table, false, error_possible, any_masked, any_masked && stripes > 0,
            &motion, &view.between.grey, &from_table, e, stripes};
  }
  if (view.painted_generation != app.generation || view.painted_stage != stage || view.painted_range.hi != range.hi ||
      view.painted_range.lo != range.lo || view.painted_error != error) {
    // A generated token's texture comes painted from the worker when its stage and colours are these.
    PaintedStage& ready = app.painted;
    if (!error && ready.generation == app.generation && ready.stage == stage && ready.range.lo == range.lo &&
        ready.range.hi == range.hi) {
      view.image.upload(ready.pixels, m.rows(), m.cols());
      view.decimals = ready.decimals;
    } else {
      view.image.upload(paint_stage(m, t, stage, range, table), m.rows(), m.cols());
      // One number format for every cell, as the figures print them: "9" for whole scores, else "0.80".
      view.decimals = error ? 2 : cell_decimals(stage, m);
    }
    ready = {};  // used once: the next picture is painted here
    view.painted_generation = app.generation, view.painted_stage = stage, view.painted_range = range;
    view.painted_error = error;
  }
  return {m, range, table, error, error_possible, any_masked, any_masked && striped_stage(stage)};
}

// The title, the controls, a download's bar and what a refused change says (the status line has its
// place beside the "queries" title: status_line).
void heading(AppState& app, const Picture& pic) {
  const float top = ImGui::GetCursorScreenPos().y, height = heading_reserve(app, ImGui::GetContentRegionAvail().x);
  chunks_text("heatmap.title",
              title_phrases(pic.error ? "log₁₀ |weights − float64 weights|" : title(app, app.settings.stage)));
  controls(app, pic.error_possible);
  // A Hub model's download in place of the status line: its bar and Cancel button, drawn each frame.
  draw_download(app);
  draw_generation(app);  // Shift+G's tokens: how far, and Cancel
  // A refused change is said here, over the picture everyone looks at, whichever panel made it.
  if (!app.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, error_text_colour());
    wrapped_text("heatmap.error", printed("%s — showing the last good data", app.error.c_str()));
    ImGui::PopStyleColor();
  }
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos({at.x, std::max(at.y, top + height)});
}

// Where the cells go: the part of the matrix the zoom shows, the margins around it, square cells as
// large as the rest allows, the first cell's corner and the cells' extent on screen.
struct Placement {
  Index row_first = 0, row_end = 0, col_first = 0, col_end = 0;
  float rows_shown = 0, cols_shown = 0;
  Axes axes;
  std::vector<Tick> ticks;
  Margins margins;
  Fit fit;
  ImVec2 avail, cursor, origin, size;
  float row0 = 0, col0 = 0;  // the zoom's first cell
  // Cell (i, j)'s corner on screen.
  float x(float j) const { return origin.x + (j - col0) * fit.cell; }
  float y(float i) const { return origin.y + (i - row0) * fit.cell; }
};

Placement place(AppState& app, HeatmapView& view, const Picture& pic) {
  const Matrix& m = pic.m;
  AppState::Zoom& zoom = app.zoom;
  zoom_heatmap(zoom, 1, 0, 0, m.rows(), m.cols());  // a new shape keeps the view inside the matrix
  Placement at;
  at.rows_shown = static_cast<float>(m.rows()) / zoom.scale, at.cols_shown = static_cast<float>(m.cols()) / zoom.scale;
  at.row_first = static_cast<Index>(zoom.row0), at.col_first = static_cast<Index>(zoom.col0);
  at.row_end = std::min<Index>(m.rows(), static_cast<Index>(std::ceil(zoom.row0 + at.rows_shown)));
  at.col_end = std::min<Index>(m.cols(), static_cast<Index>(std::ceil(zoom.col0 + at.cols_shown)));
  at.row0 = zoom.row0, at.col0 = zoom.col0;
  // Margins: the query labels left, the colour bar and its legend right, the key labels and the axis
  // title below; then cells as large as the rest allows, square.
  at.axes = axes(app, app.settings.stage, ImGui::GetFontSize() * 7);
  at.ticks = nice_ticks(pic.range.lo, pic.range.hi);
  const HeatmapView::Reserve& r = reserve(app, view);
  at.avail = ImGui::GetContentRegionAvail();
  std::tie(at.margins, at.fit) = margins_and_fit(
      [&](float label) {
        return margins(at.axes, at.row_first, at.row_end, at.col_first, at.col_end, r.tick_w,
                       r.any_masked && app.settings.stage != Stage::output, !app.problem().precision.is_default(),
                       r.stretched, label);
      },
      at.avail, at.rows_shown, at.cols_shown);
  at.cursor = ImGui::GetCursorScreenPos();
  at.origin = {at.cursor.x + at.margins.left, at.cursor.y + at.margins.line};  // under the "queries" title
  at.size = {at.fit.cell * at.cols_shown, at.fit.cell * at.rows_shown};
  return at;
}

// The status line (an export's file name, why a key did nothing) on the "queries" title's line, over
// the cells: a toast that moves nothing and covers nothing, shortened to its room.
void status_line(const AppState& app, const Placement& at) {
  if (app.status.empty() || app.model_load.downloading) return;
  const float room =
      ImGui::GetWindowPos().x + ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x - at.origin.x;
  const std::string text = shorten(one_line(app.status), room, [](const std::string& t) { return text_width(t); });
  label(ImGui::GetWindowDrawList(), {at.origin.x, at.cursor.y}, ImGui::GetColorU32(ImGuiCol_Text), text,
        "heatmap.status");
}

// The cells' texture, the part the zoom shows; true when the mouse is over it.
bool draw_cells(HeatmapView& view, const Picture& pic, const Placement& at) {
  const Matrix& m = pic.m;
  ImGui::SetCursorScreenPos(at.origin);
  const ImVec2 uv0{at.col0 / static_cast<float>(m.cols()), at.row0 / static_cast<float>(m.rows())};
  const ImVec2 uv1{(at.col0 + at.cols_shown) / static_cast<float>(m.cols()),
                   (at.row0 + at.rows_shown) / static_cast<float>(m.rows())};
  ImGui::Image(view.image.texture_id(), at.size, uv0, uv1);
  audit_item("heatmap.cells");
  view.x = at.x(0), view.y = at.y(0), view.cell = at.fit.cell, view.rows = m.rows(), view.cols = m.cols();
  return ImGui::IsItemHovered();
}

// The query labels left of the cells, the key labels (level or upright) below, and the axis titles.
void draw_axis_labels(const AppState& app, const HeatmapView& view, const Placement& at) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text), soft = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float size = at.margins.label, k = size / ImGui::GetFontSize();
  const float line = at.margins.line * k, gap = at.margins.gap * k;
  const Axes& a = at.axes;
  const AxisPlan& plan = at.fit.plan;
  label(draw, {at.cursor.x + at.margins.left - at.margins.gap - text_width(a.row_title), at.cursor.y}, soft,
        a.row_title, "heatmap.row_title");
  // The selected query's label centred on its row, kept inside the cells (row 0's label is taller
  // than a small row): it is always shown, and a neighbour's label it would touch gives way.
  const Index query = app.settings.query;
  const bool query_shown =
      at.y(static_cast<float>(query) + 1) > at.origin.y && at.y(static_cast<float>(query)) < at.origin.y + at.size.y;
  const float query_y = std::clamp(at.y(static_cast<float>(query) + 0.5f) - line / 2, at.origin.y,
                                   std::max(at.origin.y, at.origin.y + at.size.y - line));
  for (Index i : labelled(at.row_first, at.row_end, plan.stride, app.settings.query)) {
    const std::string& text = a.rows[static_cast<std::size_t>(i)];
    const bool selected = i == app.settings.query;
    const float y = selected ? query_y : at.y(static_cast<float>(i) + 0.5f) - line / 2;
    if (!selected && (y < at.origin.y - 1 || y + line > at.origin.y + at.size.y + 1)) continue;  // half out of view
    if (selected && !query_shown) continue;
    if (!selected && query_shown && std::abs(y - query_y) < line) continue;  // the selected query's label wins
    label(draw, {at.origin.x - gap - text_width(text) * k, y},
          i == app.settings.query ? text_colour : ImGui::GetColorU32(ImGuiCol_Text, 0.85f), text, "heatmap.row_label",
          size);
  }
  const float labels_top = at.origin.y + at.size.y + 4;
  // The key under the mouse (last frame's) keeps its label whatever the stride.
  const std::optional<Index> hovered = view.hovered_key >= 0 ? std::optional<Index>(view.hovered_key) : std::nullopt;
  for (Index j : labelled(at.col_first, at.col_end, plan.stride, hovered)) {
    const std::string& text = a.cols[static_cast<std::size_t>(j)];
    const float x = at.x(static_cast<float>(j) + 0.5f);
    const float half = plan.upright ? line / 2 : text_width(text) * k / 2;
    if (x - half < at.origin.x - gap / 2 || x + half > at.origin.x + at.size.x + gap / 2) continue;
    if (plan.upright) upright_label(draw, x, labels_top, text_colour, text, "heatmap.col_label", size);
    else label(draw, {x - half, labels_top}, text_colour, text, "heatmap.col_label", size);
  }
  const ImVec2 title_at = plan.upright ? ImVec2{at.origin.x - at.margins.gap - text_width(a.col_title), labels_top}
                                       : ImVec2{at.origin.x + at.size.x / 2 - text_width(a.col_title) / 2,
                                                at.origin.y + at.size.y + at.fit.below - at.margins.line};
  label(draw, title_at, soft, a.col_title, "heatmap.col_title");
}

// The hatch texture over a rectangle, its stripes fixed to the screen.
void stripes(HeatmapView& view, ImVec2 from, ImVec2 to, float strength = 1) {
  const float period = std::max(6.0f, std::round(ImGui::GetFontSize() * 0.45f));
  ImGui::GetWindowDrawList()->AddImage(view.hatch.texture_id(), from, to, {from.x / period, from.y / period},
                                       {to.x / period, to.y / period}, ImGui::GetColorU32({1, 1, 1, strength}));
}

// The cells the mask will block, striped: one quad per run of them in a row.
void draw_stripes(HeatmapView& view, const Matrix& masked, const Placement& at, float strength) {
  for (Index i = at.row_first; i < at.row_end; ++i)
    for (Index j = at.col_first; j < at.col_end;) {
      if (!std::isinf(masked(i, j))) {
        ++j;
        continue;
      }
      Index end = j;
      while (end < at.col_end && std::isinf(masked(i, end))) ++end;
      stripes(view, {at.x(static_cast<float>(j)), at.y(static_cast<float>(i))},
              {at.x(static_cast<float>(end)), at.y(static_cast<float>(i + 1))}, strength);
      j = end;
    }
}

// Every value printed in its cell when there is room to read it, in one format for all. The values
// grow and shrink with their cells (the widest value takes 85 % of a cell's width, its line at most
// 40 % of its height), down to 60 % of the panel's text; smaller than that they would not be read
// from the back of a room, and the colours (and hover) say it.
void draw_values(AppState& app, const HeatmapView& view, const Picture& pic, const Placement& at) {
  const Matrix& m = pic.m;
  const float cell = at.fit.cell, line = at.margins.line, font = ImGui::GetFontSize();
  float value_w = INFINITY;
  if (cell >= line * 1.2f && (at.row_end - at.row_first) * (at.col_end - at.col_first) <= 4096) {
    value_w = 0;
    for (Index i = at.row_first; i < at.row_end; ++i)
      for (Index j = at.col_first; j < at.col_end; ++j)
        value_w = std::max(value_w, text_width(attnlab::format_value(m(i, j), view.decimals)));
  }
  const float value_size = std::min(font * 0.85f * cell / value_w, 0.4f * cell * font / line);
  const float value_line = line * value_size / font;
  if (value_size < 0.6f * font) return;
  audit_box("heatmap.values", at.origin, {at.origin.x + at.size.x, at.origin.y + at.size.y});
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Trace& t = app.trace();
  const Matrix& masked = t.masked;
  for (Index i = at.row_first; i < at.row_end; ++i)
    for (Index j = at.col_first; j < at.col_end; ++j) {
      float v = m(i, j);
      Stage stage = app.settings.stage;
      // A cell fading to or from the grey has no number between: it shows the nearer stage's own.
      if (pic.motion && (*pic.grey)(i, j) > 0) {
        stage = pic.e < 0.5f ? pic.motion->from : pic.motion->to;
        v = t.stage(stage)(i, j);
      }
      if (stage == Stage::weights && std::isinf(masked(i, j))) continue;  // its grey says it
      const std::string text = attnlab::format_value(v, view.decimals);
      const Rgba c = cell_colour(pic, i, j);
      const bool dark = 0.299f * c.r + 0.587f * c.g + 0.114f * c.b < 140;
      const float w = text_width(text) * value_size / font;
      draw->AddText(ImGui::GetFont(), value_size,
                    {at.x(static_cast<float>(j) + 0.5f) - w / 2, at.y(static_cast<float>(i) + 0.5f) - value_line / 2},
                    dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255), text.c_str());
    }
}

// Inside the cells' clip: the stripes, the values and the selected query's row outlined.
void draw_inside(AppState& app, HeatmapView& view, const Picture& pic, const Placement& at) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(at.origin, {at.origin.x + at.size.x, at.origin.y + at.size.y}, true);
  if (pic.striped) draw_stripes(view, app.trace().masked, at, pic.stripes);
  draw_values(app, view, pic, at);
  const float qy = at.y(static_cast<float>(app.settings.query)), cell = at.fit.cell;
  // Presenting, the rows around the selected query dim: the class looks at one row at a time.
  if (app.settings.present && app.settings.stage != Stage::output) {
    const ImU32 veil = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.45f);
    draw->AddRectFilled(at.origin, {at.origin.x + at.size.x, qy}, veil);
    draw->AddRectFilled({at.origin.x, qy + cell}, {at.origin.x + at.size.x, at.origin.y + at.size.y}, veil);
  }
  draw->AddRect({at.origin.x + 1, qy + 1}, {at.origin.x + at.size.x - 1, qy + cell - 1}, IM_COL32(255, 80, 40, 255), 0,
                0, std::clamp(cell / 8, 1.0f, 3.0f));
  draw->PopClipRect();
  if (at.row_first <= app.settings.query && app.settings.query < at.row_end)
    audit_box("heatmap.query", {at.origin.x, qy}, {at.origin.x + at.size.x, qy + cell});
}

// The newest token's mark: a blue no colour table draws the heatmap with, nor the query's orange.
constexpr ImU32 newest_row_colour = IM_COL32(0, 170, 235, 255);

// The newest generated token's row, until the next token or an undo: a blue wedge in the gap left of
// the cells and thin blue lines just above and below the row, so that the selected query's orange
// outline (on the same row after G) still shows inside them.
void draw_newest_row(const AppState& app, const Placement& at) {
  const std::optional<Index> row = newest_row(app);
  if (!row || *row < at.row_first || *row >= at.row_end) return;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float y0 = at.y(static_cast<float>(*row)), y1 = at.y(static_cast<float>(*row) + 1), mid = (y0 + y1) / 2;
  const float k = at.margins.label / ImGui::GetFontSize();
  const float wide = 0.8f * at.margins.gap * std::min(k, 1.0f), half = 0.35f * at.margins.line;
  const float x = at.origin.x - 1;
  draw->AddTriangleFilled({x, mid}, {x - wide, mid - half}, {x - wide, mid + half}, newest_row_colour);
  // Lines above and below the row on whole pixels: crisp, and clear of the orange outline inside it.
  const float thin = std::round(std::max(1.0f, ImGui::GetFontSize() / 12)), top = std::floor(y0), bottom = std::ceil(y1);
  const float left = at.origin.x - thin, right = at.origin.x + at.size.x + thin;
  draw->AddRectFilled({left, top - thin}, {right, top}, newest_row_colour);
  draw->AddRectFilled({left, bottom}, {right, bottom + thin}, newest_row_colour);
  audit_box("heatmap.new_row", {x - wide, std::min(y0, mid - half)}, {x, std::max(y1, mid + half)});
}

// The cell under the mouse: its value as a tooltip; the wheel zooms about it, a drag moves the zoomed
// view, and a click selects its query (or paints it).
void handle_pointer(AppState& app, HeatmapView& view, const Picture& pic, const Placement& at) {
  const Matrix& m = pic.m;
  const Problem& p = app.problem();
  const Stage stage = app.settings.stage;
  AppState::Zoom& zoom = app.zoom;
  const float cell = at.fit.cell;
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 mouse = io.MousePos;
  const float row_at = zoom.row0 + (mouse.y - at.origin.y) / cell, col_at = zoom.col0 + (mouse.x - at.origin.x) / cell;
  if (io.MouseWheel != 0) {
    zoom_heatmap(zoom, std::pow(1.25f, io.MouseWheel), row_at, col_at, m.rows(), m.cols());
    show_row(zoom, app.settings.query, m.rows());
  }
  const Index i = std::clamp<Index>(static_cast<Index>(row_at), 0, m.rows() - 1);
  const Index j = std::clamp<Index>(static_cast<Index>(col_at), 0, m.cols() - 1);
  if (stage != Stage::output) app.focus_key = static_cast<int>(j);
  view.hovered_key = stage == Stage::output ? -1 : j;
  ImGui::BeginTooltip();
  if (stage == Stage::output)
    ImGui::Text("query “%s”, dimension %lld: %s", query_label(p, i).c_str(), static_cast<long long>(j),
                format_value(m(i, j)).c_str());
  else
    ImGui::Text("query “%s” · key “%s”\n%s = %s", query_label(p, i).c_str(), key_label(p, j).c_str(),
                std::string(stage_name(stage)).c_str(), format_value(m(i, j)).c_str());
  const bool painting = app.settings.mask == "painted";
  ImGui::TextDisabled(painting ? "click: block/allow this cell" : "click: select this query");
  ImGui::TextDisabled("wheel: zoom · drag: move · 0: whole matrix");
  ImGui::EndTooltip();
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Left) && zoom.scale > 1) {
    zoom.row0 -= io.MouseDelta.y / cell, zoom.col0 -= io.MouseDelta.x / cell;
    zoom_heatmap(zoom, 1, 0, 0, m.rows(), m.cols());
  } else if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
             ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0).x == 0 &&
             ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0).y == 0) {
    if (painting && stage != Stage::output) paint_cell(app, i, j);
    else app.settings.query = static_cast<int>(std::min<Index>(i, p.lq() - 1));
  }
}

// The colour bar right of the cells with the figures' ticks, and what the colours outside it mean:
// grey (or stripes) for masked cells, magenta for NaN.
void draw_colour_bar(AppState& app, HeatmapView& view, const Picture& pic, const Placement& at) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);
  const bool nan = !app.problem().precision.is_default();
  const float line = at.margins.line, swatch = line, bar_w = colour_bar_width();
  const int legend_lines = (pic.any_masked ? 1 : 0) + (nan ? 1 : 0);
  const float bar_x = at.origin.x + at.size.x + at.margins.gap;
  const float bar_h =
      std::max(at.size.y, std::min(line * 6, at.avail.y - line - static_cast<float>(legend_lines) * line * 1.2f));
  const float step = bar_h / 256.0f;
  for (int e = 0; e < 256; ++e) {
    const float y1 = at.origin.y + bar_h - static_cast<float>(e) * step;
    const Rgba entry = pic.table[static_cast<std::size_t>(e)];
    draw->AddRectFilled({bar_x, y1 - step - 0.5f}, {bar_x + bar_w, y1},
                        to_imgui(pic.motion ? mix_colour((*pic.from_table)[static_cast<std::size_t>(e)], entry, pic.e)
                                            : entry));
  }
  audit_box("heatmap.colour_bar", {bar_x, at.origin.y}, {bar_x + bar_w, at.origin.y + bar_h});
  for (const Tick& tick : at.ticks) {
    const float y = at.origin.y + bar_h * (pic.range.hi - tick.value) / (pic.range.hi - pic.range.lo);
    draw->AddLine({bar_x + bar_w, y}, {bar_x + bar_w + 4, y}, text_colour);
    label(draw, {bar_x + bar_w + 6, y - line / 2}, text_colour, tick.text, "heatmap.tick");
  }
  float legend_y = at.origin.y + bar_h + line * 0.2f;
  const auto legend_line = [&](ImU32 colour, const std::string& text) {
    draw->AddRectFilled({bar_x, legend_y + 2}, {bar_x + swatch, legend_y + line - 2}, colour);
    label(draw, {bar_x + swatch + 4, legend_y}, text_colour, text, "heatmap.legend");
    legend_y += line * 1.2f;
  };
  if (pic.any_masked) {
    legend_line(to_imgui(pic.striped ? pic.table[128] : masked_colour), pic.striped ? "to be masked" : "masked (−∞)");
    if (pic.striped)
      stripes(view, {bar_x, legend_y - line * 1.2f + 2}, {bar_x + swatch, legend_y - line * 1.2f + line - 2});
  }
  if (nan) legend_line(to_imgui(nan_colour), "NaN");
  // Stretched without being asked: the bar's top is the largest weight, not 1, and says so.
  if (app.settings.stage == Stage::weights && !pic.error && weights_stretched_by_default(app))
    label(draw, {bar_x, legend_y}, text_colour, "stretched", "heatmap.stretched");
}

}  // namespace

float heatmap_width(AppState& app, HeatmapView& view, float height, float padding) {
  const Stage stage = app.settings.stage;
  const Matrix& m = app.trace().stage(stage);
  const Axes a = axes(app, stage, ImGui::GetFontSize() * 7);
  const HeatmapView::Reserve& r = reserve(app, view);
  const float rows = static_cast<float>(m.rows()) / app.zoom.scale,
              cols = static_cast<float>(m.cols()) / app.zoom.scale;
  const auto margins_at = [&](float label) {
    return margins(a, 0, m.rows(), 0, m.cols(), r.tick_w, r.any_masked && stage != Stage::output,
                   !app.problem().precision.is_default(), r.stretched, label);
  };
  // The heading's height depends on the width it wraps in: once on one line, then at the width found.
  float width = INFINITY;
  for (int pass = 0; pass < 2; ++pass) {
    const auto [mg, fit] = margins_and_fit(margins_at, {INFINITY, height - heading_reserve(app, width)}, rows, cols);
    width = mg.left + fit.cell * cols + mg.right;
  }
  return width + padding;
}

void draw_heatmap(AppState& app, HeatmapView& view) {
  const Picture pic = picture(app, view);
  heading(app, pic);
  const Placement at = place(app, view, pic);
  const bool hovered = draw_cells(view, pic, at);
  draw_axis_labels(app, view, at);
  status_line(app, at);
  draw_inside(app, view, pic, at);
  draw_newest_row(app, at);
  if (hovered) handle_pointer(app, view, pic, at);
  else view.hovered_key = -1;
  draw_colour_bar(app, view, pic, at);
  ImGui::SetCursorScreenPos({at.cursor.x, at.origin.y + at.size.y + at.fit.below});
  ImGui::Dummy({1, 1});
}

}  // namespace attnlab::gui
