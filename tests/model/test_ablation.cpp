// Knocked-out heads (heads.md) against the float64 reference (reference_forward.hpp with a
// RefAblation): zero and mean, in a middle layer and in the last (where the mean needs every
// position's output although only the last row reaches the logits), on GPT-2, grouped-query Llama
// and a sliding window. Tolerances as test_forward.cpp's: float32 arithmetic alone.
#include <doctest/doctest.h>

#include "core/model/forward.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/worst_error.hpp"
#include "tests/model/reference_forward.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

constexpr double kTol = 2e-5;

double worst_of(const Matrix& got, const Rows& want) {
  return model_test::worst_of(got, want, kTol);
}

const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17};

void check_knockout(const TinySpec& spec, const std::vector<std::pair<long, long>>& heads, bool mean,
                    const std::string& what) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec, 3);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  const std::vector<std::int64_t> ids(kIds.begin(), kIds.end());
  std::string list;
  for (const auto& [l, h] : heads) list += (list.empty() ? "" : ",") + std::to_string(l) + "." + std::to_string(h);
  const Ablation ablation = parse_ablation(list, mean ? "mean" : "zero");
  const RefForward ref = reference_forward(tiny, kIds, RefAblation{heads, mean});
  const RefForward intact = reference_forward(tiny, kIds);

  const ForwardPass before = forward(model, ids, {}, {{}, true});
  const ForwardPass direct = forward(model, ids, {}, {ablation, false});
  const ForwardPass resumed = ablated_forward(model, before, ablation);
  for (const ForwardPass* pass : {&direct, &resumed}) {
    for (std::size_t l = 0; l < ref.layers.size(); ++l) {
      CAPTURE(l);
      CHECK(worst_of(pass->layers[l].q, ref.layers[l].q) <= 1);
      CHECK(worst_of(pass->layers[l].v, ref.layers[l].v) <= 1);
    }
    CHECK(worst_of(Matrix(pass->logits.transpose()), Rows{ref.logits}) <= 1);
  }
  // The knock-out changes the logits far beyond the tolerance: the check above could fail.
  CHECK(worst_of(Matrix(direct.logits.transpose()), Rows{intact.logits}) > 100);
  // Below the first knocked-out layer the resumed pass is the pass before, untouched.
  for (Index l = 0; l < ablation.first_layer(); ++l)
    CHECK(resumed.layers[static_cast<std::size_t>(l)].q == before.layers[static_cast<std::size_t>(l)].q);
  CHECK(resumed.logits == direct.logits);
}

}  // namespace

TEST_SUITE("model/ablation") {
  TEST_CASE("GPT-2: zero and mean, a layer-0 head, two heads of the last layer, heads of both") {
    TinySpec gpt2;
    gpt2.layers = 3;
    for (const bool mean : {false, true}) {
      check_knockout(gpt2, {{0, 1}}, mean, mean ? "mean 0.1" : "zero 0.1");
      check_knockout(gpt2, {{2, 0}, {2, 3}}, mean, mean ? "mean 2.0,2.3" : "zero 2.0,2.3");
      check_knockout(gpt2, {{1, 2}, {0, 0}}, mean, mean ? "mean 1.2,0.0" : "zero 1.2,0.0");
    }
  }

  TEST_CASE("Llama with 4 heads over 2 KV heads; Mistral's sliding window") {
    TinySpec llama;
    llama.model_type = "llama", llama.kv_heads = 2;
    TinySpec mistral;
    mistral.model_type = "mistral", mistral.window = 4;
    for (const bool mean : {false, true}) {
      check_knockout(llama, {{0, 1}, {1, 2}}, mean, "llama");
      check_knockout(mistral, {{1, 3}}, mean, "mistral");
    }
  }

  TEST_CASE("--ablate's grammar and the model's range: every mistake named") {
    CHECK(parse_ablation("1.2", "zero").heads == std::vector<HeadRef>{{1, 2}});
    CHECK(parse_ablation("0.0,10.3", "mean").mode == AblationMode::mean);
    CHECK(parse_ablation("3.1,0.2", "zero").first_layer() == 0);
    for (const char* bad : {"", "1", "1.", ".2", "1.2.3", "a.b", "-1.2", "1.-2", "1.2,", "1.2;0.1", " 1.2"})
      CHECK_THROWS_WITH_AS(parse_ablation(bad, "zero"), doctest::Contains("is not a head: give LAYER.HEAD"),
                           InputError);
    CHECK_THROWS_WITH_AS(parse_ablation("1.2,0.1,1.2", "zero"), "--ablate lists head 1.2 twice", InputError);
    CHECK_THROWS_WITH_AS(parse_ablation("1.2", "half"), doctest::Contains("--ablation 'half'"), InputError);
    ModelConfig c;
    c.layers = 2, c.heads = 4;
    CHECK_NOTHROW(check_ablation(parse_ablation("1.3", "zero"), c));
    CHECK_THROWS_WITH_AS(check_ablation(parse_ablation("2.0", "zero"), c),
                         "--ablate 2.0: layer 2 is out of range: the model has 2 layers (0 to 1)", InputError);
    CHECK_THROWS_WITH_AS(check_ablation(parse_ablation("0.4", "zero"), c),
                         "--ablate 0.4: head 4 is out of range: the model has 4 heads per layer (0 to 3)", InputError);
  }
}
