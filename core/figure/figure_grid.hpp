#pragma once
// A grid of small heatmaps of one stage on one colour scale, each titled: the heads of a layer
// (figure_heads.hpp), or a model's layers × heads. Laid out as the Figure model that the PNG and SVG
// writers draw.
#include <string>
#include <vector>

#include "core/attention/problem.hpp"
#include "core/figure/figure.hpp"

namespace attnlab {

struct GridPanel {
  const Trace* trace = nullptr;
  std::string name;                 // its SVG group and cell titles: "head 2", "layer 1 head 2"
  std::vector<std::string> titles;  // above it, longest form first: the longest that fits every panel is used
};

// How the panels are arranged and introduced.
struct GridLayout {
  Index columns = 0;                    // 0: a shape chosen to suit a slide; else rows of this many panels
  std::vector<std::string> row_titles;  // one per row, at the left; then panel titles head the columns
  std::string description;              // the line under the title: what the panels are
  std::string panels_word = "heads";    // "one colour scale for all heads"
  bool sink_per_head = false;           // the heads' sinks differ: the subtitle gives no one value
  std::string sentence;                 // a model's input, quoted on a line of its own; empty: none
};

// `first` gives what every panel shares (shapes, scale, mask, tokens). Throws InputError as
// build_figure does (width, query, colormap, size).
Figure build_grid_figure(const Problem& first, const std::vector<GridPanel>& panels, const GridLayout& layout,
                         const FigureOptions& options, const Font& font);

}  // namespace attnlab
