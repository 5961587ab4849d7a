// The forward pass against the float64 reference (reference_forward.hpp) on tiny checkpoints the
// tests write: every architecture, every dtype, one file and shards. Every layer's Q, K (after RoPE)
// and V, and the last position's logits.
//
// Tolerances: the reference computes with the very weights the file stores (16-bit ones widened
// exactly), so F32, F16 and BF16 files all differ from it by float32 arithmetic alone. Through two
// blocks of sums over at most 24 terms of values of order 1 that is a few 1e-6; the check allows
// 2e-5 + 2e-5·|x|, far below what a wrong weight (F16's own rounding is 5e-4 relative, BF16's 4e-3),
// a wrong RoPE angle or a missing bias would give.
#include <doctest/doctest.h>

#include "core/model/forward.hpp"
#include "core/model/layer_problem.hpp"
#include "core/model/next_tokens.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_forward.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

constexpr double kTol = 2e-5;

void check_rows(const Matrix& got, const Rows& want, const std::string& what) {
  REQUIRE_MESSAGE(got.rows() == static_cast<Index>(want.size()), what);
  REQUIRE_MESSAGE(got.cols() == static_cast<Index>(want.front().size()), what);
  double worst = 0;
  for (Index i = 0; i < got.rows(); ++i)
    for (Index j = 0; j < got.cols(); ++j) {
      const double w = want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      worst = std::max(worst, std::abs(got(i, j) - w) / (kTol + kTol * std::abs(w)));
    }
  CHECK_MESSAGE(worst <= 1.0, what << ": " << worst << "× the tolerance");
}

// Writes the tiny model, loads it, runs both forward passes and compares everything kept.
void check_model(const TinySpec& spec, const std::vector<long>& ids, const std::string& what) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  const std::vector<std::int64_t> ids64(ids.begin(), ids.end());
  const ForwardPass pass = forward(model, ids64);
  const RefForward ref = reference_forward(tiny, ids);
  REQUIRE(pass.layers.size() == ref.layers.size());
  for (std::size_t l = 0; l < ref.layers.size(); ++l) {
    check_rows(pass.layers[l].q, ref.layers[l].q, what + ": layer " + std::to_string(l) + " Q");
    check_rows(pass.layers[l].k, ref.layers[l].k, what + ": layer " + std::to_string(l) + " K");
    check_rows(pass.layers[l].v, ref.layers[l].v, what + ": layer " + std::to_string(l) + " V");
  }
  Matrix logits = pass.logits.transpose();
  check_rows(logits, Rows{ref.logits}, what + ": logits");
}

const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17};

}  // namespace

