// Generation on the web page (heads.md; one thread): Shift+G makes each token a part at a time (a
// layer, then the logits) over several of the page's frames, as the page's generation state shows
// after every frame, and the ids are those `attnlab generate` gives greedily for the same prompt, with
// knocked-out heads too; Ctrl+Z takes the last token back. Needs build-web/ (scripts/web.sh build).
#include <doctest/doctest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"
#include "tests/web/drive.hpp"

namespace fs = std::filesystem;

namespace {

// `attnlab generate`'s greedy ids after `prompt` on the shipped model.
std::vector<std::int64_t> command_line_ids(const std::vector<std::int64_t>& prompt, int tokens,
                                           const std::vector<std::string>& more = {}) {
  std::string list;
  for (const std::int64_t id : prompt) list += (list.empty() ? "" : ",") + std::to_string(id);
  const std::string model = std::string(ATTNLAB_ASSETS_DIR) + "/models/induction";
  std::vector<std::string> args{"generate", "--model", model, "--token-ids", list, "--tokens", std::to_string(tokens)};
  args.push_back("--json");
  args.insert(args.end(), more.begin(), more.end());
  const auto run = cli_test::run_attnlab(args);
  REQUIRE_MESSAGE(run.status == 0, run.err);
  return nlohmann::json::parse(run.out)["ids"].get<std::vector<std::int64_t>>();
}

// Shift+G on the shipped model (its two layers: three parts a token) with the page's frame budget at
// `budget` ms: the new ids are the command line's; with budget 0, every token was seen part by part,
// one part in each of several frames; Ctrl+Z took the last token back.
void check_generation(const std::string& query, const std::string& budget, const std::vector<std::string>& ablate) {
  CAPTURE(query);
  const cli_test::TempDir dir;
  std::vector<std::string> args{query, budget};
  if (!ablate.empty()) args.push_back("KeyX");  // the selected head knocked out, as --ablate names it
  drive("generate", dir.path(), args);
  const nlohmann::json got = nlohmann::json::parse(cli_test::read_all(dir / "generate.json"));
  const auto prompt = got["prompt"].get<std::vector<std::int64_t>>();
  const auto ids = got["generated"]["ids"].get<std::vector<std::int64_t>>();
  const int asked = got["generated"]["asked"], made = got["generated"]["made"];
  CHECK(asked == 16);
  REQUIRE(ids.size() == prompt.size() + static_cast<std::size_t>(made));
  REQUIRE(std::equal(prompt.begin(), prompt.end(), ids.begin()));
  const std::vector<std::int64_t> made_ids(ids.begin() + static_cast<long>(prompt.size()), ids.end());
  CHECK(made_ids == command_line_ids(prompt, asked, ablate));
  CHECK(got["undone"].get<std::vector<std::int64_t>>() == std::vector<std::int64_t>(ids.begin(), ids.end() - 1));

  if (budget != "0") return;
  // Token k's parts as the page showed them after each frame (a frame seen twice counts once).
  std::map<int, std::map<int, std::set<int>>> frames_of;  // token → part → frames
  for (const nlohmann::json& s : got["seen"])
    if (s["running"].get<bool>() && s["parts"].get<int>() > 0) {
      CHECK(s["parts"].get<int>() == 3);  // two layers, then the logits
      frames_of[s["made"].get<int>()][s["part"].get<int>()].insert(s["frame"].get<int>());
    }
  REQUIRE(static_cast<int>(frames_of.size()) == made);
  for (const auto& [token, parts] : frames_of) {
    CAPTURE(token);
    // Layers 1 and 2 done, each after a frame of its own, the first before the second.
    REQUIRE(parts.count(1) == 1);
    REQUIRE(parts.count(2) == 1);
    CHECK(parts.at(1).size() == 1);
    CHECK(parts.at(2).size() == 1);
    CHECK(*parts.at(1).begin() < *parts.at(2).begin());
  }
  CHECK(cli_test::read_all(dir / "console.txt").find("pageerror") == std::string::npos);
}

}  // namespace

TEST_SUITE("web/generate") {
  TEST_CASE("Shift+G on a page: a token a layer per frame, the command line's greedy ids, Ctrl+Z takes one back") {
    check_generation("?example=induction", "0", {});
  }

  TEST_CASE("Shift+G on a page with a knocked-out head, within the page's frame budget: the command line's ids") {
    // Layer 0's previous-token head: without it the copy breaks, and the ids differ from the model's own.
    check_generation("?example=induction&layer=0&head=2", "10", {"--ablate", "0.2"});
  }
}
