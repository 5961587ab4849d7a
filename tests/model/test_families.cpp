// families.md's architectures against their float64 reference (reference_families.hpp) on tiny
// checkpoints the tests write: F32 in one file, a 16-bit dtype in shards. Every layer's q and k
// after their norm and RoPE, v, and the last position's logits, at most 1e-4·(1 + |x|) apart.
#include <doctest/doctest.h>

#include "core/model/forward.hpp"
#include "core/model/qk_norm.hpp"
#include "core/model/rope.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/model/worst_error.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

constexpr double kTol = 1e-4;

double worst_of(const Matrix& got, const Rows& want) {
  return model_test::worst_of(got, want, kTol);
}

const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12, 3, 17};

// Layer ℓ's QK-norm as the lab shows it (qk_norm.hpp), each head of q and k before and after the
// norm, against the reference's; nothing for a layer without one.
void check_qk_norm(const Model& model, const ForwardPass& pass, Index l, const RefLayer& ref) {
  const QKNormStages stages = qk_norm_stages(model, pass, l);
  CHECK(has_qk_norm(model, l) == !ref.q_before_norm.empty());
  if (ref.q_before_norm.empty()) {
    CHECK(stages.q_before.empty());
    return;
  }
  const ModelConfig& c = model.config;
  const auto joined = [](const std::vector<Matrix>& heads) {
    Matrix all(heads.front().rows(), heads.front().cols() * static_cast<Index>(heads.size()));
    for (std::size_t h = 0; h < heads.size(); ++h)
      all.middleCols(static_cast<Index>(h) * heads[h].cols(), heads[h].cols()) = heads[h];
    return all;
  };
  REQUIRE(stages.q_before.size() == static_cast<std::size_t>(c.heads));
  REQUIRE(stages.k_after.size() == static_cast<std::size_t>(c.kv_heads));
  CHECK_MESSAGE(worst_of(joined(stages.q_before), ref.q_before_norm) <= 1, "q before the norm");
  CHECK_MESSAGE(worst_of(joined(stages.q_after), ref.q_after_norm) <= 1, "q after the norm");
  CHECK_MESSAGE(worst_of(joined(stages.k_before), ref.k_before_norm) <= 1, "k before the norm");
  CHECK_MESSAGE(worst_of(joined(stages.k_after), ref.k_after_norm) <= 1, "k after the norm");
  // One token's row, as the window's stepper shows it: the same numbers.
  const Index last = pass.layers[static_cast<std::size_t>(l)].q.rows() - 1;
  const NormedRow row = qk_norm_row(model, pass, l, QKSide::key, c.kv_heads - 1, last);
  CHECK(row.before == stages.k_before.back().row(last));
  CHECK(row.after == stages.k_after.back().row(last));
}

// Writes the tiny model, loads it, and compares both forward passes: everything kept, every layer.
void check_family(TinySpec spec, const std::string& what, const std::vector<long>& ids = kIds) {
  for (const auto& [dtype, shards] : {std::pair{DT::f32, 1}, std::pair{spec.dtype, 3}}) {
    spec.dtype = dtype, spec.shards = shards;
    const std::string name = what + " " + dt_name(dtype) + (shards > 1 ? " in 3 shards" : "");
    CAPTURE(name);
    const cli_test::TempDir dir;
    const TinyModel tiny = make_tiny_model(spec);
    write_tiny_model(tiny, dir.path());
    const Model model = load_model(dir.path());
    const ForwardPass pass = forward(model, std::vector<std::int64_t>(ids.begin(), ids.end()));
    const RefForward ref = reference_family_forward(tiny, ids);
    REQUIRE(pass.layers.size() == ref.layers.size());
    for (std::size_t l = 0; l < ref.layers.size(); ++l) {
      CAPTURE(l);
      CHECK_MESSAGE(worst_of(pass.layers[l].q, ref.layers[l].q) <= 1, "Q");
      CHECK_MESSAGE(worst_of(pass.layers[l].k, ref.layers[l].k) <= 1, "K");
      CHECK_MESSAGE(worst_of(pass.layers[l].v, ref.layers[l].v) <= 1, "V");
      check_qk_norm(model, pass, static_cast<Index>(l), ref.layers[l]);
    }
    const Matrix logits = pass.logits.transpose();
    CHECK_MESSAGE(worst_of(logits, Rows{ref.logits}) <= 1, "logits");
  }
}

