// The memory estimate of a knock-out (model_memory.hpp): the pass keeps every layer's input and the
// pass with the heads knocked out is held beside the one without. The estimate's share of them against
// the sizes counted by hand from the config, and against the bytes the real passes hold.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/model/forward.hpp"
#include "core/model/model_memory.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

std::uint64_t bytes_of(const Matrix& m) {
  return static_cast<std::uint64_t>(m.size()) * sizeof(float);
}

// What a pass keeps of every layer: Q, K, V (and a QK-norm's inputs), and the layers' inputs if kept.
std::uint64_t held(const ForwardPass& pass) {
  std::uint64_t bytes = 0;
  for (const LayerQKV& layer : pass.layers)
    bytes += bytes_of(layer.q) + bytes_of(layer.k) + bytes_of(layer.v) + bytes_of(layer.q_raw) + bytes_of(layer.k_raw);
  for (const Matrix& input : pass.inputs) bytes += bytes_of(input);
  return bytes;
}

}  // namespace

TEST_SUITE("model/memory") {
  TEST_CASE("a knock-out's memory: every layer's input and a second pass, by hand and as measured") {
    for (const char* family : {"gpt2", "llama"}) {
      CAPTURE(family);
      TinySpec spec;
      spec.model_type = family;
      spec.kv_heads = spec.model_type == "llama" ? 2 : spec.heads;
      const cli_test::TempDir dir;
      write_tiny_model(make_tiny_model(spec, 5), dir.path());
      Model model = open_model(dir.path());
      load_weights(model);
      const std::vector<std::int64_t> ids{3, 17, 0, 40, 9, 9, 22, 5, 31, 12};
      const std::uint64_t L = ids.size(), layers = static_cast<std::uint64_t>(spec.layers),
                          E = static_cast<std::uint64_t>(spec.hidden), hd = E / static_cast<std::uint64_t>(spec.heads);
      const std::uint64_t qkv = layers * 4 * L * hd * static_cast<std::uint64_t>(spec.heads + 2 * spec.kv_heads);
      const std::uint64_t inputs = layers * 4 * L * E;
      // By hand: the inputs of the pass without the heads, and a second pass of Q, K, V and inputs.
      CHECK(knock_out_memory(model, static_cast<Index>(L)) == inputs + qkv + inputs);

      // As measured: what the two passes the window holds take, less what a plain pass takes.
      const ForwardPass plain = forward(model, ids);
      const ForwardPass before = forward(model, ids, {}, {{}, true});
      const ForwardPass after = ablated_forward(model, before, parse_ablation("1.0", "zero"));
      CHECK(held(plain) == qkv);
      CHECK(held(before) == qkv + inputs);
      CHECK(held(after) == qkv + inputs);
      CHECK(knock_out_memory(model, static_cast<Index>(L)) == held(before) + held(after) - held(plain));
    }
  }
}
