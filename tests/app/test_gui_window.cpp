// The real window under Xvfb: screenshots that follow dk and the stage, and heatmap pixels that
// are the engine's values through the colormap. CTest runs this suite inside xvfb-run.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "tests/cli_run.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using cli_test::run_attnlab;
using namespace window_capture;

namespace {

cli_test::RunResult screenshot(const cli_test::TempDir& dir, const std::string& name, std::vector<std::string> args,
                               const std::string& backend = "cpu") {
  args.insert(args.begin(), "gui");
  args.insert(args.end(), {"--backend", backend, "--frames", "4", "--screenshot", (dir / name).string()});
  auto result = run_attnlab(args);
  REQUIRE_MESSAGE(result.status == 0, result.command << "\n" << result.err);
  return result;
}

}  // namespace

TEST_SUITE("gui/window") {
  TEST_CASE("the window opens on the default example and its screenshot is a full picture") {
    cli_test::TempDir dir;
    screenshot(dir, "default.png", {});
    const Image image = load_png(dir / "default.png");
    CHECK(image.width == 1600);
    CHECK(image.height == 900);
    CHECK(image.sampled_colours() > 50);
  }

  TEST_CASE("the heatmap's pixels are the weights through viridis, masked cells in the masked colour") {
    // On the CPU, and on the GPU path running on the window's own OpenGL context.
    for (const std::string backend : {"cpu", "gpu"}) {
      INFO("backend " << backend);
      cli_test::TempDir dir;
      const auto result =
          screenshot(dir, "weights.png", {"--example", "sentence", "--mask", "causal", "--stage", "weights"}, backend);
      CHECK_MESSAGE(result.err.find("attnlab: backend " + backend) != std::string::npos, result.err);
      const Image image = load_png(dir / "weights.png");
      const Cells cells = heatmap_cells(result.err);
      Problem p = make_example("sentence").problem;
      p.mask = parse_mask("causal");
      CpuBackend cpu;
      Trace t;
      cpu.compute(p, t);
      check_cells(
          image, cells, 7, [&](int i, int j) { return t.weights(i, j); }, [](int i, int j) { return j > i; });
    }
  }

  TEST_CASE("the cells a mask will block keep their colours, striped, until the masked stage turns them grey") {
    cli_test::TempDir dir;
    Problem p = make_example("sentence").problem;
    p.mask = parse_mask("causal");
    CpuBackend cpu;
    Trace t;
    cpu.compute(p, t);
    for (const std::string stage : {"scores", "masked"}) {
      const auto result = screenshot(dir, stage + ".png", {"--mask", "causal", "--stage", stage});
      const Image image = load_png(dir / (stage + ".png"));
      const Cells cells = heatmap_cells(result.err);
      const Matrix& m = stage == "scores" ? t.scores : t.masked;
      float top = 0;
      for (Index n = 0; n < m.size(); ++n)
        if (std::isfinite(m.data()[n])) top = std::max(top, std::abs(m.data()[n]));
      for (int i = 0; i < 7; ++i)
        for (int j = i + 1; j < 7; ++j) {
          // A column of pixels down the cell's left side, clear of its value.
          int own = 0, grey = 0, darker = 0;
          const Rgba colour = colormap(t.scores(i, j), -top, top, diverging());
          for (int dy = 2; dy < static_cast<int>(cells.size) - 2; ++dy) {
            const Rgba px = image.at(static_cast<int>(cells.x + j * cells.size) + 3,
                                     static_cast<int>(cells.y + i * cells.size) + dy);
            own += close(px, colour);
            grey += close(px, masked_colour);
            darker += px.r + px.g + px.b + 60 < colour.r + colour.g + colour.b;
          }
          INFO(stage << " cell (" << i << ", " << j << ")");
          if (stage == "scores") {
            CHECK(own > 0);
            CHECK(darker > 0);  // the stripes
            CHECK(grey == 0);
          } else {
            CHECK(grey > static_cast<int>(cells.size) / 2);
          }
        }
    }
  }

  TEST_CASE("--theme light for a bright room, and L (the theme action) switches it") {
    cli_test::TempDir dir;
    const auto brightness = [&](const std::string& name) {
      const Image image = load_png(dir / name);
      long sum = 0, n = 0;
      for (int y = 0; y < image.height; y += 7)
        for (int x = 0; x < image.width; x += 7) {
          const Rgba px = image.at(x, y);
          sum += px.r + px.g + px.b, ++n;
        }
      return sum / n / 3;
    };
    screenshot(dir, "dark.png", {"--theme", "dark"});
    screenshot(dir, "light.png", {"--theme", "light"});
    screenshot(dir, "switched.png", {"--theme", "light", "--actions", "theme"});
    CHECK(brightness("dark.png") < 80);
    CHECK(brightness("light.png") > 170);
    CHECK(brightness("switched.png") < 80);
  }

  TEST_CASE("screenshots change when dk and the stage change, and presentation mode hides the side panels") {
    cli_test::TempDir dir;
    const auto base = screenshot(dir, "base.png", {});
    screenshot(dir, "dk.png", {"--actions", "dk-up"});
    screenshot(dir, "stage.png", {"--stage", "weights"});
    const auto present = screenshot(dir, "present.png", {"--present"});
    const std::string a = cli_test::read_all(dir / "base.png");
    CHECK(a != cli_test::read_all(dir / "dk.png"));
    CHECK(a != cli_test::read_all(dir / "stage.png"));
    CHECK(heatmap_cells(present.err).x < heatmap_cells(base.err).x);
  }

  TEST_CASE("the dk explorer's panel changes when scaling is toggled") {
    cli_test::TempDir dir;
    const std::vector<std::string> input{"--random", "--lq", "32", "--lk", "32", "--dk", "256", "--stage", "weights"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), input.begin(), input.end());
      return extra;
    };
    screenshot(dir, "scaled.png", with({"--actions", "explorer"}));
    screenshot(dir, "unscaled.png", with({"--actions", "explorer,scaling"}));
    screenshot(dir, "output.png", with({}));
    const Image scaled = load_png(dir / "scaled.png"), unscaled = load_png(dir / "unscaled.png"),
                output = load_png(dir / "output.png");
    // The bottom right quarter of the window: the explorer's plots, or the output panel.
    const auto differing = [](const Image& a, const Image& b) {
      int n = 0;
      for (int y = a.height / 2; y < a.height; y += 2)
        for (int x = a.width * 2 / 3; x < a.width; x += 2) n += !close(a.at(x, y), b.at(x, y));
      return n;
    };
    CHECK(differing(scaled, output) > 2000);  // the explorer is there at all
    CHECK(differing(scaled, unscaled) > 50);  // its "this problem" marks moved with the scaling
  }

  TEST_CASE("Export in the window writes the same figure attnlab export writes, and the matrices") {
    cli_test::TempDir dir;
    const std::vector<std::string> input{"--example", "sentence", "--mask", "causal", "--query", "4"};
    auto gui = input;
    gui.insert(gui.end(), {"--stage", "weights", "--export-dir", (dir / "figures").string(), "--actions", "export"});
    screenshot(dir, "window.png", gui);
    auto cli = input;
    cli.insert(cli.begin(), "export");
    cli.insert(cli.end(), {"--backend", "cpu", "--stage", "weights", "--out", (dir / "cli.png").string()});
    const auto exported = run_attnlab(cli);
    REQUIRE_MESSAGE(exported.status == 0, exported.err);
    // Named by the stage and the settings: export's own figure, byte for byte.
    CHECK(cli_test::read_all(dir / "figures" / "weights-dk8-causal-q4.png") == cli_test::read_all(dir / "cli.png"));
    for (const char* ext : {".svg", ".npy", ".csv"})
      CHECK(std::filesystem::exists(dir / "figures" / (std::string("weights-dk8-causal-q4") + ext)));

    // Export all: five stages at once, and nothing half-written when the folder cannot be made.
    auto all = input;
    all.insert(all.end(), {"--export-dir", (dir / "all").string(), "--actions", "export-all"});
    screenshot(dir, "all.png", all);
    for (const char* stage : {"scores", "scaled", "masked", "weights", "output"})
      CHECK(std::filesystem::exists(dir / "all" / (std::string(stage) + "-dk8-causal-q4.png")));
    cli_test::write_all(dir / "blocker", "a file where the folder would go");
    auto blocked = input;
    blocked.insert(blocked.end(), {"--export-dir", (dir / "blocker" / "sub").string(), "--actions", "export-all"});
    screenshot(dir, "blocked.png", blocked);
    CHECK(cli_test::read_all(dir / "blocker") == "a file where the folder would go");

    // With heads: the selected head's figure is `export --head h`, and the grid is `--head all`.
    const std::vector<std::string> heads{"--example", "sentence", "--heads", "4",       "--kv-heads",
                                         "2",         "--head",   "2",       "--query", "4"};
    auto gui_heads = heads;
    gui_heads.insert(gui_heads.end(),
                     {"--stage", "weights", "--export-dir", (dir / "heads").string(), "--actions", "export"});
    screenshot(dir, "heads.png", gui_heads);
    for (const char* head : {"2", "all"}) {
      std::vector<std::string> cli_heads{"export",
                                         "--example",
                                         "sentence",
                                         "--heads",
                                         "4",
                                         "--kv-heads",
                                         "2",
                                         "--query",
                                         "4",
                                         "--head",
                                         head,
                                         "--backend",
                                         "cpu",
                                         "--stage",
                                         "weights",
                                         "--out",
                                         (dir / "cli-heads.png").string()};
      REQUIRE(run_attnlab(cli_heads).status == 0);
      const auto window_file =
          dir / "heads" / (std::string(head) == "all" ? "heads-weights-dk8-head2-q4.png" : "weights-dk8-head2-q4.png");
      CHECK_MESSAGE(cli_test::read_all(window_file) == cli_test::read_all(dir / "cli-heads.png"), "--head " << head);
    }
  }

  TEST_CASE("the FlashAttention tiles replace the five stages in the stepper, tile by tile") {
    cli_test::TempDir dir;
    const std::vector<std::string> input{"--example", "needle", "--query", "11"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), input.begin(), input.end());
      return extra;
    };
    screenshot(dir, "stages.png", with({}));
    screenshot(dir, "tile1.png", with({"--actions", "tiles"}));
    screenshot(dir, "tile2.png", with({"--actions", "tiles,next-tile"}));
    const Image stages = load_png(dir / "stages.png"), tile1 = load_png(dir / "tile1.png"),
                tile2 = load_png(dir / "tile2.png");
    // The stepper: the top right of the window.
    const auto differing = [](const Image& a, const Image& b) {
      int n = 0;
      for (int y = 0; y < a.height / 2; y += 2)
        for (int x = a.width * 2 / 3; x < a.width; x += 2) n += !close(a.at(x, y), b.at(x, y));
      return n;
    };
    CHECK(differing(stages, tile1) > 2000);
    CHECK(differing(tile1, tile2) > 100);
  }

  TEST_CASE("with heads, the heatmap shows the selected head's weights, and the heads tab draws every head") {
    cli_test::TempDir dir;
    const std::vector<std::string> args{"--random", "--lq",    "6",       "--lk",   "6",          "--dk", "8",
                                        "--seed",   "4",       "--heads", "4",      "--kv-heads", "2",    "--head",
                                        "3",        "--stage", "weights", "--mask", "causal"};
    const auto result = screenshot(dir, "head3.png", args);
    std::vector<std::string> with_tab = args;
    with_tab.insert(with_tab.end(), {"--actions", "heads"});
    screenshot(dir, "tab.png", with_tab);
    InputOptions in;
    in.random = true, in.lq = 6, in.lk = 6, in.dk = 8, in.seed = 4, in.heads = 4, in.kv_heads = 2, in.mask = "causal";
    CpuBackend cpu;
    const Matrix weights = compute_heads(cpu, load_heads_problem(in))[3].weights;
    const Image image = load_png(dir / "head3.png");
    const Cells cells = heatmap_cells(result.err);
    REQUIRE(cells.rows == 6);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) {
        const Rgba expected = j > i ? masked_colour : colormap(weights(i, j), 0, 1, viridis());
        const Rgba got = image.at(static_cast<int>(cells.x + (j + 0.12f) * cells.size),
                                  static_cast<int>(cells.y + (i + 0.88f) * cells.size));
        CHECK_MESSAGE(close(got, expected), "head 3 cell (" << i << ", " << j << ")");
      }
    // The heads tab: the bottom right panel now holds four thumbnails instead of the output bars.
    const Image tab = load_png(dir / "tab.png");
    long changed = 0;
    for (int y = 450; y < 900; ++y)
      for (int x = 1100; x < 1600; ++x) changed += !close(image.at(x, y), tab.at(x, y));
    CHECK(changed > 20000);
  }

  TEST_CASE("bad window options are refused before a window opens; a failed screenshot leaves no file") {
    cli_test::TempDir dir;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"gui", "--query", "99"},
             {"gui", "--screenshot", "x.png"},
             {"gui", "--font-scale", "10"},
             {"gui", "--frames", "3", "--actions", "jump"},
             {"gui", "--stage", "sideways"},
             {"gui", "--theme", "grey"},
             {"gui", "--backend", "tpu"},
             {"gui", "--layout-report", "layout.json"},
             {"--mask", "window:0"},
             {"gui", "--heads", "4", "--kv-heads", "3"},
             {"gui", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--heads", "2"}}) {
      const auto result = run_attnlab(args);
      CHECK_MESSAGE(result.status == 2, result.command << "\n" << result.err);
      CHECK(result.err.rfind("attnlab: ", 0) == 0);
    }
    const auto head = run_attnlab({"gui", "--heads", "4", "--head", "4"});
    CHECK(head.status == 2);
    CHECK(head.err == "attnlab: --head 4 is out of range: there are 4 heads (0 to 3)\n");
    const auto result = run_attnlab({"gui", "--frames", "2", "--screenshot", (dir / "missing" / "x.png").string()});
    CHECK(result.status == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "missing"));
  }
}  // TEST_SUITE("gui/window")
