// attnlab heads through the real binary (heads.md): the JSON's scores against the float64 reference
// (tests/heads/reference_scores.hpp over reference_forward.hpp's weights) on tiny checkpoints; the
// table and --sort; on the shipped induction model, the standard test (N random ids repeated) finds
// the previous-token head in layer 0 and the induction heads in layer 1; every refusal.
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
#include "tests/model/reference_forward.hpp"

using namespace cli_test;
using namespace heads_cli;
using namespace model_test;

namespace {
const fs::path kShipped = shipped_test::kModel;
}  // namespace

TEST_SUITE("cli/head-scores") {
  TEST_CASE("--json: every score of every head equals the float64 reference (GPT-2; Llama 4 heads over 2)") {
    const std::vector<long> ids{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17, 0, 40, 9, 22, 8, 3};
    TinySpec llama;
    llama.model_type = "llama", llama.kv_heads = 2;
    for (const TinySpec& spec : {TinySpec{}, llama}) {
      CAPTURE(spec.model_type);
      const TempDir dir;
      const TinyModel tiny = make_tiny_model(spec, 11);
      write_tiny_model(tiny, dir.path());
      const nlohmann::json out = heads_json({"--model", dir.path().string(), "--token-ids", joined(ids)});
      CHECK(out["layers"] == spec.layers);
      CHECK(out["heads"] == spec.heads);
      CHECK_FALSE(out.contains("ids"));
      const RefForward ref = reference_forward(tiny, ids);
      for (long l = 0; l < spec.layers; ++l)
        for (long h = 0; h < spec.heads; ++h) {
          const auto want = heads_test::reference_scores(
              ref.layers[static_cast<std::size_t>(l)].weights[static_cast<std::size_t>(h)], ids);
          for (int s = 0; s < 6; ++s) {
            CAPTURE(l);
            CAPTURE(h);
            const std::string score = kScores[s];
            CAPTURE(score);
            const nlohmann::json& got = out["scores"][kScores[s]][l][h];
            REQUIRE_FALSE(got.is_null());
            CHECK(std::abs(got.get<double>() - *heads_test::pick(want, s)) <= 1e-4);
          }
        }
    }
  }

  TEST_CASE("the table: one row per head, blank where a set is empty; --sort orders by a score, highest first") {
    const TempDir dir;
    write_tiny_model(make_tiny_model(TinySpec{}, 11), dir.path());
    const std::vector<std::string> base{"heads", "--model", dir.path().string(), "--token-ids", "1,2,3,4,5"};
    const RunResult plain = run_attnlab(base);
    REQUIRE_MESSAGE(plain.status == 0, plain.err);
    std::istringstream lines(plain.out);
    std::string header;
    std::getline(lines, header);
    std::istringstream names(header);
    std::vector<std::string> columns{std::istream_iterator<std::string>(names), {}};
    CHECK(columns == std::vector<std::string>{"layer", "head", "previous_token", "first_token", "duplicate_token",
                                              "induction", "entropy", "distance"});
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(lines, line);) {
      std::istringstream cells(line);
      rows.emplace_back(std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>());
    }
    REQUIRE(rows.size() == 8);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      CHECK(rows[r][0] == std::to_string(r / 4));
      CHECK(rows[r][1] == std::to_string(r % 4));
      CHECK(rows[r].size() == 6);  // no repeated id: duplicate_token and induction are blank
    }
    std::vector<std::string> sorted_args = base;
    sorted_args.insert(sorted_args.end(), {"--sort", "entropy"});
    const RunResult sorted = run_attnlab(sorted_args);
    REQUIRE_MESSAGE(sorted.status == 0, sorted.err);
    std::istringstream sorted_lines(sorted.out);
    std::getline(sorted_lines, header);
    std::vector<double> entropies;
    std::set<std::string> heads;
    for (std::string line; std::getline(sorted_lines, line);) {
      std::istringstream cells(line);
      std::string layer, head, p, f, e;
      cells >> layer >> head >> p >> f >> e;
      heads.insert(layer + "." + head);
      entropies.push_back(std::stod(e));
    }
    CHECK(heads.size() == 8);
    CHECK(std::is_sorted(entropies.rbegin(), entropies.rend()));
    CHECK(entropies.front() > entropies.back());
  }

  TEST_CASE("the shipped model, N = 8 and 24 random ids repeated: previous token in layer 0, induction in layer 1") {
    for (const int n : {8, 24}) {
      CAPTURE(n);
      const nlohmann::json out =
          heads_json({"--model", kShipped.string(), "--repeat-random", std::to_string(n), "--seed", "5"});
      const std::vector<long> ids = out["ids"].get<std::vector<long>>();
      REQUIRE(ids.size() == static_cast<std::size_t>(2 * n));
      CHECK(std::equal(ids.begin(), ids.begin() + n, ids.begin() + n));
      const Top previous = top_of(out, "previous_token"), induction = top_of(out, "induction");
      CHECK(previous.layer == 0);
      CHECK(previous.head == 2);
      CHECK(previous.score >= 0.9);  // measured 0.998 (N 8), 0.999 (N 24)
      CHECK(induction.layer == 1);
      CHECK(induction.score >= 0.9);  // measured 0.99
      for (int h = 0; h < 4; ++h) CHECK(out["scores"]["induction"][1][h].get<double>() >= 0.5);
      for (int h = 0; h < 4; ++h) CHECK(out["scores"]["induction"][0][h].get<double>() < 0.3);
      // The same seed draws the same ids; the text is no input here.
      CHECK(heads_json({"--model", kShipped.string(), "--repeat-random", std::to_string(n), "--seed", "5"})["ids"] ==
            out["ids"]);
    }
  }
}

TEST_SUITE("cli/head-scores-errors") {
  TEST_CASE("every refusal: exit 2, one line naming the option and the value, nothing printed") {
    const std::string model = kShipped.string();
    check_refused({"heads", "--text", "a b"}, {"--model"});
    check_refused({"heads", "--model", model}, {"--text", "--token-ids"});
    check_refused({"heads", "--model", model, "--text", "the", "--token-ids", "1"}, {"--text", "--token-ids"});
    check_refused({"heads", "--model", model, "--token-ids", "1,2", "--sort", "copying"},
                  {"--sort", "copying", "induction"});
    check_refused({"heads", "--model", model, "--token-ids", "1,2", "--sort", "induction", "--json"},
                  {"--sort", "--json"});
    check_refused({"heads", "--model", model, "--token-ids", "1,2", "--seed", "3"}, {"--seed", "--repeat-random"});
    check_refused({"heads", "--model", model, "--repeat-random", "8", "--text", "the"}, {"--repeat-random", "--text"});
    check_refused({"heads", "--model", model, "--repeat-random", "0"}, {"--repeat-random", "0"});
    check_refused({"heads", "--model", model, "--repeat-random", "eight"}, {"--repeat-random", "eight"});
    check_refused({"heads", "--model", model, "--repeat-random", "65"}, {"--repeat-random 65", "130", "128"});
    check_refused({"heads", "--model", model, "--token-ids", "1,1900"}, {"1900", "vocabulary"});
    check_refused({"heads", "--model", model, "--text", ""}, {"text"});
    check_refused({"heads", "--model", "/nonexistent/model", "--token-ids", "1"}, {"/nonexistent/model"});
    check_refused({"heads", "--model", "/nonexistent/model", "--repeat-random", "4"}, {"/nonexistent/model"});
  }
}
