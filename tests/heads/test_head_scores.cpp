// Head scores (heads.md) against the float64 reference: the reference forward pass's weights of every
// layer and head (tests/model/reference_forward.hpp) scored by plain loops over the spec's sets
// (reference_scores.hpp), on random tiny checkpoints of each family. Tolerance: the weights differ
// from float64 by float32 arithmetic (a few 1e-6, test_forward.cpp); entropy's ln(w) magnifies that
// near w = 0 only by a factor w·|ln w| < 0.37, and distance's (i − j) by at most L = 24: 1e-4 allows
// both, far below a wrong set (one wrong key moves a score by a weight, typically 0.05 or more).
#include <doctest/doctest.h>

#include <set>

#include "core/heads/head_scores.hpp"
#include "core/heads/repeat_random.hpp"
#include "core/heads/rollout.hpp"
#include "core/heads/score_heads.hpp"
#include "core/model/forward.hpp"
#include "tests/cli_run.hpp"
#include "tests/heads/reference_scores.hpp"
#include "tests/model/reference_forward.hpp"

using namespace attnlab;
using namespace model_test;
using namespace heads_test;

namespace {

constexpr double kTol = 1e-4;

void check_scores(const TinySpec& spec, const std::vector<long>& ids, const std::string& what) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec, 7);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  const std::vector<std::int64_t> ids64(ids.begin(), ids.end());
  const HeadScores got = score_heads(model.config, forward(model, ids64), ids64);
  const RefForward ref = reference_forward(tiny, ids);
  REQUIRE(got.layers == spec.layers);
  REQUIRE(got.heads == spec.heads);
  for (long l = 0; l < spec.layers; ++l)
    for (long h = 0; h < spec.heads; ++h) {
      const RefScores want =
          reference_scores(ref.layers[static_cast<std::size_t>(l)].weights[static_cast<std::size_t>(h)], ids);
      for (int s = 0; s < 6; ++s) {
        CAPTURE(l);
        CAPTURE(h);
        const char* score = head_score_name(all_head_scores[static_cast<std::size_t>(s)]);
        CAPTURE(score);
        const std::optional<double> g = got.at(l, h)[all_head_scores[static_cast<std::size_t>(s)]], w = pick(want, s);
        REQUIRE(g.has_value() == w.has_value());
        if (w) CHECK(std::abs(*g - *w) <= kTol);
      }
    }
}

// Ids with repeats in a vocabulary of 41: duplicates and followers of earlier copies.
const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17, 0, 40, 9, 22, 8, 3};

}  // namespace