// Heads knocked out (heads.md) in a family's pass, zero and mean: the pass run with them from the
// start and the one resumed from an intact pass's inputs, both against the reference with the same
// heads replaced; the knock-out moves the logits far beyond the tolerance, so the check can fail.
void check_knockout(const TinySpec& spec, const std::vector<std::pair<long, long>>& heads, const std::string& what) {
  const cli_test::TempDir dir;
  const TinyModel tiny = make_tiny_model(spec);
  write_tiny_model(tiny, dir.path());
  const Model model = load_model(dir.path());
  const std::vector<std::int64_t> ids(kIds.begin(), kIds.end());
  std::string list;
  for (const auto& [l, h] : heads) list += (list.empty() ? "" : ",") + std::to_string(l) + "." + std::to_string(h);
  const ForwardPass before = forward(model, ids, {}, {{}, true});
  for (const bool mean : {false, true}) {
    CAPTURE(what);
    CAPTURE(mean);
    const Ablation ablation = parse_ablation(list, mean ? "mean" : "zero");
    const RefForward ref = reference_family_forward(tiny, kIds, RefAblation{heads, mean});
    const ForwardPass direct = forward(model, ids, {}, {ablation, false});
    const ForwardPass resumed = ablated_forward(model, before, ablation);
    for (const ForwardPass* pass : {&direct, &resumed}) {
      for (std::size_t l = 0; l < ref.layers.size(); ++l) {
        CAPTURE(l);
        CHECK_MESSAGE(worst_of(pass->layers[l].q, ref.layers[l].q) <= 1, "Q");
        CHECK_MESSAGE(worst_of(pass->layers[l].v, ref.layers[l].v) <= 1, "V");
      }
      CHECK_MESSAGE(worst_of(Matrix(pass->logits.transpose()), Rows{ref.logits}) <= 1, "logits");
    }
    CHECK(worst_of(Matrix(direct.logits.transpose()), Rows{reference_family_forward(tiny, kIds).logits}) > 100);
  }
}

ModelConfig parse(const std::string& json) {
  return parse_config(json, "config.json");
}

}  // namespace

