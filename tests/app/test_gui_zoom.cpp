// A large heatmap in the window: labelled on both axes at an even stride, and zoomed in until every
// cell can be pointed at, its pixels still the weights through viridis. Runs under xvfb-run.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/inputs/input.hpp"
#include "tests/cli_run.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using namespace window_capture;
using cli_test::run_attnlab;
using nlohmann::json;

namespace {

struct Labels {
  std::vector<float> rows, cols;  // the labels' centres, top to bottom and left to right
};

Labels labels_of(const json& frame) {
  Labels l;
  for (const json& item : frame["items"]) {
    const auto& b = item["box"];
    if (item["id"] == "heatmap.row_label") l.rows.push_back((b[1].get<float>() + b[3].get<float>()) / 2);
    if (item["id"] == "heatmap.col_label") l.cols.push_back((b[0].get<float>() + b[2].get<float>()) / 2);
  }
  std::sort(l.rows.begin(), l.rows.end());
  std::sort(l.cols.begin(), l.cols.end());
  return l;
}

// The gaps between neighbouring labels, in cells.
std::vector<long> steps(const std::vector<float>& centres, float cell) {
  std::vector<long> out;
  for (std::size_t n = 1; n < centres.size(); ++n) out.push_back(std::lround((centres[n] - centres[n - 1]) / cell));
  return out;
}

bool power_of_two(long n) {
  return n > 0 && (n & (n - 1)) == 0;
}

Matrix weights_512() {
  InputOptions in;
  in.random = true, in.lq = 512, in.lk = 512, in.dk = 16;
  CpuBackend cpu;
  Trace t;
  cpu.compute(load_problem(in), t);
  return t.weights;
}

}  // namespace

TEST_SUITE("gui/zoom") {
  TEST_CASE("512 × 512 weights: labels at an even stride on both axes, the query among them; zoomed, every cell") {
    cli_test::TempDir dir;
    const std::vector<std::string> input{"gui", "--random", "--lq",    "512",     "--lk", "512",       "--dk",
                                         "16",  "--stage",  "weights", "--query", "100",  "--backend", "cpu"};
    auto run = [&](const std::string& name, const std::string& actions) {
      std::vector<std::string> args = input;
      args.insert(args.end(), {"--frames", "6", "--actions", actions, "--screenshot", (dir / (name + ".png")).string(),
                               "--layout-report", (dir / (name + ".json")).string()});
      const auto result = run_attnlab(args);
      REQUIRE_MESSAGE(result.status == 0, result.err);
      return result;
    };
    const auto whole = run("whole", "wait");
    const auto zoomed = run("zoomed", "zoom-in,zoom-in,zoom-in,zoom-in,zoom-in");
    const auto back = run("back", "zoom-in,zoom-in,zoom-reset");

    // The whole matrix: labels on both axes, every stride-th at the same stride, and the query.
    const Cells all = heatmap_cells(whole.err);
    const json report = json::parse(cli_test::read_all(dir / "whole.json"));
    const Labels l = labels_of(report["frames"].back());
    REQUIRE(l.rows.size() >= 4);
    REQUIRE(l.cols.size() >= 4);
    const std::vector<long> col_steps = steps(l.cols, all.size);
    const long stride = col_steps.front();
    CHECK(power_of_two(stride));
    for (long s : col_steps) CHECK(s == stride);
    const float query_centre = all.y + 100.5f * all.size;
    CHECK(std::any_of(l.rows.begin(), l.rows.end(), [&](float y) { return std::abs(y - query_centre) < 1; }));
    for (float y : l.rows) {
      // A multiple of the stride, or the query.
      const long row = std::lround((y - all.y) / all.size - 0.5f);
      CHECK_MESSAGE((row % stride == 0 || row == 100), "row label at " << row << ", stride " << stride);
    }

    // Zoomed 32 times about the query: cells 32 times larger, the labels closer in cells, and the
    // pixels those of the cells now on screen.
    const Cells z = heatmap_cells(zoomed.err);
    CHECK(z.size == doctest::Approx(32 * all.size).epsilon(0.01));
    const json zoomed_frame = json::parse(cli_test::read_all(dir / "zoomed.json"))["frames"].back();
    const Labels zl = labels_of(zoomed_frame);
    // What the heatmap shows of its cells, on screen.
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (const json& item : zoomed_frame["items"])
      if (item["id"] == "heatmap.cells")
        x0 = item["box"][0], y0 = item["box"][1], x1 = item["box"][2], y1 = item["box"][3];
    REQUIRE(x1 > x0);
    REQUIRE(zl.cols.size() >= 2);
    CHECK(steps(zl.cols, z.size).front() < stride);
    const Matrix w = weights_512();
    // 512 keys: every weight is below 0.2, so the window stretches viridis over 0 to the largest.
    REQUIRE(w.maxCoeff() < 0.2f);
    const float top = w.maxCoeff();
    const Image image = load_png(dir / "zoomed.png");
    int checked = 0;
    for (int i = 95; i < 106; ++i)
      for (int j = 0; j < 512; ++j) {
        const float x = z.x + (static_cast<float>(j) + 0.15f) * z.size,
                    y = z.y + (static_cast<float>(i) + 0.85f) * z.size;
        // Cells on screen inside the heatmap, clear of the query's outline and of the printed values.
        if (x < x0 + 1 || y < y0 + 1 || x > x1 - 2 || y > y1 - 2 || i == 100) continue;
        const Rgba got = image.at(static_cast<int>(x), static_cast<int>(y));
        const Rgba expected = colormap(w(i, j), 0, top, viridis());
        CHECK_MESSAGE(close(got, expected), "cell (" << i << ", " << j << ")");
        ++checked;
      }
    CHECK(checked > 20);

    // 0 (zoom-reset) shows the whole matrix again.
    const Cells b = heatmap_cells(back.err);
    CHECK(b.size == doctest::Approx(all.size));
    CHECK(b.x == doctest::Approx(all.x));
  }
}
