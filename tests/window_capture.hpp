#pragma once
// What the window tests read back from a scripted run: its screenshot's pixels and where it says the
// heatmap's cells are.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "tests/png_image.hpp"

namespace window_capture {

using png_test::close;
using png_test::Image;
using png_test::load_png;

struct Cells {
  float x = 0, y = 0, size = 0;
  int rows = 0, cols = 0;
};

// "attnlab: heatmap cells at x=… y=… size=… rows=… cols=…", which a scripted run prints.
inline Cells heatmap_cells(const std::string& err) {
  Cells c;
  const auto at = err.find("heatmap cells at");
  REQUIRE_MESSAGE(at != std::string::npos, err);
  REQUIRE(std::sscanf(err.c_str() + at, "heatmap cells at x=%f y=%f size=%f rows=%d cols=%d", &c.x, &c.y, &c.size,
                      &c.rows, &c.cols) == 5);
  return c;
}

// Every cell of an n × n heatmap against weight(i, j) through viridis, or the masked colour where
// masked(i, j): sampled inside the cell, clear of the value printed at its centre and of the query's outline.
template <class Weight, class Masked>
void check_cells(const Image& image, const Cells& cells, int n, Weight weight, Masked masked) {
  REQUIRE(cells.rows == n);
  REQUIRE(cells.cols == n);
  REQUIRE(cells.size > 10);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int x = static_cast<int>(cells.x + (static_cast<float>(j) + 0.12f) * cells.size);
      const int y = static_cast<int>(cells.y + (static_cast<float>(i) + 0.88f) * cells.size);
      const float w = static_cast<float>(weight(i, j));
      const attnlab::Rgba expected =
          masked(i, j) ? attnlab::masked_colour : attnlab::colormap(w, 0, 1, attnlab::viridis());
      const attnlab::Rgba got = image.at(x, y);
      CHECK_MESSAGE(close(got, expected), "cell (" << i << ", " << j << ") weight " << w << ": got " << int(got.r)
                                                   << "," << int(got.g) << "," << int(got.b) << " expected "
                                                   << int(expected.r) << "," << int(expected.g) << ","
                                                   << int(expected.b));
    }
}

}  // namespace window_capture
