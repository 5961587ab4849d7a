#pragma once
// Two inputs side by side (heads.md): the same stage of the same head on a first and a second input,
// on one colour scale, and where the two have the same shape their difference, second − first, on a
// diverging scale centred on 0 with a colour bar of its own. The same Figure model as every figure,
// drawn by the same PNG and SVG writers.
#include <string>
#include <vector>

#include "core/figure/figure.hpp"

namespace attnlab {

struct ComparedPanel {
  const Problem* problem = nullptr;  // its token labels and what the subtitle says (the first's)
  const Trace* trace = nullptr;
  std::string input;  // the input as given: its text, or its ids
};

// The difference's colours: the diverging table over ± the largest finite |second − first| (1 when
// the two are the same), so that 0 is the middle colour and equal gains and losses look alike.
StageColours difference_colours(const Trace& difference, Stage stage);

// The difference's token labels: a token both inputs share, or "tired/big" where they differ.
std::vector<std::string> shared_names(const std::vector<std::string>& first, const std::vector<std::string>& second);

// `difference` (stage_difference of the two, core/attention/difference.hpp), or null when the shapes
// differ: then the figure says why it has no difference. Throws InputError as build_figure does
// (width, query, colormap, a figure too large).
Figure build_compare_figure(const ComparedPanel& first, const ComparedPanel& second, const Trace* difference,
                            const FigureOptions& options, const Font& font);

}  // namespace attnlab
