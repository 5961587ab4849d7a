// export --stage rollout through the real binary: every cell against the float64 rollout
// (reference_scores.hpp's reference_rollout over reference_forward.hpp's weights), and its refusals.
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

TEST_SUITE("cli/rollout") {
  TEST_CASE("export --stage rollout: every cell of the SVG is the float64 rollout; above the diagonal grey") {
    const TempDir work;
    const std::vector<long> ids{3, 17, 0, 40, 9, 9, 22, 5};
    TinySpec llama;
    llama.model_type = "llama", llama.kv_heads = 2;
    const TinyModel tiny = make_tiny_model(llama, 13);
    write_tiny_model(tiny, work / "m");
    const RunResult r = run_attnlab({"export", "--model", (work / "m").string(), "--token-ids", joined(ids), "--stage",
                                     "rollout", "--out", (work / "r.svg").string(), "--query", "5"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string svg = read_all(work / "r.svg");
    CHECK(svg.find("attention rollout") != std::string::npos);
    std::vector<std::vector<heads_test::Weights>> layers;
    for (const RefLayer& layer : reference_forward(tiny, ids).layers) layers.push_back(layer.weights);
    const heads_test::Weights want = heads_test::reference_rollout(layers);
    std::size_t cells = 0, grey = 0;
    for (std::size_t at = svg.find("<rect class=\"cell"); at != std::string::npos;
         at = svg.find("<rect class=\"cell", at + 1), ++cells) {
      const auto attribute = [&](const std::string& name) {
        const std::size_t begin = svg.find(name + "=\"", at) + name.size() + 2;
        return svg.substr(begin, svg.find('"', begin) - begin);
      };
      const std::size_t i = std::stoul(attribute("data-row")), j = std::stoul(attribute("data-col"));
      CHECK(std::stod(attribute("data-value")) == doctest::Approx(want[i][j]).epsilon(1e-5).scale(1));
      const bool masked = svg.compare(at, 24, "<rect class=\"cell masked") == 0;
      CHECK(masked == (j > i));
      grey += masked;
    }
    CHECK(cells == ids.size() * ids.size());
    CHECK(grey == ids.size() * (ids.size() - 1) / 2);
  }

  TEST_CASE("--stage rollout refused: without a model, with --layer, --head, --plain or a precision") {
    const TempDir work;
    const std::string model = shipped_test::kModel.string(), out = (work / "r.png").string();
    const std::vector<std::string> base{"export", "--stage", "rollout", "--out", out};
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
    check_refused(with({"--random"}), {"--stage rollout", "--model"});
    check_refused(with({"--model", model, "--token-ids", "1,2", "--layer", "1"}), {"--layer", "rollout"});
    check_refused(with({"--model", model, "--token-ids", "1,2", "--head", "1"}), {"--head", "rollout"});
    check_refused(with({"--model", model, "--token-ids", "1,2", "--plain", "--cell-px", "4"}), {"--plain", "rollout"});
    check_refused(with({"--model", model, "--token-ids", "1,2", "--precision", "fp16"}), {"PRECISION", "rollout"});
    check_refused(with({"--model", model, "--token-ids", "1,2", "--ablate", "3.0"}), {"--ablate 3.0", "layer 3"});
    CHECK_FALSE(fs::exists(out));
  }
}
