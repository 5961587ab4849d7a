#include "core/figure/figure_compare.hpp"

#include <algorithm>
#include <cmath>

#include "core/figure/figure_parts.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab {
namespace {

using namespace figure_parts;

constexpr float kPanelGap = 40;     // between one panel's cells and the next panel's query labels
constexpr float kPanelTitle = 19;   // "first", "second", "second − first" above each panel
constexpr float kPanelLift = 12;    // the panel title's baseline above the cells
constexpr float kInputs = 18;       // the line that quotes both inputs
constexpr const char* kDifference = "second \u2212 first";  // the difference's colour bar
constexpr const char* kDifferencePanel = "difference";

// “text”, or the ids as given.
std::string quoted(const std::string& input) {
  return "\u201c" + input + "\u201d";
}

// One panel: its cells, labels and title; `labels` are its tokens, cut to fit.
struct Panel {
  const Problem* problem;
  const Trace* trace;
  std::string title;
  StageColours colours;
  std::vector<std::string> row_names, col_names, row_labels, col_labels;
  float left = 0;  // the room its query labels take
};

Panel make_panel(const FigurePen& l, const Problem& p, const Trace& trace, std::string title,
                 const StageColours& colours, std::vector<std::string> row_names, std::vector<std::string> col_names) {
  Panel panel{&p, &trace, std::move(title), colours, std::move(row_names), std::move(col_names), {}, {}, 0};
  panel.row_labels = fitted_labels(l, panel.row_names);
  panel.col_labels = fitted_labels(l, panel.col_names);
  for (const auto& label : panel.row_labels) panel.left = std::max(panel.left, l.font.width(label, l.px(kLabel)));
  return panel;
}

}  // namespace

std::vector<std::string> shared_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> names;
  for (std::size_t n = 0; n < a.size() && n < b.size(); ++n) {
    const std::size_t word = b[n].find_first_not_of(' ');
    names.push_back(a[n] == b[n] ? a[n] : a[n] + "/" + b[n].substr(word == std::string::npos ? 0 : word));
  }
  return names;
}

StageColours difference_colours(const Trace& difference, Stage stage) {
  float largest = 0;
  const Matrix& m = difference.stage(stage);
  for (Index n = 0; n < m.size(); ++n)
    if (std::isfinite(m.data()[n])) largest = std::max(largest, std::abs(m.data()[n]));
  if (largest == 0) largest = 1;
  return {&diverging(), -largest, largest, "diverging"};
}

