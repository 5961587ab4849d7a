// config.json: every architecture's fields as transformers reads them, and every mistake refused
// with the file and the field named.
#include <doctest/doctest.h>

#include "core/model/config.hpp"
#include "core/model/rope.hpp"

using namespace attnlab;

namespace {

ModelConfig parse(const std::string& json) {
  return parse_config(json, "dir/config.json");
}

void check_refused(const std::string& json, const std::vector<std::string>& mentions) {
  std::string message;
  try {
    parse(json);
  } catch (const InputError& e) {
    message = e.what();
  }
  CAPTURE(json);
  CAPTURE(message);
  REQUIRE(!message.empty());
  CHECK(message.rfind("dir/config.json: ", 0) == 0);
  for (const auto& m : mentions) CHECK_MESSAGE(message.find(m) != std::string::npos, "missing: " << m);
}

const std::string kGpt2 =
    R"({"model_type": "gpt2", "vocab_size": 50257, "n_embd": 768, "n_layer": 12, "n_head": 12,
        "n_positions": 1024, "n_inner": null, "layer_norm_epsilon": 1e-05)";
const std::string kLlama =
    R"({"model_type": "llama", "vocab_size": 49152, "hidden_size": 576, "num_hidden_layers": 30,
        "num_attention_heads": 9, "num_key_value_heads": 3, "intermediate_size": 1536,
        "max_position_embeddings": 8192, "rms_norm_eps": 1e-05, "rope_theta": 100000,
        "tie_word_embeddings": true)";

}  // namespace

