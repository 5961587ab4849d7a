// Knocking heads out through the real binary (heads.md): compute --ablate --json's next_before and
// next_after against the float64 reference (zero and mean) on tiny checkpoints and on the shipped
// model, where the lesson holds: without its induction heads the model can no longer continue a
// repeated sequence, one of the four alone changes little, and without the previous-token head the
// induction heads go blind. Every refusal of --ablate and --ablation through compute, export and heads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "tests/app/heads_cli.hpp"
#include "tests/app/shipped_model.hpp"
#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/heads/reference_scores.hpp"
#include "tests/model/reference_families.hpp"

using namespace cli_test;
using namespace heads_cli;
using namespace model_test;

namespace {

// softmax of float64 logits.
std::vector<double> probabilities(const std::vector<double>& logits) {
  const double max = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p;
  double total = 0;
  for (const double z : logits) p.push_back(std::exp(z - max)), total += p.back();
  for (double& x : p) x /= total;
  return p;
}

nlohmann::json compute_json(const fs::path& model, const std::vector<long>& ids,
                            const std::vector<std::string>& extra) {
  std::vector<std::string> args{"compute", "--model", model.string(), "--token-ids", joined(ids), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult r = run_attnlab(args);
  INFO(r.command);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return nlohmann::json::parse(r.out);
}

// Every listed probability equals the reference's, and the list is the reference's top ten.
void check_next(const nlohmann::json& list, const std::vector<double>& want) {
  REQUIRE(list.size() == 10);
  std::vector<double> sorted = want;
  std::sort(sorted.rbegin(), sorted.rend());
  for (std::size_t r = 0; r < 10; ++r) {
    const long id = list[r]["id"].get<long>();
    CHECK(list[r]["probability"].get<double>() == doctest::Approx(want[static_cast<std::size_t>(id)]).epsilon(1e-4));
    CHECK(want[static_cast<std::size_t>(id)] == doctest::Approx(sorted[r]).epsilon(1e-4));
  }
}

// The probability the binary's list gives `id`; absent from the top ten, the tenth's (a bound above).
// compute --ablate LIST --json on a tiny model of `spec`: next_before and next_after equal the float64
// reference's without and with the knock-out of `heads`, and "next" is not printed beside them.
void check_ablated_next(const TinySpec& spec, const std::vector<long>& ids, const std::string& list,
                        const std::vector<std::pair<long, long>>& heads, bool mean) {
  CAPTURE(spec.model_type);
  CAPTURE(mean);
  const TempDir dir;
  const TinyModel tiny = make_tiny_model(spec, 11);
  write_tiny_model(tiny, dir.path());
  const nlohmann::json out = compute_json(dir.path(), ids, {"--ablate", list, "--ablation", mean ? "mean" : "zero"});
  check_next(out["next_before"], probabilities(reference_any(tiny, ids).logits));
  check_next(out["next_after"], probabilities(reference_any(tiny, ids, RefAblation{heads, mean}).logits));
  CHECK_FALSE(out.contains("next"));
  CHECK(out["next_before"] != out["next_after"]);
}

double listed_or_bound(const nlohmann::json& list, long id) {
  for (const auto& entry : list)
    if (entry["id"].get<long>() == id) return entry["probability"].get<double>();
  return list.back()["probability"].get<double>();
}

// 16 random ids of the shipped vocabulary, then the first 9 again: the next token is the 10th.
std::vector<long> repeated_prefix(unsigned seed) {
  std::mt19937 random(seed);
  std::vector<long> ids(16);
  for (long& id : ids) id = std::uniform_int_distribution<long>(0, 1899)(random);
  ids.insert(ids.end(), ids.begin(), ids.begin() + 9);
  return ids;
}

}  // namespace

TEST_SUITE("cli/ablation") {
  TEST_CASE("compute --ablate --json: next_before and next_after equal the float64 reference, zero and mean") {
    const std::vector<long> ids{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17};
    TinySpec llama;
    llama.model_type = "llama", llama.kv_heads = 2;
    for (const TinySpec& spec : {TinySpec{}, llama})
      for (const bool mean : {false, true}) check_ablated_next(spec, ids, "1.3,0.1", {{1, 3}, {0, 1}}, mean);
  }

  TEST_CASE("compute --ablate --json in every newer family: next_after equals the float64 reference") {
    const std::vector<long> ids{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17};
    TinySpec s;
    s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40;
    std::vector<TinySpec> specs;
    for (const char* type : {"qwen3", "gemma", "gemma2", "gemma3_text", "olmo2", "phi3", "smollm3", "gpt_neox"}) {
      s.model_type = type;
      s.attn_softcap = s.model_type == "gemma2" ? std::optional<double>(1.5) : std::nullopt;
      s.head_dim = s.model_type == "qwen3" ? 12 : s.model_type.starts_with("gemma") ? 8 : 0;
      s.window = s.model_type == "gemma2" || s.model_type == "gemma3_text" || s.model_type == "phi3"
                     ? std::optional<long>(4)
                     : std::nullopt;
      s.rotary = s.model_type == "phi3" ? 0.75 : s.model_type == "gpt_neox" ? 0.25 : 1.0;
      if (s.model_type == "gpt_neox") s.heads = 2;
      specs.push_back(s);
    }
    for (const TinySpec& spec : specs)
      for (const bool mean : {false, true}) check_ablated_next(spec, ids, "1.1,0.0", {{1, 1}, {0, 0}}, mean);
  }

  TEST_CASE("the shipped model: the induction heads copy; without them the copy fails, one alone matters little") {
    // The heads as `heads` finds them (heads.md: every head of induction ≥ 0.5), whichever they are.
    const nlohmann::json scores = heads_json({"--model", shipped_test::kModel.string(), "--repeat-random", "16"});
    std::vector<std::pair<long, long>> inductive;
    std::string list;
    for (long l = 0; l < scores["layers"].get<long>(); ++l)
      for (long h = 0; h < scores["heads"].get<long>(); ++h)
        if (scores["scores"]["induction"][l][h].get<double>() >= 0.5) {
          inductive.emplace_back(l, h);
          list += (list.empty() ? "" : ",") + std::to_string(l) + "." + std::to_string(h);
        }
    REQUIRE(inductive.size() >= 2);  // measured: the four heads of layer 1
    const Top strongest = top_of(scores, "induction");
    const std::string one_head = std::to_string(strongest.layer) + "." + std::to_string(strongest.head);
    const TinyModel shipped = shipped_test::shipped_model();
    for (const unsigned seed : {1u, 2u, 3u}) {
      CAPTURE(seed);
      const std::vector<long> ids = repeated_prefix(seed);
      const long correct = ids[9];
      const nlohmann::json all = compute_json(shipped_test::kModel, ids, {"--ablate", list});
      const nlohmann::json one = compute_json(shipped_test::kModel, ids, {"--ablate", one_head});
      const nlohmann::json mean = compute_json(shipped_test::kModel, ids, {"--ablate", list, "--ablation", "mean"});
      check_next(all["next_before"], probabilities(reference_forward(shipped, ids).logits));
      check_next(all["next_after"],
                 probabilities(reference_forward(shipped, ids, RefAblation{inductive, false}).logits));
      check_next(mean["next_after"],
                 probabilities(reference_forward(shipped, ids, RefAblation{inductive, true}).logits));
      const double before = listed_or_bound(all["next_before"], correct);
      CHECK(all["next_before"][0]["id"].get<long>() == correct);
      CHECK(before > 0.9);                                                  // the copy: measured 0.97–0.99
      CHECK(listed_or_bound(all["next_after"], correct) <= before / 2);     // every induction head out
      CHECK(listed_or_bound(mean["next_after"], correct) <= before / 2);    // also replaced by their means
      CHECK(listed_or_bound(one["next_after"], correct) >= before * 0.75);  // one of several: the others copy
      MESSAGE("seed " << seed << ": p(correct) " << before << ", " << one_head << " out "
                      << listed_or_bound(one["next_after"], correct) << ", " << list << " out (zero) ≤ "
                      << listed_or_bound(all["next_after"], correct) << ", (mean) ≤ "
                      << listed_or_bound(mean["next_after"], correct));
    }
  }

  TEST_CASE("the shipped model: without the top previous-token head the induction heads go blind") {
    const std::vector<std::string> input{"--model", shipped_test::kModel.string(), "--repeat-random", "16", "--seed",
                                         "9"};
    const nlohmann::json before = heads_json(input);
    const Top previous = top_of(before, "previous_token");
    CHECK(previous.layer == 0);  // measured: 0.2, 0.999
    std::vector<std::string> knocked = input;
    knocked.insert(knocked.end(), {"--ablate", std::to_string(previous.layer) + "." + std::to_string(previous.head)});
    const nlohmann::json after = heads_json(knocked);
    const double top_before = top_of(before, "induction").score, top_after = top_of(after, "induction").score;
    CHECK(top_before >= 0.9);
    CHECK(top_after <= 0.7 * top_before);  // heads.md: at least 30 % lower; measured 0.998 → 0.045
    // The knocked-out head's own layer weighs its keys before the knock-out: its scores stay exactly.
    for (long h = 0; h < before["heads"].get<long>(); ++h)
      CHECK(after["scores"]["previous_token"][0][h] == before["scores"]["previous_token"][0][h]);
    MESSAGE("top induction " << top_before << " → " << top_after << " without " << previous.layer << "."
                             << previous.head);
  }
}

TEST_SUITE("cli/ablation-bench") {
  TEST_CASE("bench --model --head-scores: the scoring's and a middle-layer knock-out's medians beside the pass") {
    const TempDir dir;
    TinySpec spec;
    spec.layers = 4;
    write_tiny_model(make_tiny_model(spec, 11), dir.path());
    const RunResult r = run_attnlab({"bench", "--model", dir.path().string(), "--token-ids", "1,2,3,4,5,6", "--repeat",
                                     "3", "--json", "--head-scores"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["ablated_head"] == "2.0");
    CHECK(j["median_ms"]["head_scores"].get<double>() > 0);
    CHECK(j["median_ms"]["ablated"].get<double>() > 0);
    const RunResult plain =
        run_attnlab({"bench", "--model", dir.path().string(), "--token-ids", "1,2,3", "--repeat", "1", "--json"});
    REQUIRE(plain.status == 0);
    CHECK_FALSE(nlohmann::json::parse(plain.out)["median_ms"].contains("head_scores"));
    check_refused({"bench", "--random", "--head-scores"}, {"--head-scores", "--model"});
  }
}

TEST_SUITE("cli/ablation-errors") {
  TEST_CASE("bad --ablate and --ablation through compute, export and heads: exit 2, one line, nothing written") {
    const TempDir work;
    const std::string model = shipped_test::kModel.string();
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases{
        {{"--ablate", "1"}, {"--ablate '1'", "LAYER.HEAD"}},
        {{"--ablate", "1.x"}, {"--ablate '1.x'"}},
        {{"--ablate", "1.2,"}, {"--ablate ''"}},
        {{"--ablate", "2.0"}, {"--ablate 2.0", "layer 2", "0 to 1"}},
        {{"--ablate", "0.4"}, {"--ablate 0.4", "head 4", "0 to 3"}},
        {{"--ablate", "1.2,0.1,1.2"}, {"1.2 twice"}},
        {{"--ablate", "1.2", "--ablation", "half"}, {"--ablation 'half'", "zero or mean"}},
        {{"--ablation", "mean"}, {"--ablation", "--ablate"}},
    };
    for (const auto& [extra, parts] : cases) {
      for (const std::string command : {"compute", "export", "heads"}) {
        std::vector<std::string> args{command, "--model", model, "--token-ids", "1,2,3"};
        if (command == "compute") args.insert(args.end(), {"--dump", (work / "d").string()});
        if (command == "export") args.insert(args.end(), {"--stage", "weights", "--out", (work / "e.png").string()});
        args.insert(args.end(), extra.begin(), extra.end());
        check_refused(args, parts);
        CHECK_FALSE(fs::exists(work / "d"));
        CHECK_FALSE(fs::exists(work / "e.png"));
      }
    }
    check_refused({"compute", "--random", "--ablate", "0.1", "--dump", (work / "d").string()}, {"--ablate", "--model"});
    check_refused({"compute", "--random", "--json"}, {"--json", "--model"});
  }
}
