// families.md's architectures through the real binary: compute --model --dump on tiny checkpoints
// against the float64 reference (reference_families.hpp) — q and k after their norm and RoPE, v,
// every head's weights with the layer's own mask, scale and soft-cap (capped.npy too), the ten next
// tokens — at most 1e-4 apart;
// and every refusal families.md names, exit 2 with one line and nothing written.
#include <doctest/doctest.h>

#include "tests/app/model_dump_checks.hpp"
#include "tests/cli_refused.hpp"
#include "tests/model/reference_families.hpp"

using namespace cli_test;
using namespace model_test;

namespace {

const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12};

std::string join_ids(const std::vector<long>& ids) {
  std::string s;
  for (long id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

// Every layer of the tiny model dumped and checked against the reference; `extra` options on each run.
void check_dumps(const TinySpec& spec, const std::string& what, const std::vector<std::string>& extra = {}) {
  CAPTURE(what);
  const TempDir work;
  const TinyModel tiny = make_tiny_model(spec);
  write_tiny_model(tiny, work / "model");
  const RefForward ref = reference_family_forward(tiny, kIds);
  const long H = spec.heads, G = spec.model_type == "gpt_neox" ? spec.heads : spec.kv_heads;
  const long hd = spec.head_dim ? spec.head_dim : spec.hidden / spec.heads;
  for (long l = 0; l < spec.layers; ++l) {
    CAPTURE(l);
    const fs::path out = work / ("layer" + std::to_string(l));
    std::vector<std::string> args{"compute",         "--model",      (work / "model").string(),
                                  "--token-ids",     join_ids(kIds), "--layer",
                                  std::to_string(l), "--backend",    "cpu",
                                  "--dump",          out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = run_attnlab(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const RefLayer& layer = ref.layers[static_cast<std::size_t>(l)];
    std::vector<Rows> q, k, v, weights;
    for (long h = 0; h < H; ++h) q.push_back(head_of(layer.q, h, hd));
    for (long g = 0; g < G; ++g) k.push_back(head_of(layer.k, g, hd)), v.push_back(head_of(layer.v, g, hd));
    check_stack(out / "q.npy", q, 1e-4);
    check_stack(out / "k.npy", k, 1e-4);
    check_stack(out / "v.npy", v, 1e-4);
    std::vector<Rows> capped;
    for (long h = 0; h < H; ++h) {
      weights.push_back(ref_weights(
          q[h], k[h / (H / G)], layer.scale,
          [&](std::size_t i, std::size_t j) {
            return j <= i && (!layer.window || static_cast<long>(i) - *layer.window < static_cast<long>(j));
          },
          layer.softcap));
      capped.push_back(ref_capped(q[h], k[h / (H / G)], layer.scale, layer.softcap));
    }
    check_stack(out / "weights.npy", weights, 1e-4);
    // The soft-cap is a stage of its own, as the lab's --softcap makes it: capped.npy, only with a cap.
    CHECK(fs::exists(out / "capped.npy") == layer.softcap.has_value());
    if (layer.softcap) check_stack(out / "capped.npy", capped, 1e-4);
    // QK-norm's two sides, per head, where the layer has one (before RoPE: q.npy and k.npy are after it).
    const bool qk_norm = !layer.q_before_norm.empty();
    for (const char* name : {"q_before_norm.npy", "q_after_norm.npy", "k_before_norm.npy", "k_after_norm.npy"})
      CHECK_MESSAGE(fs::exists(out / name) == qk_norm, name);
    if (qk_norm) {
      const auto heads = [&](const Rows& x, long count) {
        std::vector<Rows> split;
        for (long h = 0; h < count; ++h) split.push_back(head_of(x, h, hd));
        return split;
      };
      check_stack(out / "q_before_norm.npy", heads(layer.q_before_norm, H), 1e-4);
      check_stack(out / "q_after_norm.npy", heads(layer.q_after_norm, H), 1e-4);
      check_stack(out / "k_before_norm.npy", heads(layer.k_before_norm, G), 1e-4);
      check_stack(out / "k_after_norm.npy", heads(layer.k_after_norm, G), 1e-4);
    }
    check_next_tokens(out / "next.csv", ref.logits);
  }
}

// A config.json refused by compute: exit 2, one line naming `parts`, no dump written.
void check_config_refused(const TinySpec& spec, const std::string& config, const std::vector<std::string>& parts) {
  const TempDir work;
  write_tiny_model(make_tiny_model(spec), work / "model");
  write_all(work / "model" / "config.json", config);
  check_refused({"compute", "--model", (work / "model").string(), "--token-ids", "1,2", "--backend", "cpu", "--dump",
                 (work / "out").string()},
                parts);
  CHECK_FALSE(fs::exists(work / "out"));
}

}  // namespace

TEST_SUITE("cli/families") {
  TEST_CASE("qwen3: every layer's dumps against the reference") {
    TinySpec s;
    s.model_type = "qwen3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 12, s.intermediate = 40;
    s.window = 4, s.max_window_layers = 1;
    check_dumps(s, "qwen3");
  }

  TEST_CASE("an unsupported model_type lists every supported one") {
    TinySpec s;
    check_config_refused(s, R"({"model_type": "gemma3"})",
                         {"config.json", "model_type 'gemma3' is not supported", "gpt2", "llama", "mistral", "qwen2",
                          "qwen3", "gemma", "gemma2", "gemma3_text", "olmo2", "gpt_neox", "phi3", "smollm3"});
  }

  TEST_CASE("qwen3's refusals: a q_norm of the wrong size, head_dim odd") {
    TinySpec s;
    s.model_type = "qwen3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 12, s.intermediate = 40;
    TinyModel m = make_tiny_model(s);
    for (auto& [name, t] : m.tensors)
      if (name == "model.layers.1.self_attn.k_norm.weight") t.shape = {6}, t.values.resize(6);
    const TempDir work;
    write_tiny_model(m, work / "model");
    check_refused({"compute", "--model", (work / "model").string(), "--token-ids", "1,2", "--backend", "cpu",
                   "--dump", (work / "out").string()},
                  {"model.layers.1.self_attn.k_norm.weight", "[6]", "[12]"});
    CHECK_FALSE(fs::exists(work / "out"));
    nlohmann::ordered_json c = tiny_config(s);
    c["head_dim"] = 7;
    check_config_refused(s, c.dump(), {"config.json", "head_dim 7 is odd"});
  }

  TEST_CASE("gemma3_text: every layer's dumps, sliding and global, against the reference") {
    TinySpec s;
    s.model_type = "gemma3_text", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 8, s.intermediate = 40;
    s.layers = 3, s.tied = true, s.window = 3, s.sliding_pattern = 3, s.rope_local_theta = 10;
    s.query_pre_attn_scalar = 12, s.dtype = DT::bf16;
    check_dumps(s, "gemma3_text");
  }

  TEST_CASE("gemma3_text: a non-null attn_logit_softcapping is the capped stage, against the reference") {
    TinySpec s;
    s.model_type = "gemma3_text", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 8, s.intermediate = 40;
    s.layers = 2, s.tied = true, s.window = 3, s.sliding_pattern = 2, s.rope_local_theta = 10;
    s.query_pre_attn_scalar = 12, s.attn_softcap = 1.5;
    check_dumps(s, "gemma3_text with attn_logit_softcapping");
  }

  TEST_CASE("gemma3_text's refusals: a sliding_window_pattern of 0, a bad hidden_activation") {
    TinySpec s;
    s.model_type = "gemma3_text", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.head_dim = 8, s.intermediate = 40;
    s.tied = true, s.window = 3;
    nlohmann::ordered_json c = tiny_config(s);
    c["sliding_window_pattern"] = 0;
    check_config_refused(s, c.dump(), {"config.json", "sliding_window_pattern is 0"});
    c.erase("sliding_window_pattern");
    c["hidden_activation"] = "relu";
    check_config_refused(s, c.dump(), {"config.json", "hidden_activation 'relu' is not supported"});
  }

  TEST_CASE("gemma2: every layer's dumps, sliding and global, the soft-capped scores as capped.npy") {
    TinySpec s = tiny_gemma2();
    s.dtype = DT::bf16;
    check_dumps(s, "gemma2");
    s.attn_softcap.reset(), s.final_softcap.reset(), s.dtype = DT::f32;
    check_dumps(s, "gemma2 with null soft-caps: no capped stage");
  }

  TEST_CASE("gemma2: --softcap replaces the model's own cap, as --mask and --scale replace theirs") {
    TinySpec s = tiny_gemma2();
    s.layers = 2, s.final_softcap.reset();
    const TempDir work;
    write_tiny_model(make_tiny_model(s), work / "model");
    const RunResult r = run_attnlab({"compute", "--model", (work / "model").string(), "--token-ids", join_ids(kIds),
                                     "--softcap", "0.75", "--backend", "cpu", "--dump", (work / "out").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const attnlab::Array scaled = attnlab::parse_npy(read_all(work / "out" / "scaled.npy"), "scaled.npy");
    const attnlab::Array capped = attnlab::parse_npy(read_all(work / "out" / "capped.npy"), "capped.npy");
    REQUIRE(capped.data.size() == scaled.data.size());
    for (std::size_t n = 0; n < capped.data.size(); ++n)
      CHECK(capped.data[n] == doctest::Approx(0.75 * std::tanh(scaled.data[n] / 0.75)).epsilon(1e-6).scale(1e-6));
  }

  TEST_CASE("gemma2: export's title names the model's soft-cap, and --stage capped draws it") {
    TinySpec s = tiny_gemma2();
    s.layers = 2, s.final_softcap.reset();
    const TempDir work;
    write_tiny_model(make_tiny_model(s), work / "model");
    for (const char* stage : {"capped", "weights"}) {
      CAPTURE(stage);
      const fs::path svg = work / (std::string(stage) + ".svg");
      const RunResult r = run_attnlab({"export", "--model", (work / "model").string(), "--token-ids", join_ids(kIds),
                                       "--layer", "1", "--head", "2", "--stage", stage, "--out", svg.string()});
      INFO(r.err);
      REQUIRE(r.status == 0);
      const std::string text = read_all(svg);
      CHECK(text.find("soft-cap 1.5") != std::string::npos);
      CHECK(text.find("1.5\u00b7tanh(") != std::string::npos);
    }
  }

  TEST_CASE("gemma2's refusals: bad soft-caps, a null sliding_window, bidirectional attention, a missing norm") {
    TinySpec s = tiny_gemma2();
    s.layers = 2, s.attn_softcap = 50;
    nlohmann::ordered_json c = tiny_config(s);
    c["attn_logit_softcapping"] = -1;
    check_config_refused(s, c.dump(), {"config.json", "attn_logit_softcapping is -1, not a number > 0"});
    c["attn_logit_softcapping"] = "50";
    check_config_refused(s, c.dump(), {"config.json", "attn_logit_softcapping is \"50\", not a number > 0"});
    c["attn_logit_softcapping"] = 1e31;
    check_config_refused(s, c.dump(), {"config.json", "attn_logit_softcapping 1e+31 is out of range"});
    c["attn_logit_softcapping"] = 50, c["final_logit_softcapping"] = 0;
    check_config_refused(s, c.dump(), {"config.json", "final_logit_softcapping is 0, not a number > 0"});
    c["final_logit_softcapping"] = 30, c["sliding_window"] = nullptr;
    check_config_refused(s, c.dump(), {"config.json", "sliding_window is null", "gemma2"});
    c["sliding_window"] = 3, c["use_bidirectional_attention"] = true;
    check_config_refused(s, c.dump(), {"config.json", "use_bidirectional_attention true is not supported"});
    c.erase("use_bidirectional_attention"), c["layer_types"] = {"sliding_attention"};
    check_config_refused(s, c.dump(), {"config.json", "layer_types is not a list of 2"});
    TinyModel m = make_tiny_model(s);
    std::erase_if(m.tensors,
                  [](const auto& t) { return t.first == "model.layers.1.pre_feedforward_layernorm.weight"; });
    const TempDir work;
    write_tiny_model(m, work / "model");
    check_refused({"compute", "--model", (work / "model").string(), "--token-ids", "1,2", "--backend", "cpu", "--dump",
                   (work / "out").string()},
                  {"model.layers.1.pre_feedforward_layernorm.weight"});
    CHECK_FALSE(fs::exists(work / "out"));
  }

  TEST_CASE("olmo2: every layer's dumps against the reference; a q_norm of one head's size refused") {
    TinySpec s;
    s.model_type = "olmo2", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40;
    check_dumps(s, "olmo2");
    TinyModel m = make_tiny_model(s);
    for (auto& [name, t] : m.tensors)
      if (name == "model.layers.0.self_attn.q_norm.weight") t.shape = {8}, t.values.resize(8);
    const TempDir work;
    write_tiny_model(m, work / "model");
    check_refused({"compute", "--model", (work / "model").string(), "--token-ids", "1,2", "--backend", "cpu",
                   "--dump", (work / "out").string()},
                  {"model.layers.0.self_attn.q_norm.weight", "[8]", "[32]"});
    CHECK_FALSE(fs::exists(work / "out"));
  }

  TEST_CASE("gpt_neox: every layer's dumps against the reference; rotary_pct that leaves no pair refused") {
    TinySpec s;
    s.model_type = "gpt_neox", s.hidden = 32, s.heads = 2, s.intermediate = 48, s.rotary = 0.25;
    check_dumps(s, "gpt_neox");
    nlohmann::ordered_json c = tiny_config(s);
    c["rotary_pct"] = 0.05;
    check_config_refused(s, c.dump(), {"config.json", "rotary_pct 0.05", "0 rotary dimensions"});
    c["rotary_pct"] = 1.5;
    check_config_refused(s, c.dump(), {"config.json", "rotary_pct 1.5 is more than 1"});
    c["rotary_pct"] = 0.25, c["hidden_act"] = "relu";
    check_config_refused(s, c.dump(), {"config.json", "hidden_act 'relu' is not supported"});
  }

  TEST_CASE("phi3: every layer's dumps against the reference (longrope's long factors, a window)") {
    TinySpec s;
    s.model_type = "phi3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.rotary = 0.75;
    s.longrope = true, s.window = 5, s.dtype = DT::bf16;
    check_dumps(s, "phi3");
  }

  TEST_CASE("phi3's refusals: longrope factors of the wrong count, a factor not a number, no long_factor") {
    TinySpec s;
    s.model_type = "phi3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.rotary = 0.75;
    s.longrope = true;
    nlohmann::ordered_json c = tiny_config(s);
    c["rope_scaling"]["short_factor"] = {1.0, 2.0};
    check_config_refused(s, c.dump(), {"config.json", "short_factor has 2 factors", "(3)"});
    c["rope_scaling"]["short_factor"] = {1.0, "x", 2.0};
    check_config_refused(s, c.dump(), {"config.json", "short_factor holds \"x\""});
    c["rope_scaling"]["short_factor"] = {1.0, 2.0, 3.0};
    c["rope_scaling"].erase("long_factor");
    check_config_refused(s, c.dump(), {"config.json", "longrope has no list long_factor"});
    c = tiny_config(s);
    c["partial_rotary_factor"] = 0.1;
    check_config_refused(s, c.dump(), {"config.json", "partial_rotary_factor 0.1", "0 rotary dimensions"});
    c["partial_rotary_factor"] = 0.75, c["rope_scaling"]["type"] = "yarn";
    check_config_refused(s, c.dump(), {"config.json", "'yarn' is not supported"});
  }

  TEST_CASE("smollm3: every layer's dumps against the reference (a NoPE layer that slides); a bad no_rope_layers") {
    TinySpec s;
    s.model_type = "smollm3", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.layers = 3;
    s.tied = true, s.no_rope_layers = {1, 0, 1}, s.window = 4;
    check_dumps(s, "smollm3");
    nlohmann::ordered_json c = tiny_config(s);
    c["no_rope_layers"] = {1, 0};
    check_config_refused(s, c.dump(), {"config.json", "no_rope_layers is not a list of 3"});
    c["no_rope_layers"] = {1, 2, 1};
    check_config_refused(s, c.dump(), {"config.json", "no_rope_layers[1] is 2, not 0 or 1"});
  }
}
