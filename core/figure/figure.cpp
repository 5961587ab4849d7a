#include "core/figure/figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/figure/figure_parts.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab {

using namespace figure_parts;

StageColours stage_colours(const Matrix& values, Stage stage, const std::string& colormap) {
  return stage_colours(std::vector<const Matrix*>{&values}, stage, colormap);
}

StageColours stage_colours(const std::vector<const Matrix*>& values, Stage stage, const std::string& colormap) {
  StageColours c;
  if (stage == Stage::weights) {
    c.colormap = "viridis";
  } else {
    float largest = 0;
    for (const Matrix* m : values)
      for (Index n = 0; n < m->size(); ++n)
        if (std::isfinite(m->data()[n])) largest = std::max(largest, std::abs(m->data()[n]));
    if (largest == 0) largest = 1;
    c = {nullptr, -largest, largest, "diverging"};
  }
  if (!colormap.empty()) c.colormap = colormap;
  c.table = &colormap_table(c.colormap);
  return c;
}

ColourSpan parse_colour_range(const std::string& text) {
  ColourSpan span;
  if (text == "shared") {
    span.shared = true;
    return span;
  }
  const auto colon = text.find(':');
  const auto number = [&](const std::string& part, float& value) {
    char* end = nullptr;
    value = std::strtof(part.c_str(), &end);
    return !part.empty() && end == part.c_str() + part.size() && std::isfinite(value);
  };
  float lo = 0, hi = 0;
  if (colon == std::string::npos || !number(text.substr(0, colon), lo) || !number(text.substr(colon + 1), hi) ||
      !(lo < hi))
    throw InputError("--range '" + text + "' is not shared or LO:HI with finite numbers LO < HI (e.g. -10:10)");
  span.range = std::pair{lo, hi};
  return span;
}

StageColours trace_colours(const std::vector<const Trace*>& traces, Stage stage, const std::string& colormap,
                           const ColourSpan& span) {
  std::vector<const Matrix*> values;
  for (const Trace* t : traces) values.push_back(&t->stage(stage));
  StageColours c = stage_colours(values, stage, colormap);
  const auto largest = [](const std::vector<const Matrix*>& ms) {
    float m = 0;
    for (const Matrix* x : ms)
      for (Index n = 0; n < x->size(); ++n)
        if (std::isfinite(x->data()[n])) m = std::max(m, std::abs(x->data()[n]));
    return m;
  };
  if (span.range) {
    c.lo = span.range->first, c.hi = span.range->second;
  } else if (span.stretch && stage == Stage::weights) {
    const float top = largest(values);
    c.hi = top > 0 ? top : 1;
  } else if (span.shared &&
             (stage == Stage::scores || stage == Stage::scaled || stage == Stage::capped || stage == Stage::masked)) {
    std::vector<const Matrix*> both;
    for (const Trace* t : traces) both.push_back(&t->scores), both.push_back(&t->scaled);
    const float top = largest(both);
    c.lo = -(top > 0 ? top : 1), c.hi = top > 0 ? top : 1;
  }
  return c;
}

Rgba cell_colour(const Trace& trace, Stage stage, Index i, Index j, const StageColours& c) {
  if (masked_cell(trace, stage, i, j)) return masked_colour;
  return colormap(trace.stage(stage)(i, j), c.lo, c.hi, *c.table);
}

