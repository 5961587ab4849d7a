// A model folder loaded: the single file or the shards of an index, each weight found by name and
// its shape checked against config.json, F32 read in place from the mapping; and every mistake a
// folder can hold refused with the file and what is wrong.
#include <doctest/doctest.h>

#include "core/model/forward.hpp"
#include "core/model/model.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

using namespace attnlab;
using namespace model_test;
namespace fs = std::filesystem;

namespace {

std::string load_error(const fs::path& dir) {
  try {
    load_model(dir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void check_load_refused(const fs::path& dir, const std::vector<std::string>& mentions) {
  const std::string message = load_error(dir);
  CAPTURE(message);
  REQUIRE(!message.empty());
  for (const auto& m : mentions) CHECK_MESSAGE(message.find(m) != std::string::npos, "missing: " << m);
}

// A tiny GPT-2 with one tensor changed by `edit` before it is written.
template <class Edit>
void write_edited(const fs::path& dir, Edit edit, TinySpec spec = {}) {
  TinyModel m = make_tiny_model(spec);
  edit(m);
  write_tiny_model(m, dir);
}

}  // namespace

TEST_SUITE("model/loading") {
  TEST_CASE("F32 and 16-bit matrices are read in place from the mapping; misaligned F32 ones copied") {
    const cli_test::TempDir dir;
    write_tiny_model(make_tiny_model({}), dir.path());
    const Model m = load_model(dir.path());
    CHECK(m.embed.in_place());
    CHECK(m.layers[1].fc.in_place());
    CHECK(&m.output() == &m.embed);  // GPT-2's output head is its token embedding
    // Every weight but the attn.bias buffers: V·E + P·E + layers·(4E + 3E² + 3E + E² + E + 2E·M + M + E) + 2E.
    const Index E = 16, M = 24, V = 41, P = 24;
    CHECK(m.parameters == V * E + P * E + 2 * (4 * E + 3 * E * E + 3 * E + E * E + E + 2 * E * M + M + E) + 2 * E);

    const cli_test::TempDir half;
    TinySpec s;
    s.dtype = DT::f16;
    write_tiny_model(make_tiny_model(s), half.path());
    const Model h = load_model(half.path());
    CHECK(h.embed.in_place());
    CHECK(h.embed.sixteen_bit());
    CHECK_FALSE(h.layers[0].attn_norm.in_place());  // a norm is widened: the row-wise code reads floats
    const cli_test::TempDir off;
    s.dtype = DT::f32, s.misalign = 1;
    write_tiny_model(make_tiny_model(s), off.path());
    CHECK_FALSE(load_model(off.path()).embed.in_place());
  }

  TEST_CASE("a missing folder, config.json or weights file is named") {
    const cli_test::TempDir dir;
    check_load_refused(dir / "nowhere", {"model folder", "nowhere", "does not exist"});
    cli_test::write_all(dir / "file", "x");
    check_load_refused(dir / "file", {"is not a folder"});
    check_load_refused(dir.path(), {"config.json", "cannot read"});
    write_tiny_model(make_tiny_model({}), dir.path());
    fs::remove(dir / "model.safetensors");
    check_load_refused(dir.path(), {"no model.safetensors or model.safetensors.index.json"});
    cli_test::write_all(dir / "pytorch_model.bin", "x");
    check_load_refused(dir.path(), {"not pytorch_model.bin"});
  }

  TEST_CASE("a missing tensor, a shape apart from config.json (both shapes), an unsupported dtype") {
    const cli_test::TempDir a, b, c, d;
    write_edited(a.path(), [](TinyModel& m) { m.tensors.erase(m.tensors.begin() + 5); });
    check_load_refused(a.path(), {"model.safetensors", "no tensor 'h.0.attn.c_attn.bias'"});
    write_edited(b.path(), [](TinyModel& m) { m.config["n_inner"] = 25; });
    check_load_refused(b.path(), {"tensor 'h.0.mlp.c_fc.weight' has shape [16, 24]", "config.json says [16, 25]"});
    TinySpec llama;
    llama.model_type = "llama", llama.hidden = 32, llama.kv_heads = 2;
    write_edited(
        c.path(), [](TinyModel& m) { m.tensors.pop_back(); }, llama);  // lm_head.weight
    check_load_refused(c.path(), {"no tensor 'lm_head.weight'"});
    // A needed tensor stored as I64: the header is valid, the dtype is not one the forward pass reads.
    write_tiny_model(make_tiny_model({}), d.path());
    std::string file = cli_test::read_all(d / "model.safetensors");
    const std::size_t at = file.find("\"F32\"", file.find("\"wpe.weight\""));
    file.replace(at, 5, "\"I32\"");
    cli_test::write_all(d / "model.safetensors", file);
    check_load_refused(d.path(), {"tensor 'wpe.weight' has dtype I32", "F32, F16 and BF16"});
  }

  TEST_CASE("shards: an index without weight_map, a shard missing, outside the folder, or without its tensor") {
    TinySpec s;
    s.shards = 2;
    const cli_test::TempDir dir;
    write_tiny_model(make_tiny_model(s), dir.path());
    CHECK(load_model(dir.path()).layers.size() == 2);
    const std::string index = cli_test::read_all(dir / "model.safetensors.index.json");
    const auto with_index = [&](const std::string& text) {
      cli_test::write_all(dir / "model.safetensors.index.json", text);
    };
    with_index("{\"weight_map\": [}");
    check_load_refused(dir.path(), {"model.safetensors.index.json: not valid JSON at byte"});
    with_index("{\"metadata\": {}}");
    check_load_refused(dir.path(), {"model.safetensors.index.json: no weight_map"});
    with_index("{\"weight_map\": {\"wte.weight\": \"../model-00001-of-00002.safetensors\"}}");
    check_load_refused(dir.path(), {"not a file name in the folder"});
    with_index("{\"weight_map\": {\"wte.weight\": 3}}");
    check_load_refused(dir.path(), {"weight_map['wte.weight'] is not a file name"});
    with_index("{\"weight_map\": {\"wte.weight\": \"model-00002-of-00002.safetensors\"}}");
    check_load_refused(dir.path(),
                       {"places tensor 'wte.weight' in", "model-00002-of-00002.safetensors, which has no such tensor"});
    with_index(index);
    fs::remove(dir / "model-00002-of-00002.safetensors");
    check_load_refused(dir.path(), {"model-00002-of-00002.safetensors: cannot read: No such file or directory"});
    cli_test::write_all(dir / "model-00002-of-00002.safetensors", le_bytes(16, 8) + "{}");
    check_load_refused(dir.path(), {"model-00002-of-00002.safetensors: the header length 16 is larger than the file"});
  }

  TEST_CASE("token ids: none, more than the positions (both numbers), outside the vocabulary") {
    const cli_test::TempDir dir;
    write_tiny_model(make_tiny_model({}), dir.path());
    const Model m = load_model(dir.path());
    CHECK_THROWS_WITH_AS(check_token_ids(m, {}), doctest::Contains("no tokens"), InputError);
    CHECK_THROWS_WITH_AS(check_token_ids(m, std::vector<std::int64_t>(25, 1)),
                         doctest::Contains("25 tokens are more than the model's 24 positions (n_positions"),
                         InputError);
    CHECK_NOTHROW(check_token_ids(m, std::vector<std::int64_t>(24, 40)));
    CHECK_THROWS_WITH_AS(check_token_ids(m, {1, 41}),
                         doctest::Contains("token id 41 (token 1) is outside the vocabulary: ids run from 0 to 40"),
                         InputError);
    CHECK_THROWS_AS(check_token_ids(m, {-1}), InputError);
  }
}
