// Presenting, the heatmap owns the screen: from the window's own layout report (--layout-report),
// its cells keep one box through the lesson's stages, are at least as large presenting as in a
// window, take 60 % of a 1280 × 720 or 1024 × 768 projector's height, and every word of the shipped model's sentence is
// labelled. CTest runs this suite inside xvfb-run on a 3840 × 2160 screen.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"

using cli_test::run_attnlab;
using nlohmann::json;

namespace {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float h() const { return y1 - y0; }
};
Box box(const json& j) {
  return {j[0].get<float>(), j[1].get<float>(), j[2].get<float>(), j[3].get<float>()};
}
bool overlap(const Box& a, const Box& b) {
  return a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
}

struct Run {
  json report;
  std::string err;
};

// The window at a size, with `actions` (one a frame) and a frame after them; its layout report.
Run window(const std::vector<std::string>& source, int width, int height, bool present,
           const std::vector<std::string>& actions, const std::vector<std::string>& more = {}) {
  cli_test::TempDir dir;
  std::string joined;
  for (const auto& a : actions) joined += (joined.empty() ? "" : ",") + a;
  std::vector<std::string> args{"gui",
                                "--backend",
                                "cpu",
                                "--width",
                                std::to_string(width),
                                "--height",
                                std::to_string(height),
                                "--frames",
                                std::to_string(actions.size() + 1),
                                "--layout-report",
                                (dir / "layout.json").string()};
  args.insert(args.begin() + 1, source.begin(), source.end());
  if (!joined.empty()) args.insert(args.end(), {"--actions", joined});
  args.insert(args.end(), more.begin(), more.end());
  if (present) args.push_back("--present");
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);
  return {json::parse(cli_test::read_all(dir / "layout.json")), r.err};
}

std::vector<Box> items(const json& frame, const std::string& id) {
  std::vector<Box> out;
  for (const json& item : frame["items"])
    if (item["id"] == id) out.push_back(box(item["box"]));
  return out;
}

Box cells(const json& frame) {
  const std::vector<Box> b = items(frame, "heatmap.cells");
  REQUIRE(b.size() == 1);
  return b[0];
}

std::vector<std::string> sentence{"--example", "sentence"};

}  // namespace

TEST_SUITE("gui/present") {
  TEST_CASE("scores, scaled, masked and weights draw the cells in one box, and the divider stays") {
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{1280, 720}, {1024, 768}})
      for (const bool present : {false, true})
        for (const std::string mask : {"none", "causal"}) {
          const Run run = window({"--example", "sentence", "--mask", mask}, width, height, present,
                                 {"wait", "next-stage", "next-stage", "next-stage", "wait"});
          const auto& frames = run.report["frames"];
          const Box first = cells(frames[1]);
          float divider = -1;
          for (int f = 1; f <= 5; ++f) {
            const Box b = cells(frames[f]);
            CAPTURE(width);
            CAPTURE(present);
            CAPTURE(mask);
            CAPTURE(f);
            CHECK(b.x0 == doctest::Approx(first.x0));
            CHECK(b.y0 == doctest::Approx(first.y0));
            CHECK(b.x1 == doctest::Approx(first.x1));
            CHECK(b.y1 == doctest::Approx(first.y1));
            for (const json& p : frames[f]["panels"])
              if (p["name"] == "Heatmap") {
                const float right = p["visible"][2].get<float>();
                if (divider < 0) divider = right;
                CHECK(right == doctest::Approx(divider));
              }
          }
        }
  }

  TEST_CASE("presenting, the cells are at least as large as in a window, and 60 % of a 1280 × 720 or 1024 × 768 projector") {
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{1024, 768}, {1280, 720}, {1920, 1080}}) {
      const Box windowed = cells(window(sentence, width, height, false, {"wait"}).report["frames"][1]);
      const Box presenting = cells(window(sentence, width, height, true, {"wait"}).report["frames"][1]);
      CAPTURE(width);
      CHECK(presenting.h() >= windowed.h());
      // 1024 × 768 too, the stepper keeping the 20 font sizes its table and tabs need.
      if (width <= 1280) CHECK(presenting.h() >= 0.6f * static_cast<float>(height));
    }
  }

  TEST_CASE("presenting, every word of the shipped model's sentence is labelled on both axes") {
    const Run run = window({"--example", "induction"}, 1280, 720, true, {"wait"});
    const json& frame = run.report["frames"][1];
    const Box c = cells(frame);
    const std::vector<Box> rows = items(frame, "heatmap.row_label"), cols = items(frame, "heatmap.col_label");
    CHECK(rows.size() == 30);
    CHECK(cols.size() == 30);
    const float cell = (c.y1 - c.y0) / 30;
    for (const auto* labels : {&rows, &cols})
      for (std::size_t a = 0; a < labels->size(); ++a) {
        // The label font no taller than a cell: a query label's height, an upright key label's width.
        const Box& l = (*labels)[a];
        CHECK(std::min(l.h(), l.x1 - l.x0) <= cell + 1);
        for (std::size_t b = a + 1; b < labels->size(); ++b) CHECK_FALSE(overlap(l, (*labels)[b]));
      }
  }

  TEST_CASE("presenting, the export buttons and the folder are not shown; E still exports and says the file") {
    cli_test::TempDir dir;
    const Run run = window(sentence, 1280, 720, true, {"export", "wait"}, {"--export-dir", dir.path().string()});
    for (const json& frame : run.report["frames"])
      for (const json& item : frame["items"]) {
        CHECK(item["id"] != "heatmap.export");
        CHECK(item["id"] != "heatmap.export_all");
      }
    CHECK(std::filesystem::exists(dir / "scores-dk8-q0.png"));
    CHECK(run.err.find("the status line says: exported " + (dir / "scores-dk8-q0.png").string()) != std::string::npos);
    CHECK_FALSE(items(run.report["frames"][2], "heatmap.status").empty());
    // In a window they are there.
    const Run windowed = window(sentence, 1280, 720, false, {"wait"});
    CHECK_FALSE(items(windowed.report["frames"][1], "heatmap.export").empty());
  }
}
