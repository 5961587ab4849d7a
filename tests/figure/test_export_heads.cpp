// Figures of multi-head problems: the grid of every head (the model, plain test cases "heads
// figure: …"), and `attnlab export` with heads through the real binary (suite cli, "export with
// heads …"): one head's figure against the single-head export of that head's problem, the grid's
// cells against each head's weights, and every refusal leaving no file behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/attention/cpu_backend.hpp"
#include "core/figure/figure_heads.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/inputs/input.hpp"
#include "core/io/npy.hpp"
#include "tests/export_checks.hpp"
#include "tests/svg_check.hpp"

using namespace attnlab;
using namespace cli_test;

TEST_SUITE_BEGIN("figure/export_heads");

namespace {

// Grouped-query attention, 4 heads over 2 KV heads, Lq ≠ Lk (so random and file inputs share their
// labels q0…, k0…) and a mask; the same problem as `gqa_args` on the command line.
InputOptions gqa_input() {
  InputOptions in;
  in.random = true;
  in.lq = 5, in.lk = 7, in.dk = 8, in.dv = 3, in.seed = 4;
  in.heads = 4, in.kv_heads = 2;
  in.mask = "causal-bottom-right";
  return in;
}
const std::vector<std::string> gqa_args{"--random",
                                        "--lq",
                                        "5",
                                        "--lk",
                                        "7",
                                        "--dk",
                                        "8",
                                        "--dv",
                                        "3",
                                        "--seed",
                                        "4",
                                        "--heads",
                                        "4",
                                        "--kv-heads",
                                        "2",
                                        "--mask",
                                        "causal-bottom-right"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

struct Heads {
  HeadsProblem problem;
  std::vector<Trace> traces;
};
Heads compute(const InputOptions& input) {
  Heads h{load_heads_problem(input), {}};
  CpuBackend cpu;
  h.traces = compute_heads(cpu, h.problem);
  return h;
}

Figure grid_of(const Heads& h, Stage stage, std::optional<Index> query = {}, int width = 1600) {
  return build_heads_figure(h.problem, h.traces, {stage, query, "", width, "", {}, 0}, figure_font());
}

std::vector<const FigureText*> texts(const Figure& f, const std::string& role) {
  std::vector<const FigureText*> found;
  for (const auto& t : f.texts)
    if (t.role == role) found.push_back(&t);
  return found;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string hex(Rgba c) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

std::string exact(float v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char text[48];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

// One <rect class="cell"> of an SVG the writer made: its panel (empty for a one-stage figure), the
// line as written, and its attributes.
struct SvgCell {
  std::string panel, line;
  float x = 0, y = 0, w = 0, h = 0;
  std::string fill, value;
  Index row = 0, col = 0;
};

std::string attribute(const std::string& line, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = line.find(key);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << name << " in " << line);
  const std::size_t from = at + key.size();
  return line.substr(from, line.find('"', from) - from);
}

std::vector<SvgCell> svg_cells(const std::string& svg) {
  std::vector<SvgCell> cells;
  std::string panel;
  std::size_t start = 0;
  while (start < svg.size()) {
    const std::size_t end = std::min(svg.find('\n', start), svg.size());
    const std::string line = svg.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("<g class=\"heatmap\""))
      panel = contains(line, "data-panel=") ? attribute(line, "data-panel") : "";
    if (!line.starts_with("<rect class=\"cell")) continue;
    SvgCell c;
    c.panel = panel, c.line = line;
    c.x = std::stof(attribute(line, "x")), c.y = std::stof(attribute(line, "y"));
    c.w = std::stof(attribute(line, "width")), c.h = std::stof(attribute(line, "height"));
    c.fill = attribute(line, "fill"), c.value = attribute(line, "data-value");
    c.row = std::stol(attribute(line, "data-row")), c.col = std::stol(attribute(line, "data-col"));
    cells.push_back(c);
  }
  return cells;
}

std::vector<std::string> lines_of(const std::vector<SvgCell>& cells) {
  std::vector<std::string> lines;
  for (const SvgCell& c : cells) lines.push_back(c.line);
  return lines;
}

// The baseline of the SVG's title text: everything below it is the figure without its title.
float title_baseline(const std::string& svg) {
  const std::size_t at = svg.find("<text class=\"title\"");
  REQUIRE(at != std::string::npos);
  return std::stof(attribute(svg.substr(at, svg.find('\n', at) - at), "y"));
}

std::string export_to(const std::vector<std::string>& args, const fs::path& out) {
  const RunResult r = export_run(with(args, {"--out", out.string()}));
  INFO("command: " << r.command);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.err.empty());
  return read_all(out);
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// The figure model

TEST_CASE("heads figure: one panel per head, labelled with its head and KV head, titled with the kind of attention") {
  const Heads h = compute(gqa_input());
  const Figure f = grid_of(h, Stage::weights, 2);
  REQUIRE(f.heatmaps.size() == 4);
  for (Index head = 0; head < 4; ++head) {
    const FigureHeatmap& panel = f.heatmaps[static_cast<std::size_t>(head)];
    CHECK(panel.name == "head " + std::to_string(head));
    REQUIRE(panel.rows == 5);
    REQUIRE(panel.cols == 7);
    const Matrix& w = h.traces[static_cast<std::size_t>(head)].weights;
    const Matrix& masked = h.traces[static_cast<std::size_t>(head)].masked;
    for (Index i = 0; i < 5; ++i)
      for (Index j = 0; j < 7; ++j) {
        const Rgba want = std::isinf(masked(i, j)) ? masked_colour : expected_weight_colour(w(i, j));
        CHECK(panel.colours[static_cast<std::size_t>(i * 7 + j)] == want);
        CHECK(panel.values[static_cast<std::size_t>(i * 7 + j)] == w(i, j));
      }
  }
  const auto titles = texts(f, "panel-title");
  REQUIRE(titles.size() == 4);
  for (Index head = 0; head < 4; ++head)
    CHECK(titles[static_cast<std::size_t>(head)]->text ==
          "head " + std::to_string(head) + " \u00b7 KV head " + std::to_string(head / 2));
  CHECK(f.title ==
        "weights = softmax(QK\u1d40/\u221ad\u2096 + mask)  \u00b7  grouped-query attention: 4 heads over 2 KV heads, 2 "
        "per KV head");
  REQUIRE(texts(f, "heads").size() == 1);
  CHECK(contains(texts(f, "heads")[0]->text, "one colour scale for all heads"));
  const std::string subtitle = texts(f, "subtitle").at(0)->text;
  for (const char* part :
       {"d\u2096 = 8", "1/\u221a8", "mask causal-bottom-right", "5 queries \u00d7 7 keys", "query 2 outlined"})
    CHECK_MESSAGE(contains(subtitle, part), subtitle);
  // Small problems keep their token labels: queries beside the first column, keys under each column.
  CHECK_FALSE(texts(f, "query-label").empty());
  CHECK_FALSE(texts(f, "key-label").empty());
  // The selected query outlined in every panel: one dark band around row 2 of each.
  std::size_t bands = 0;
  for (const FigureHeatmap& panel : f.heatmaps)
    for (const FigureRect& r : f.rects)
      bands += r.role == "outline" && r.colour != Rgba{255, 255, 255, 255} && r.y < panel.y + 2 * panel.cell_h &&
               r.y + r.h > panel.y + 3 * panel.cell_h && r.x < panel.x && r.x + r.w > panel.x + 7 * panel.cell_w;
  CHECK(bands == 4);
  CHECK(std::count_if(f.rects.begin(), f.rects.end(), [](const FigureRect& r) { return r.role == "masked-swatch"; }) ==
        1);
}

TEST_CASE("heads figure: the panels sit in a grid, apart, with the same cells") {
  for (const Index heads : {Index{2}, Index{3}, Index{4}, Index{8}, Index{12}, Index{32}}) {
    INFO(heads << " heads");
    InputOptions in = gqa_input();
    in.heads = heads, in.kv_heads = 1;
    const Figure f = grid_of(compute(in), Stage::scores);
    REQUIRE(f.heatmaps.size() == static_cast<std::size_t>(heads));
    std::set<float> xs, ys;
    for (const FigureHeatmap& p : f.heatmaps) {
      xs.insert(p.x), ys.insert(p.y);
      CHECK(p.cell_w == f.heatmaps[0].cell_w);
      CHECK(p.cell_h == f.heatmaps[0].cell_h);
      CHECK(p.x + p.cell_w * 7 <= static_cast<float>(f.width));
      CHECK(p.y + p.cell_h * 5 <= static_cast<float>(f.height));
    }
    CHECK(xs.size() * ys.size() >= static_cast<std::size_t>(heads));
    CHECK((xs.size() - 1) * ys.size() < static_cast<std::size_t>(heads));  // no empty column
    CHECK(xs.size() >= ys.size());                                         // as wide as a slide, or wider
    for (std::size_t a = 0; a < f.heatmaps.size(); ++a)
      for (std::size_t b = a + 1; b < f.heatmaps.size(); ++b) {
        const FigureHeatmap &p = f.heatmaps[a], &q = f.heatmaps[b];
        const bool apart = p.x + p.cell_w * 7 < q.x || q.x + q.cell_w * 7 < p.x || p.y + p.cell_h * 5 < q.y ||
                           q.y + q.cell_h * 5 < p.y;
        CHECK_MESSAGE(apart, "panels " << a << " and " << b << " overlap");
      }
    CHECK(texts(f, "panel-title").size() == static_cast<std::size_t>(heads));
  }
}

TEST_CASE("heads figure: one colour scale across the heads, the largest magnitude of any head") {
  const Heads h = compute(gqa_input());
  const Figure f = grid_of(h, Stage::scores);
  float largest = 0, smallest_own = INFINITY;
  for (const Trace& t : h.traces) {
    const float own = t.scores.cwiseAbs().maxCoeff();
    largest = std::max(largest, own);
    smallest_own = std::min(smallest_own, own);
  }
  REQUIRE(smallest_own < largest);  // a scale per head would colour some head differently
  // Keys the mask will block keep their scores' colours, striped; they turn grey at the masked stage.
  const Figure masked = grid_of(h, Stage::masked);
  int blocked = 0;
  for (std::size_t head = 0; head < 4; ++head)
    for (Index i = 0; i < 5; ++i)
      for (Index j = 0; j < 7; ++j) {
        const auto n = static_cast<std::size_t>(i * 7 + j);
        const bool will_block = std::isinf(h.traces[head].masked(i, j));
        blocked += will_block;
        CHECK(f.heatmaps[head].colours[n] == colormap(h.traces[head].scores(i, j), -largest, largest, diverging()));
        CHECK((f.heatmaps[head].mask[n] == FigureHeatmap::Mask::to_be_masked) == will_block);
        CHECK((masked.heatmaps[head].mask[n] == FigureHeatmap::Mask::masked) == will_block);
        if (will_block) CHECK(masked.heatmaps[head].colours[n] == masked_colour);
      }
  CHECK(blocked > 0);
}

TEST_CASE("heads figure: tiny cells carry no token labels; the panels and axis still say what they are") {
  InputOptions in;
  in.random = true, in.lq = 160, in.lk = 160, in.dk = 4, in.dv = 4, in.heads = 8, in.kv_heads = 2;
  const Figure f = grid_of(compute(in), Stage::weights, 7);
  CHECK(f.heatmaps.size() == 8);
  CHECK(texts(f, "query-label").empty());
  CHECK(texts(f, "key-label").empty());
  CHECK(texts(f, "panel-title").size() == 8);
  const auto axes = texts(f, "axis-title");
  CHECK(std::any_of(axes.begin(), axes.end(), [](const FigureText* t) { return t->text == "keys"; }));
}

TEST_CASE("heads figure: multi-head and multi-query say so; one head's heading names its KV head") {
  CHECK(heads_description(4, 4) == "multi-head attention: 4 heads, each with its own K and V");
  CHECK(heads_description(8, 1) == "multi-query attention: 8 heads share one K and V");
  CHECK(heads_description(8, 2) == "grouped-query attention: 8 heads over 2 KV heads, 4 per KV head");
  CHECK(head_heading(5, 8, 2) == "head 5 of 8  \u00b7  KV head 1 of 2");
  CHECK(head_heading(0, 8, 1) == "head 0 of 8  \u00b7  KV head 0 of 1");
  // Narrow panels shorten their titles rather than shrink them out of sight.
  InputOptions in = gqa_input();
  in.heads = 32, in.kv_heads = 8;
  const Figure f = grid_of(compute(in), Stage::weights);
  for (const FigureText* t : texts(f, "panel-title")) CHECK(t->size >= 13 * 1.6f);
  CHECK(texts(f, "panel-title").back()->text == "h31 \u00b7 KV 7");
}

TEST_CASE("heads figure: too many heads, a query or a width out of range are input errors") {
  CHECK_THROWS_WITH_AS(check_heads_grid(129), doctest::Contains("at most 128"), InputError);
  CHECK_NOTHROW(check_heads_grid(128));
  const Heads h = compute(gqa_input());
  CHECK_THROWS_AS(grid_of(h, Stage::weights, 5), InputError);
  CHECK_THROWS_AS(grid_of(h, Stage::weights, -1), InputError);
  CHECK_THROWS_AS(grid_of(h, Stage::weights, {}, 100), InputError);
  CHECK_THROWS_AS(build_heads_figure(h.problem, h.traces, {Stage::weights, {}, "jet", 1600, "", {}, 0}, figure_font()),
                  InputError);
  // The writers draw every panel: the SVG one group per head, the PNG each head's cells.
  const Figure f = grid_of(h, Stage::weights, 1, 1000);
  const std::string svg = figure_svg(f);
  CHECK(count(svg, "<g class=\"heatmap\" data-panel=\"head ") == 4);
  CHECK(count(svg, "<rect class=\"cell") == 4 * 35);
  const Image image = decode_png(figure_png(f, figure_font()));
  for (const FigureHeatmap& p : f.heatmaps)
    for (Index i = 0; i < 5; ++i)
      for (Index j = 0; j < 7; ++j) {
        const auto x = static_cast<int>(p.x + (static_cast<float>(j) + 0.15f) * p.cell_w);
        const auto y = static_cast<int>(p.y + (static_cast<float>(i) + 0.85f) * p.cell_h);
        CHECK(image.at(x, y) == p.colours[static_cast<std::size_t>(i * 7 + j)]);
      }
}

// -----------------------------------------------------------------------------------------------
// attnlab export with heads

TEST_SUITE("cli/export_heads") {
  TEST_CASE("export with heads --head h: that head's figure, cell for cell the single-head export of its problem") {
    TempDir dir;
    const Heads h = compute(gqa_input());
    for (const Index head : {Index{1}, Index{3}}) {
      INFO("head " << head);
      const std::string name = "h" + letters(static_cast<unsigned long long>(head));
      const std::vector<std::string> figure{"--stage", "weights", "--query", "2"};
      const std::string one_of_four =
          export_to(with(with(gqa_args, figure), {"--head", std::to_string(head)}), dir / (name + ".svg"));
      // The same head as an ordinary single-head problem: its Q, K and V in files.
      const Problem p = head_problem(h.problem, head);
      for (const auto& [which, m] : {std::pair{"q", &p.q}, std::pair{"k", &p.k}, std::pair{"v", &p.v}})
        write_all(dir / (name + which + ".npy"), npy_bytes(*m));
      const std::vector<std::string> files{
          "--q", (dir / (name + "q.npy")).string(), "--k",    (dir / (name + "k.npy")).string(),
          "--v", (dir / (name + "v.npy")).string(), "--mask", "causal-bottom-right"};
      const std::string single = export_to(with(files, figure), dir / (name + "-single.svg"));
      const std::vector<SvgCell> cells = svg_cells(one_of_four);
      REQUIRE(cells.size() == 35);
      CHECK(lines_of(cells) == lines_of(svg_cells(single)));
      for (const SvgCell& c : cells) {
        const float w = h.traces[static_cast<std::size_t>(head)].weights(c.row, c.col);
        const bool masked = std::isinf(h.traces[static_cast<std::size_t>(head)].masked(c.row, c.col));
        CHECK(c.fill == hex(masked ? masked_colour : expected_weight_colour(w)));
        CHECK(c.value == exact(w));
      }
      // The title names the head and the KV head it reads; the single-head one does not.
      const std::string heading =
          "head " + std::to_string(head) + " of 4  \u00b7  KV head " + std::to_string(head / 2) + " of 2";
      CHECK(contains(one_of_four,
                     "<title>weights = softmax(QK\u1d40/\u221ad\u2096 + mask)  \u00b7  " + heading + "</title>"));
      CHECK_FALSE(contains(single, "head "));
      check_well_formed(dir / (name + ".svg"));

      // The PNGs: the same pixels below the title line.
      const std::string png_args_head = std::to_string(head);
      const Image a = export_png(with(with(gqa_args, figure), {"--head", png_args_head}), dir / (name + ".png"));
      const Image b = export_png(with(files, figure), dir / (name + "-single.png"));
      REQUIRE(a.width == b.width);
      REQUIRE(a.height == b.height);
      const auto below_title =
          static_cast<std::size_t>(title_baseline(one_of_four) + 16) * static_cast<std::size_t>(a.width) * 4;
      CHECK(std::equal(a.rgba.begin() + static_cast<std::ptrdiff_t>(below_title), a.rgba.end(),
                       b.rgba.begin() + static_cast<std::ptrdiff_t>(below_title)));
      CHECK_FALSE(a.rgba == b.rgba);
    }
  }

  TEST_CASE("export with heads --head 0 is --random's single-head problem; --head 0 of one head changes nothing") {
    TempDir dir;
    const std::vector<std::string> random{"--random", "--lq", "6", "--lk", "9", "--seed", "11", "--stage", "scaled"};
    const std::string head0 = export_to(with(random, {"--heads", "3", "--head", "0"}), dir / "head0.svg");
    const std::string single = export_to(random, dir / "single.svg");
    CHECK(lines_of(svg_cells(head0)) == lines_of(svg_cells(single)));
    CHECK(contains(head0, "head 0 of 3  \u00b7  KV head 0 of 3"));
    const std::string given = export_to(with(random, {"--head", "0"}), dir / "given.svg");
    CHECK(given == single);
    export_to(with(random, {"--head", "0"}), dir / "given.png");
    export_to(random, dir / "single.png");
    CHECK(read_all(dir / "given.png") == read_all(dir / "single.png"));
    CHECK(export_to(with(random, {"--head", "all"}), dir / "all.svg") == single);  // every head of one
  }

  TEST_CASE("export with heads: every head in a grid by default, each panel that head's weights through viridis") {
    TempDir dir;
    const Heads h = compute(gqa_input());
    const std::vector<std::string> args = with(gqa_args, {"--stage", "weights", "--query", "2"});
    const std::string svg = export_to(args, dir / "grid.svg");
    check_well_formed(dir / "grid.svg");
    CHECK(export_to(with(args, {"--head", "all"}), dir / "all.svg") == svg);
    const std::vector<SvgCell> cells = svg_cells(svg);
    REQUIRE(cells.size() == 4 * 35);
    std::map<std::string, int> per_panel;
    for (const SvgCell& c : cells) {
      ++per_panel[c.panel];
      REQUIRE(c.panel.starts_with("head "));
      const auto head = static_cast<std::size_t>(std::stoi(c.panel.substr(5)));
      REQUIRE(head < 4);
      const float w = h.traces[head].weights(c.row, c.col);
      const bool masked = std::isinf(h.traces[head].masked(c.row, c.col));
      CHECK(c.fill == hex(masked ? masked_colour : expected_weight_colour(w)));
      CHECK(c.value == exact(w));
    }
    CHECK(per_panel == std::map<std::string, int>{{"head 0", 35}, {"head 1", 35}, {"head 2", 35}, {"head 3", 35}});
    for (const char* label : {">head 0 \u00b7 KV head 0<", ">head 1 \u00b7 KV head 0<", ">head 2 \u00b7 KV head 1<",
                              ">head 3 \u00b7 KV head 1<", "grouped-query attention: 4 heads over 2 KV heads",
                              "mask causal-bottom-right", "query 2 outlined", ">2</text>", ">6</text>", ">keys<"})
      CHECK_MESSAGE(contains(svg, label), label);
    CHECK(count(svg, "class=\"panel-title\"") == 4);
    CHECK(count(svg, "class=\"outline\"") >= 4);

    // The PNG of the same grid: every cell of every panel its colour, where the SVG put it.
    const Image image = export_png(args, dir / "grid.png");
    CHECK(image.width == 1600);
    for (const SvgCell& c : cells) {
      const auto x = static_cast<int>(c.x + 0.15f * c.w), y = static_cast<int>(c.y + 0.85f * c.h);
      CHECK_MESSAGE(hex(image.at(x, y)) == c.fill,
                    c.panel << " cell (" << c.row << ", " << c.col << "): " << rgb(image.at(x, y)));
    }
  }

  TEST_CASE("export with heads --head h --plain: the bare PNG of that head") {
    TempDir dir;
    const Heads h = compute(gqa_input());
    const Image image =
        export_png(with(gqa_args, {"--stage", "weights", "--head", "2", "--plain", "--cell-px", "3"}), dir / "p.png");
    REQUIRE(image.width == 7 * 3);
    REQUIRE(image.height == 5 * 3);
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) {
        const Index i = y / 3, j = x / 3;
        const Rgba want =
            std::isinf(h.traces[2].masked(i, j)) ? masked_colour : expected_weight_colour(h.traces[2].weights(i, j));
        REQUIRE_MESSAGE(image.at(x, y) == want, "pixel (" << x << ", " << y << ")");
      }
  }

  TEST_CASE(
      "export with heads: a head out of range, --plain with the grid, a grid too large: exit 2, nothing written") {
    check_export_error(with(gqa_args, {"--stage", "weights", "--head", "4"}), ".png", 2,
                       {"--head 4", "4 heads (0 to 3)"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--head", "-1"}), ".svg", 2, {"--head -1", "0 to 3"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--head", "two"}), ".png", 2, {"'two'", "all"});
    check_export_error({"--random", "--stage", "weights", "--head", "1"}, ".png", 2, {"--head 1", "one head (0)"});
    check_export_error({"--example", "sentence", "--stage", "weights", "--head", "2"}, ".svg", 2,
                       {"--head 2", "one head"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--plain", "--cell-px", "3"}), ".png", 2,
                       {"--plain draws one head: give --head h"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--head", "all", "--plain", "--cell-px", "3"}), ".png", 2,
                       {"--plain draws one head: give --head h"});
    check_export_error(
        {"--random", "--lq", "2", "--lk", "2", "--dk", "2", "--dv", "2", "--heads", "200", "--stage", "weights"},
        ".png", 2, {"200 heads", "at most 128", "--head h"});
    check_export_error(
        {"--random", "--lq", "200", "--lk", "200", "--dk", "2", "--dv", "2", "--heads", "8", "--stage", "weights"},
        ".svg", 2, {"8 heads of 200×200", ".png"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--query", "5"}), ".png", 2, {"--query 5", "0 to 4"});
    check_export_error(with(gqa_args, {"--stage", "weights", "--width", "100"}), ".png", 2, {"--width 100"});
  }
}  // TEST_SUITE("cli/export_heads")

TEST_SUITE_END();