TEST_SUITE("model/families") {
  TEST_CASE("qwen3: QK-norm on each head before RoPE, head_dim apart from hidden / heads, GQA") {
    TinySpec s;
    s.model_type = "qwen3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 12, s.intermediate = 40;
    s.rope_theta = 1e6, s.dtype = DT::bf16;
    check_family(s, "qwen3");
    s.tied = true, s.attention_bias = true, s.window = 4, s.max_window_layers = 1, s.dtype = DT::f16;
    check_family(s, "qwen3 tied, attention_bias, a window from layer 1");
  }

  TEST_CASE("qwen3's config: head_dim 128 when absent, no biases unless attention_bias, a window only with "
            "use_sliding_window") {
    const std::string base = R"({"model_type": "qwen3", "vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 4,
        "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 32)";
    const ModelConfig c = parse(base + "}");
    CHECK(c.architecture == Architecture::qwen3);
    CHECK(c.head_dim == 128);
    CHECK_FALSE(c.qkv_bias);
    CHECK_FALSE(c.tied);
    CHECK_FALSE(parse(base + R"(, "sliding_window": 4})").sliding_window);
    const ModelConfig w = parse(base + R"(, "sliding_window": 4, "use_sliding_window": true, "max_window_layers": 2})");
    CHECK(w.slides(2));
    CHECK_FALSE(w.slides(1));
  }
  TEST_CASE("gemma: (1 + w) norms, embeddings × √hidden, GeGLU with the tanh GELU, tied output") {
    TinySpec s;
    s.model_type = "gemma", s.hidden = 32, s.heads = 4, s.kv_heads = 1, s.head_dim = 16, s.intermediate = 40;
    s.tied = true, s.dtype = DT::bf16;
    check_family(s, "gemma");
  }

  TEST_CASE("gemma2: sandwich norms, soft-capped scores and logits, query_pre_attn_scalar, the even layers slide") {
    TinySpec s = tiny_gemma2();
    s.dtype = DT::bf16;
    check_family(s, "gemma2 even layers slide");
    s.layer_types = {"full_attention", "sliding_attention", "sliding_attention"}, s.final_softcap.reset();
    s.tied = false, s.dtype = DT::f16;
    check_family(s, "gemma2 layer_types, no final soft-cap, lm_head");
  }

  TEST_CASE("gemma2's soft-caps change the pass here: the reference without either is far from it") {
    const TinySpec s = tiny_gemma2();
    const cli_test::TempDir dir;
    const TinyModel tiny = make_tiny_model(s);
    write_tiny_model(tiny, dir.path());
    const ForwardPass pass = forward(load_model(dir.path()), std::vector<std::int64_t>(kIds.begin(), kIds.end()));
    const Matrix logits = pass.logits.transpose();
    CHECK(worst_of(logits, Rows{reference_family_forward(tiny, kIds).logits}) <= 1);
    for (const char* key : {"attn_logit_softcapping", "final_logit_softcapping"}) {
      CAPTURE(key);
      TinyModel uncapped = tiny;
      uncapped.config[key] = nullptr;
      CHECK(worst_of(logits, Rows{reference_family_forward(uncapped, kIds).logits}) > 100);
    }
  }

  TEST_CASE("gemma3_text: sandwich norms, QK-norm (1 + w) before RoPE, sliding layers with their own θ") {
    TinySpec s;
    s.model_type = "gemma3_text", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 8, s.intermediate = 40;
    s.layers = 3, s.tied = true, s.window = 3, s.sliding_pattern = 3, s.rope_theta = 1e6, s.rope_local_theta = 10;
    s.query_pre_attn_scalar = 12, s.dtype = DT::bf16;
    check_family(s, "gemma3_text pattern 3");
    s.sliding_pattern = 0, s.layer_types = {"full_attention", "sliding_attention", "full_attention"};
    s.final_softcap = 0.5, s.dtype = DT::f16;
    check_family(s, "gemma3_text layer_types, final soft-cap");
    s.attn_softcap = 1.5;
    check_family(s, "gemma3_text with a soft-cap on the scores");
  }

  TEST_CASE("gemma's and gemma3_text's config: the defaults transformers gives") {
    const std::string base = R"({"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 13,
        "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 32)";
    const ModelConfig g = parse(R"({"model_type": "gemma", )" + base.substr(1) + "}");
    CHECK(g.head_dim == 256);
    CHECK(g.tied);
    CHECK(g.norm_offset == 1);
    CHECK(g.embed_scale == 8.0f);
    CHECK(g.activation == Activation::gelu_tanh);
    CHECK_FALSE(g.sliding_window);
    const ModelConfig c = parse(R"({"model_type": "gemma3_text", )" + base.substr(1) + "}");
    CHECK(c.architecture == Architecture::gemma3);
    CHECK(c.rope_theta == 1e6);
    CHECK(*c.rope_local_theta == 10000);
    CHECK(*c.query_pre_attn_scalar == 256);
    CHECK(*c.sliding_window == 4096);
    // Layer i is global when (i + 1) % 6 == 0: layers 5 and 11.
    for (Index l = 0; l < 13; ++l) CHECK(c.slides(l) == (l != 5 && l != 11));
    CHECK(attention_scale(c, 0) == doctest::Approx(1 / 16.0));
    const ModelConfig linear = parse(R"({"model_type": "gemma3_text", "rope_scaling": {"rope_type": "linear",
        "factor": 8.0}, )" + base.substr(1) + "}");
    CHECK(rope_inv_freq(linear)[1] == doctest::Approx(std::pow(1e6, -2.0 / 256) / 8));
    CHECK(rope_inv_freq(linear, 4, true)[1] == doctest::Approx(std::pow(1e4, -2.0 / 256)));
    CHECK_FALSE(c.attn_logit_softcap);
    CHECK_FALSE(c.final_logit_softcap);
    const ModelConfig capped =
        parse(R"({"model_type": "gemma3_text", "attn_logit_softcapping": 20, )" + base.substr(1) + "}");
    CHECK(*capped.attn_logit_softcap == 20);
    CHECK(*attention_shape(capped, 5).softcap == 20);
  }

  TEST_CASE("gemma2's config: soft-caps 50 and 30 when absent and none when null, the even layers slide") {
    const std::string base = R"({"model_type": "gemma2", "vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 13,
        "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 32)";
    const ModelConfig c = parse(base + "}");
    CHECK(c.architecture == Architecture::gemma2);
    CHECK(c.head_dim == 256);
    CHECK(c.tied);
    CHECK(c.norm_offset == 1);
    CHECK(c.embed_scale == 8.0f);
    CHECK(c.activation == Activation::gelu_tanh);
    CHECK(c.rope_theta == 10000);
    CHECK_FALSE(c.rope_local_theta);
    CHECK(*c.query_pre_attn_scalar == 256);
    CHECK(*c.attn_logit_softcap == 50);
    CHECK(*c.final_logit_softcap == 30);
    CHECK(*c.sliding_window == 4096);
    for (Index l = 0; l < 13; ++l) CHECK(c.slides(l) == (l % 2 == 0));
    CHECK(*attention_shape(c, 1).softcap == 50);
    CHECK_FALSE(attention_shape(c, 1).window);
    CHECK(*attention_shape(c, 2).window == 4096);
    const ModelConfig none = parse(base + R"(, "attn_logit_softcapping": null, "final_logit_softcapping": null,
        "query_pre_attn_scalar": 144})");
    CHECK_FALSE(none.attn_logit_softcap);
    CHECK_FALSE(none.final_logit_softcap);
    CHECK_FALSE(attention_shape(none, 0).softcap);
    CHECK(attention_scale(none, 0) == doctest::Approx(1 / 12.0));
  }
  TEST_CASE("olmo2: no input norm, norms on each output, QK-norm over the whole q and k") {
    TinySpec s;
    s.model_type = "olmo2", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.dtype = DT::bf16;
    check_family(s, "olmo2");
  }
  TEST_CASE("gpt_neox: per-head fused projection, RoPE on rotary_pct of each head, parallel residual") {
    TinySpec s;
    s.model_type = "gpt_neox", s.hidden = 32, s.heads = 2, s.intermediate = 48, s.rotary = 0.25, s.dtype = DT::f16;
    check_family(s, "gpt_neox rotary_pct 0.25");
    s.parallel_residual = false, s.rotary = 0.5, s.dtype = DT::bf16;
    check_family(s, "gpt_neox sequential residual, rotary_pct 0.5");
  }

  TEST_CASE("gpt_neox's config: rotary_pct 0.25, biases, the exact GELU, parallel residual by default") {
    const ModelConfig c = parse(R"({"model_type": "gpt_neox", "vocab_size": 10, "hidden_size": 64,
        "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 32})");
    CHECK(c.architecture == Architecture::gpt_neox);
    CHECK(c.rotary_dims == 8);
    CHECK(c.qkv_bias);
    CHECK(c.parallel_residual);
    CHECK(c.activation == Activation::gelu);
    CHECK_FALSE(c.tied);
    CHECK(rope_inv_freq(c).size() == 4);
    CHECK(rope_inv_freq(c)[1] == doctest::Approx(std::pow(1e4, -2.0 / 8)));
  }
  TEST_CASE("phi3: fused qkv_proj and gate_up_proj, partial_rotary_factor, longrope short and long") {
    TinySpec s;
    s.model_type = "phi3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.rotary = 0.75;
    s.longrope = true, s.window = 5, s.dtype = DT::bf16;
    check_family(s, "phi3 longrope, 12 tokens (long factors)");
    check_family(s, "phi3 longrope, 6 tokens (short factors)", {3, 17, 0, 40, 9, 9});
    s.longrope = false, s.rotary = 0.5, s.window.reset(), s.dtype = DT::f16;
    check_family(s, "phi3 plain RoPE on half of each head");
  }

  TEST_CASE("phi3's longrope: factors by the sequence's length, the attention factor from the context ratio") {
    const std::string base = R"({"model_type": "phi3", "vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 128,
        "original_max_position_embeddings": 16, "partial_rotary_factor": 0.25, )";
    const ModelConfig c = parse(base + R"("rope_scaling": {"type": "longrope", "short_factor": [1, 2, 3, 4],
        "long_factor": [5, 6, 7, 8]}})");
    REQUIRE(c.longrope);
    CHECK(c.rotary_dims == 8);
    CHECK(c.longrope->attention_factor == doctest::Approx(std::sqrt(1 + std::log(8.0) / std::log(16.0))));
    CHECK(rope_inv_freq(c, 16)[1] == doctest::Approx(std::pow(1e4, -2.0 / 8) / 2));
    CHECK(rope_inv_freq(c, 17)[1] == doctest::Approx(std::pow(1e4, -2.0 / 8) / 6));
    const ModelConfig given = parse(base + R"("rope_scaling": {"type": "longrope", "short_factor": [1, 2, 3, 4],
        "long_factor": [5, 6, 7, 8], "attention_factor": 1.5}})");
    CHECK(given.longrope->attention_factor == 1.5);
  }
  TEST_CASE("smollm3: the layers no_rope_layers marks 0 use no RoPE (and slide, with use_sliding_window)") {
    TinySpec s;
    s.model_type = "smollm3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.layers = 3;
    s.tied = true, s.no_rope_layers = {1, 0, 1}, s.window = 4, s.dtype = DT::bf16;
    check_family(s, "smollm3 NoPE in layer 1, which slides");
    s.no_rope_layers.clear(), s.no_rope_interval = 2, s.dtype = DT::f16;
    check_family(s, "smollm3 NoPE every 2nd layer");
  }

  TEST_CASE("every family: knocked-out heads, zero and mean, run from the start and resumed") {
    TinySpec s;
    s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.layers = 3;
    s.model_type = "qwen3", s.head_dim = 12;
    check_knockout(s, {{1, 3}, {2, 0}}, "qwen3");
    s.model_type = "gemma", s.head_dim = 16, s.tied = true;
    check_knockout(s, {{0, 1}, {2, 2}}, "gemma");
    s.model_type = "gemma3_text", s.head_dim = 8, s.window = 3, s.sliding_pattern = 2, s.rope_local_theta = 10;
    s.query_pre_attn_scalar = 12;
    check_knockout(s, {{0, 2}, {1, 1}}, "gemma3_text");
    s.model_type = "gemma2", s.attn_softcap = 1.5, s.final_softcap = 4;
    check_knockout(s, {{0, 1}, {2, 3}}, "gemma2");
    s = TinySpec{}, s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.layers = 3;
    s.model_type = "olmo2";
    check_knockout(s, {{1, 0}}, "olmo2");
    s.model_type = "phi3", s.rotary = 0.75, s.longrope = true, s.window = 5;
    check_knockout(s, {{0, 3}, {2, 1}}, "phi3");
    s.model_type = "smollm3", s.rotary = 1, s.longrope = false, s.tied = true, s.no_rope_layers = {1, 0, 1};
    s.window = 4;
    check_knockout(s, {{1, 2}, {2, 3}}, "smollm3");
    s = TinySpec{}, s.hidden = 32, s.heads = 2, s.intermediate = 48, s.layers = 3;
    s.model_type = "gpt_neox", s.rotary = 0.25;
    check_knockout(s, {{1, 1}}, "gpt_neox");
  }

  TEST_CASE("smollm3's config: NoPE every 4th layer without no_rope_layers, θ 2·10⁶, tied") {
    const ModelConfig c = parse(R"({"model_type": "smollm3", "vocab_size": 10, "hidden_size": 64,
        "num_hidden_layers": 8, "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 32})");
    for (Index l = 0; l < 8; ++l) CHECK(c.nope(l) == (l == 3 || l == 7));
    CHECK(c.rope_theta == 2e6);
    CHECK(c.tied);
  }
}
