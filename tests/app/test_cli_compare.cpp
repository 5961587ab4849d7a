// export --compare-text / --compare-token-ids through the real binary (heads.md, "Two inputs side by
// side"): each input's panel and their difference against float64 references (reference_forward.hpp),
// the difference on the diverging colours centred on 0, the PNG drawing what the SVG says, and every
// refusal a user can cause.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/colormap/colormap.hpp"
#include "tests/app/heads_cli.hpp"
#include "tests/app/shipped_model.hpp"
#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_forward.hpp"
#include "tests/png_image.hpp"

using namespace cli_test;
using namespace heads_cli;
using namespace model_test;

namespace {

struct Cell {
  std::size_t i = 0, j = 0;
  double value = 0;
  std::string fill;
  bool masked = false;
  double x = 0, y = 0, w = 0, h = 0;
};

// The SVG's cells, panel by panel ("first", "second", "second − first").
std::map<std::string, std::vector<Cell>> panels_of(const std::string& svg) {
  std::map<std::string, std::vector<Cell>> panels;
  const std::string group = "<g class=\"heatmap\" data-panel=\"";
  for (std::size_t g = svg.find(group); g != std::string::npos; g = svg.find(group, g + 1)) {
    const std::size_t name_at = g + group.size();
    const std::string name = svg.substr(name_at, svg.find('"', name_at) - name_at);
    const std::size_t end = svg.find("</g>", g);
    for (std::size_t at = svg.find("<rect class=\"cell", g); at < end; at = svg.find("<rect class=\"cell", at + 1)) {
      const auto attribute = [&](const std::string& key) {
        const std::size_t begin = svg.find(" " + key + "=\"", at) + key.size() + 3;
        return svg.substr(begin, svg.find('"', begin) - begin);
      };
      panels[name].push_back({std::stoul(attribute("data-row")), std::stoul(attribute("data-col")),
                              std::stod(attribute("data-value")), attribute("fill"),
                              svg.compare(at, 24, "<rect class=\"cell masked") == 0, std::stod(attribute("x")),
                              std::stod(attribute("y")), std::stod(attribute("width")), std::stod(attribute("height"))});
    }
  }
  return panels;
}

std::string hex(attnlab::Rgba c) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

// Which entry of the diverging table a fill is, or -1.
int entry_of(const std::string& fill) {
  const attnlab::ColormapTable& table = attnlab::diverging();
  for (int k = 0; k < 256; ++k)
    if (hex(table[static_cast<std::size_t>(k)]) == fill) return k;
  return -1;
}

const char* const kDifference = "difference";  // the panel; its colour bar says "second − first"

TinyModel tiny_llama() {
  TinySpec llama;
  llama.model_type = "llama", llama.kv_heads = 2;
  return make_tiny_model(llama, 29);
}

}  // namespace