namespace {

// The figure, its heatmap at most `most_heat_h` tall (smaller cells, the same shape).
Figure lay_out(const Problem& p, const Trace& trace, const FigureOptions& o, const FigureNames& names, const Font& font,
               float most_heat_h) {
  const Matrix& m = trace.stage(o.stage);
  const StageColours colours = trace_colours({&trace}, o.stage, o.colormap, o.span);

  Figure f;
  f.width = o.width;
  FigurePen l{font, static_cast<float>(o.width) / 1000.0f, f};
  const float pad = l.px(kPad), gap = l.px(kGap), axis = l.px(kAxisTitle);
  const float text_width = static_cast<float>(o.width) - 2 * pad;

  // The title names the stage by its formula; one head of several names the head after it, shrunk
  // to fit if need be but on the formula's own baseline, so that the figure below is the one of
  // that head's problem alone. The line under it says dk, the scale and the mask.
  const std::string formula = names.title.empty() ? figure_title(p, o.stage) : names.title;
  f.title = o.heading.empty() ? formula : formula + kDot + o.heading;
  const float title_size = l.fitting(formula, l.px(kTitle), text_width);
  float y = pad + font.ascent(title_size);
  l.text(f.title, pad, y, o.heading.empty() ? title_size : l.fitting(f.title, title_size, text_width), Anchor::start,
         kInk, "title");
  const std::string subtitle = names.subtitle.empty() ? figure_subtitle(p, o.stage, o.query) : names.subtitle;
  y = text_line(l, subtitle, y, l.px(12), l.px(kSubtitle), kSoftInk, "subtitle");

  FigureHeatmap& h = f.heatmaps.emplace_back();
  h.rows = m.rows();
  h.cols = m.cols();
  h.row_names = labels_or_numbers(p.query_tokens, "q", h.rows);
  h.col_names = o.stage == Stage::output ? numbered_tokens("d", h.cols) : labels_or_numbers(p.key_tokens, "k", h.cols);

  // Left: the query labels; right: the colour bar, its numbers and the masked swatch.
  const std::vector<std::string> row_labels = fitted_labels(l, h.row_names), col_labels = fitted_labels(l, h.col_names);
  float left = font.width("queries", axis);
  for (const auto& label : row_labels) left = std::max(left, font.width(label, l.px(kLabel)));
  const MaskLegend any_masked = mask_legend(trace, o.stage);
  const float right = colour_bar_space(l, colours, any_masked) + pad;

  const float heat_x = std::round(pad + left + gap);
  size_cells(h, static_cast<float>(o.width) - heat_x - right);
  if (h.cell_h * static_cast<float>(h.rows) > most_heat_h) {
    const float shrink = most_heat_h / (h.cell_h * static_cast<float>(h.rows));
    h.cell_w *= shrink, h.cell_h *= shrink;
    if (h.cell_w >= 8) h.cell_w = std::floor(h.cell_w);
    if (h.cell_h >= 8) h.cell_h = std::floor(h.cell_h);
  }
  if (std::isfinite(most_heat_h)) {
    // A slide has width to spare: cells wide enough for level key labels, where the width allows.
    float widest = 0;
    for (const auto& label : col_labels) widest = std::max(widest, font.width(label, l.px(kLabel)));
    const float level = std::ceil(widest + l.px(kGap) + 1);
    if (h.cell_w < level && level * static_cast<float>(h.cols) <= static_cast<float>(o.width) - heat_x - right)
      h.cell_w = level;
  }
  h.x = heat_x;
  h.y = std::round(y + l.px(22) + axis + gap);
  const float heat_w = h.cell_w * static_cast<float>(h.cols), heat_h = h.cell_h * static_cast<float>(h.rows);
  const CellRange range = fill_cells(h, trace, o.stage, colours);
  h.hatch = std::max(6.0f, std::round(l.px(kHatch)));
  heatmap_frame(l, h, heat_w, heat_h);

  l.text("queries", h.x - gap, h.y - l.px(kAxisLift), axis, Anchor::end, kSoftInk, "axis-title");
  const AxisPlan plan = label_plan(l, h, col_labels);
  query_labels(l, h, row_labels, o.query, plan);
  // Key labels (value dimensions for the output) under their columns.
  const float axis_y = key_labels(l, h, heat_h, col_labels, plan) + l.px(14) + font.ascent(axis);
  l.text(o.stage == Stage::output ? "value dimensions" : "keys", h.x + heat_w / 2, axis_y, axis, Anchor::middle,
         kSoftInk, "axis-title");
  cell_values(l, h, trace, o.stage, range);
  if (o.query) query_outline(l, h, heat_w, *o.query);

  const float bar_h = std::max(heat_h, l.px(kBarMinH));
  const float bar_bottom = colour_bar(l, colours, o.stage, h.x + heat_w + l.px(kBarGap), h.y, bar_h, any_masked);
  const float bottom = std::max(axis_y + 0.25f * axis, bar_bottom) + pad;
  f.height = checked_figure_height(bottom, o.width);
  f.content_right = h.x + heat_w + right - pad;
  return f;
}

// Everything but the title lines moved by (dx, dy): the heatmap centred on a slide.
void move_body(Figure& f, float dx, float dy) {
  for (FigureHeatmap& h : f.heatmaps) h.x += dx, h.y += dy;
  for (FigureRect& r : f.rects) r.x += dx, r.y += dy;
  for (FigureText& t : f.texts)
    if (t.role != "title" && t.role != "subtitle") t.x += dx, t.y += dy;
}

}  // namespace

