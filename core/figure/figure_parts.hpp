#pragma once
// The pieces every heatmap figure is made of, shared by the one-stage figure (figure.cpp) and the
// grid of heads (figure_heads.cpp): the title lines, the cells, their labels, values and outline,
// and the colour bar. Lengths are in units of a figure 1000 units wide (FigurePen::px): a figure at
// 2400 px is the same figure as at 1600 px, only sharper.
#include <optional>
#include <string>
#include <vector>

#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_pen.hpp"

namespace attnlab::figure_parts {

inline constexpr float kPad = 28, kGap = 10, kAxisLift = 15;  // axis titles above the heatmap sit this far up
inline constexpr float kTitle = 30, kSubtitle = 18, kLabel = 17, kLabelMin = 13, kAxisTitle = 17, kTick = 15;
inline constexpr float kMaxLabel = 190;  // longer tokens end in "…"
inline constexpr float kBarGap = 30, kBarW = 26, kBarMinH = 150, kTickLen = 7;
inline constexpr float kValueCell = 40, kValueMin = 10;  // cells at least this large print their value
inline constexpr float kCentre = 0.36f;                  // baseline below a line's middle, in ems (DejaVu's caps)
inline constexpr Rgba kInk{20, 20, 20, 255}, kSoftInk{70, 70, 70, 255}, kFrame{110, 110, 110, 255},
    kWhite{255, 255, 255, 255};
inline constexpr const char* kDot = "  \u00b7  ";
inline constexpr float kHatch = 9;  // the stripes' period over cells the mask will block

// Throws InputError for a width out of figure_min_width..figure_max_side.
void check_width(int width);
// Throws InputError for a query outside 0..lq−1.
void check_query(std::optional<Index> query, Index lq);

// One line of text from the left margin, shrunk to fit the figure's width: its baseline is
// `lead` plus the line's ascent below `above`. Returns the baseline.
float text_line(FigurePen& pen, const std::string& text, float above, float lead, float size, Rgba colour,
                const char* role);

// Cells the mask blocks are grey from the masked stage on; before it (scores, scaled) they keep
// their values and colours and are hatched: "to be masked".
bool masked_cell(const Trace& trace, Stage stage, Index i, Index j);
bool to_be_masked(const Trace& trace, Stage stage, Index i, Index j);
// What the colour bar's legend explains: grey cells, hatched cells, or neither.
enum class MaskLegend { none, masked, to_be_masked };
MaskLegend mask_legend(const Trace& trace, Stage stage);

// The text, or as much of it as fits in max_w followed by "…".
std::string fit(const Font& font, const std::string& text, float size, float max_w);
// The tokens when there are `count` of them, otherwise prefix0, prefix1, …
std::vector<std::string> labels_or_numbers(const std::vector<std::string>& tokens, const char* prefix, Index count);
// The names as labels (the numbers alone for t0, t1, …: axis_labels.hpp), each cut to kMaxLabel at
// the label size.
std::vector<std::string> fitted_labels(const FigurePen& pen, const std::vector<std::string>& names);

// The cells of rows × cols in `avail` pixels of width: square while the heatmap is at most as tall
// as it is wide, then flatter; whole pixels when large, so every cell of the PNG has the same size
// and crisp edges.
void size_cells(FigureHeatmap& heatmap, float avail);

// What the cells' values print as: integer scores (the hand-made examples) as "6", not "6.00".
struct CellRange {
  float largest = 0;  // the largest finite magnitude
  bool whole = true;
};
// Fills the heatmap's colours and values from the stage; its rows and cols are set.
CellRange fill_cells(FigureHeatmap& heatmap, const Trace& trace, Stage stage, const StageColours& colours);

// The functions below that take heat_w and heat_h, the heatmap's size in pixels (cell_w·cols and
// cell_h·rows), take them from the builder, which works them out once: the same roundings every
// time, so a figure stays the same to the last bit.

// The frame around the heatmap.
void heatmap_frame(FigurePen& pen, const FigureHeatmap& heatmap, float heat_w, float heat_h);
// Which rows and columns carry a label and whether the key labels stand upright: the window's rule
// (axis_labels.hpp) at the figure's label size.
AxisPlan label_plan(const FigurePen& pen, const FigureHeatmap& heatmap, const std::vector<std::string>& col_labels);
// Query labels, right-aligned beside their rows, every plan.stride-th and the selected query.
void query_labels(FigurePen& pen, const FigureHeatmap& heatmap, const std::vector<std::string>& labels,
                  std::optional<Index> query, const AxisPlan& plan);
// Key labels under the heatmap, level or upright, every plan.stride-th. Returns how far down they
// reach (a level label's baseline, an upright label's end).
float key_labels(FigurePen& pen, const FigureHeatmap& heatmap, float heat_h, const std::vector<std::string>& labels,
                 const AxisPlan& plan);
// Each cell's value, when the cells are large enough to read it; a masked key's weight is left to
// its grey.
void cell_values(FigurePen& pen, const FigureHeatmap& heatmap, const Trace& trace, Stage stage, CellRange range);
// The selected query: a dark band around its row, and a white line inside it for dark cells.
void query_outline(FigurePen& pen, const FigureHeatmap& heatmap, float heat_w, Index query);

// The width the colour bar takes right of the heatmap: the gap, the bar, its ticks or the masked
// legend, whichever is wider.
float colour_bar_space(const FigurePen& pen, const StageColours& colours, MaskLegend legend);
// The colour bar from lo (bottom) to hi (top), its ticks, and the swatch of the masked (grey) or
// to-be-masked (hatched) cells. Returns the bottom of what it drew.
float colour_bar(FigurePen& pen, const StageColours& colours, Stage stage, float x, float y, float h,
                 MaskLegend legend);
// The same, titled `title` instead of the stage's name (a difference of two inputs: "second − first").
float colour_bar(FigurePen& pen, const StageColours& colours, const std::string& title, float x, float y, float h,
                 MaskLegend legend);

}  // namespace attnlab::figure_parts
