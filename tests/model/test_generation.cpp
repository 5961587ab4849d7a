// Generation with a KV cache (heads.md): a step's q, k, v, weights and logits against a full forward
// pass over the same tokens; greedy ids against the float64 reference's argmax, token by token; the
// sampler's candidates and draws against its rule, worked out here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/model/forward.hpp"
#include "core/model/generation.hpp"
#include "core/model/sampling.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/model/worst_error.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

const std::vector<std::int64_t> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17, 8, 1};

// The worst |got − want| / (1e-5·(1 + |want|)): at most 1 passes.
double worst_against(const Matrix& got, const Matrix& want) {
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  return ((got - want).array().abs() / (1e-5f * (1 + want.array().abs()))).maxCoeff();
}

// The prompt's first `prompt` ids through forward, the rest one at a time through forward_step: every
// layer's q, k, v, each head's weights for every query row, and the logits, against one forward pass
// over all of them, with and without knocked-out heads.
void check_cache(const TinySpec& spec, const std::string& what, std::size_t prompt = 5) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  for (const char* heads : {"", "1.2,0.0"}) {
    CAPTURE(heads);
    ForwardOptions options;
    if (*heads) options.ablation = parse_ablation(heads, "zero");
    ForwardPass cached = forward(model, {kIds.begin(), kIds.begin() + static_cast<long>(prompt)}, {}, options);
    for (std::size_t i = prompt; i < kIds.size(); ++i) forward_step(model, cached, kIds[i], options);
    const ForwardPass full = forward(model, kIds, {}, options);
    for (Index l = 0; l < model.config.layers; ++l) {
      CAPTURE(l);
      const LayerQKV &got = cached.layers[static_cast<std::size_t>(l)],
                     &want = full.layers[static_cast<std::size_t>(l)];
      CHECK_MESSAGE(worst_against(got.q, want.q) <= 1, "Q");
      CHECK_MESSAGE(worst_against(got.k, want.k) <= 1, "K");
      CHECK_MESSAGE(worst_against(got.v, want.v) <= 1, "V");
      for (Index h = 0; h < model.config.heads; ++h) {
        const AttentionShape shape = attention_shape(model.config, l);
        CHECK_MESSAGE(
            worst_against(head_weights(got.q, got.k, shape, h, 0), head_weights(want.q, want.k, shape, h, 0)) <= 1,
            "weights of head " << h);
      }
    }
    CHECK_MESSAGE(worst_against(Matrix(cached.logits.transpose()), Matrix(full.logits.transpose())) <= 1, "logits");
  }
}

// The reference's greedy continuation: its float64 logits' argmax, the lower id on a tie, `count` times.
std::vector<std::int64_t> reference_greedy(const TinyModel& tiny, std::vector<long> ids, int count) {
  std::vector<std::int64_t> out;
  for (int n = 0; n < count; ++n) {
    const std::vector<double> logits = reference_any(tiny, ids).logits;
    const long id = static_cast<long>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    out.push_back(id);
    ids.push_back(id);
  }
  return out;
}

void check_greedy(const TinySpec& spec, const std::string& what) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  const std::vector<std::int64_t> prompt(kIds.begin(), kIds.begin() + 6);
  const std::vector<std::int64_t> got = generate(model, prompt, 10, Sampling{});
  CHECK(got == reference_greedy(tiny, {prompt.begin(), prompt.end()}, 10));
}

TinySpec family(const std::string& type) {
  TinySpec s;
  s.model_type = type, s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.layers = 3;
  return s;
}

// Logits whose softmax at temperature 1 is exactly `p` (each id's), for the sampler's checks.
Eigen::VectorXf logits_of(const std::vector<double>& p) {
  Eigen::VectorXf z(static_cast<Index>(p.size()));
  for (std::size_t i = 0; i < p.size(); ++i) z[static_cast<Index>(i)] = static_cast<float>(std::log(p[i]));
  return z;
}

std::set<std::int64_t> kept_ids(const TokenDraw& draw) {
  std::set<std::int64_t> ids;
  for (const Candidate& c : draw.candidates)
    if (c.kept > 0) ids.insert(c.id);
  return ids;
}

}  // namespace

