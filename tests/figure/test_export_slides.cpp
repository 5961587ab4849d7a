// Figures for a lesson: colour ranges that match the window (stretched weights, one range for
// scores and scaled, a range given), figures laid out for a 16:9 slide, and the options' errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/inputs/input.hpp"
#include "tests/export_checks.hpp"

using namespace attnlab;
using namespace cli_test;

namespace {

struct Computed {
  Problem problem;
  Trace trace;
};
Computed sentence() {
  InputOptions in;
  in.example = "sentence";
  Computed c{load_problem(in), {}};
  CpuBackend().compute(c.problem, c.trace);
  return c;
}

// A float as the SVG's data-value writes it: every digit of the float32.
std::string exact_value(float v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

float largest_magnitude(const Matrix& m) {
  float out = 0;
  for (Index n = 0; n < m.size(); ++n)
    if (std::isfinite(m.data()[n])) out = std::max(out, std::abs(m.data()[n]));
  return out;
}

}  // namespace

TEST_SUITE("figure/colours") {
  TEST_CASE("shared: scores, scaled and masked on the range of the larger, so scaling is seen to fade the colours") {
    const Computed c = sentence();
    ColourSpan shared;
    shared.shared = true;
    const float top = std::max(largest_magnitude(c.trace.scores), largest_magnitude(c.trace.scaled));
    REQUIRE(top == 10);  // "was" · "it": the sentence's largest score
    for (Stage stage : {Stage::scores, Stage::scaled, Stage::masked}) {
      const StageColours colours = trace_colours({&c.trace}, stage, "", shared);
      CHECK(colours.lo == -top);
      CHECK(colours.hi == top);
    }
    // Without it each stage has its own range: the scaled scores' largest is 10/√8.
    CHECK(trace_colours({&c.trace}, Stage::scaled, "", {}).hi == doctest::Approx(10 / std::sqrt(8.0)));
    // The weights and the output keep theirs.
    CHECK(trace_colours({&c.trace}, Stage::weights, "", shared).hi == 1);
    CHECK(trace_colours({&c.trace}, Stage::output, "", shared).hi == largest_magnitude(c.trace.output));
    // In the figure, a scaled cell is drawn with its value on the shared range.
    FigureOptions o{Stage::scaled, {}, "", 1600, "", shared, 0};
    const Figure f = build_figure(c.problem, c.trace, o, figure_font());
    CHECK(f.heatmaps.at(0).colours.at(4 * 7 + 1) == colormap(c.trace.scaled(4, 1), -top, top, diverging()));
  }

  TEST_CASE("stretch: the weights over [0, the largest weight]; a range given: that range") {
    const Computed c = sentence();
    ColourSpan stretch;
    stretch.stretch = true;
    const StageColours w = trace_colours({&c.trace}, Stage::weights, "", stretch);
    CHECK(w.lo == 0);
    CHECK(w.hi == c.trace.weights.maxCoeff());
    CHECK(trace_colours({&c.trace}, Stage::scores, "", stretch).hi == 10);  // only the weights stretch
    const ColourSpan given = parse_colour_range("-2.5:4");
    const StageColours s = trace_colours({&c.trace}, Stage::scores, "", given);
    CHECK(s.lo == -2.5f);
    CHECK(s.hi == 4);
    CHECK(parse_colour_range("shared").shared);
    for (const char* bad : {"", "shared:1", "1", "3:3", "4:-1", "a:b", "1:inf", "nan:1", "1:2:3"})
      CHECK_THROWS_AS(parse_colour_range(bad), InputError);
  }

  TEST_CASE("--aspect: W:H between 1:4 and 4:1") {
    CHECK(parse_aspect("16:9") == doctest::Approx(16.0 / 9));
    CHECK(parse_aspect("4:3") == doctest::Approx(4.0 / 3));
    CHECK(parse_aspect("1.5:1") == doctest::Approx(1.5));
    for (const char* bad : {"", "16", "16:", ":9", "16:0", "0:9", "-16:9", "9:1", "1:9", "a:b", "16:9x"})
      CHECK_THROWS_AS(parse_aspect(bad), InputError);
  }
}

TEST_SUITE("cli/export_slides") {
  TEST_CASE("export --aspect 16:9: exactly a slide's shape, the heatmap whole and centred") {
    TempDir dir;
    for (const auto& [input, width] : std::vector<std::pair<std::vector<std::string>, int>>{
             {{"--example", "sentence", "--stage", "scores", "--query", "4"}, 1600},
             {{"--random", "--lq", "64", "--lk", "16", "--stage", "weights"}, 1280},
             {{"--random", "--lq", "8", "--lk", "200", "--stage", "scaled"}, 1920}}) {
      std::vector<std::string> args = input;
      args.insert(args.end(), {"--aspect", "16:9", "--width", std::to_string(width)});
      const Image image = export_png(args, dir / "slide.png");
      CHECK(image.width == width);
      CHECK(image.height == width * 9 / 16);
      // Margins all round: the corners and the middle of the bottom edge are background.
      for (const auto& [x, y] : std::vector<std::pair<int, int>>{{2, 2},
                                                                 {width - 3, 2},
                                                                 {2, image.height - 3},
                                                                 {width - 3, image.height - 3},
                                                                 {width / 2, image.height - 3}})
        CHECK(image.at(x, y) == Rgba{255, 255, 255, 255});
    }
  }

  TEST_CASE("--aspect 16:9: the title starts where the body does, and key labels lie level when there is room") {
    const Computed c = sentence();
    const Font& font = figure_font();
    for (const int width : {1280, 1600, 1920}) {
      FigureOptions o;
      o.stage = Stage::scores, o.query = 4, o.width = width, o.aspect = 16.0 / 9;
      const Figure f = build_figure(c.problem, c.trace, o, font);
      CAPTURE(width);
      float title_x = -1, body_left = INFINITY;
      int keys = 0;
      for (const FigureText& t : f.texts) {
        if (t.role == "title") title_x = t.x;
        if (t.role == "query-label" || (t.role == "axis-title" && t.text == "queries"))
          body_left = std::min(body_left, t.anchor == Anchor::end ? t.x - font.width(t.text, t.size) : t.x);
        if (t.role == "key-label") {
          ++keys;
          CHECK_MESSAGE(!t.upright, t.text);
        }
      }
      CHECK(keys == 7);
      // The body is centred on the slide, not pinned to the left: the title moved with it.
      CHECK(body_left > 0.1f * static_cast<float>(width));
      CHECK(std::abs(title_x - body_left) <= 1.5f);
      // A title too long to move as far keeps its lines together.
      o.heading = "a model with a long name  \u00b7  layer 1  \u00b7  head 2 of 4  \u00b7  KV head 2 of 4";
      float xs[2] = {-1, -2};
      for (const FigureText& t : build_figure(c.problem, c.trace, o, font).texts)
        if (t.role == "title" || t.role == "subtitle") xs[t.role == "subtitle"] = t.x;
      CHECK(xs[0] == xs[1]);
    }
  }

  TEST_CASE("export --stretch and --range shared give the colours the window's checkboxes give") {
    TempDir dir;
    const Computed c = sentence();
    // --plain draws each cell in its colour: the stretched weights.
    const Image plain =
        export_png({"--example", "sentence", "--stage", "weights", "--stretch", "--plain", "--cell-px", "3"},
                   dir / "stretched.png");
    const float top = c.trace.weights.maxCoeff();
    for (int i = 0; i < 7; ++i)
      for (int j = 0; j < 7; ++j)
        CHECK(plain.at(3 * j + 1, 3 * i + 1) == colormap(c.trace.weights(i, j), 0, top, viridis()));
    const Image shared =
        export_png({"--example", "sentence", "--stage", "scaled", "--range", "shared", "--plain", "--cell-px", "3"},
                   dir / "shared.png");
    CHECK(shared.at(3 * 1 + 1, 3 * 4 + 1) == colormap(c.trace.scaled(4, 1), -10, 10, diverging()));
  }

  TEST_CASE("export: --stretch, --range and --aspect where they do not apply are exit 2, nothing written") {
    const std::vector<std::string> in{"--example", "sentence"};
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> a = in;
      a.insert(a.end(), extra.begin(), extra.end());
      return a;
    };
    check_export_error(with({"--stage", "scores", "--stretch"}), ".png", 2, {"--stretch", "weights"});
    check_export_error(with({"--stage", "weights", "--range", "shared"}), ".png", 2, {"--range shared", "weights"});
    check_export_error(with({"--stage", "weights", "--range", "0:0"}), ".png", 2, {"0:0"});
    check_export_error(with({"--stage", "weights", "--stretch", "--range", "0:1"}), ".png", 2,
                       {"--stretch", "--range"});
    check_export_error(with({"--stage", "weights", "--aspect", "16-9"}), ".png", 2, {"16-9"});
    check_export_error(with({"--stage", "weights", "--aspect", "16:9", "--plain", "--cell-px", "4"}), ".png", 2,
                       {"--aspect", "--plain"});
    check_export_error({"--example", "sentence", "--heads", "4", "--stage", "weights", "--aspect", "16:9"}, ".png", 2,
                       {"--aspect", "--head"});
  }
}

