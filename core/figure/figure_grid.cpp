#include "core/figure/figure_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/figure/figure_parts.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab {
namespace {

using namespace figure_parts;

// Lengths in units of a figure 1000 units wide, as in figure_parts.hpp.
constexpr float kPanelGap = 36;  // between panels side by side, or a quarter of a narrow panel
constexpr float kPanelGapMin = 16;
constexpr float kPanelTitle = 17;     // "head 2 · KV head 0" above each panel
constexpr float kPanelTitleLift = 9;  // its baseline above the panel
constexpr float kRowGap = 16;         // above a row's panel titles
constexpr float kPanelMin = 40;       // the narrowest panel: fewer columns below that
constexpr float kTinyCell = 6;        // smaller cells get no token labels
constexpr float kHeads = 20;          // the line under the title that says what the panels are
// The grid's width over its height that fits a slide best once the titles and labels are added.
constexpr double kGridAspect = 1.8;

// Columns and rows for `panels` panels, each `panel_aspect` times as wide as tall, at most
// `max_columns` wide: as near kGridAspect as possible, each empty place in the last row a penalty.
struct Grid {
  Index columns = 1, rows = 1;
};
Grid choose_grid(Index panels, double panel_aspect, Index max_columns) {
  Grid best{1, panels};
  double best_score = std::numeric_limits<double>::infinity();
  for (Index c = 1; c <= std::min(panels, max_columns); ++c) {
    const Index r = (panels + c - 1) / c;
    const double aspect = static_cast<double>(c) * panel_aspect / static_cast<double>(r);
    const double score = std::abs(std::log(aspect / kGridAspect)) + 0.25 * static_cast<double>(r * c - panels);
    if (score < best_score - 1e-9) best = {c, r}, best_score = score;
  }
  return best;
}

}  // namespace

