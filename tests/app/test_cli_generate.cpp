// attnlab generate through the real binary (heads.md, Generation): on the shipped induction model the
// greedy continuation of a repeated sentence equals the float64 reference's argmax token by token and
// is the rest of the sentence, printed as it comes; knocking out the induction heads changes it, as
// the reference with the same heads knocked out says; sampling is the same for the same seed; every
// refusal.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/app/shipped_model.hpp"
#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_forward.hpp"

using namespace cli_test;
using namespace model_test;

namespace {

const fs::path kShipped = shipped_test::kModel;
// The card's sentence, then its first four words again: an induction model continues the copy.
const std::string kSentence = "When a word comes back, look at what came after it last time.";
const std::string kPrompt = kSentence + " When a word comes";

RunResult generate(const std::vector<std::string>& args) {
  std::vector<std::string> all{"generate", "--model", kShipped.string()};
  all.insert(all.end(), args.begin(), args.end());
  const RunResult r = run_attnlab(all, within(120));
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  return r;
}

nlohmann::json generate_json(const std::vector<std::string>& args) {
  std::vector<std::string> all = args;
  all.push_back("--json");
  return nlohmann::json::parse(generate(all).out);
}

// The float64 reference's greedy continuation, with `ablation`'s heads knocked out.
std::vector<long> reference_greedy(const TinyModel& m, std::vector<long> ids, int count, const RefAblation& ablation = {}) {
  std::vector<long> out;
  for (int n = 0; n < count; ++n) {
    const std::vector<double> logits = reference_forward(m, ids, ablation).logits;
    out.push_back(static_cast<long>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
    ids.push_back(out.back());
  }
  return out;
}

}  // namespace

TEST_SUITE("cli/generate") {
  TEST_CASE("the induction model continues a repeated sentence: the reference's greedy ids, the sentence's words") {
    const nlohmann::json out = generate_json({"--text", kPrompt, "--tokens", "6"});
    const auto prompt = out["prompt_ids"].get<std::vector<long>>();
    const auto ids = out["ids"].get<std::vector<long>>();
    REQUIRE(prompt.size() == 19);  // 15 tokens, then " When", " a", " word", " comes"
    CHECK(ids == reference_greedy(shipped_test::shipped_model(), prompt, 6));
    // The first copy's tokens after "comes": " back", ",", " look", " at", " what", " came".
    CHECK(ids == std::vector<long>(prompt.begin() + 4, prompt.begin() + 10));
    CHECK(out["text"] == " back, look at what came");
    // Printed as it comes: the same text and a newline, nothing else.
    CHECK(generate({"--text", kPrompt, "--tokens", "6"}).out == " back, look at what came\n");
    // --token-ids gives the same.
    std::string list;
    for (const long id : prompt) list += (list.empty() ? "" : ",") + std::to_string(id);
    CHECK(generate_json({"--token-ids", list, "--tokens", "6"})["ids"] == out["ids"]);
  }

  TEST_CASE("--ablate: the induction heads knocked out, the continuation is the reference's with them out") {
    const nlohmann::json intact = generate_json({"--text", kPrompt, "--tokens", "4"});
    const nlohmann::json out = generate_json({"--text", kPrompt, "--tokens", "4", "--ablate", "1.0,1.1,1.2,1.3"});
    const auto prompt = out["prompt_ids"].get<std::vector<long>>();
    RefAblation ablation;
    ablation.heads = {{1, 0}, {1, 1}, {1, 2}, {1, 3}};
    CHECK(out["ids"].get<std::vector<long>>() == reference_greedy(shipped_test::shipped_model(), prompt, 4, ablation));
    CHECK(out["ids"] != intact["ids"]);
    // A mean knock-out runs a whole pass per token (the mean moves with every token): the same contract.
    const nlohmann::json mean =
        generate_json({"--text", kPrompt, "--tokens", "3", "--ablate", "0.2", "--ablation", "mean"});
    ablation.heads = {{0, 2}}, ablation.mean = true;
    CHECK(mean["ids"].get<std::vector<long>>() == reference_greedy(shipped_test::shipped_model(), prompt, 3, ablation));
  }

  TEST_CASE("sampling: the same seed gives the same tokens, another seed others, every id in the vocabulary") {
    const std::vector<std::string> args{"--text", kSentence, "--tokens", "24", "--temperature", "2", "--seed", "9"};
    const nlohmann::json first = generate_json(args);
    CHECK(first == generate_json(args));
    std::vector<std::string> other = args;
    other.back() = "10";
    CHECK(generate_json(other)["ids"] != first["ids"]);
    const auto ids = first["ids"].get<std::vector<long>>();
    CHECK(!ids.empty());
    CHECK(ids.size() <= 24);
    for (const long id : ids) CHECK((id >= 0 && id < 1900));
    // Top-k 1 is greedy at any temperature.
    CHECK(generate_json({"--text", kPrompt, "--tokens", "5", "--temperature", "3", "--top-k", "1", "--seed", "4"})["ids"] ==
          generate_json({"--text", kPrompt, "--tokens", "5"})["ids"]);
  }

  TEST_CASE("refusals: exit 2, one line naming the option and the value, nothing on stdout") {
    const std::vector<std::string> base{"generate", "--model", kShipped.string(), "--text", kSentence};
    const auto refused = [&](std::vector<std::string> extra, const std::vector<std::string>& parts) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      check_refused(args, parts);
    };
    refused({"--tokens", "0"}, {"--tokens", "0", "out of range"});
    refused({"--tokens", "-3"}, {"--tokens", "-3", "out of range"});
    refused({"--tokens", "114"}, {"--tokens 114", "15 prompt tokens", "129", "128 positions"});
    refused({"--tokens", "many"}, {"--tokens", "many", "not a whole number"});
    refused({}, {"--tokens", "required"});
    refused({"--tokens", "4", "--temperature", "-1"}, {"--temperature", "-1", "out of range"});
    refused({"--tokens", "4", "--temperature", "nan"}, {"--temperature", "nan"});
    refused({"--tokens", "4", "--temperature", "inf"}, {"--temperature", "inf"});
    refused({"--tokens", "4", "--top-k", "0"}, {"--top-k", "0", "out of range"});
    refused({"--tokens", "4", "--top-p", "0"}, {"--top-p 0", "0 < P ≤ 1"});
    refused({"--tokens", "4", "--top-p", "1.5"}, {"--top-p", "1.5", "out of range"});
    refused({"--tokens", "4", "--seed", "-1"}, {"--seed", "-1"});
    refused({"--tokens", "4", "--ablate", "2.0"}, {"--ablate 2.0", "layer 2 is out of range"});
    check_refused({"generate", "--model", kShipped.string(), "--tokens", "4"}, {"--text", "--token-ids"});
    check_refused({"generate", "--model", kShipped.string(), "--token-ids", "1,1900", "--tokens", "4"}, {"1900"});
    // 113 new tokens after 15 fill the 128 positions exactly: allowed.
    CHECK(run_attnlab({"generate", "--model", kShipped.string(), "--text", kSentence, "--tokens", "113", "--json"},
                      within(120))
              .status == 0);
  }

  TEST_CASE("bench --generate N: median_ms.per_token beside the forward pass; refused without a model or past the positions") {
    const RunResult r = run_attnlab({"bench", "--model", kShipped.string(), "--text", kSentence, "--repeat", "2",
                                     "--generate", "5", "--json"},
                                    within(120));
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const nlohmann::json out = nlohmann::json::parse(r.out);
    CHECK(out["generated"] == 5);
    CHECK(out["tokens"] == 15);
    CHECK(out["median_ms"]["per_token"].get<double>() > 0);
    CHECK(out["median_ms"]["forward"].get<double>() > 0);
    check_refused({"bench", "--random", "--generate", "4"}, {"--generate", "--model"});
    check_refused({"bench", "--model", kShipped.string(), "--text", kSentence, "--generate", "114"},
                  {"--generate 114", "129", "128 positions"});
    check_refused({"bench", "--model", kShipped.string(), "--text", kSentence, "--generate", "0"},
                  {"--generate", "0", "out of range"});
  }
}
