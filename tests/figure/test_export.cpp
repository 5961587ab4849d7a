// Figures: the model that both writers draw (plain test cases, "figure: …"), and `attnlab export`
// through the real binary (suite cli, "export …"): the bare --plain pixels against the weights
// through viridis, the figure's size, the SVG's structure, and failures that leave no file behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/figure_text.hpp"
#include "core/figure/font.hpp"
#include "core/inputs/input.hpp"
#include "tests/export_checks.hpp"
#include "tests/svg_check.hpp"

using namespace attnlab;
using namespace cli_test;

TEST_SUITE_BEGIN("figure/export");

namespace {

// The problem and trace the CLI computes for the same options, here in-process on the CPU.
struct Computed {
  Problem problem;
  Trace trace;
};
Computed compute(const InputOptions& input) {
  Computed c{load_problem(input), {}};
  CpuBackend().compute(c.problem, c.trace);
  return c;
}
InputOptions sentence(const std::string& mask) {
  InputOptions in;
  in.example = "sentence";
  in.mask = mask;
  return in;
}

std::vector<const FigureText*> texts(const Figure& f, const std::string& role) {
  std::vector<const FigureText*> found;
  for (const auto& t : f.texts)
    if (t.role == role) found.push_back(&t);
  return found;
}

Figure figure_of(const Computed& c, Stage stage, std::optional<Index> query = {}, int width = 1600) {
  return build_figure(c.problem, c.trace, {stage, query, "", width, "", {}, 0}, figure_font());
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// The figure model

TEST_CASE("figure: the sentence weights with a causal mask, labelled, titled, one query outlined") {
  const Computed c = compute(sentence("causal"));
  const Figure f = figure_of(c, Stage::weights, 4);
  CHECK(f.width == 1600);
  CHECK(f.height > 800);
  const FigureHeatmap& h = f.heatmaps.at(0);
  REQUIRE(h.rows == 7);
  REQUIRE(h.cols == 7);
  const StageColours colours = stage_colours(c.trace.weights, Stage::weights);
  CHECK(colours.lo == 0);
  CHECK(colours.hi == 1);
  for (Index i = 0; i < 7; ++i)
    for (Index j = 0; j < 7; ++j) {
      const Rgba want = j > i ? masked_colour : expected_weight_colour(c.trace.weights(i, j));
      CHECK(h.colours[static_cast<std::size_t>(i * 7 + j)] == want);
    }
  CHECK(f.title == "weights = softmax(QK\u1d40/\u221ad\u2096 + mask)");
  const auto subtitle = texts(f, "subtitle");
  REQUIRE(subtitle.size() == 1);
  for (const char* part : {"d\u2096 = 8", "1/\u221a8", "mask causal", "query 4 \u201cit\u201d"})
    CHECK_MESSAGE(subtitle[0]->text.find(part) != std::string::npos, subtitle[0]->text);
  CHECK(texts(f, "key-label").size() == 7);
  CHECK(texts(f, "query-label").size() == 7);
  CHECK(texts(f, "key-label")[3]->text == "because");
  // Large cells print their values; a masked key's weight is left to its grey.
  CHECK(texts(f, "cell-value").size() == 28);
  CHECK(std::count_if(f.rects.begin(), f.rects.end(), [](const FigureRect& r) { return r.role == "outline"; }) >= 1);
  CHECK(std::count_if(f.rects.begin(), f.rects.end(), [](const FigureRect& r) { return r.role == "masked-swatch"; }) ==
        1);
  const Figure plain = figure_of(c, Stage::weights);
  CHECK(std::none_of(plain.rects.begin(), plain.rects.end(), [](const FigureRect& r) { return r.role == "outline"; }));
}

TEST_CASE("figure: every length scales with the width, so 2400 px is the 800 px figure, sharper") {
  const Computed c = compute(sentence("none"));
  const Figure small = figure_of(c, Stage::scores, {}, 800), large = figure_of(c, Stage::scores, {}, 2400);
  CHECK(small.width == 800);
  CHECK(large.width == 2400);
  CHECK(std::abs(large.height - 3 * small.height) <= 3 * 12);  // whole-pixel cells round a little
  CHECK(small.texts.size() == large.texts.size());
  CHECK(std::abs(large.heatmaps.at(0).cell_w / small.heatmaps.at(0).cell_w - 3) < 0.1);
  // Integer scores print as integers.
  const auto values = texts(large, "cell-value");
  REQUIRE(values.size() == 49);
  CHECK(std::any_of(values.begin(), values.end(), [](const FigureText* t) { return t->text == "9"; }));
}

TEST_CASE("figure: crowded labels are thinned, the selected query keeps its label, small cells print no values") {
  InputOptions in;
  in.random = true;
  in.lq = 200, in.lk = 300, in.dk = 16;
  const Computed c = compute(in);
  const Figure f = figure_of(c, Stage::scaled, 137);
  const auto rows = texts(f, "query-label"), cols = texts(f, "key-label");
  CHECK(rows.size() < 200);
  CHECK(rows.size() >= 5);
  CHECK(cols.size() < 300);
  CHECK(cols.size() >= 3);
  // Numbered tokens (q0, q1, …) are labelled with their numbers.
  CHECK(std::any_of(rows.begin(), rows.end(), [](const FigureText* t) { return t->text == "137"; }));
  for (std::size_t n = 1; n < rows.size(); ++n) CHECK(rows[n]->y - rows[n - 1]->y >= rows[n]->size);
  for (std::size_t n = 1; n < cols.size(); ++n)
    CHECK(cols[n]->x - cols[n - 1]->x >=
          (cols[n]->upright ? cols[n]->size : figure_font().width(cols[n]->text, cols[n]->size)));
  CHECK(texts(f, "cell-value").empty());
  CHECK(stage_colours(c.trace.scaled, Stage::scaled).lo == -stage_colours(c.trace.scaled, Stage::scaled).hi);
  // One stride on both axes, a power of two: the keys every stride-th from 0, the queries too but
  // for the selected one, whose neighbours closer than a stride make room for it.
  const long stride = std::stol(cols.at(1)->text) - std::stol(cols.at(0)->text);
  CHECK((stride > 1 && (stride & (stride - 1)) == 0));
  for (std::size_t n = 0; n < cols.size(); ++n) CHECK(std::stol(cols[n]->text) == static_cast<long>(n) * stride);
  for (const FigureText* t : rows) {
    const long row = std::stol(t->text);
    CHECK((row % stride == 0 || row == 137));
    if (row != 137) CHECK(std::abs(row - 137) >= stride);
  }
}

TEST_CASE("figure: the output stage has the value dimensions along x") {
  const Computed c = compute(sentence("none"));
  const Figure f = figure_of(c, Stage::output);
  CHECK(f.heatmaps.at(0).cols == 8);
  CHECK(f.heatmaps.at(0).col_names.front() == "d0");
  const auto axes = texts(f, "axis-title");
  CHECK(std::any_of(axes.begin(), axes.end(), [](const FigureText* t) { return t->text == "value dimensions"; }));
  CHECK(f.title == "output = softmax(QK\u1d40/\u221ad\u2096)\u00b7V");
}

TEST_CASE("figure: a bad width, query or colormap is an input error") {
  const Computed c = compute(sentence("none"));
  CHECK_THROWS_AS(figure_of(c, Stage::weights, {}, 10), InputError);
  CHECK_THROWS_AS(figure_of(c, Stage::weights, {}, 30000), InputError);
  CHECK_THROWS_AS(figure_of(c, Stage::weights, 7), InputError);
  CHECK_THROWS_AS(figure_of(c, Stage::weights, -1), InputError);
  CHECK_THROWS_AS(build_figure(c.problem, c.trace, {Stage::weights, {}, "jet", 1600, "", {}, 0}, figure_font()),
                  InputError);
  CHECK_THROWS_AS(check_plain_size(7, 7, 5000), InputError);
  CHECK_NOTHROW(check_plain_size(7, 7, 100));
}

TEST_CASE("figure: every cell of a stage in one format, never \"10\" beside \"0.50\"") {
  // The digits after the point of each formatted cell: one count for the whole matrix.
  const auto decimals_of = [](const Matrix& m, Stage stage) {
    std::set<std::size_t> counts;
    const int d = cell_decimals(stage, m);
    for (Index n = 0; n < m.size(); ++n) {
      if (!std::isfinite(m.data()[n])) continue;
      const std::string s = format_value(m.data()[n], d);
      const auto point = s.find('.');
      counts.insert(point == std::string::npos ? 0 : s.size() - point - 1);
    }
    return counts;
  };
  Matrix scaled(1, 4);
  scaled << 10.0f, 0.5f, -3.25f, -INFINITY;
  CHECK(decimals_of(scaled, Stage::scaled) == std::set<std::size_t>{1});
  CHECK(format_value(10.0f, cell_decimals(Stage::scaled, scaled)) == "10.0");
  Matrix small(1, 3);
  small << 9.99f, 0.5f, 1.0f;
  CHECK(decimals_of(small, Stage::scaled) == std::set<std::size_t>{2});
  Matrix whole(1, 3);
  whole << 10.0f, 9.0f, -INFINITY;
  CHECK(decimals_of(whole, Stage::scores) == std::set<std::size_t>{0});
  Matrix weights(1, 3);
  weights << 1.0f, 0.0f, 0.0f;  // whole, but weights always read 0.00 … 1.00
  CHECK(decimals_of(weights, Stage::weights) == std::set<std::size_t>{2});
  Matrix large(1, 2);
  large << 120.5f, 3.0f;
  CHECK(decimals_of(large, Stage::scores) == std::set<std::size_t>{0});
}

TEST_CASE("figure: numbers, ticks and XML text as the figures write them") {
  CHECK(format_value(0.8f, 2) == "0.80");
  CHECK(format_value(-3.25f, 1) == "\u22123.2");
  CHECK(format_value(-0.0001f, 2) == "0.00");
  CHECK(format_value(-INFINITY, 2) == "\u2212\u221e");
  std::vector<std::string> ticks;
  for (const Tick& t : nice_ticks(0, 1)) ticks.push_back(t.text);
  CHECK(ticks == std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"});
  ticks.clear();
  for (const Tick& t : nice_ticks(-10, 10)) ticks.push_back(t.text);
  CHECK(ticks == std::vector<std::string>{"\u221210", "\u22125", "0", "5", "10"});
  CHECK(xml_escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
  CHECK(xml_escape(std::string("bell\x07") + "\xff") == "bell\uFFFD\uFFFD");
  CHECK(xml_escape("d\u2096") == "d\u2096");
}

TEST_CASE("figure: a missing font is a run error naming the file and the package") {
  try {
    Font font("/nonexistent/DejaVuSans.ttf");
    FAIL("no error");
  } catch (const RunError& e) {
    const std::string message = e.what();
    CHECK(message.find("/nonexistent/DejaVuSans.ttf") != std::string::npos);
    CHECK(message.find("fonts-dejavu-core") != std::string::npos);
  }
  // Every glyph the titles use is in the font: none falls back to the empty box.
  const Font& font = figure_font();
  for (const char* s : {"\u221a", "\u00b7", "\u1d40", "\u2096", "\u2212", "\u221e", "\u03b1", "\u03c3"})
    CHECK(font.width(s, 20) > 0);
}

TEST_CASE("figure: the PNG writer paints each cell its colour, and the SVG writer writes one rect per cell") {
  const Computed c = compute(sentence("causal"));
  const Figure f = figure_of(c, Stage::weights, 2, 1000);
  const Image image = decode_png(figure_png(f, figure_font()));
  CHECK(image.width == f.width);
  CHECK(image.height == f.height);
  const FigureHeatmap& h = f.heatmaps.at(0);
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j) {
      // Near a corner of the cell: clear of its value and of the outline.
      const auto x = static_cast<int>(h.x + (static_cast<float>(j) + 0.15f) * h.cell_w);
      const auto y = static_cast<int>(h.y + (static_cast<float>(i) + 0.85f) * h.cell_h);
      const Rgba want = h.colours[static_cast<std::size_t>(i * h.cols + j)];
      CHECK_MESSAGE(image.at(x, y) == want,
                    "cell (" << i << ", " << j << "): " << rgb(image.at(x, y)) << " not " << rgb(want));
    }
  const std::string svg = figure_svg(f);
  CHECK(count(svg, "<rect class=\"cell") == 49);
  CHECK(count(svg, "class=\"cell masked\"") == 21);  // grey: the causal mask's upper triangle
  CHECK(count(svg, "class=\"outline\"") >= 1);
}

// -----------------------------------------------------------------------------------------------
// attnlab export

TEST_SUITE("cli/export") {
  TEST_CASE("export --plain: every pixel of every cell is its weight through viridis, masked cells grey") {
    TempDir dir;
    const Computed c = compute(sentence("causal"));
    for (int n : {1, 9}) {
      const Image image = export_png({"--example", "sentence", "--mask", "causal", "--stage", "weights", "--plain",
                                      "--cell-px", std::to_string(n)},
                                     dir / ("plain" + std::to_string(n) + ".png"));
      REQUIRE(image.width == 7 * n);
      REQUIRE(image.height == 7 * n);
      std::size_t wrong = 0, masked = 0;
      for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
          const Index i = y / n, j = x / n;
          const bool is_masked = std::isinf(c.trace.masked(i, j));
          masked += is_masked && x % n == 0 && y % n == 0;
          const Rgba want = is_masked ? masked_colour : expected_weight_colour(c.trace.weights(i, j));
          if (image.at(x, y) != want && wrong++ == 0)
            FAIL_CHECK("pixel (" << x << ", " << y << ") of cell (" << i << ", " << j << "): " << rgb(image.at(x, y))
                                 << ", expected " << rgb(want));
        }
      CHECK(wrong == 0);
      CHECK(masked == 21);  // the causal mask's upper triangle
    }
  }

  TEST_CASE("export --plain on a random problem with Lq ≠ Lk, and the output stage's Lq × dv cells") {
    TempDir dir;
    InputOptions in;
    in.random = true;
    in.lq = 5, in.lk = 11, in.dk = 16, in.dv = 3, in.seed = 3, in.mask = "causal-bottom-right";
    const Computed c = compute(in);
    const std::vector<std::string> input{
        "--random",           "--lq", "5", "--lk", "11", "--dk", "16", "--dv", "3", "--seed", "3", "--mask",
        "causal-bottom-right"};
    std::vector<std::string> args = input;
    args.insert(args.end(), {"--stage", "weights", "--plain", "--cell-px", "4"});
    const Image image = export_png(args, dir / "weights.png");
    REQUIRE(image.width == 11 * 4);
    REQUIRE(image.height == 5 * 4);
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) {
        const Index i = y / 4, j = x / 4;
        const Rgba want =
            std::isinf(c.trace.masked(i, j)) ? masked_colour : expected_weight_colour(c.trace.weights(i, j));
        REQUIRE_MESSAGE(image.at(x, y) == want, "pixel (" << x << ", " << y << "): " << rgb(image.at(x, y)));
      }
    args = input;
    args.insert(args.end(), {"--stage", "output", "--plain", "--cell-px", "6"});
    const Image output = export_png(args, dir / "output.png");
    CHECK(output.width == 3 * 6);
    CHECK(output.height == 5 * 6);
  }

  TEST_CASE("export: the figure is --width pixels wide (800 and 2400), the same figure at both sizes") {
    TempDir dir;
    const std::vector<std::string> args{"--example", "sentence", "--stage", "weights", "--query", "4"};
    const Image small = export_png(
        [&] {
          auto a = args;
          a.insert(a.end(), {"--width", "800"});
          return a;
        }(),
        dir / "small.png");
    const Image large = export_png(
        [&] {
          auto a = args;
          a.insert(a.end(), {"--width", "2400"});
          return a;
        }(),
        dir / "large.png");
    const Image standard = export_png(args, dir / "default.png");
    CHECK(small.width == 800);
    CHECK(large.width == 2400);
    CHECK(standard.width == 1600);
    CHECK(std::abs(large.height - 3 * small.height) <= 36);
    // A real picture: many colours, a white margin.
    std::set<std::uint32_t> colours;
    for (std::size_t n = 0; n < large.rgba.size(); n += 4 * 61)
      colours.insert(large.rgba[n] | large.rgba[n + 1] << 8 | large.rgba[n + 2] << 16);
    CHECK(colours.size() > 40);
    CHECK(large.at(2, 2) == Rgba{255, 255, 255, 255});
  }

  TEST_CASE("export .svg: well-formed XML with Lq·Lk cell rects, one label per token, the title") {
    TempDir dir;
    const fs::path out = dir / "weights.svg";
    const RunResult r = export_run(
        {"--example", "sentence", "--mask", "causal", "--stage", "weights", "--query", "4", "--out", out.string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const std::string svg = read_all(out);
    check_well_formed(out);
    CHECK(svg.starts_with("<?xml"));
    CHECK(count(svg, "<rect class=\"cell") == 49);
    CHECK(count(svg, "class=\"key-label\"") == 7);
    CHECK(count(svg, "class=\"query-label\"") == 7);
    for (const char* token : {">The<", ">cat<", ">because<", ">tired<"}) CHECK_MESSAGE(count(svg, token) >= 2, token);
    CHECK(svg.find("<title>weights = softmax(QK\u1d40/\u221ad\u2096 + mask)</title>") != std::string::npos);
    CHECK(svg.find("d\u2096 = 8") != std::string::npos);
    CHECK(svg.find("mask causal") != std::string::npos);
    CHECK(svg.find("font-family=\"DejaVu Sans, sans-serif\"") != std::string::npos);
    CHECK(svg.find("class=\"outline\" ") != std::string::npos);
    CHECK(svg.find("data-row=\"4\" data-col=\"1\"") != std::string::npos);

    // A larger random problem: still one rect per cell, labels thinned.
    const fs::path big = dir / "scores.svg";
    const RunResult r2 =
        export_run({"--random", "--lq", "40", "--lk", "60", "--stage", "scores", "--out", big.string()});
    REQUIRE_MESSAGE(r2.status == 0, r2.err);
    check_well_formed(big);
    const std::string svg2 = read_all(big);
    CHECK(count(svg2, "<rect class=\"cell") == 2400);
    CHECK(count(svg2, "class=\"key-label\"") < 60);
  }

  TEST_CASE("export: bad options are exit 2 naming the value, and nothing is written or overwritten") {
    const std::vector<std::string> sentence_input{"--example", "sentence"};
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> a = sentence_input;
      a.insert(a.end(), extra.begin(), extra.end());
      return a;
    };
    check_export_error(with({"--stage", "sideways"}), ".png", 2, {"sideways"});
    check_export_error(with({}), ".png", 2, {"--stage"});
    check_export_error(with({"--stage", "weights", "--colormap", "jet"}), ".png", 2, {"jet"});
    check_export_error(with({"--stage", "weights"}), ".jpg", 2, {".jpg"});
    check_export_error(with({"--stage", "weights", "--width", "10"}), ".png", 2, {"10"});
    check_export_error(with({"--stage", "weights", "--width", "30000"}), ".svg", 2, {"30000"});
    check_export_error(with({"--stage", "weights", "--query", "7"}), ".png", 2, {"7", "queries"});
    check_export_error(with({"--stage", "weights", "--query", "-1"}), ".svg", 2, {"-1"});
    check_export_error(with({"--stage", "weights", "--plain", "--cell-px", "4"}), ".svg", 2, {"--plain", ".svg"});
    check_export_error(with({"--stage", "weights", "--plain"}), ".png", 2, {"--cell-px"});
    check_export_error(with({"--stage", "weights", "--plain", "--cell-px", "0"}), ".png", 2, {"--cell-px 0"});
    check_export_error(with({"--stage", "weights", "--plain", "--cell-px", "5000"}), ".png", 2, {"35000"});
    check_export_error(with({"--stage", "weights", "--cell-px", "4"}), ".png", 2, {"--cell-px"});
    check_export_error(with({"--stage", "weights", "--mask", "window:0"}), ".png", 2, {"window:0"});
    check_export_error({"--random", "--lq", "600", "--lk", "600", "--dk", "4", "--stage", "weights"}, ".svg", 2,
                       {"600"});
  }

  TEST_CASE("export: an unwritable path is exit 1 and leaves nothing behind") {
    TempDir dir;
    const RunResult missing = export_run({"--stage", "weights", "--out", (dir / "missing" / "w.png").string()});
    CHECK(missing.status == 1);
    CHECK(missing.err.starts_with("attnlab: "));
    CHECK(missing.err.find("missing") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "missing"));
    // A directory where the file should go is not replaced.
    fs::create_directories(dir / "taken.svg");
    const RunResult taken = export_run({"--stage", "weights", "--out", (dir / "taken.svg").string()});
    CHECK(taken.status == 1);
    CHECK(fs::is_directory(dir / "taken.svg"));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
    CHECK(entries == 1);
  }
}  // TEST_SUITE("cli/export")

TEST_SUITE_END();
