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

}  // namespace window_capture
