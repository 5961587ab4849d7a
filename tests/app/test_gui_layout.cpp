// The README's lesson, walked in the real window at the sizes classrooms have, windowed and in
// presentation mode: from the window's own layout report (--layout-report), every item a step needs
// is inside its panel and on screen, no text is wider than its room, and no panel is cut or overlaps
// another. CTest runs this suite inside xvfb-run on a 3840 × 2160 screen.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/cli_run.hpp"

using cli_test::run_attnlab;
using nlohmann::json;

namespace {

struct Box {
  float x0, y0, x1, y1;
};
Box box(const json& j) {
  return {j[0].get<float>(), j[1].get<float>(), j[2].get<float>(), j[3].get<float>()};
}
// Inside, give or take a pixel of rounding.
bool inside(const Box& a, const Box& b) {
  return a.x0 >= b.x0 - 1 && a.y0 >= b.y0 - 1 && a.x1 <= b.x1 + 1 && a.y1 <= b.y1 + 1;
}
bool overlap(const Box& a, const Box& b) {
  return a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
}
std::string str(const Box& b) {
  std::ostringstream s;
  s << "[" << b.x0 << ", " << b.y0 << " – " << b.x1 << ", " << b.y1 << "]";
  return s.str();
}

// The lesson of README.md, "Teaching with Attention Lab": each step's key presses, then a frame for
// the layout to settle (wait-motion after a change of stage: the stage still, its motion over), and
// what that step needs on screen.
struct Step {
  const char* name;
  std::vector<std::string> keys;
  std::vector<std::string> needs;
};

std::vector<std::string> every(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

std::vector<Step> lesson() {
  const std::vector<std::string> bar{"toolbar.stage", "toolbar.query", "toolbar.dk",
                                     "toolbar.scale", "toolbar.mask",  "heatmap.title",
                                     "heatmap.cells", "heatmap.query", "heatmap.colour_bar"};
  std::vector<std::string> stepper{"stepper.qk",    "stepper.table",        "stats.std",     "stats.max_weight",
                                   "stats.entropy", "stats.effective_keys", "stats.jacobian"};
  for (const auto& row : every("stepper.table.row.", 7)) stepper.push_back(row);
  const auto with = [&](std::vector<std::string> more, bool stepping = true) {
    std::vector<std::string> all = bar;
    if (stepping) all.insert(all.end(), stepper.begin(), stepper.end());
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  return {
      // The cells' values are read aloud in every step on the heatmap: they must be printed.
      {"1 scores: the query is “it”",
       {"next-query", "next-query", "next-query", "next-query", "wait"},
       with({"heatmap.values"})},
      {"2 scaled", {"next-stage", "wait-motion"}, with({"stepper.values", "heatmap.values"})},
      {"3 masked, causal",
       {"next-stage", "mask", "wait-motion"},
       with({"stepper.values", "heatmap.legend", "heatmap.values"})},
      {"4 weights, the mask back to none",
       {"previous-mask", "next-stage", "wait-motion"},
       with({"stepper.values", "stepper.sum", "heatmap.values"})},
      {"5 why √dₖ: dₖ = 64, no scaling",
       {"dk-up", "dk-up", "dk-up", "scaling", "wait"},
       with({"stepper.values", "stepper.sum", "stepper.warning", "heatmap.values"})},
      {"6 Gemma 2's soft-cap: the capped stage",
       {"reset", "softcap", "previous-stage", "previous-stage", "wait-motion"},
       with({"stepper.values", "toolbar.softcap", "toolbar.sink", "heatmap.values"})},
      {"6 gpt-oss's sink: the weights add up to less than 1",
       {"sink", "next-stage", "next-stage", "wait-motion"},
       with({"stepper.values", "stepper.sum", "stats.sink", "heatmap.values"})},
      {"7 the dₖ explorer",
       {"explorer", "wait"},
       with({"explorer.plot", "explorer.histogram", "explorer.legend"}, false)},
      {"8 the keys", {"explorer", "help", "wait"}, with({"help.what"}, false)},
  };
}

struct Walk {
  std::vector<std::string> actions;
  std::vector<int> frames;  // the settled frame of each step
};
Walk walk(const std::vector<Step>& steps) {
  Walk w;
  for (const Step& step : steps) {
    w.actions.insert(w.actions.end(), step.keys.begin(), step.keys.end());
    w.frames.push_back(static_cast<int>(w.actions.size()));  // action k is applied at frame k
  }
  return w;
}

// Everything wrong with one frame of the report, one line each.
std::vector<std::string> problems(const json& frame, const Step& step, int width, int height, float em) {
  std::vector<std::string> out;
  const Box screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
  std::map<std::string, Box> panels;
  std::map<std::string, bool> scrolls;
  for (const json& p : frame["panels"]) {
    const std::string name = p["name"];
    scrolls[name] = p["scrolls"];
    const Box visible = box(p["visible"]);
    panels[name] = visible;
    if (!inside(visible, screen)) out.push_back("panel " + name + " " + str(visible) + " is off screen");
    if (p["reach_x"].get<float>() > visible.x1 + 1)
      out.push_back("panel " + name + ": content reaches x = " + std::to_string(p["reach_x"].get<float>()) +
                    ", past its edge at " + std::to_string(visible.x1));
  }
  for (auto a = panels.begin(); a != panels.end(); ++a)
    for (auto b = std::next(a); b != panels.end(); ++b)
      if (a->first != "Help" && b->first != "Help" && overlap(a->second, b->second))
        out.push_back("panels " + a->first + " and " + b->first + " overlap");
  std::set<std::string> seen;
  for (const json& item : frame["items"]) {
    const std::string id = item["id"], panel = item["panel"];
    seen.insert(id);
    const Box b = box(item["box"]), clip = box(item["clip"]);
    const auto where = panels.find(panel);
    const bool level_in_clip = b.x0 >= clip.x0 - 1 && b.x1 <= clip.x1 + 1;
    if (!inside(b, clip) && (!level_in_clip || std::find(step.needs.begin(), step.needs.end(), id) != step.needs.end()))
      out.push_back(id + " " + str(b) + " is cut by its clip " + str(clip));
    if (where == panels.end()) {
      out.push_back(id + " is in panel '" + panel + "', which did not report");
      continue;
    }
    // Below the fold of a panel that scrolls is allowed for what the step does not need.
    const Box& p = where->second;
    const bool needed = std::find(step.needs.begin(), step.needs.end(), id) != step.needs.end();
    const bool level = b.x0 >= p.x0 - 1 && b.x1 <= p.x1 + 1;
    if (!inside(b, p) && (needed || !level || !scrolls[panel]))
      out.push_back(id + " " + str(b) + " is outside its panel " + panel + " " + str(p));
  }
  // A statistic's name and its value apart by at least a quarter of a letter: never "scores1.113".
  std::map<std::string, Box> item_boxes;
  for (const json& item : frame["items"]) item_boxes[item["id"]] = box(item["box"]);
  for (const auto& [id, name] : item_boxes) {
    if (id.size() < 5 || id.compare(id.size() - 5, 5, ".name") != 0) continue;
    const auto value = item_boxes.find(id.substr(0, id.size() - 5));
    if (value == item_boxes.end()) out.push_back(id + " has no value beside it");
    else if (value->second.x0 - name.x1 < 0.25f * em)
      out.push_back(id + " ends at x = " + std::to_string(name.x1) + ", its value starts at " +
                    std::to_string(value->second.x0));
  }
  for (const json& t : frame["texts"])
    if (t["width"].get<float>() > t["room"].get<float>() + 0.5f)
      out.push_back(t["id"].get<std::string>() + ": “" + t["text"].get<std::string>() + "” is " +
                    std::to_string(t["width"].get<float>()) + " px wide in " + std::to_string(t["room"].get<float>()));
  for (const std::string& id : step.needs)
    if (!seen.count(id)) out.push_back("the step needs " + id + ", which is not on screen");
  return out;
}

// Each axis label of the heatmap apart from the others, and a label for every token of the sentence.
std::vector<std::string> label_problems(const json& frame, int tokens) {
  std::vector<std::string> out;
  std::vector<Box> rows, cols;
  for (const json& item : frame["items"]) {
    if (item["id"] == "heatmap.row_label") rows.push_back(box(item["box"]));
    if (item["id"] == "heatmap.col_label") cols.push_back(box(item["box"]));
  }
  if (static_cast<int>(rows.size()) != tokens) out.push_back(std::to_string(rows.size()) + " query labels");
  if (static_cast<int>(cols.size()) != tokens) out.push_back(std::to_string(cols.size()) + " key labels");
  for (const auto* labels : {&rows, &cols})
    for (std::size_t a = 0; a < labels->size(); ++a)
      for (std::size_t b = a + 1; b < labels->size(); ++b)
        if (overlap((*labels)[a], (*labels)[b]))
          out.push_back("labels " + str((*labels)[a]) + " and " + str((*labels)[b]) + " overlap");
  return out;
}

}  // namespace

TEST_SUITE("gui/layout") {
  TEST_CASE("the README's lesson fits every classroom screen, windowed and presenting") {
    const std::vector<Step> steps = lesson();
    const Walk w = walk(steps);
    std::string actions;
    for (const auto& a : w.actions) actions += (actions.empty() ? "" : ",") + a;
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{
             {1024, 768}, {1280, 720}, {1280, 800}, {1600, 900}, {1920, 1080}, {3840, 2160}}) {
      for (const bool present : {false, true}) {
        cli_test::TempDir dir;
        std::vector<std::string> args{"gui",
                                      "--example",
                                      "sentence",
                                      "--backend",
                                      "cpu",
                                      "--width",
                                      std::to_string(width),
                                      "--height",
                                      std::to_string(height),
                                      "--frames",
                                      std::to_string(w.actions.size() + 1),
                                      "--actions",
                                      actions,
                                      "--layout-report",
                                      (dir / "layout.json").string()};
        if (present) args.push_back("--present");
        const auto result = run_attnlab(args);
        const std::string mode =
            std::to_string(width) + "×" + std::to_string(height) + (present ? " presenting" : " windowed");
        REQUIRE_MESSAGE(result.status == 0, mode << "\n" << result.err);
        const json report = json::parse(cli_test::read_all(dir / "layout.json"));
        CHECK(report["width"] == width);
        for (std::size_t s = 0; s < steps.size(); ++s) {
          const json& frame = report["frames"].at(static_cast<std::size_t>(w.frames[s]));
          REQUIRE(frame["frame"] == w.frames[s]);
          std::vector<std::string> wrong = problems(frame, steps[s], width, height, report["font_size"].get<float>());
          if (s < 5)
            for (const std::string& p : label_problems(frame, 7)) wrong.push_back(p);
          std::string all;
          for (const std::string& p : wrong) all += "\n  " + p;
          CHECK_MESSAGE(wrong.empty(), mode << ", step " << std::string(steps[s].name) << ":" << all);
        }
      }
    }
  }
}