TEST_SUITE("cli/compare") {
  TEST_CASE("export --compare-token-ids: both inputs and second − first against float64, diverging around 0") {
    const TempDir work;
    const TinyModel tiny = tiny_llama();
    write_tiny_model(tiny, work / "m");
    const std::vector<long> first{3, 17, 0, 40, 9, 9, 22, 5}, second{3, 17, 0, 40, 9, 12, 22, 5};
    const long layer = 1, head = 3;
    const RunResult r = run_attnlab({"export", "--model", (work / "m").string(), "--token-ids", joined(first),
                                     "--compare-token-ids", joined(second), "--layer", "1", "--head", "3", "--stage",
                                     "weights", "--out", (work / "c.svg").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string svg = read_all(work / "c.svg");
    // The title names both inputs.
    CHECK(svg.find("first \u201cids " + joined(first) + "\u201d") != std::string::npos);
    CHECK(svg.find("second \u201cids " + joined(second) + "\u201d") != std::string::npos);
    CHECK(svg.find(">second \u2212 first</text>") != std::string::npos);  // the difference's colour bar is labelled
    const auto panels = panels_of(svg);
    REQUIRE(panels.size() == 3);
    const auto want_first = reference_forward(tiny, first).layers[layer].weights[head];
    const auto want_second = reference_forward(tiny, second).layers[layer].weights[head];
    const std::size_t L = first.size();
    for (const auto& [name, want] : {std::pair{"first", want_first}, std::pair{"second", want_second}}) {
      const std::vector<Cell>& cells = panels.at(name);
      REQUIRE(cells.size() == L * L);
      for (const Cell& c : cells) {
        CHECK(c.value == doctest::Approx(want[c.i][c.j]).epsilon(1e-5).scale(1));
        CHECK(c.masked == (c.j > c.i));
      }
    }
    // The difference, and its colours: the diverging table over ± the largest |difference|.
    double largest = 0;
    for (std::size_t i = 0; i < L; ++i)
      for (std::size_t j = 0; j <= i; ++j) largest = std::max(largest, std::abs(want_second[i][j] - want_first[i][j]));
    REQUIRE(largest > 0.01);  // the inputs differ at token 5: so do the weights from query 5 on
    const std::vector<Cell>& cells = panels.at(kDifference);
    REQUIRE(cells.size() == L * L);
    int low = 255, high = 0;
    for (const Cell& c : cells) {
      INFO("cell " << c.i << "," << c.j);
      CHECK(c.masked == (c.j > c.i));
      const double want = want_second[c.i][c.j] - want_first[c.i][c.j];
      CHECK(c.value == doctest::Approx(want).epsilon(1e-5).scale(1));
      if (c.masked) continue;
      const int entry = entry_of(c.fill);
      REQUIRE(entry >= 0);
      const double expected = std::clamp(std::floor((want + largest) / (2 * largest) * 256), 0.0, 255.0);
      CHECK(std::abs(entry - expected) <= 1);
      if (c.i < 5) CHECK((entry == 127 || entry == 128));  // the same prefix: no difference, the middle colour
      low = std::min(low, entry), high = std::max(high, entry);
    }
    CHECK((low == 0 || high == 255));  // the largest change reaches an end of the scale
    CHECK(low < 100);                   // some weights fall (blue) …
    CHECK(high > 156);                  // … and others rise (red): each row still sums to 1
  }

  TEST_CASE("inputs of different lengths: both drawn, no difference, and the figure and stderr say why") {
    const TempDir work;
    write_tiny_model(tiny_llama(), work / "m");
    const RunResult r =
        run_attnlab({"export", "--model", (work / "m").string(), "--token-ids", "3,17,0,40,9,9,22,5",
                     "--compare-token-ids", "3,17,0,40,9", "--head", "1", "--stage", "scores", "--out",
                     (work / "c.svg").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(r.err, "no difference drawn: the inputs have 8 and 5 tokens"));
    const std::string svg = read_all(work / "c.svg");
    const auto panels = panels_of(svg);
    CHECK(panels.size() == 2);
    CHECK(panels.at("first").size() == 64);
    CHECK(panels.at("second").size() == 25);
    CHECK(contains(svg, "no difference: the inputs have 8 and 5 tokens"));
  }

  TEST_CASE("the PNG draws the SVG's cells: \"tired\" against \"big\" on the shipped model") {
    const TempDir work;
    const std::string model = shipped_test::kModel.string();
    const std::vector<std::string> args{"export",   "--model", model, "--text", "The cat sat because it was tired",
                                        "--compare-text", "The cat sat because it was big", "--layer", "1",
                                        "--head",   "2",       "--width", "1600"};
    std::vector<std::string> svg_args = args, png_args = args;
    for (auto* a : {&svg_args, &png_args}) a->insert(a->end(), {"--stage", "weights", "--out"});
    svg_args.push_back((work / "c.svg").string());
    png_args.push_back((work / "c.png").string());
    for (const auto& a : {svg_args, png_args}) {
      const RunResult r = run_attnlab(a);
      INFO(r.err);
      REQUIRE(r.status == 0);
    }
    const auto panels = panels_of(read_all(work / "c.svg"));
    REQUIRE(panels.size() == 3);
    const png_test::Image png = png_test::load_png(work / "c.png");
    CHECK(png.width == 1600);
    std::size_t checked = 0;
    for (const auto& [name, cells] : panels)
      for (const Cell& c : cells) {
        const attnlab::Rgba want{static_cast<std::uint8_t>(std::stoi(c.fill.substr(1, 2), nullptr, 16)),
                                 static_cast<std::uint8_t>(std::stoi(c.fill.substr(3, 2), nullptr, 16)),
                                 static_cast<std::uint8_t>(std::stoi(c.fill.substr(5, 2), nullptr, 16)), 255};
        INFO(name << " cell " << c.i << "," << c.j);
        // Inside the cell, clear of a value printed at its centre.
        CHECK(png_test::close(png.at(static_cast<int>(c.x + 0.15 * c.w), static_cast<int>(c.y + 0.85 * c.h)), want));
        ++checked;
      }
    CHECK(checked == panels.at("first").size() * 3);
  }

  TEST_CASE("refused, one line naming the input and the value, nothing written") {
    const TempDir work;
    write_tiny_model(tiny_llama(), work / "m");
    const std::string tiny = (work / "m").string(), shipped = shipped_test::kModel.string();
    const std::string out = (work / "c.png").string();
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> args{"export", "--stage", "weights", "--out", out};
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
    const std::vector<std::string> t{"--model", shipped, "--text", "one two three", "--head", "1"};
    const auto plus = [](std::vector<std::string> a, const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    check_refused(with(plus(t, {"--compare-text", "a b", "--compare-token-ids", "1,2"})),
                  {"--compare-text and --compare-token-ids", "one"});
    check_refused(with({"--random", "--compare-text", "a b"}), {"--compare-text", "--model"});
    check_refused(with(plus(t, {"--compare-text", ""})), {"--compare-text is empty"});
    check_refused(with(plus(t, {"--compare-token-ids", "1,x,3"})), {"--compare-token-ids", "'x'"});
    check_refused(with(plus(t, {"--compare-token-ids", "1,99999"})), {"--compare-token-ids", "99999", "1900"});
    check_refused(with({"--model", tiny, "--token-ids", "1,2", "--head", "0", "--compare-text", "words"}),
                  {"--compare-text", "tokenizer"});
    std::string long_ids = "1";
    for (int n = 1; n < 25; ++n) long_ids += ",1";
    check_refused(with({"--model", tiny, "--token-ids", "1,2", "--head", "0", "--compare-token-ids", long_ids}),
                  {"--compare-token-ids", "25 tokens", "24"});
    check_refused(with({"--model", shipped, "--text", "one two", "--compare-text", "a b"}),
                  {"--compare-text", "--head h", "4 heads"});
    check_refused(with({"--model", shipped, "--text", "one two", "--compare-text", "a b", "--head", "all"}),
                  {"--compare-text", "--head h"});
    check_refused(with({"--model", shipped, "--text", "one two", "--compare-text", "a b", "--head", "9"}),
                  {"--head 9", "out of range"});
    check_refused(with(plus(t, {"--compare-text", "a b", "--layer", "all"})), {"--layer all", "--compare-text"});
    check_refused(with(plus(t, {"--compare-text", "a b", "--layer", "5"})), {"--layer 5", "out of range"});
    check_refused(with(plus(t, {"--compare-text", "a b", "--plain", "--cell-px", "4"})), {"--plain", "--compare-text"});
    check_refused(with(plus(t, {"--compare-text", "a b", "--aspect", "16:9"})), {"--aspect", "--compare-text"});
    check_refused({"export", "--stage", "rollout", "--out", out, "--model", shipped, "--text", "one two",
                   "--compare-text", "a b"},
                  {"--compare-text", "--stage rollout"});
    check_refused(with({"--model", tiny, "--token-ids", "1,2,3,4,5,6,7,8", "--head", "0", "--compare-token-ids",
                        "1,2,3,4,5", "--query", "6"}),
                  {"--query 6", "second input has 5 tokens"});
    check_refused({"compute", "--model", shipped, "--text", "one two", "--compare-text", "a b"}, {"--compare-text"});
    CHECK_FALSE(fs::exists(out));
  }
}