Figure build_compare_figure(const ComparedPanel& first, const ComparedPanel& second, const Trace* difference,
                            const FigureOptions& o, const Font& font) {
  const Stage stage = o.stage;
  const Problem &p1 = *first.problem, &p2 = *second.problem;
  check_width(o.width);
  check_query(o.query, std::min(p1.lq(), p2.lq()));
  Figure f;
  f.width = o.width;
  FigurePen l{font, static_cast<float>(o.width) / 1000.0f, f};
  const float pad = l.px(kPad), gap = l.px(kGap), axis = l.px(kAxisTitle);

  // The title: the stage's formula and what is shown (model, layer, head); under it both inputs, then
  // the first's dk, scale and mask, which the second shares (the same head).
  const std::string formula = figure_title(p1, stage);
  const std::string inputs = "first " + quoted(first.input) + kDot + "second " + quoted(second.input);
  f.title = formula + (o.heading.empty() ? "" : kDot + o.heading) + kDot + inputs;
  float y = text_line(l, o.heading.empty() ? formula : formula + kDot + o.heading, pad, 0, l.px(kTitle), kInk, "title");
  y = text_line(l, inputs, y, l.px(12), l.px(kInputs), kInk, "inputs");
  std::string subtitle = figure_subtitle(p1, stage, o.query);
  if (!difference)
    subtitle += kDot + std::string("no difference: the inputs have ") + std::to_string(p1.lq()) + " and " +
                std::to_string(p2.lq()) + " tokens, and only inputs of one length compare cell by cell";
  y = text_line(l, subtitle, y, l.px(10), l.px(kSubtitle), kSoftInk, "subtitle");

  // The two inputs share one colour scale; the difference has its own.
  const StageColours colours = trace_colours({first.trace, second.trace}, stage, o.colormap, o.span);
  const auto names = [&](const Problem& p, const Trace& t) {
    const Matrix& m = t.stage(stage);
    return std::pair{labels_or_numbers(p.query_tokens, "q", m.rows()),
                     stage == Stage::output ? numbered_tokens("d", m.cols())
                                            : labels_or_numbers(p.key_tokens, "k", m.cols())};
  };
  std::vector<Panel> panels;
  for (const ComparedPanel* c : {&first, &second}) {
    auto [rows, cols] = names(*c->problem, *c->trace);
    panels.push_back(make_panel(l, *c->problem, *c->trace, c == &first ? "first" : "second", colours,
                                std::move(rows), std::move(cols)));
  }
  if (difference)
    panels.push_back(make_panel(l, p1, *difference, kDifferencePanel, difference_colours(*difference, stage),
                                shared_names(panels[0].row_names, panels[1].row_names),
                                stage == Stage::output ? panels[0].col_names
                                                       : shared_names(panels[0].col_names, panels[1].col_names)));

  // The colour bars: the inputs' after the second panel, the difference's after the last.
  const MaskLegend legend = mask_legend(*first.trace, stage);
  const float bar_space = colour_bar_space(l, colours, legend);
  // The difference's grey cells are the inputs' own: its bar needs no legend of them.
  // Its title, longer than a stage's name, centred on the bar: the bar moves right until the title
  // clears the panel's own.
  const float diff_title_w = font.width(kDifference, l.px(kTick));
  const float diff_shift = std::max(0.0f, gap + diff_title_w / 2 - l.px(kBarW) / 2 - l.px(kBarGap));
  const float diff_bar_space =
      difference ? colour_bar_space(l, panels.back().colours, MaskLegend::none) + diff_shift : 0;
  // Cells of one size in every panel, as large as the width allows.
  float lefts = 0;
  Index cols = 0, rows = 0;
  for (const Panel& p : panels) {
    lefts += std::max(p.left, &p == &panels.front() ? font.width("queries", axis) : 0.0f) + gap;
    cols += p.trace->stage(stage).cols();
    rows = std::max(rows, p.trace->stage(stage).rows());
  }
  // Between the two inputs a panel's gap; after a colour bar, which has its own, a label's.
  const float panel_gaps = l.px(kPanelGap) + (difference ? gap : 0);
  const float avail = static_cast<float>(o.width) - 2 * pad - lefts - panel_gaps - bar_space - diff_bar_space;
  FigureHeatmap cells;
  cells.rows = rows, cells.cols = cols;
  size_cells(cells, avail);
  const float title_size = l.px(kPanelTitle);
  const float top = std::round(y + l.px(26) + axis + font.ascent(title_size));

  float x = pad, keys_y = top, bars_bottom = top;
  CellRange range;
  for (std::size_t n = 0; n < panels.size(); ++n) {
    Panel& p = panels[n];
    const Matrix& m = p.trace->stage(stage);
    x += std::max(p.left, n == 0 ? font.width("queries", axis) : 0.0f) + gap;
    FigureHeatmap& h = f.heatmaps.emplace_back();
    h.name = p.title;
    h.rows = m.rows(), h.cols = m.cols();
    h.cell_w = cells.cell_w, h.cell_h = cells.cell_h;
    h.x = std::round(x), h.y = top;
    h.row_names = p.row_names, h.col_names = p.col_names;
    const CellRange own = fill_cells(h, *p.trace, stage, p.colours);
    if (n < 2) range.largest = std::max(range.largest, own.largest), range.whole = range.whole && own.whole;
    h.hatch = std::max(6.0f, std::round(l.px(kHatch)));
    const float heat_w = h.cell_w * static_cast<float>(h.cols), heat_h = h.cell_h * static_cast<float>(h.rows);
    heatmap_frame(l, h, heat_w, heat_h);
    l.text(p.title, h.x + heat_w / 2, h.y - l.px(kPanelLift), l.fitting(p.title, title_size, heat_w + l.px(kPanelGap)),
           Anchor::middle, kInk, "panel-title");
    if (n == 0)
      l.text("queries", h.x - gap, h.y - l.px(kAxisLift), axis, Anchor::end, kSoftInk, "axis-title");
    const AxisPlan plan = label_plan(l, h, p.col_labels);
    query_labels(l, h, p.row_labels, o.query, plan);
    const float below = key_labels(l, h, heat_h, p.col_labels, plan) + l.px(14) + font.ascent(axis);
    l.text(stage == Stage::output ? "value dimensions" : "keys", h.x + heat_w / 2, below, axis, Anchor::middle,
           kSoftInk, "axis-title");
    keys_y = std::max(keys_y, below);
    cell_values(l, h, *p.trace, stage, n < 2 ? range : own);
    if (o.query) query_outline(l, h, heat_w, *o.query);
    x = h.x + heat_w;
    // The inputs' bar after the second panel; the difference's, titled as what it is, after the last.
    if (n == 1 || n == 2) {
      const float bar_x = x + l.px(kBarGap) + (n == 2 ? diff_shift : 0), bar_h = std::max(cells.cell_h * static_cast<float>(rows), l.px(kBarMinH));
      const float bottom = n == 1 ? colour_bar(l, colours, stage, bar_x, top, bar_h, legend)
                                  : colour_bar(l, p.colours, kDifference, bar_x, top, bar_h, MaskLegend::none);
      bars_bottom = std::max(bars_bottom, bottom);
      x += n == 1 ? bar_space + gap : diff_bar_space;
    } else {
      x += l.px(kPanelGap);
    }
  }
  f.content_right = x;
  f.height = checked_figure_height(std::max(keys_y + 0.25f * axis, bars_bottom) + pad, o.width);
  return f;
}

}  // namespace attnlab