TEST_SUITE("model/generation") {
  TEST_CASE("a KV-cache step equals the full forward pass's rows: GPT-2, Llama GQA, Mistral's window") {
    check_cache(TinySpec{}, "gpt2");
    TinySpec llama = family("llama");
    llama.llama3 = true;
    check_cache(llama, "llama GQA, llama3 RoPE scaling");
    TinySpec mistral = family("mistral");
    mistral.window = 4;
    check_cache(mistral, "mistral window 4");
  }

  TEST_CASE("a KV-cache step equals the full forward pass's rows: the newer families") {
    TinySpec s = family("qwen3");
    s.head_dim = 12;
    check_cache(s, "qwen3 QK-norm");
    s = family("gemma3_text");
    s.head_dim = 8, s.tied = true, s.window = 3, s.sliding_pattern = 2, s.rope_local_theta = 10, s.final_softcap = 0.5;
    check_cache(s, "gemma3_text sliding layers with their own θ");
    check_cache(family("olmo2"), "olmo2");
    s = family("phi3");
    s.rotary = 0.75;
    check_cache(s, "phi3 partial RoPE");
    // Longrope's factors follow the sequence's length: a prompt past the original context (8) keeps
    // them the same for every step (a cache that crosses it keeps its earlier keys' short factors, as
    // transformers' does).
    s.longrope = true, s.window = 5;
    check_cache(s, "phi3 longrope past the original context, window 5", 9);
    s = family("smollm3");
    s.tied = true, s.no_rope_layers = {1, 0, 1}, s.window = 4;
    check_cache(s, "smollm3 NoPE layer");
    s = family("gpt_neox");
    s.kv_heads = 4, s.rotary = 0.25;
    check_cache(s, "gpt_neox");
  }

  TEST_CASE("greedy generation equals the float64 reference's argmax, token by token, in several families") {
    check_greedy(TinySpec{}, "gpt2");
    TinySpec mistral = family("mistral");
    mistral.window = 4;
    check_greedy(mistral, "mistral window 4");
    TinySpec qwen3 = family("qwen3");
    qwen3.head_dim = 12;
    check_greedy(qwen3, "qwen3");
    TinySpec neox = family("gpt_neox");
    neox.kv_heads = 4, neox.rotary = 0.25;
    check_greedy(neox, "gpt_neox");
    TinySpec gemma3 = family("gemma3_text");
    gemma3.head_dim = 8, gemma3.tied = true, gemma3.window = 3, gemma3.sliding_pattern = 2;
    check_greedy(gemma3, "gemma3_text");
  }

  TEST_CASE("generation stops at eos_token_id, drawn last; --tokens past the positions or below 1 is refused") {
    const cli_test::TempDir dir;
    TinyModel tiny = make_tiny_model(TinySpec{});
    const std::vector<std::int64_t> prompt(kIds.begin(), kIds.begin() + 6);
    const std::vector<std::int64_t> greedy = reference_greedy(tiny, {prompt.begin(), prompt.end()}, 10);
    // The first id whose first appearance is past the first token: generation must run up to it.
    std::size_t stop = 1;
    const auto seen_before = [&](std::size_t i) {
      return std::find(greedy.begin(), greedy.begin() + static_cast<long>(i), greedy[i]) !=
             greedy.begin() + static_cast<long>(i);
    };
    while (stop < greedy.size() && seen_before(stop)) ++stop;
    REQUIRE(stop < greedy.size());
    tiny.config["eos_token_id"] = nlohmann::ordered_json::array({tiny.spec.vocab + 5, greedy[stop]});
    write_tiny_model(tiny, dir.path());
    const Model model = load_model(dir.path());
    CHECK(model.config.eos_ids == std::vector<std::int64_t>{greedy[stop]});
    std::vector<std::int64_t> streamed;
    const auto got = generate(model, prompt, 10, Sampling{}, {}, [&](std::int64_t id) { streamed.push_back(id); });
    CHECK(got == std::vector<std::int64_t>(greedy.begin(), greedy.begin() + static_cast<long>(stop) + 1));
    CHECK(streamed == got);
    CHECK_THROWS_WITH_AS(generate(model, prompt, 19, Sampling{}),
                         "--tokens 19 after 6 prompt tokens makes 25, more than the model's 24 positions", InputError);
    CHECK_NOTHROW(generate(model, prompt, 18, Sampling{}));
    CHECK_THROWS_WITH_AS(generate(model, prompt, 0, Sampling{}), "--tokens 0: give 1 or more new tokens", InputError);
    CHECK_THROWS_AS(generate(model, prompt, -3, Sampling{}), InputError);
  }

  TEST_CASE("Generation: undo takes the last token back, and the step after it draws it again") {
    // qwen3 keeps q and k before its QK-norm too: undo takes their rows back as well.
    for (const char* name : {"llama", "qwen3"}) {
      CAPTURE(name);
      const cli_test::TempDir dir;
      TinySpec spec = family(name);
      spec.head_dim = 8;  // qwen3's config would say 128 without it
      const TinyModel tiny = make_tiny_model(spec);
      write_tiny_model(tiny, dir.path());
      const Model model = load_model(dir.path());
      for (const char* mode : {"zero", "mean"}) {
        CAPTURE(mode);
        Generation g(model, {kIds.begin(), kIds.begin() + 4}, Sampling{1.0, 0, 1, 7}, parse_ablation("1.1", mode));
        g.step();
        const ForwardPass before = g.pass();
        const std::int64_t second = g.step(5).id;
        CHECK(g.ids().size() == 6);
        CHECK(g.pass().layers[2].k.rows() == 6);
        REQUIRE(g.undo());
        CHECK(g.ids().size() == 5);
        CHECK(worst_against(g.pass().layers[2].k, before.layers[2].k) <= 1);
        CHECK(worst_against(Matrix(g.pass().logits.transpose()), Matrix(before.logits.transpose())) <= 1);
        for (Index l = 0; l < model.config.layers; ++l) {
          const LayerQKV& layer = g.pass().layers[static_cast<std::size_t>(l)];
          for (const Matrix* m : {&layer.q, &layer.v, &layer.q_raw, &layer.k_raw})
            if (m->size() > 0) CHECK(m->rows() == 5);
        }
        CHECK(g.step().id == second);
        // The cache after undo and a new step is the pass over those six tokens, before the norm too.
        const ForwardPass full = forward(model, g.ids(), {}, {parse_ablation("1.1", mode)});
        for (Index l = 0; l < model.config.layers; ++l) {
          const LayerQKV &got = g.pass().layers[static_cast<std::size_t>(l)],
                         &want = full.layers[static_cast<std::size_t>(l)];
          CHECK(worst_against(got.q, want.q) <= 1);
          CHECK(got.q_raw.size() == want.q_raw.size());
          if (want.q_raw.size() > 0) {
            CHECK(worst_against(got.q_raw, want.q_raw) <= 1);
            CHECK(worst_against(got.k_raw, want.k_raw) <= 1);
          }
        }
        REQUIRE(g.undo());
        REQUIRE(g.undo());
        CHECK_FALSE(g.undo());
        CHECK(g.ids().size() == 4);
      }
    }
  }

  TEST_CASE("greedy: the largest logit, the lower id on a tie, whatever the seed") {
    Eigen::VectorXf z(6);
    z << 0.5f, 2.0f, -1.0f, 2.0f, 1.9f, 2.0f;
    CHECK(draw_token(z, Sampling{}, 0).id == 1);
    CHECK(draw_token(z, Sampling{0, 3, 0.1, 99}, 5).id == 1);
    const TokenDraw shown = draw_token(z, Sampling{}, 0, 4);
    REQUIRE(shown.candidates.size() == 4);
    CHECK(shown.candidates[0].id == 1);
    CHECK(shown.candidates[1].id == 3);
    CHECK(shown.candidates[2].id == 5);
    CHECK(shown.candidates[3].id == 4);
    CHECK(shown.candidates[0].kept == 1);
    CHECK(shown.candidates[1].kept == 0);
  }

  TEST_CASE("the generator is SplitMix64: its first numbers from seed 0, in [0, 1)") {
    // SplitMix64's published first outputs from state 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
    CHECK(uniform_draw(0, 0) == static_cast<double>(0xE220A8397B1DCDAFull >> 11) * 0x1.0p-53);
    CHECK(uniform_draw(0, 1) == static_cast<double>(0x6E789E6AA1B965F4ull >> 11) * 0x1.0p-53);
    for (std::uint64_t t = 0; t < 1000; ++t) {
      const double u = uniform_draw(12345, t);
      CHECK((u >= 0 && u < 1));
    }
  }

  TEST_CASE("top-k then top-p keep exactly the candidates the rule says, and every draw is one of them") {
    // id:             0     1     2     3     4     5
    const auto z = logits_of({0.05, 0.30, 0.10, 0.40, 0.10, 0.05});
    // Order: 3 (0.40), 1 (0.30), 2 (0.10), 4 (0.10, tie: the higher id after), 0, 5.
    const auto kept = [&](Index k, double p) { return kept_ids(draw_token(z, Sampling{1, k, p, 0}, 0, 6)); };
    CHECK(kept(0, 1) == std::set<std::int64_t>{0, 1, 2, 3, 4, 5});
    CHECK(kept(2, 1) == std::set<std::int64_t>{3, 1});
    CHECK(kept(3, 1) == std::set<std::int64_t>{3, 1, 2});  // of the tie 2 and 4, the lower id
    CHECK(kept(0, 0.39) == std::set<std::int64_t>{3});     // the mass before 1 is 0.40, not below 0.39
    CHECK(kept(0, 0.41) == std::set<std::int64_t>{3, 1});
    CHECK(kept(0, 0.75) == std::set<std::int64_t>{3, 1, 2});
    CHECK(kept(0, 0.81) == std::set<std::int64_t>{3, 1, 2, 4});
    // Top-p after top-k: within the top 3 (0.4, 0.3, 0.1 → 0.5, 0.375, 0.125), 0.8 needs two.
    CHECK(kept(3, 0.8) == std::set<std::int64_t>{3, 1});
    CHECK(kept(3, 0.9) == std::set<std::int64_t>{3, 1, 2});
    const TokenDraw d = draw_token(z, Sampling{1, 3, 0.9, 0}, 0, 6);
    CHECK(d.candidates[0].kept == doctest::Approx(0.5));
    CHECK(d.candidates[1].kept == doctest::Approx(0.375));
    CHECK(d.candidates[2].kept == doctest::Approx(0.125));
    CHECK(d.candidates[3].kept == 0);
    CHECK(d.candidates[0].probability == doctest::Approx(0.4));
    CHECK(d.candidates[0].tempered == doctest::Approx(0.4));

    // Every draw: the first kept candidate whose running sum passes u, worked out here from u.
    std::set<std::int64_t> drawn;
    for (std::uint64_t t = 0; t < 400; ++t) {
      const double u = uniform_draw(3, t);
      const std::int64_t want = u < 0.5 ? 3 : u < 0.875 ? 1 : 2;
      const TokenDraw got = draw_token(z, Sampling{1, 3, 0.9, 3}, t);
      CHECK(got.id == want);
      CHECK(got.u == u);
      drawn.insert(got.id);
    }
    CHECK(drawn == std::set<std::int64_t>{3, 1, 2});
  }

  TEST_CASE("temperature sharpens or flattens the softmax before top-k and top-p") {
    const auto z = logits_of({0.05, 0.30, 0.10, 0.40, 0.10, 0.05});
    const TokenDraw cold = draw_token(z, Sampling{0.5, 0, 1, 0}, 0, 6);
    // p_i^(1/T) / Σ: at T = 0.5 the squares, 0.16 / (0.0025·2 + 0.09 + 0.01·2 + 0.16) = 0.5926.
    CHECK(cold.candidates[0].tempered == doctest::Approx(0.16 / 0.275));
    CHECK(cold.candidates[0].kept == doctest::Approx(0.16 / 0.275));
    CHECK(cold.candidates[0].probability == doctest::Approx(0.4));
    // Top-p over the tempered probabilities: 0.58 + 0.33 = 0.91 ≥ 0.9 with two.
    CHECK(kept_ids(draw_token(z, Sampling{0.5, 0, 0.9, 0}, 0, 6)) == std::set<std::int64_t>{3, 1});
  }

  TEST_CASE("sampling on a model: the same seed gives the same ids, every id in the vocabulary") {
    const cli_test::TempDir dir;
    TinySpec spec = family("qwen3");
    spec.head_dim = 12;
    const TinyModel tiny = make_tiny_model(spec);
    write_tiny_model(tiny, dir.path());
    const Model model = load_model(dir.path());
    const std::vector<std::int64_t> prompt(kIds.begin(), kIds.begin() + 4);
    const Sampling hot{1.5, 0, 1, 42};
    const auto first = generate(model, prompt, 16, hot);
    CHECK(first == generate(model, prompt, 16, hot));
    CHECK(first != generate(model, prompt, 16, Sampling{1.5, 0, 1, 43}));
    for (const std::int64_t id : first) CHECK((id >= 0 && id < tiny.spec.vocab));
    // Top-k 1 is greedy, whatever the temperature and seed.
    CHECK(generate(model, prompt, 8, Sampling{2.0, 1, 1, 5}) == generate(model, prompt, 8, Sampling{}));
  }

  TEST_CASE("bad sampling settings are refused, naming the option and the value") {
    CHECK_THROWS_WITH_AS(check_sampling({-0.5, 0, 1, 0}), doctest::Contains("--temperature -0.5"), InputError);
    CHECK_THROWS_WITH_AS(check_sampling({INFINITY, 0, 1, 0}), doctest::Contains("--temperature inf"), InputError);
    CHECK_THROWS_WITH_AS(check_sampling({NAN, 0, 1, 0}), doctest::Contains("--temperature"), InputError);
    CHECK_THROWS_WITH_AS(check_sampling({1, -1, 1, 0}), doctest::Contains("--top-k -1"), InputError);
    CHECK_THROWS_WITH_AS(check_sampling({1, 0, 0, 0}), doctest::Contains("--top-p 0 "), InputError);
    CHECK_THROWS_WITH_AS(check_sampling({1, 0, 1.5, 0}), doctest::Contains("--top-p 1.5"), InputError);
    CHECK_NOTHROW(check_sampling({0, 0, 1, 0}));
  }
}