double parse_aspect(const std::string& text) {
  const auto colon = text.find(':');
  char* end = nullptr;
  const double w = colon == std::string::npos ? 0 : std::strtod(text.c_str(), &end);
  const bool w_ok = colon != std::string::npos && end == text.c_str() + colon;
  const double h = w_ok ? std::strtod(text.c_str() + colon + 1, &end) : 0;
  const bool ok = w_ok && end == text.c_str() + text.size() && colon + 1 < text.size() && std::isfinite(w) &&
                  std::isfinite(h) && w > 0 && h > 0 && w / h >= 0.25 && w / h <= 4;
  if (!ok) throw InputError("--aspect '" + text + "' is not W:H with W / H between 1:4 and 4:1 (e.g. 16:9 or 4:3)");
  return w / h;
}

Figure build_figure(const Problem& p, const Trace& trace, const FigureOptions& o, const Font& font,
                    const FigureNames& names) {
  check_width(o.width);
  check_query(o.query, p.lq());
  Figure f = lay_out(p, trace, o, names, font, INFINITY);
  if (o.aspect <= 0) return f;
  // A slide: the figure exactly width × width / aspect, its heatmap shrunk until all of it fits,
  // then centred in the room left over.
  const int height = static_cast<int>(std::lround(o.width / o.aspect));
  for (int pass = 0; pass < 4 && f.height > height; ++pass) {
    const FigureHeatmap& h = f.heatmaps.front();
    const float heat_h = h.cell_h * static_cast<float>(h.rows) - static_cast<float>(f.height - height) - 1;
    if (heat_h <= static_cast<float>(h.rows) * 0.05f)
      throw InputError("a figure " + std::to_string(o.width) + " pixels wide has no room for its heatmap at aspect " +
                       std::to_string(o.aspect) + ": give a larger --width or a taller --aspect");
    f = lay_out(p, trace, o, names, font, heat_h);
  }
  const float pad = FigurePen{font, o.width / 1000.0f, f}.px(kPad);
  const float dx = std::floor((static_cast<float>(o.width) - pad - f.content_right) / 2);
  move_body(f, dx, std::floor(static_cast<float>(height - f.height) / 2));
  // The title lines start where the body does, as far as the longer fits: one left edge on the slide.
  const auto heading = [](const FigureText& t) { return t.role == "title" || t.role == "subtitle"; };
  float shift = std::max(dx, 0.0f);
  for (const FigureText& t : f.texts)
    if (heading(t)) shift = std::min(shift, static_cast<float>(o.width) - pad - t.x - font.width(t.text, t.size));
  for (FigureText& t : f.texts)
    if (heading(t)) t.x += std::max(shift, 0.0f);
  f.height = checked_figure_height(static_cast<float>(height), o.width);
  return f;
}

int checked_figure_height(float bottom, int width) {
  const auto height = static_cast<long long>(std::ceil(bottom));
  if (height > figure_max_side || height * width > figure_max_pixels)
    throw InputError("the figure would be " + std::to_string(width) + "×" + std::to_string(height) +
                     " pixels, more than " + std::to_string(figure_max_side) + " a side or " +
                     std::to_string(figure_max_pixels / 1'000'000) + " million in all: use a smaller --width");
  return static_cast<int>(height);
}

}  // namespace attnlab
