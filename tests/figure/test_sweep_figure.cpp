// The dk sweep as a figure: the model (four plots, two curves each, labelled), the pixels and the
// SVG the writers make of it, and `attnlab sweep --plot` through the real binary (suite cli).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/figure/sweep_figure.hpp"
#include "tests/cli_run.hpp"
#include "tests/png_image.hpp"
#include "tests/svg_check.hpp"

using namespace attnlab;
using namespace cli_test;

TEST_SUITE_BEGIN("figure/sweep_figure");

namespace {

constexpr Rgba sky_blue{86, 180, 233, 255}, orange{230, 159, 0, 255};

// A quick sweep: 11 dks, few problems each.
const std::vector<SweepPoint>& quick_points() {
  static const std::vector<SweepPoint> points = [] {
    SweepOptions o;
    o.dks = parse_dk_list("1:1024");
    o.length = 8;
    o.trials = 2;
    return sweep(o);
  }();
  return points;
}

SweepFigureOptions quick_options(int width = figure_default_width) {
  SweepFigureOptions o;
  o.sweep.dks = parse_dk_list("1:1024");
  o.sweep.length = 8;
  o.sweep.trials = 2;
  o.width = width;
  return o;
}

std::vector<std::string> texts_of(const Figure& f, const std::string& role) {
  std::vector<std::string> found;
  for (const FigureText& t : f.texts)
    if (t.role == role) found.push_back(t.text);
  return found;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("sweep figure: four plots of two curves, one point per dk, titled, with a legend and ticks") {
  const Figure f = build_sweep_figure(quick_points(), quick_options(), figure_font());
  CHECK(f.width == figure_default_width);
  CHECK(f.height > 600);
  CHECK(f.height < f.width);
  REQUIRE(f.lines.size() == 8);
  int scaled = 0, unscaled = 0;
  for (const FigureLine& l : f.lines) {
    CHECK(l.points.size() == 11);
    CHECK(l.width >= 3);
    (l.role == "series-scaled" ? scaled : unscaled) += 1;
    CHECK(l.colour == (l.role == "series-scaled" ? sky_blue : orange));
    // Left to right along dk.
    for (std::size_t n = 1; n < l.points.size(); ++n) CHECK(l.points[n].first > l.points[n - 1].first);
    for (const auto& [x, y] : l.points) CHECK((x > 0 && x < float(f.width) && y > 0 && y < float(f.height)));
  }
  CHECK(scaled == 4);
  CHECK(unscaled == 4);
  CHECK(f.title == "Why divide by \u221ad\u2096: row statistics of random problems against d\u2096");
  CHECK(has(texts_of(f, "title"), f.title));
  const auto subtitle = texts_of(f, "subtitle");
  REQUIRE(subtitle.size() == 1);
  for (const char* part : {"L = 8", "2 random problems", "\u03c3 = 1", "seed 0"})
    CHECK(subtitle[0].find(part) != std::string::npos);
  const auto legend = texts_of(f, "legend");
  CHECK(legend == std::vector<std::string>{"scaled by 1/\u221ad\u2096", "unscaled"});
  CHECK(texts_of(f, "panel-title") == std::vector<std::string>{"std of the scores softmax sees", "max weight",
                                                               "entropy (nats)", "softmax-Jacobian norm"});
  const auto ticks = texts_of(f, "tick");
  for (const char* dk : {"1", "4", "16", "64", "256", "1024"}) CHECK(std::count(ticks.begin(), ticks.end(), dk) >= 4);
  // The max weight's axis runs 0, 0.5, 1.0: the saturated unscaled curve reaches near its top.
  for (const char* t : {"0.5", "1.0"}) CHECK(has(ticks, t));
  CHECK(std::none_of(f.dots.begin(), f.dots.end(), [](const FigureDot& d) { return d.role == "this-problem"; }));
  CHECK(std::none_of(f.rects.begin(), f.rects.end(), [](const FigureRect& r) { return r.role == "marker"; }));
}

TEST_CASE("sweep figure: the current problem as a marker and four dots, when given") {
  SweepFigureOptions o = quick_options();
  o.marker_dk = 256;
  o.own_values = std::array<double, 4>{15.9, 0.9, 0.3, 0.05};
  const Figure f = build_sweep_figure(quick_points(), o, figure_font());
  CHECK(f.lines.size() == 8);
  CHECK(std::count_if(f.rects.begin(), f.rects.end(), [](const FigureRect& r) { return r.role == "marker"; }) == 4);
  // Per plot a dark dot in a white ring, and the same in the legend.
  CHECK(std::count_if(f.dots.begin(), f.dots.end(), [](const FigureDot& d) { return d.role == "this-problem"; }) == 10);
  CHECK(has(texts_of(f, "legend"), "this problem, d\u2096 = 256"));
}

TEST_CASE("sweep figure: every length scales with the width") {
  const Figure small = build_sweep_figure(quick_points(), quick_options(800), figure_font());
  const Figure large = build_sweep_figure(quick_points(), quick_options(2400), figure_font());
  CHECK(large.height == doctest::Approx(3.0 * small.height).epsilon(0.01));
  REQUIRE(small.lines.size() == large.lines.size());
  REQUIRE(small.texts.size() == large.texts.size());
  for (std::size_t n = 0; n < small.texts.size(); ++n)
    CHECK(large.texts[n].size == doctest::Approx(3 * small.texts[n].size));
  CHECK(large.lines[0].points.back().first == doctest::Approx(3 * small.lines[0].points.back().first).epsilon(0.01));
}

TEST_CASE("sweep figure: no points, a bad width or own values without their dk are input errors") {
  CHECK_THROWS_AS(build_sweep_figure({}, quick_options(), figure_font()), InputError);
  CHECK_THROWS_WITH_AS(build_sweep_figure(quick_points(), quick_options(100), figure_font()), doctest::Contains("100"),
                       InputError);
  SweepFigureOptions o = quick_options();
  o.own_values = std::array<double, 4>{1, 0.5, 1, 0.2};
  CHECK_THROWS_AS(build_sweep_figure(quick_points(), o, figure_font()), InputError);
}

TEST_CASE("sweep figure: the PNG shows both curves in their colours; the SVG has eight polylines") {
  const Figure f = build_sweep_figure(quick_points(), quick_options(1000), figure_font());
  const png_test::Image png = png_test::decode_png(figure_png(f, figure_font()));
  CHECK(png.width == 1000);
  CHECK(png.height == f.height);
  // A curve 2.8 px wide has fully covered pixels along its middle, exactly its colour.
  CHECK(png.pixels_of(sky_blue) > 1000);
  CHECK(png.pixels_of(orange) > 1000);
  CHECK(png.pixels_of(Rgba{255, 255, 255, 255}) > static_cast<std::size_t>(png.width * png.height) / 2);

  const std::string svg = figure_svg(f);
  CHECK(count(svg, "<polyline ") == 8);
  CHECK(count(svg, "class=\"series-scaled\"") == 4);
  CHECK(count(svg, "stroke=\"#56b4e9\"") == 4);
  CHECK(count(svg, "stroke=\"#e69f00\"") == 4);
  CHECK(count(svg, "<circle ") >= 88);
  TempDir dir;
  write_all(dir / "sweep.svg", svg);
  check_well_formed(dir / "sweep.svg");
}

TEST_SUITE("cli/sweep_figure") {
  TEST_CASE("attnlab sweep --plot writes the CSV and the figure, PNG or SVG, at --width") {
    TempDir dir;
    const auto csv = (dir / "why.csv").string(), png = (dir / "why.png").string(), svg = (dir / "why.svg").string();
    const auto a = run_attnlab(
        {"sweep", "--dk", "1:256", "--len", "8", "--trials", "2", "--out", csv, "--plot", png, "--width", "900"});
    REQUIRE_MESSAGE(a.status == 0, a.err);
    CHECK(a.err.empty());
    CHECK(read_all(csv).starts_with("dk,scale,score_std"));
    const png_test::Image image = png_test::decode_png(read_all(png));
    CHECK(image.width == 900);
    CHECK(image.pixels_of(sky_blue) > 0);
    CHECK(image.pixels_of(orange) > 0);

    const auto b = run_attnlab({"sweep", "--dk", "1:256", "--len", "8", "--trials", "2", "--out", csv, "--plot", svg});
    REQUIRE_MESSAGE(b.status == 0, b.err);
    const std::string text = read_all(svg);
    CHECK(count(text, "<polyline ") == 8);
    CHECK(text.find("width=\"1600\"") != std::string::npos);
    check_well_formed(svg);
  }

  TEST_CASE("attnlab sweep --plot: a bad extension or width is exit 2 and writes neither file") {
    TempDir dir;
    const auto csv = (dir / "old.csv").string(), fresh = (dir / "fresh.csv").string();
    write_all(csv, "an earlier sweep\n");
    const std::vector<std::vector<std::string>> bad = {
        {"--plot", (dir / "why.jpg").string()},
        {"--plot", (dir / "why").string()},
        {"--plot", (dir / "why.png").string(), "--width", "100"},
        {"--plot", (dir / "why.svg").string(), "--width", "50000"},
        {"--width", "1200"},  // --width without --plot
    };
    for (const auto& extra : bad)
      for (const auto& out : {csv, fresh}) {
        std::vector<std::string> args{"sweep", "--dk", "1:16", "--len", "4", "--trials", "1", "--out", out};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = run_attnlab(args);
        INFO(r.command);
        CHECK(r.status == 2);
        CHECK(r.err.starts_with("attnlab: "));
        CHECK(r.err_lines().size() == 1);
      }
    const auto both = (dir / "both.png").string();
    const auto same = run_attnlab({"sweep", "--dk", "1:16", "--out", both, "--plot", both});
    CHECK(same.status == 2);
    CHECK(same.err.find("--plot and --out") != std::string::npos);
    CHECK(read_all(csv) == "an earlier sweep\n");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
    CHECK_MESSAGE(files == 1, "a file or temporary was left beside the old CSV");
  }
}  // TEST_SUITE("cli/sweep_figure")

TEST_SUITE_END();