TEST_SUITE("figure/masking") {
  TEST_CASE("before the mask stage the cells it will block keep their values and colours, striped; then grey") {
    InputOptions in;
    in.example = "sentence", in.mask = "causal";
    Computed c{load_problem(in), {}};
    CpuBackend().compute(c.problem, c.trace);
    for (Stage stage : {Stage::scores, Stage::scaled, Stage::masked, Stage::weights}) {
      const Figure f = build_figure(c.problem, c.trace, {stage, 4, "", 1000, "", {}, 0}, figure_font());
      const FigureHeatmap& h = f.heatmaps.at(0);
      const StageColours colours = trace_colours({&c.trace}, stage, "", {});
      const std::string svg = figure_svg(f);
      const Image image = decode_png(figure_png(f, figure_font()));
      for (Index i = 0; i < 7; ++i)
        for (Index j = 0; j < 7; ++j) {
          const auto n = static_cast<std::size_t>(i * 7 + j);
          const bool blocked = j > i;
          const float value = c.trace.stage(stage)(i, j);
          INFO(stage_name(stage) << " cell (" << i << ", " << j << ")");
          CHECK(h.values[n] == value);
          if (!blocked) {
            CHECK(h.mask[n] == FigureHeatmap::Mask::open);
            continue;
          }
          if (stage == Stage::scores || stage == Stage::scaled) {
            CHECK(h.mask[n] == FigureHeatmap::Mask::to_be_masked);
            CHECK(h.colours[n] == colormap(value, colours.lo, colours.hi, *colours.table));
            // The SVG says so, with the value; the PNG stripes the cell: dark pixels and the cell's own.
            CHECK(count(svg, "class=\"cell to-be-masked\" " + std::string("x=")) >= 1);
            int dark = 0, own = 0;
            for (int dy = 2; dy < static_cast<int>(h.cell_h) - 2; ++dy) {
              const Rgba px = image.at(static_cast<int>(h.x + static_cast<float>(j) * h.cell_w) + 3,
                                       static_cast<int>(h.y + static_cast<float>(i) * h.cell_h) + dy);
              own += px == h.colours[n];
              dark += px.r + px.g + px.b + 60 < h.colours[n].r + h.colours[n].g + h.colours[n].b;
            }
            CHECK(dark > 0);
            CHECK(own > 0);
          } else {
            CHECK(h.mask[n] == FigureHeatmap::Mask::masked);
            CHECK(h.colours[n] == masked_colour);
          }
        }
      const std::size_t striped = count(svg, "class=\"cell to-be-masked\""), grey = count(svg, "class=\"cell masked\"");
      const bool before = stage == Stage::scores || stage == Stage::scaled;
      CHECK(striped == (before ? 21u : 0u));
      CHECK(grey == (stage == Stage::masked || stage == Stage::weights ? 21u : 0u));
      CHECK(count(svg, "class=\"hatch\"") == (before ? 22u : 0u));  // the cells and the legend's swatch
      CHECK(count(svg, ">to be masked<") == (before ? 1u : 0u));
      CHECK(count(svg, ">masked (\u2212\u221e)<") == (stage == Stage::masked || stage == Stage::weights ? 1u : 0u));
      if (before)
        CHECK(count(svg, "data-row=\"4\" data-col=\"6\" data-value=\"" + exact_value(c.trace.stage(stage)(4, 6))) == 1);
      if (stage == Stage::masked) CHECK(count(svg, "data-row=\"4\" data-col=\"6\" data-value=\"-inf\"") == 1);
    }
  }
}
