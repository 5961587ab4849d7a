// A change of stage in the real window: its frames move from one stage's picture to the next over
// 0.4 s (24 scripted frames of a 60th of a second), in the same cells box, and the frame after the
// motion is the still picture of the new stage, pixel for pixel; with motion off the next frame is.
// CTest runs this suite inside xvfb-run.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "tests/cli_run.hpp"
#include "tests/png_image.hpp"

using cli_test::run_attnlab;
using nlohmann::json;

namespace {

constexpr int motion_frames = 24;  // 0.4 s at the scripted 60 frames a second

struct Shot {
  std::string png;
  json report;
};

// The sentence example under a causal mask, "it" selected, from `stage`, with `actions` one a frame,
// for `frames` frames: the last frame's picture and the layout report. Presenting at 1280 × 720, else
// in a 1600 × 900 window (where the stepper has room for the row's bars).
Shot shot(const std::string& stage, const std::vector<std::string>& actions, int frames, bool present = true) {
  cli_test::TempDir dir;
  std::string joined;
  for (const auto& a : actions) joined += (joined.empty() ? "" : ",") + a;
  std::vector<std::string> args{"gui",     "--example",       "sentence", "--mask",   "causal",   "--query",
                                "4",       "--stage",         stage,      "--backend", "cpu",     "--width",
                                present ? "1280" : "1600", "--height", present ? "720" : "900",      "--frames", std::to_string(frames),
                                "--screenshot", (dir / "shot.png").string(), "--layout-report",
                                (dir / "layout.json").string()};
  if (!joined.empty()) args.insert(args.end(), {"--actions", joined});
  if (present) args.push_back("--present");
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);
  return {cli_test::read_all(dir / "shot.png"), json::parse(cli_test::read_all(dir / "layout.json"))};
}

json item(const json& frame, const std::string& id) {
  for (const json& it : frame["items"])
    if (it["id"] == id) return it["box"];
  return nullptr;
}
json cells(const json& frame) {
  return item(frame, "heatmap.cells");
}

// The pixels inside a box of the layout report: the heatmap's cells or the row's bars alone, so that a
// difference is the motion's and not the stepper's text, which says the new stage at once.
std::vector<unsigned char> inside(const std::string& png, const json& box) {
  REQUIRE(box.is_array());
  const png_test::Image image = png_test::decode_png(png);
  std::vector<unsigned char> out;
  for (int y = static_cast<int>(box[1].get<float>()) + 2; y < static_cast<int>(box[3].get<float>()) - 2; ++y)
    for (int x = static_cast<int>(box[0].get<float>()) + 2; x < static_cast<int>(box[2].get<float>()) - 2; ++x) {
      const png_test::Rgba c = image.at(x, y);
      out.insert(out.end(), {c.r, c.g, c.b});
    }
  REQUIRE(out.size() > 300);
  return out;
}

}  // namespace

TEST_SUITE("gui/motion") {
  TEST_CASE("→ moves the picture over 24 frames in one box, and ends on the still picture of the new stage") {
    for (const bool present : {true, false})
      for (const auto& [from, to, key] : std::vector<std::tuple<std::string, std::string, std::string>>{
               {"scaled", "masked", "next-stage"}, {"masked", "weights", "next-stage"}, {"weights", "masked",
                                                                                          "previous-stage"}}) {
        CAPTURE(present);
        CAPTURE(from);
        CAPTURE(to);
        // The key at frame 1; frame 1 + n shows the motion n 60ths of a second in.
        const std::string still_from = shot(from, {"wait"}, 2 + motion_frames / 2, present).png;
        const std::string still_to = shot(to, {"wait"}, 2 + motion_frames, present).png;
        const Shot mid = shot(from, {key}, 2 + motion_frames / 2, present);
        const Shot end = shot(from, {key}, 2 + motion_frames, present);
        // Half way, the cells and the row's bars (folded away when presenting at 1280 × 720) are neither
        // stage's.
        for (const char* id : {"heatmap.cells", "stepper.bars"}) {
          CAPTURE(id);
          const json box = item(mid.report["frames"].back(), id);
          if (present && box.is_null()) continue;
          CHECK(inside(mid.png, box) != inside(still_from, box));
          CHECK(inside(mid.png, box) != inside(still_to, box));
        }
        CHECK(end.png == still_to);
        // The frame before the last is still moving: the motion takes its whole 0.4 s.
        CHECK(shot(from, {key}, 1 + motion_frames, present).png != still_to);
        // Every frame, the cells in the same box.
        const json& frames = end.report["frames"];
        REQUIRE(frames.size() == static_cast<std::size_t>(2 + motion_frames));
        for (const json& frame : frames) CHECK(cells(frame) == cells(frames[0]));
      }
  }

  TEST_CASE("with motion off (the setting, or wait-motion in a script) the key's own frame is the still picture") {
    // Frame 2 is the frame of the key: with motion off it shows the new stage still.
    const std::string still = shot("masked", {"wait", "wait"}, 3).png;
    CHECK(shot("scaled", {"motion", "next-stage"}, 3).png == still);
    CHECK(shot("scaled", {"next-stage", "wait-motion"}, 3).png == still);
    // With motion on, 12 frames later it is still moving.
    const Shot moving = shot("scaled", {"wait", "next-stage"}, 15);
    const json box = item(moving.report["frames"].back(), "heatmap.cells");
    CHECK(inside(moving.png, box) != inside(shot("masked", {"wait", "wait"}, 15).png, box));
  }
}