TEST_SUITE("model/forward") {
  TEST_CASE("GPT-2 with and without the transformer. prefix, every dtype") {
    for (const DT dt : {DT::f32, DT::f16, DT::bf16})
      for (const bool prefix : {false, true}) {
        TinySpec s;
        s.prefix = prefix, s.dtype = dt;
        check_model(s, kIds, std::string("gpt2 ") + dt_name(dt) + (prefix ? " transformer." : ""));
      }
  }

  TEST_CASE("GPT-2: scores / (layer + 1) with scale_attn_by_inverse_layer_idx; one token; sharded") {
    TinySpec s;
    s.inverse_layer_scale = true, s.layers = 3;
    check_model(s, kIds, "gpt2 inverse layer scale");
    check_model(s, {7}, "gpt2 one token");
    s.shards = 3;
    check_model(s, kIds, "gpt2 in three shards");
  }

  TEST_CASE("GPT-2: F32 data off a float boundary is copied, and still right") {
    TinySpec s;
    s.misalign = 2;
    check_model(s, kIds, "gpt2 misaligned F32");
  }

  TEST_CASE("Llama: grouped-query heads, llama3 RoPE scaling, tied and untied output, every dtype") {
    for (const DT dt : {DT::f32, DT::f16, DT::bf16}) {
      TinySpec s;
      s.model_type = "llama", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.llama3 = true;
      s.dtype = dt;
      check_model(s, kIds, std::string("llama GQA llama3 ") + dt_name(dt));
      s.tied = true, s.llama3 = false, s.kv_heads = 1, s.attention_bias = true;
      check_model(s, kIds, std::string("llama MQA tied with attention_bias ") + dt_name(dt));
    }
  }

  TEST_CASE("Llama: head_dim apart from hidden / heads, in shards") {
    TinySpec s;
    s.model_type = "llama", s.hidden = 24, s.heads = 4, s.kv_heads = 2, s.head_dim = 10, s.shards = 2;
    check_model(s, kIds, "llama head_dim 10, hidden 24");
  }

  TEST_CASE("Qwen2: q, k and v biases; a sliding window from max_window_layers on") {
    TinySpec s;
    s.model_type = "qwen2", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.rope_theta = 1e6;
    check_model(s, kIds, "qwen2");
    s.window = 4, s.max_window_layers = 1, s.dtype = DT::bf16;
    check_model(s, kIds, "qwen2 window 4 from layer 1");
  }

  TEST_CASE("Mistral: a sliding window in every layer") {
    TinySpec s;
    s.model_type = "mistral", s.hidden = 32, s.heads = 4, s.kv_heads = 1, s.intermediate = 40, s.window = 3;
    s.dtype = DT::f16, s.shards = 2;
    check_model(s, kIds, "mistral window 3");
  }

  TEST_CASE("a layer as the lab's problem: heads, KV heads, mask and scale are the model's") {
    const cli_test::TempDir dir;
    TinySpec s;
    s.model_type = "mistral", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.window = 3;
    write_tiny_model(make_tiny_model(s), dir.path());
    const Model model = load_model(dir.path());
    const ForwardPass pass = forward(model, {1, 2, 3, 4, 5});
    const HeadsProblem p = layer_problem(model.config, pass, 1, {"a", "b", "c", "d", "e"});
    CHECK(p.heads() == 4);
    CHECK(p.kv_heads() == 2);
    CHECK(p.q.front().rows() == 5);
    CHECK(p.q.front().cols() == 8);
    CHECK(p.mask.text() == "window:3");
    CHECK(p.scale.kind == ScaleSpec::Kind::sqrt);
    CHECK(p.key_tokens[4] == "e");
    // Head 3 of Q is columns 24..31 of the layer's model-width Q; KV head 1 columns 8..15 of K.
    CHECK(p.q[3] == pass.layers[1].q.middleCols(24, 8));
    CHECK(p.k[1] == pass.layers[1].k.middleCols(8, 8));
    CHECK_THROWS_WITH_AS(layer_problem(model.config, pass, 2, {}), doctest::Contains("0 to 1"), InputError);

    TinySpec g;
    g.inverse_layer_scale = true;
    const cli_test::TempDir gdir;
    write_tiny_model(make_tiny_model(g), gdir.path());
    const Model gpt2 = load_model(gdir.path());
    const ForwardPass gpass = forward(gpt2, {1, 2});
    CHECK(layer_problem(gpt2.config, gpass, 0, {"a", "b"}).scale.kind == ScaleSpec::Kind::sqrt);
    const ScaleSpec second = layer_problem(gpt2.config, gpass, 1, {"a", "b"}).scale;
    CHECK(second.kind == ScaleSpec::Kind::value);
    CHECK(second.value == doctest::Approx(1 / (2 * std::sqrt(4.0))));
    CHECK(layer_problem(gpt2.config, gpass, 1, {"a", "b"}).mask.text() == "causal");
  }

  TEST_CASE("the next tokens: softmax of the logits in float64, most probable first") {
    Eigen::VectorXf logits(5);
    logits << 1.0f, 3.0f, -2.0f, 3.0f, 0.5f;
    const auto top = top_next_tokens(logits, 3);
    REQUIRE(top.size() == 3);
    double total = 0;
    for (float z : {1.0f, 3.0f, -2.0f, 3.0f, 0.5f}) total += std::exp(double(z));
    CHECK(top[0].id == 1);  // equal logits: the lower id first
    CHECK(top[1].id == 3);
    CHECK(top[2].id == 0);
    CHECK(top[0].probability == doctest::Approx(std::exp(3.0) / total).epsilon(1e-12));
    CHECK(top[2].probability == doctest::Approx(std::exp(1.0) / total).epsilon(1e-12));
    CHECK(top_next_tokens(logits, 10).size() == 5);
  }
}
