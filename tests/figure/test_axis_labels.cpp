// The one rule for axis labels, shared by the window and the figures: every label when they fit,
// else every 2nd, 4th, 8th … on both axes, upright before dropped, the selected query always.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/figure/axis_labels.hpp"

using namespace attnlab;

namespace {

// Width of a text in a monospaced font of 10 px per character (UTF-8 aware).
float mono(const std::string& s) {
  float n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return 10 * n;
}

}  // namespace

TEST_SUITE("figure/axis_labels") {
  TEST_CASE("tokens that only number their place are written as numbers") {
    CHECK(tokens_are_indices({"t0", "t1", "t2"}));
    CHECK(tokens_are_indices({"q0"}));
    CHECK_FALSE(tokens_are_indices({"t0", "t2"}));
    CHECK_FALSE(tokens_are_indices({"t0", "k1"}));
    CHECK_FALSE(tokens_are_indices({"t00", "t01"}));
    CHECK_FALSE(tokens_are_indices({"The", "cat"}));
    CHECK_FALSE(tokens_are_indices({}));
    CHECK(axis_texts({"k0", "k1", "k2"}) == std::vector<std::string>{"0", "1", "2"});
    CHECK(axis_texts({"The", "cat"}) == std::vector<std::string>{"The", "cat"});
  }

  TEST_CASE("the stride: 1 when labels fit, upright before thinned, the same on both axes") {
    // Cells of 80 px, labels 18 px tall and at most 70 px wide with 6 px between them: all level.
    CHECK(plan_axis(80, 80, 18, 70, 6).stride == 1);
    CHECK_FALSE(plan_axis(80, 80, 18, 70, 6).upright);
    // Cells of 40 px: "because" no longer fits level, but upright it does, every one.
    AxisPlan p = plan_axis(40, 40, 18, 70, 6);
    CHECK(p.stride == 1);
    CHECK(p.upright);
    // Cells of 5 px: labels 18 px tall need every 4th row (4 × 5 ≥ 18), and the columns follow.
    p = plan_axis(5, 5, 18, 30, 6);
    CHECK(p.stride == 4);
    CHECK(p.upright);  // level they would need every 8th (36 px)
    // Wide flat cells: the rows decide, and the columns keep the rows' stride, level.
    p = plan_axis(200, 6, 18, 30, 6);
    CHECK(p.stride == 4);
    CHECK_FALSE(p.upright);
    // Always a power of two.
    for (float cell : {0.3f, 1.0f, 2.5f, 7.0f, 13.0f, 33.0f}) {
      const Index s = plan_axis(cell, cell, 18, 30, 6).stride;
      CHECK((s & (s - 1)) == 0);
      CHECK(static_cast<float>(s) * cell >= 18);
      CHECK(static_cast<float>(s / 2) * cell < 18);
    }
    CHECK(label_stride(10, 10) == 1);
    CHECK(label_stride(10, 11) == 2);
    CHECK(label_stride(1, 1000) == 1024);
  }

  TEST_CASE("the labelled indices: multiples of the stride, and the query with its crowding neighbours left out") {
    CHECK(labelled(0, 7, 1) == std::vector<Index>{0, 1, 2, 3, 4, 5, 6});
    CHECK(labelled(0, 16, 4) == std::vector<Index>{0, 4, 8, 12});
    CHECK(labelled(0, 16, 4, 6) == std::vector<Index>{0, 6, 12});     // 4 and 8 are closer to 6 than 4
    CHECK(labelled(0, 16, 4, 8) == std::vector<Index>{0, 4, 8, 12});  // a multiple itself
    CHECK(labelled(0, 16, 4, 15) == std::vector<Index>{0, 4, 8, 15});
    // A zoomed view: only its rows, the query outside it not added.
    CHECK(labelled(5, 13, 4) == std::vector<Index>{8, 12});
    CHECK(labelled(5, 13, 4, 30) == std::vector<Index>{8, 12});
    CHECK(labelled(5, 13, 4, 5) == std::vector<Index>{5, 12});
  }

  TEST_CASE("labels too long are shortened with an ellipsis, never mid-character, never to nothing") {
    CHECK(shorten("because", 70, mono) == "because");
    CHECK(shorten("because", 50, mono) == "beca\u2026");
    CHECK(shorten("\u00e9t\u00e9s", 30, mono) == "\u00e9t\u2026");
    CHECK(shorten("because", 5, mono) == "b\u2026");
  }
}