TEST_SUITE("model/config") {
  TEST_CASE("GPT-2's fields, with transformers' defaults for what is absent or null") {
    const ModelConfig c = parse(kGpt2 + "}");
    CHECK(c.architecture == Architecture::gpt2);
    CHECK(c.vocab == 50257);
    CHECK(c.hidden == 768);
    CHECK(c.layers == 12);
    CHECK(c.heads == 12);
    CHECK(c.kv_heads == 12);
    CHECK(c.head_dim == 64);
    CHECK(c.intermediate == 3072);  // n_inner null: 4 · n_embd
    CHECK(c.positions == 1024);
    CHECK(c.norm_eps == 1e-5);
    CHECK(c.tied);
    CHECK(c.qkv_bias);
    CHECK_FALSE(c.scale_by_inverse_layer);
    CHECK(parse(kGpt2 + R"(, "scale_attn_by_inverse_layer_idx": true, "n_inner": 100})").intermediate == 100);
    CHECK(parse(R"({"model_type": "gpt2", "vocab_size": 5, "n_embd": 4, "n_layer": 1, "n_head": 2, "n_ctx": 9})")
              .positions == 9);
  }

  TEST_CASE("Llama's fields: GQA, head_dim, tied embeddings, rope_theta, sliding windows by model type") {
    const ModelConfig c = parse(kLlama + "}");
    CHECK(c.architecture == Architecture::llama);
    CHECK(c.heads == 9);
    CHECK(c.kv_heads == 3);
    CHECK(c.head_dim == 64);
    CHECK(c.tied);
    CHECK_FALSE(c.qkv_bias);
    CHECK(c.rope_theta == 100000);
    CHECK_FALSE(c.rope_scaling);
    CHECK(parse(kLlama + R"(, "head_dim": 32})").head_dim == 32);
    CHECK(parse(kLlama + R"(, "rope_parameters": {"rope_theta": 500000.0, "rope_type": "default"}})").rope_theta ==
          500000);
    CHECK(parse(kLlama + R"(, "attention_bias": true})").output_bias);
    // Llama has no window; Mistral's slides every layer; Qwen2's only with use_sliding_window.
    CHECK_FALSE(parse(kLlama + R"(, "sliding_window": 4})").sliding_window);
    std::string mistral = kLlama;
    mistral.replace(mistral.find("llama"), 5, "mistral");
    const ModelConfig m = parse(mistral + R"(, "sliding_window": 4096})");
    CHECK(m.slides(0));
    CHECK(m.slides(29));
    CHECK(*m.sliding_window == 4096);
    CHECK_FALSE(parse(mistral + R"(, "sliding_window": null})").sliding_window);
    std::string qwen = kLlama;
    qwen.replace(qwen.find("llama"), 5, "qwen2");
    CHECK(parse(qwen + "}").qkv_bias);
    CHECK_FALSE(parse(qwen + "}").output_bias);
    CHECK_FALSE(parse(qwen + R"(, "sliding_window": 64, "use_sliding_window": false})").sliding_window);
    const ModelConfig q =
        parse(qwen + R"(, "sliding_window": 64, "use_sliding_window": true, "max_window_layers": 20})");
    CHECK_FALSE(q.slides(19));
    CHECK(q.slides(20));
    // Any whole number, as transformers compares it with each layer: 0 or less slides every layer.
    for (const char* first : {"0", "-3"}) {
      const ModelConfig all =
          parse(qwen + R"(, "sliding_window": 64, "use_sliding_window": true, "max_window_layers": )" + first + "}");
      CHECK(all.slides(0));
      CHECK(all.slides(29));
    }
    CHECK_FALSE(
        parse(qwen + R"(, "sliding_window": 64, "use_sliding_window": true, "max_window_layers": 99})").slides(29));
    check_refused(qwen + R"(, "sliding_window": 64, "use_sliding_window": true, "max_window_layers": 1.5})",
                  {"max_window_layers is 1.5, not a whole number"});
  }

  TEST_CASE("rope_scaling of type llama3, as transformers' _compute_llama3_parameters") {
    const ModelConfig c =
        parse(kLlama + R"(, "head_dim": 8, "rope_theta": 10000, "rope_scaling": {"rope_type": "llama3",
        "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}})");
    REQUIRE(c.rope_scaling);
    const std::vector<double> f = rope_inv_freq(c);
    REQUIRE(f.size() == 4);
    // Wavelengths 6.3 (kept: < 64/4), 62.8 (between 16 and 64: smoothed), 628 and 6283 (slowed by 8).
    CHECK(f[0] == doctest::Approx(1.0));
    const double smooth = (64 / (2 * M_PI / 0.1) - 1) / 3;
    CHECK(f[1] == doctest::Approx((1 - smooth) * 0.1 / 8 + smooth * 0.1));
    CHECK(f[2] == doctest::Approx(0.01 / 8));
    CHECK(f[3] == doctest::Approx(0.001 / 8));
    check_refused(kLlama + R"(, "rope_scaling": {"type": "llama3", "factor": 8.0}})",
                  {"rope_scaling", "low_freq_factor"});
    check_refused(kLlama + R"(, "rope_scaling": {"type": "yarn", "factor": 8.0}})", {"'yarn' is not supported"});
  }

  TEST_CASE("unsupported model types are named, with the supported ones listed") {
    check_refused(R"({"model_type": "bert"})", {"model_type 'bert' is not supported", "gpt2, llama, mistral, qwen2"});
    check_refused(R"({"vocab_size": 3})", {"no model_type", "gpt2, llama, mistral, qwen2"});
  }

  TEST_CASE("JSON that does not parse says where; fields missing or of the wrong kind are named") {
    check_refused(R"({"model_type": "gpt2",, })", {"(line 1, column 23)"});
    check_refused("{\n  \"model_type\": \"gpt2\",\n  oops\n}", {"(line 3, column 3)"});
    check_refused("[1]", {"not a JSON object"});
    check_refused(R"({"model_type": "gpt2", "vocab_size": 5, "n_embd": 4, "n_layer": 1, "n_head": 2})",
                  {"no n_positions"});
    check_refused(kGpt2 + R"(, "n_layer": 0})", {"n_layer is 0"});
    check_refused(kGpt2 + R"(, "n_head": "12"})", {"n_head is \"12\""});
    check_refused(kGpt2 + R"(, "n_head": 7})", {"n_embd 768 is not a multiple of n_head 7"});
    check_refused(kGpt2 + R"(, "layer_norm_epsilon": -1})", {"layer_norm_epsilon"});
    check_refused(kGpt2 + R"(, "activation_function": "relu"})", {"activation_function 'relu'"});
    check_refused(kGpt2 + R"(, "scale_attn_by_inverse_layer_idx": 1})", {"scale_attn_by_inverse_layer_idx"});
    check_refused(kLlama + R"(, "num_key_value_heads": 2})", {"num_key_value_heads 2 does not divide"});
    check_refused(kLlama + R"(, "head_dim": 7})", {"head_dim 7 is odd"});
    check_refused(kLlama + R"(, "hidden_act": "relu"})", {"hidden_act 'relu' is not supported"});
    check_refused(kLlama + R"(, "tie_word_embeddings": "yes"})", {"tie_word_embeddings"});
  }

  TEST_CASE("every size is checked against its limit before anything is sized by it: the key, the value, the range") {
    check_refused(kLlama + R"(, "num_hidden_layers": 1099511627776})",
                  {"num_hidden_layers 1099511627776 is out of range: 1 to 1024"});
    check_refused(kGpt2 + R"(, "n_layer": 1025})", {"n_layer 1025 is out of range: 1 to 1024"});
    check_refused(kLlama + R"(, "num_attention_heads": 4097, "num_key_value_heads": 1})",
                  {"num_attention_heads 4097 is out of range: 1 to 4096"});
    check_refused(kLlama + R"(, "vocab_size": 16777217})", {"vocab_size 16777217 is out of range: 1 to 16777216"});
    check_refused(kLlama + R"(, "intermediate_size": 1048577})", {"intermediate_size 1048577 is out of range"});
    check_refused(kLlama + R"(, "max_position_embeddings": 1073741825})", {"max_position_embeddings 1073741825"});
    // Each size within its range, their product not: 9 heads × 131072 would be a layer 1179648 wide.
    check_refused(kLlama + R"(, "head_dim": 131072})",
                  {"num_attention_heads 9 × head_dim 131072 = 1179648 is more than the 1048576"});
    // GPT-2's default MLP, 4 × n_embd, is checked as well.
    check_refused(R"({"model_type": "gpt2", "vocab_size": 5, "n_embd": 524288, "n_layer": 1, "n_head": 2,
                      "n_positions": 9})",
                  {"n_inner (4 × n_embd) 2097152 is out of range"});
    // The largest real models are within every limit.
    const ModelConfig big =
        parse(R"({"model_type": "llama", "vocab_size": 262144, "hidden_size": 16384, "num_hidden_layers": 126,
                  "num_attention_heads": 128, "num_key_value_heads": 8, "intermediate_size": 53248,
                  "max_position_embeddings": 10485760})");
    CHECK(big.head_dim == 128);
  }
}