Figure build_grid_figure(const Problem& first, const std::vector<GridPanel>& panels, const GridLayout& layout,
                         const FigureOptions& o, const Font& font) {
  check_width(o.width);
  check_query(o.query, first.lq());
  std::vector<const Matrix*> stages;
  std::vector<const Trace*> all;
  for (const GridPanel& p : panels) stages.push_back(&p.trace->stage(o.stage)), all.push_back(p.trace);
  const StageColours colours = trace_colours(all, o.stage, o.colormap, o.span);  // one scale for every panel
  const auto count = static_cast<Index>(panels.size());
  const Index columns = layout.columns;
  const std::vector<std::string>& row_titles = layout.row_titles;

  Figure f;
  f.width = o.width;
  FigurePen l{font, static_cast<float>(o.width) / 1000.0f, f};
  const float pad = l.px(kPad), gap = l.px(kGap), axis = l.px(kAxisTitle);

  // The title: the stage's formula; under it what the panels are (the kind of attention, the heads);
  // then dk, the scale and the mask as on every figure. The SVG's title holds the first two.
  const std::string formula = figure_title(first, o.stage);
  f.title = formula + kDot + layout.description;
  float y = text_line(l, formula, pad, 0, l.px(kTitle), kInk, "title");
  y = text_line(l, layout.description + kDot + "one colour scale for all " + layout.panels_word, y, l.px(12),
                l.px(kHeads), kInk, "heads");
  if (!layout.sentence.empty())
    y = text_line(l, "\u201c" + layout.sentence + "\u201d", y, l.px(10), l.px(kHeads), kInk, "sentence");
  y = text_line(l, figure_subtitle(first, o.stage, o.query, layout.sink_per_head), y, l.px(10), l.px(kSubtitle),
                kSoftInk, "subtitle");

  const Matrix& m = *stages.front();
  const std::vector<std::string> row_names = labels_or_numbers(first.query_tokens, "q", m.rows());
  const std::vector<std::string> col_names =
      o.stage == Stage::output ? numbered_tokens("d", m.cols()) : labels_or_numbers(first.key_tokens, "k", m.cols());
  const std::vector<std::string> row_labels = fitted_labels(l, row_names), col_labels = fitted_labels(l, col_names);
  const MaskLegend any_masked = mask_legend(*panels.front().trace, o.stage);  // one mask for every panel
  const float right = colour_bar_space(l, colours, any_masked) + pad;

  // The panels' cells, with room for the query labels left of the grid; without it when the cells
  // turn out too small for labels.
  float left = font.width("queries", axis);
  for (const auto& label : row_labels) left = std::max(left, font.width(label, l.px(kLabel)));
  // Row titles ("layer 3") in a column of their own at the left margin.
  float rows_w = 0;
  for (const auto& title : row_titles) rows_w = std::max(rows_w, font.width(title, l.px(kLabel)) + gap);
  FigureHeatmap cells;
  cells.rows = m.rows(), cells.cols = m.cols();
  const double panel_aspect =
      1.0 / std::clamp(static_cast<double>(m.rows()) / static_cast<double>(m.cols()), 0.25, 1.0);
  Grid grid;
  float panel_gap = 0;
  bool labels = true;
  for (int pass = 0; pass < 2; ++pass) {
    const float avail = static_cast<float>(o.width) - std::round(pad + rows_w + (labels ? left + gap : 0)) - right;
    const float widest_gap = l.px(kPanelGap);
    const auto max_columns =
        std::max<Index>(1, static_cast<Index>((avail + widest_gap) / (l.px(kPanelMin) + widest_gap)));
    grid = columns > 0 ? Grid{columns, (count + columns - 1) / columns} : choose_grid(count, panel_aspect, max_columns);
    const auto across = static_cast<float>(grid.columns);
    const float panel_w = (avail - widest_gap * (across - 1)) / across;
    panel_gap = std::clamp(0.25f * panel_w, l.px(kPanelGapMin), widest_gap);
    size_cells(cells, (avail - panel_gap * (across - 1)) / across);
    if (std::min(cells.cell_w, cells.cell_h) >= l.px(kTinyCell)) break;
    labels = false;
  }
  const float heat_w = cells.cell_w * static_cast<float>(cells.cols),
              heat_h = cells.cell_h * static_cast<float>(cells.rows);
  const float title_size = l.px(kPanelTitle), band = l.px(kRowGap + kPanelTitleLift) + font.ascent(title_size);
  const float grid_x = std::round(pad + rows_w + (labels ? left + gap : 0)), grid_y = std::round(y + l.px(22) + band);
  const float grid_w = heat_w * static_cast<float>(grid.columns) + panel_gap * static_cast<float>(grid.columns - 1);

  CellRange range;  // over every panel, so that every panel prints its values alike
  for (Index h = 0; h < count; ++h) {
    FigureHeatmap& panel = f.heatmaps.emplace_back(cells);
    panel.name = panels[static_cast<std::size_t>(h)].name;
    panel.x = std::round(grid_x + static_cast<float>(h % grid.columns) * (heat_w + panel_gap));
    panel.y = std::round(grid_y + static_cast<float>(h / grid.columns) * (heat_h + band));
    panel.row_names = row_names;
    panel.col_names = col_names;
    const CellRange own = fill_cells(panel, *panels[static_cast<std::size_t>(h)].trace, o.stage, colours);
    panel.hatch = std::max(6.0f, std::round(l.px(kHatch)));
    range.largest = std::max(range.largest, own.largest);
    range.whole = range.whole && own.whole;
  }

  // The panels' titles in the longest form that fits every panel at full size.
  std::size_t title_form = 0;
  const auto fits = [&](std::size_t form) {
    for (const GridPanel& p : panels)
      if (form < p.titles.size() && font.width(p.titles[form], title_size) > heat_w) return false;
    return true;
  };
  while (title_form + 1 < panels.front().titles.size() && !fits(title_form)) ++title_form;

  // With row titles, the panels' titles head the columns: the first row's alone.
  for (std::size_t r = 0; r < row_titles.size() && static_cast<Index>(r) < grid.rows; ++r)
    l.text(row_titles[r], pad,
           f.heatmaps[r * static_cast<std::size_t>(grid.columns)].y + heat_h / 2 + kCentre * l.px(kLabel),
           l.fitting(row_titles[r], l.px(kLabel), rows_w - gap), Anchor::start, kInk, "row-title");

  // Each panel: its frame and title; query labels beside the first column, key labels under the
  // lowest panel of each column; the values when the cells are large, the selected query outlined.
  float keys_y = grid_y + heat_h * static_cast<float>(grid.rows) + band * static_cast<float>(grid.rows - 1);
  for (Index h = 0; h < count; ++h) {
    const FigureHeatmap& panel = f.heatmaps[static_cast<std::size_t>(h)];
    const GridPanel& source = panels[static_cast<std::size_t>(h)];
    const Trace& trace = *source.trace;
    heatmap_frame(l, panel, heat_w, heat_h);
    const std::string& title = source.titles[std::min(title_form, source.titles.size() - 1)];
    if (row_titles.empty() || h < grid.columns)
      l.text(title, panel.x + heat_w / 2, panel.y - l.px(kPanelTitleLift), l.fitting(title, title_size, heat_w),
             Anchor::middle, kInk, "panel-title");
    const AxisPlan plan = label_plan(l, panel, col_labels);
    if (labels && h % grid.columns == 0) {
      if (h == 0)
        l.text("queries", panel.x - gap, panel.y - l.px(kAxisLift), axis, Anchor::end, kSoftInk, "axis-title");
      query_labels(l, panel, row_labels, o.query, plan);
    }
    if (labels && h + grid.columns >= count) {
      const float below = key_labels(l, panel, heat_h, col_labels, plan);
      if (h / grid.columns == grid.rows - 1) keys_y = below;
    }
    cell_values(l, panel, trace, o.stage, range);
    if (o.query) query_outline(l, panel, heat_w, *o.query);
  }
  const float axis_y = keys_y + l.px(labels ? 14 : 22) + font.ascent(axis);
  l.text(o.stage == Stage::output ? "value dimensions" : "keys", grid_x + grid_w / 2, axis_y, axis, Anchor::middle,
         kSoftInk, "axis-title");

  const float grid_h = heat_h * static_cast<float>(grid.rows) + band * static_cast<float>(grid.rows - 1);
  const float bar_bottom = colour_bar(l, colours, o.stage, grid_x + grid_w + l.px(kBarGap), grid_y,
                                      std::max(grid_h, l.px(kBarMinH)), any_masked);
  f.height = checked_figure_height(std::max(axis_y + 0.25f * axis, bar_bottom) + pad, o.width);
  return f;
}

}  // namespace attnlab