TEST_SUITE("heads/scores") {
  TEST_CASE("GPT-2 and GPT-2 scaled by the inverse layer index") {
    check_scores(TinySpec{}, kIds, "gpt2");
    TinySpec inverse;
    inverse.inverse_layer_scale = true, inverse.layers = 3;
    check_scores(inverse, kIds, "gpt2, inverse layer scale");
  }

  TEST_CASE("Llama with grouped-query heads; Mistral's sliding window; Qwen2's biases") {
    TinySpec llama;
    llama.model_type = "llama", llama.heads = 4, llama.kv_heads = 2;
    check_scores(llama, kIds, "llama, 4 heads over 2");
    TinySpec mistral;
    mistral.model_type = "mistral", mistral.window = 4;
    check_scores(mistral, kIds, "mistral, window 4");
    TinySpec qwen;
    qwen.model_type = "qwen2", qwen.kv_heads = 1;
    check_scores(qwen, kIds, "qwen2, one KV head");
  }

  TEST_CASE("empty sets are no number: one token, no repeats, repeats only next to each other") {
    const cli_test::TempDir dir;
    const TinyModel tiny = make_tiny_model(TinySpec{}, 7);
    write_tiny_model(tiny, dir.path());
    const Model model = load_model(dir.path());
    const auto scores_of = [&](const std::vector<std::int64_t>& ids) {
      return score_heads(model.config, forward(model, ids), ids).at(1, 0);
    };
    const ScoreValues one = scores_of({5});
    for (const HeadScore s :
         {HeadScore::previous_token, HeadScore::first_token, HeadScore::duplicate_token, HeadScore::induction})
      CHECK_FALSE(one[s].has_value());
    CHECK(*one[HeadScore::entropy] == doctest::Approx(0).epsilon(1e-7));  // one key, weight 1
    CHECK(*one[HeadScore::distance] == 0);
    const ScoreValues distinct = scores_of({1, 2, 3, 4});
    CHECK(distinct[HeadScore::previous_token].has_value());
    CHECK_FALSE(distinct[HeadScore::duplicate_token].has_value());
    CHECK_FALSE(distinct[HeadScore::induction].has_value());
    // "7 7": a duplicate, but S_1 = { j+1 : j+1 < 1 } is empty: the follower is the query itself.
    const ScoreValues adjacent = scores_of({7, 7});
    CHECK(adjacent[HeadScore::duplicate_token].has_value());
    CHECK_FALSE(adjacent[HeadScore::induction].has_value());
  }

  TEST_CASE("hand-made weights: each score is the spec's number") {
    // Query 3 ("a" again after "a b c") puts 0.5 on the follower b, 0.25 on the copy, 0.25 on itself.
    Matrix a = Matrix::Zero(4, 4);
    a(0, 0) = 1, a(1, 0) = 1, a(2, 1) = 1, a(3, 1) = 0.5, a(3, 0) = 0.25, a(3, 3) = 0.25;
    const std::vector<std::int64_t> ids{10, 11, 12, 10};
    const ScoreValues s = score_head(a, earlier_copies(ids));
    CHECK(*s[HeadScore::previous_token] == doctest::Approx((1 + 1 + 0) / 3.0));
    CHECK(*s[HeadScore::first_token] == doctest::Approx((1 + 0 + 0.25) / 3.0));
    CHECK(*s[HeadScore::duplicate_token] == doctest::Approx(0.25));
    CHECK(*s[HeadScore::induction] == doctest::Approx(0.5));
    CHECK(*s[HeadScore::entropy] == doctest::Approx(-(0.5 * std::log(0.5) + 2 * 0.25 * std::log(0.25)) / 4));
    CHECK(*s[HeadScore::distance] == doctest::Approx((0 + 1 + 1 + (0.5 * 2 + 0.25 * 3)) / 4));
  }

  TEST_CASE("repeated random ids: N below the vocabulary, then the same N; one seed, one sequence") {
    const std::vector<std::int64_t> ids = repeated_random_ids(50, 7, 3);
    REQUIRE(ids.size() == 100);
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < 50; ++i) {
      CHECK(ids[i] == ids[i + 50]);
      CHECK(ids[i] >= 0);
      CHECK(ids[i] < 7);
      seen.insert(ids[i]);
    }
    CHECK(seen.size() == 7);  // uniform over the vocabulary: 50 draws reach all seven
    CHECK(repeated_random_ids(50, 7, 3) == ids);
    CHECK(repeated_random_ids(50, 7, 4) != ids);
  }

  TEST_CASE("--sort's names: each score by name, anything else refused naming them all") {
    for (const HeadScore s : all_head_scores) CHECK(parse_head_score(head_score_name(s), "--sort") == s);
    CHECK_THROWS_WITH_AS(parse_head_score("inductionx", "--sort"),
                         doctest::Contains("--sort 'inductionx' is not a score: previous_token, first_token"),
                         InputError);
  }
}

TEST_SUITE("heads/rollout") {
  TEST_CASE("rollout equals the float64 reference on GPT-2, grouped-query Llama and a sliding window") {
    TinySpec gpt2;
    gpt2.layers = 3;
    TinySpec llama;
    llama.model_type = "llama", llama.kv_heads = 2;
    TinySpec mistral;
    mistral.model_type = "mistral", mistral.window = 4;
    for (const TinySpec& spec : {gpt2, llama, mistral}) {
      CAPTURE(spec.model_type);
      const cli_test::TempDir dir;
      const TinyModel tiny = make_tiny_model(spec, 5);
      write_tiny_model(tiny, dir.path());
      const Model model = load_model(dir.path());
      const std::vector<std::int64_t> ids64(kIds.begin(), kIds.end());
      const Matrix got = attention_rollout(model.config, forward(model, ids64));
      std::vector<std::vector<Weights>> layers;
      for (const RefLayer& layer : reference_forward(tiny, kIds).layers) layers.push_back(layer.weights);
      const Weights want = reference_rollout(layers);
      REQUIRE(got.rows() == static_cast<Index>(kIds.size()));
      REQUIRE(got.cols() == static_cast<Index>(kIds.size()));
      double worst = 0;
      for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(got.row(static_cast<Index>(i)).cast<double>().sum() == doctest::Approx(1).epsilon(1e-5));
        for (std::size_t j = 0; j < want.size(); ++j)
          worst = std::max(worst, std::abs(got(static_cast<Index>(i), static_cast<Index>(j)) - want[i][j]));
      }
      CHECK(worst <= 1e-5);
      CHECK(got(0, 0) == 1);  // the first token reaches only itself
    }
  }
}
