#pragma once
// A finished figure for slides and papers: a stage's heatmap (cells, token labels, a colour bar,
// a title and the selected query outlined), a grid of such heatmaps, one per head
// (core/figure_heads.hpp), or line plots (core/sweep_figure.hpp). Laid out once in pixels; the PNG
// and SVG writers draw this same model, so both files show the same figure.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"
#include "core/colormap/colormap.hpp"

namespace attnlab {

class Font;

// Beyond these a figure is no longer a figure (and its buffer would not fit in memory).
inline constexpr long long figure_max_side = 20000;
inline constexpr long long figure_max_pixels = 400'000'000;
inline constexpr int figure_default_width = 1600;
inline constexpr int figure_min_width = 320;

// How a stage's values become colours: the same rule as the window's heatmap.
struct StageColours {
  const ColormapTable* table = nullptr;
  float lo = 0, hi = 1;
  std::string colormap;  // "viridis" or "diverging"
};
// Weights: viridis on the fixed range [0, 1]; the other stages: diverging, symmetric around 0.
// A non-empty `colormap` replaces the table (InputError for an unknown name), never the range.
StageColours stage_colours(const Matrix& values, Stage stage, const std::string& colormap = "");
// One rule over several matrices (the heads of a grid), so that they share one range.
StageColours stage_colours(const std::vector<const Matrix*>& values, Stage stage, const std::string& colormap = "");
// How the colours span a stage's values, beyond the stage's own range above.
struct ColourSpan {
  bool stretch = false;  // the weights over [0, the largest weight] instead of [0, 1]
  // Scores, scaled and masked on one range, the largest magnitude of the scores and the scaled
  // scores: stepping from scores to scaled, the colours fade by √dₖ as the spread shrinks.
  bool shared = false;
  std::optional<std::pair<float, float>> range;  // a range given, for any stage
};
// --range: "shared", or "LO:HI" with finite LO < HI; InputError naming the text otherwise.
ColourSpan parse_colour_range(const std::string& text);
// The colours of `stage` over one trace, or over several (the heads of a grid) on one range.
StageColours trace_colours(const std::vector<const Trace*>& traces, Stage stage, const std::string& colormap,
                           const ColourSpan& span);
// The colour of cell (i, j) of `stage`: masked keys (-inf in the masked stage) in masked_colour.
Rgba cell_colour(const Trace& trace, Stage stage, Index i, Index j, const StageColours& colours);

struct FigureOptions {
  Stage stage = Stage::weights;
  std::optional<Index> query;        // the row to outline
  std::string colormap;              // empty: the stage's default
  int width = figure_default_width;  // pixels; every length scales with it
  std::string heading;               // after the title's formula: "head 2 of 8  ·  KV head 1 of 2"
  ColourSpan span;                   // the stage's own range unless stretched, shared or given
  double aspect = 0;                 // width / height for a slide (16:9 → 1.78); 0: the content decides
};

// A matrix that is no stage of one problem (a model's attention rollout) names itself: these replace
// the stage's formula and the line of dk, scale and mask under it. Empty: the stage's own.
struct FigureNames {
  std::string title, subtitle;
};
// --aspect "W:H" as width / height, between 1:4 and 4:1; InputError naming the text otherwise.
double parse_aspect(const std::string& text);

enum class Anchor { start, middle, end };

struct FigureText {
  std::string text;    // UTF-8
  float x = 0, y = 0;  // y is the baseline
  float size = 0;      // em size in pixels
  Anchor anchor = Anchor::start;
  Rgba colour{0, 0, 0, 255};
  std::string role;  // title, subtitle, key-label, query-label, axis-title, tick, cell-value, legend
  // Written bottom to top, a quarter turn anticlockwise about (x, y): the anchor then runs along
  // the upward line (end: the text ends at y).
  bool upright = false;
};

struct FigureRect {
  float x = 0, y = 0, w = 0, h = 0;
  Rgba colour;
  float stroke = 0;      // 0: filled; otherwise an outline of this width drawn inside the rect
  std::string role;      // colour-bar, masked-swatch, to-be-masked-swatch, frame, outline
  bool hatched = false;  // striped as the cells the mask will block
};

// A polyline `width` pixels wide with round joins and ends: the curves of a line plot.
struct FigureLine {
  std::vector<std::pair<float, float>> points;  // (x, y) in pixels
  Rgba colour;
  float width = 1;
  std::string role;  // series
};

// A filled circle: a plot's data points and markers.
struct FigureDot {
  float x = 0, y = 0, radius = 0;
  Rgba colour;
  std::string role;  // point, this-problem, legend
};

// The cells as a grid, one colour each: rows × cols cells of cell_w × cell_h from (x, y).
struct FigureHeatmap {
  std::string name;  // one panel of several ("head 2"): its SVG group and cell titles say so
  float x = 0, y = 0, cell_w = 0, cell_h = 0;
  Index rows = 0, cols = 0;
  std::vector<Rgba> colours;  // row-major
  std::vector<float> values;  // row-major, the stage's values (for the SVG's cell titles)
  // Row-major: what the mask does to each cell. Before the masked stage a cell it will block keeps
  // its colour and is striped (to_be_masked); from the masked stage on it is grey (masked).
  enum class Mask : std::uint8_t { open, masked, to_be_masked };
  std::vector<Mask> mask;
  float hatch = 8;  // the stripes' period in pixels
  std::vector<std::string> row_names, col_names;
  // The SVG draws the cells as one embedded PNG of a pixel per cell, not a rect each: a thumbnail of
  // a grid of many (a model's layers × heads), whose cells carry no titles.
  bool as_image = false;
};

struct Figure {
  int width = 0, height = 0;
  Rgba background{255, 255, 255, 255};
  std::string title;                    // the title line, also the SVG's document title
  float content_right = 0;              // where the drawing ends on the right (the colour bar's ticks)
  std::vector<FigureHeatmap> heatmaps;  // one for a stage, one per head for a grid of heads, none for plots
  // Drawn in this order: the heatmaps, then rects, lines, dots, and texts.
  std::vector<FigureRect> rects;
  std::vector<FigureLine> lines;
  std::vector<FigureDot> dots;
  std::vector<FigureText> texts;
};

// The height of a figure whose content ends at `bottom`, checked against figure_max_side and
// figure_max_pixels (InputError naming the size).
int checked_figure_height(float bottom, int width);

// Throws InputError for a width out of range, a query out of range or an unknown colormap, and
// for a figure larger than figure_max_side / figure_max_pixels (naming the size).
Figure build_figure(const Problem& problem, const Trace& trace, const FigureOptions& options, const Font& font,
                    const FigureNames& names = {});

}  // namespace attnlab
