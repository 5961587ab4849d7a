// What a class would trip over, each where a class meets it: in the real window (gui/class, under
// xvfb-run: a model's dₖ, the zoom, the number formats, the exports' names, the stepper's bars), and in
// the window's parts (app/wheel: a browser's wheel; app/contrast: the themes' colours against WCAG AA).
#include <doctest/doctest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/gui/app_actions.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/style.hpp"
#include "app/gui/wheel.hpp"
#include "core/inputs/input.hpp"
#include "tests/cli_run.hpp"

using cli_test::run_attnlab;
using nlohmann::json;

namespace {

// The window's own layout report of `gui ARGS` on the CPU backend.
json layout_report(std::vector<std::string> args) {
  cli_test::TempDir dir;
  args.insert(args.begin(), "gui");
  args.insert(args.end(), {"--backend", "cpu", "--layout-report", (dir / "layout.json").string()});
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);
  return json::parse(cli_test::read_all(dir / "layout.json"));
}

}  // namespace

TEST_SUITE("gui/class") {
  TEST_CASE("+, − and the dₖ slider leave a model's heads as trained, and the status line says why") {
    for (const std::string action : {"dk-up", "dk-down"}) {
      cli_test::TempDir dir;
      const auto r = run_attnlab({"gui", "--example", "induction", "--backend", "cpu", "--width", "1280", "--height",
                                  "720", "--frames", "3", "--actions", action + ",wait", "--layout-report",
                                  (dir / "layout.json").string()});
      REQUIRE_MESSAGE(r.status == 0, r.err);
      CHECK(r.err.find("the status line says: dₖ = 16 is this model's own") != std::string::npos);
      const json report = json::parse(cli_test::read_all(dir / "layout.json"));
      int seen = 0;
      for (const json& t : report["frames"][2]["texts"])
        if (t["id"] == "toolbar.dk") {
          CHECK(t["text"] == "16");
          ++seen;
        }
      CHECK(seen == 1);
    }
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("the model view's help names the keys that change the layer: J/K (L is the theme)") {
    cli_test::TempDir dir;
    const auto r =
        run_attnlab({"gui", "--example", "induction", "--backend", "cpu", "--width", "1920", "--height", "1080",
                     "--frames", "3", "--actions", "heads,wait", "--layout-report", (dir / "layout.json").string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const json report = json::parse(cli_test::read_all(dir / "layout.json"));
    int seen = 0;
    for (const json& t : report["frames"][2]["texts"])
      if (t["id"] == "heads.model_help") {
        ++seen;
        const std::string text = t["text"];
        CHECK_MESSAGE(text.find("J/K change the layer") != std::string::npos, text);
      }
    CHECK(seen == 1);
  }
}

namespace {

// The window on 1,024 random keys at the weights stage, 1920 × 1080 (the statistics have their panel).
json random_weights_report() {
  cli_test::TempDir dir;
  const auto r = run_attnlab({"gui", "--random", "--lq", "1024", "--lk", "1024", "--stage", "weights", "--backend",
                              "cpu", "--width", "1920", "--height", "1080", "--frames", "2", "--layout-report",
                              (dir / "layout.json").string()});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return json::parse(cli_test::read_all(dir / "layout.json"));
}

}  // namespace

TEST_SUITE("gui/class") {
  TEST_CASE("one number format per column: no 0.001 beside 5.91e-04, no effective keys: 711.012") {
    const json report = random_weights_report();
    int cells = 0, fixed = 0;
    for (const json& t : report["frames"][1]["texts"]) {
      const std::string text = t["text"];
      if (t["id"] == "stepper.table.cell" && text.find_first_of("0123456789") != std::string::npos) {
        ++cells;
        CHECK_MESSAGE(text.find('e') == std::string::npos, text);  // 1,024 weights near 1/1024: all fixed
      }
      // The table's value of a statistic: three decimals below 100, one below 1000.
      if (t["id"] == "stats.effective_keys" && text.find_first_of("0123456789") == 0) {
        ++fixed;
        const float value = std::stof(text);
        const std::size_t decimals = text.size() - text.find('.') - 1;
        CHECK_MESSAGE(decimals == (value < 100 ? 3u : 1u), text);
      }
    }
    CHECK(cells > 10);
    CHECK(fixed == 1);
  }

  TEST_CASE("a column too narrow for three decimals drops them for every row, not for the wide numbers alone") {
    // 1024 × 768 presenting: q·k's −24.1 and 122.1 do not fit in three decimals; the table once showed
    // "-42.3" (a hyphen, one decimal) a row above "38.098".
    const json report = layout_report({"--example", "induction", "--layer", "1", "--head", "2", "--stage", "weights",
                                       "--query", "18", "--present", "--width", "1024", "--height", "768",
                                       "--frames", "2"});
    std::vector<std::string> cells;
    for (const json& t : report["frames"][1]["texts"])
      if (t["id"] == "stepper.table.cell") cells.push_back(t["text"]);
    const std::size_t columns = 5;  // key, q·k, scaled, masked, weight
    REQUIRE(cells.size() >= 2 * columns);
    REQUIRE(cells.size() % columns == 0);
    std::map<std::size_t, std::set<std::size_t>> decimals;  // column → the decimals its numbers have
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string& text = cells[i];
      if (i % columns == 0 || text.find_first_of("0123456789") == std::string::npos) continue;
      CHECK_MESSAGE(text.find('-') == std::string::npos, text);  // a minus sign, U+2212
      const std::size_t point = text.find('.');
      decimals[i % columns].insert(point == std::string::npos ? 0 : text.size() - point - 1);
    }
    REQUIRE(decimals.size() == columns - 1);
    for (const auto& [column, seen] : decimals) CHECK_MESSAGE(seen.size() == 1, "column " << column);
    CHECK(*decimals[1].begin() < 3);  // q·k had to give up decimals at this width
  }

  TEST_CASE("weights all below 0.2 are stretched by default, and the colour bar says so") {
    const json report = random_weights_report();
    int said = 0;
    for (const json& item : report["frames"][1]["items"]) said += item["id"] == "heatmap.stretched";
    CHECK(said == 1);
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("zooming keeps the selected query's row whole in view, first row and last") {
    for (const int query : {0, 63}) {
      cli_test::TempDir dir;
      const auto r = run_attnlab({"gui",
                                  "--random",
                                  "--lq",
                                  "64",
                                  "--lk",
                                  "64",
                                  "--query",
                                  std::to_string(query),
                                  "--backend",
                                  "cpu",
                                  "--width",
                                  "1280",
                                  "--height",
                                  "720",
                                  "--frames",
                                  "4",
                                  "--actions",
                                  "zoom-in,zoom-in,wait",
                                  "--layout-report",
                                  (dir / "layout.json").string()});
      REQUIRE_MESSAGE(r.status == 0, r.err);
      const json report = json::parse(cli_test::read_all(dir / "layout.json"));
      for (int f = 1; f <= 3; ++f) {
        std::vector<float> cells, row;
        for (const json& item : report["frames"][f]["items"]) {
          const std::string id = item["id"];
          if (id == "heatmap.cells") cells = item["box"].get<std::vector<float>>();
          if (id == "heatmap.query") row = item["box"].get<std::vector<float>>();
        }
        CAPTURE(query);
        CAPTURE(f);
        REQUIRE(cells.size() == 4);
        REQUIRE(row.size() == 4);  // the row is drawn: inside the rows on screen
        CHECK(row[1] >= cells[1] - 0.5f);
        CHECK(row[3] <= cells[3] + 0.5f);
      }
    }
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("one thread is \"1 thread\", as the web page runs, and two are \"2 threads\"") {
    for (const auto& [threads, said] :
         std::vector<std::pair<std::string, std::string>>{{"1", ", 1 thread)"}, {"2", ", 2 threads)"}}) {
      const auto r = run_attnlab(
          {"gui", "--example", "sentence", "--backend", "cpu", "--width", "640", "--height", "480", "--frames", "2"},
          cli_test::RunOptions{}.with("OMP_NUM_THREADS=" + threads));
      REQUIRE_MESSAGE(r.status == 0, r.err);
      CHECK_MESSAGE(r.err.find("attnlab: backend cpu (Eigen") != std::string::npos, r.err);
      CHECK_MESSAGE(r.err.find(said) != std::string::npos, r.err);
    }
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("a model's exports name their layer: layer 0's head 2 and layer 1's head 2 are two files") {
    cli_test::TempDir dir;
    for (const std::string layer : {"0", "1"}) {
      const auto r = run_attnlab({"gui", "--example", "induction", "--layer", layer, "--head", "2", "--backend", "cpu",
                                  "--width", "1280", "--height", "720", "--frames", "3", "--actions", "export,wait",
                                  "--export-dir", dir.path().string()});
      REQUIRE_MESSAGE(r.status == 0, r.err);
      const std::string name = "scores-dk16-causal-layer" + layer + "-head2-q0";
      CHECK_MESSAGE(r.err.find("exported " + (dir / name).string() + ".png") != std::string::npos, r.err);
      CHECK(std::filesystem::exists(dir / (name + ".png")));
    }
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("the stepper's bar chart names its tallest bars first when the labels crowd") {
    // The float64 weights of query 5 over 48 random keys: which key takes the most.
    attnlab::InputOptions in;
    in.random = true, in.lq = in.lk = 48, in.dk = 64;
    const attnlab::Problem p = attnlab::load_problem(in);
    const attnlab::Index query = 5;
    std::vector<double> scores(48);
    for (attnlab::Index j = 0; j < 48; ++j) {
      double dot = 0;
      for (attnlab::Index d = 0; d < 64; ++d) dot += static_cast<double>(p.q(query, d)) * p.k(j, d);
      scores[static_cast<std::size_t>(j)] = dot / 8;
    }
    const auto tallest = std::max_element(scores.begin(), scores.end()) - scores.begin();
    cli_test::TempDir dir;
    const auto r = run_attnlab({"gui",
                                "--random",
                                "--lq",
                                "48",
                                "--lk",
                                "48",
                                "--stage",
                                "weights",
                                "--query",
                                "5",
                                "--backend",
                                "cpu",
                                "--width",
                                "1920",
                                "--height",
                                "1080",
                                "--frames",
                                "2",
                                "--layout-report",
                                (dir / "layout.json").string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const json report = json::parse(cli_test::read_all(dir / "layout.json"));
    std::vector<std::string> named;
    for (const json& t : report["frames"][1]["texts"])
      if (t["id"] == "bars.label") named.push_back(t["text"]);
    CHECK(named.size() < 48);  // they crowd: not every bar is named
    const std::string want = p.key_tokens[static_cast<std::size_t>(tallest)];
    CHECK_MESSAGE(std::find(named.begin(), named.end(), want) != named.end(), "key " << want << " is not named");
  }
}

TEST_SUITE("app/wheel") {
  TEST_CASE("a browser's wheel notch is one step of zoom, up is up, and a trackpad's pixels a fraction") {
    // Chromium: deltaY = −100 for one notch up, +100 down; emscripten's GLFW passes them as they are.
    CHECK(attnlab::gui::wheel_from_browser(0, -100).y == 1);
    CHECK(attnlab::gui::wheel_from_browser(0, 100).y == -1);
    CHECK(attnlab::gui::wheel_from_browser(0, -300).y == 1);  // a flick: one step per event
    CHECK(attnlab::gui::wheel_from_browser(0, -4).y == doctest::Approx(0.04));
    CHECK(attnlab::gui::wheel_from_browser(50, 0).x == doctest::Approx(-0.5));
    // The zoom one notch makes: 1.25×, not the whole range.
    attnlab::gui::AppState::Zoom zoom;
    attnlab::gui::zoom_heatmap(zoom, std::pow(1.25f, static_cast<float>(attnlab::gui::wheel_from_browser(0, -100).y)),
                               0, 0, 512, 512);
    CHECK(zoom.scale == doctest::Approx(1.25));
  }
}

namespace {

// WCAG's contrast ratio, in float64: (L1 + 0.05) / (L2 + 0.05) of the relative luminances.
double luminance(double r, double g, double b) {
  const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
double contrast(const ImVec4& a, const ImVec4& b) {
  const double la = luminance(a.x, a.y, a.z), lb = luminance(b.x, b.y, b.z);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace

TEST_SUITE("app/contrast") {
  TEST_CASE("both themes: every text 4.5:1 and every plot colour 3:1 against the window (WCAG AA)") {
    ImGui::CreateContext();
    for (const bool light : {false, true}) {
      attnlab::gui::apply_theme(light, 1);
      CHECK(attnlab::gui::light_theme() == light);
      const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
      CAPTURE(light);
      CHECK(contrast(ImGui::GetStyle().Colors[ImGuiCol_Text], bg) >= 4.5);
      CHECK(contrast(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], bg) >= 4.5);
      CHECK(contrast(attnlab::gui::warning_text_colour(), bg) >= 4.5);
      CHECK(contrast(attnlab::gui::error_text_colour(), bg) >= 4.5);
      for (int i = 0; i < 7; ++i) {
        CAPTURE(i);
        CHECK(contrast(ImGui::ColorConvertU32ToFloat4(attnlab::gui::okabe_ito(i)), bg) >= 3);
      }
    }
    ImGui::DestroyContext();
  }
}

TEST_SUITE("gui/class") {
  TEST_CASE("the dₖ explorer: round ticks on its plots (no 31.320 / 15.660), one minus sign everywhere") {
    cli_test::TempDir dir;
    const auto r = run_attnlab({"gui", "--example", "sentence", "--backend", "cpu", "--width", "1920", "--height",
                                "1080", "--frames", "4", "--actions", "explorer,wait,wait", "--layout-report",
                                (dir / "layout.json").string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const json report = json::parse(cli_test::read_all(dir / "layout.json"));
    std::vector<double> ys;
    int histogram = 0;
    for (const json& t : report["frames"][3]["texts"]) {
      std::string text = t["text"];
      if (t["id"] == "explorer.histogram.tick") {
        ++histogram;
        CHECK_MESSAGE(text.find('-') == std::string::npos, text);  // "−4", never "-4"
      }
      if (t["id"] != "plot.ytick") continue;
      if (text.rfind("\u2212", 0) == 0) text = "-" + text.substr(3);
      ys.push_back(std::stod(text));
    }
    CHECK(histogram > 0);
    REQUIRE(ys.size() >= 4);  // two plots, two ticks or more each
    // Each tick is a whole multiple of a round step: 1, 2, 2.5 or 5 times a power of ten.
    for (const double y : ys) {
      bool round = y == 0;
      for (int e = -3; e <= 4 && !round; ++e)
        for (const double m : {1.0, 2.0, 2.5, 5.0}) {
          const double step = m * std::pow(10.0, e), k = y / step;
          round = round || (std::abs(k - std::round(k)) < 1e-6 && std::abs(k) <= 10);
        }
      CHECK_MESSAGE(round, y);
    }
  }

  TEST_CASE("the dₖ explorer: a dₖ axis title, titles clear of the top ticks, the end bins said to hold the overflow") {
    // Unscaled scores at dₖ = 64 spread far beyond ±5: the histogram's end bins hold them.
    const json report = layout_report({"--random", "--lq", "32", "--lk", "32", "--dk", "64", "--width", "1920",
                                       "--height", "1080", "--frames", "4", "--actions", "explorer,wait,wait"});
    const json& frame = report["frames"][3];
    std::vector<json> titles, ticks, xtitles;
    for (const json& item : frame["items"]) {
      if (item["id"] == "plot.title") titles.push_back(item["box"]);
      if (item["id"] == "plot.tick") ticks.push_back(item["box"]);
      if (item["id"] == "plot.xtitle") xtitles.push_back(item["box"]);
    }
    CHECK(titles.size() == 4);
    CHECK(xtitles.size() == 4);
    const auto overlap = [](const json& a, const json& b) {
      return a[0].get<float>() < b[2].get<float>() && b[0].get<float>() < a[2].get<float>() &&
             a[1].get<float>() < b[3].get<float>() && b[1].get<float>() < a[3].get<float>();
    };
    for (const json& t : titles)
      for (const json& tick : ticks) CHECK_FALSE(overlap(t, tick));
    for (const json& x : xtitles)
      for (const json& tick : ticks) CHECK_FALSE(overlap(x, tick));
    int dk_titles = 0;
    std::string overflow;
    for (const json& t : frame["texts"]) {
      if (t["id"] == "plot.xtitle" && t["text"] == "d\u2096") ++dk_titles;
      if (t["id"] == "explorer.histogram.overflow") overflow = t["text"];
    }
    CHECK(dk_titles == 4);
    // The unscaled scores' share beyond ±5 is said; scaled by 1/8 they stay within it.
    CHECK_MESSAGE(overflow.find("beyond \u00b15") != std::string::npos, overflow);
    CHECK_MESSAGE(overflow.find("scaled 0 %") != std::string::npos, overflow);
    CHECK_MESSAGE(overflow.find("unscaled 0 %") == std::string::npos, overflow);
  }

  TEST_CASE("a slider's handle never covers its value: query, dₖ, temperature, context tokens") {
    for (const bool present : {false, true}) {
      std::vector<std::string> args{"--example", "sentence",
                                    "--width",   "1280",
                                    "--height",  "720",
                                    "--frames",  "8",
                                    "--actions", "next-query,next-query,next-query,next-query,dk-up,heads,wait"};
      if (present) args.push_back("--present");
      const json report = layout_report(args);
      std::set<std::string> seen;
      for (const json& frame : report["frames"]) {
        std::map<std::string, std::vector<json>> values, grabs;
        for (const json& item : frame["items"]) {
          const std::string id = item["id"];
          const auto dot = id.rfind('.');
          if (dot == std::string::npos) continue;
          if (id.substr(dot) == ".value") values[id.substr(0, dot)].push_back(item["box"]);
          if (id.substr(dot) == ".grab") grabs[id.substr(0, dot)].push_back(item["box"]);
        }
        for (const auto& [slider, boxes] : grabs) {
          REQUIRE(values[slider].size() == boxes.size());
          seen.insert(slider);
          for (std::size_t n = 0; n < boxes.size(); ++n) {
            const json &g = boxes[n], &v = values[slider][n];
            CAPTURE(slider);
            // The handle lies under the value's line, never across it.
            CHECK(g[1].get<float>() >= v[3].get<float>() - 0.5f);
          }
        }
      }
      CAPTURE(present);
      CHECK(seen.count("toolbar.query") == 1);
      CHECK(seen.count("toolbar.dk") == 1);
      CHECK(seen.count("heads.context") == 1);
      if (!present) CHECK(seen.count("inputs.temperature") == 1);
    }
  }

  TEST_CASE("formulas wrap between whole terms, and the heatmap's title between whole phrases") {
    const std::vector<std::string> operators{"=", "\u2212", "+", "/", "\u00b7", "\u03a3", "\u00d7"};
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{1024, 768}, {1280, 720}})
      for (const bool present : {false, true}) {
        std::vector<std::string> args{"--example", "sentence",
                                      "--width",   std::to_string(width),
                                      "--height",  std::to_string(height),
                                      "--frames",  "7",
                                      "--actions", "next-stage,next-stage,next-stage,tiles,next-tile,wait"};
        if (present) args.push_back("--present");
        const json report = layout_report(args);
        int formulas = 0;
        for (const json& frame : report["frames"])
          for (const json& t : frame["texts"]) {
            if (!t.contains("lines")) continue;
            const std::string all = t["lines"];
            std::vector<std::string> lines;
            for (std::size_t at = 0; at <= all.size();) {
              const std::size_t end = std::min(all.find('\n', at), all.size());
              lines.push_back(all.substr(at, end - at));
              at = end + 1;
            }
            formulas += all.find("exp(") != std::string::npos;
            for (std::size_t l = 0; l < lines.size(); ++l) {
              const std::string& line = lines[l];
              CAPTURE(width);
              CAPTURE(present);
              CAPTURE(all);
              for (const std::string& op : operators) CHECK_FALSE(line.ends_with(" " + op));
              // "exp(x −" never ends a line: a bracket opened is closed on its line.
              long open = 0;
              for (const char c : line) open += (c == '(') - (c == ')');
              if (line.find("exp(") != std::string::npos) CHECK(open <= 0);
              if (t["id"] == "heatmap.title" && l + 1 < lines.size()) {
                const std::string end = line.substr(line.find_last_of(' ') + 1);
                CHECK_MESSAGE((end == "," || end.back() == ',' || end == "\u2014" || end == "\u00b7"), line);
              }
            }
          }
        CHECK(formulas > 0);
      }
  }

  TEST_CASE(
      "presenting, the tiles fit the stepper: no empty rows, the result and the memory line whole, headers whole") {
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{1280, 720}, {1024, 768}}) {
      const json report =
          layout_report({"--example", "sentence", "--width", std::to_string(width), "--height", std::to_string(height),
                         "--present", "--frames", "6", "--actions", "tiles,next-tile,next-tile,wait"});
      const json& frame = report["frames"][5];
      CAPTURE(width);
      int seen = 0;
      for (const json& item : frame["items"])
        if (item["id"] == "tiles.text" || item["id"] == "tiles.memory") {
          ++seen;
          // Whole within what the panel shows, no scrolling needed.
          CHECK(item["box"][3].get<float>() <= item["clip"][3].get<float>() + 0.5f);
          CHECK(item["box"][2].get<float>() <= item["clip"][2].get<float>() + 0.5f);
        }
      CHECK(seen == 3);  // the explanation, "Done: …", the memory
      int headers = 0;
      bool done = false;
      for (const json& t : frame["texts"]) {
        if (t["id"] == "tiles.text" && t["text"].get<std::string>().starts_with("Done")) done = true;
        if (t["id"] != "tiles.header") continue;
        ++headers;
        CHECK_MESSAGE(t["width"].get<float>() <= t["room"].get<float>() + 0.5f, t["text"]);
      }
      CHECK(done);
      CHECK(headers == 6);
    }
  }
}

TEST_SUITE("app/labels") {
  TEST_CASE("a token's spaces show as ␣ wherever the window names it") {
    attnlab::Problem p;
    p.query_tokens = {"When", " a", " word"};
    p.key_tokens = {"When", " a", "  two"};
    CHECK(attnlab::gui::query_label(p, 1) == "\u2423a");
    CHECK(attnlab::gui::key_label(p, 2) == "\u2423\u2423two");
    CHECK(attnlab::gui::query_label(p, 0) == "When");
    CHECK(attnlab::gui::visible_spaces(std::vector<std::string>{" x", "y "}) ==
          std::vector<std::string>{"\u2423x", "y\u2423"});
  }
}
