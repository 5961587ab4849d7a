// 16-bit weights read where they lie: the conversions against the tests' own decoding of every bit
// pattern, and a forward pass over F16 and BF16 files that equals, bit for bit, the pass over a
// float32 copy of the same values (what widening the weights at load computed).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "core/model/forward.hpp"
#include "core/model/half_float.hpp"
#include "core/model/model.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

bool same_bits(const float* a, const float* b, Index n) {
  return std::memcmp(a, b, static_cast<std::size_t>(n) * sizeof(float)) == 0;
}

// Larger than the other tiny models, so that the products run over several tiles of output columns,
// the logits over several blocks of rows, and the conversions over whole vectors and their tails.
TinySpec tiles_spec(const std::string& model_type, DT dtype) {
  TinySpec s;
  s.model_type = model_type, s.dtype = dtype;
  s.vocab = 700, s.hidden = 40, s.heads = 4, s.kv_heads = model_type == "gpt2" ? 4 : 2, s.intermediate = 600;
  s.positions = 32;
  return s;
}

}  // namespace

TEST_SUITE("model/half-weights") {
  TEST_CASE("every F16 and BF16 bit pattern converts exactly, at any address and any count; NaN and inf found") {
    std::string halves = "x";  // one byte first: the values sit off a 2-byte boundary
    for (std::uint32_t bits = 0; bits < 65536; ++bits) halves += le_bytes(bits, 2);
    for (const DType dtype : {DType::f16, DType::bf16})
      for (const std::size_t count : {std::size_t{65536}, std::size_t{65535}, std::size_t{7}}) {
        const std::size_t first = 65536 - count;  // the last `count` patterns, so every tail length differs
        std::vector<float> got(count);
        half_to_float(halves.data() + 1 + 2 * first, dtype, count, got.data());
        int wrong = 0;
        for (std::size_t i = 0; i < count; ++i) {
          const auto bits = static_cast<std::uint16_t>(first + i);
          const double want = dtype == DType::f16 ? from_f16(bits) : from_bf16(bits);
          if (!(std::isnan(want) ? std::isnan(got[i]) : got[i] == want)) ++wrong;
        }
        CHECK_MESSAGE(wrong == 0, dtype_name(dtype) << ", " << count << " values");
      }
    // The first non-finite value, in a long run of finite ones (several parallel blocks).
    for (const DType dtype : {DType::f16, DType::bf16}) {
      const std::uint16_t one = dtype == DType::f16 ? 0x3c00 : 0x3f80, inf = dtype == DType::f16 ? 0x7c00 : 0x7f80;
      std::string values;
      for (int i = 0; i < 200000; ++i) values += le_bytes(i % 3 == 0 ? one : 0x8001, 2);
      CHECK_FALSE(first_non_finite_half(values.data(), dtype, 200000).has_value());
      values.replace(2 * 150001, 2, le_bytes(inf | 0x8000, 2));  // -inf
      values.replace(2 * 170000, 2, le_bytes(inf | 1, 2));       // NaN
      CHECK(first_non_finite_half(values.data(), dtype, 200000) == std::optional<std::size_t>(150001));
      CHECK(first_non_finite_half(values.data() + 2 * 150002, dtype, 40000) == std::optional<std::size_t>(19998));
    }
  }

  TEST_CASE("a 16-bit model read in place gives bit for bit what its float32 copy gives") {
    for (const std::string model_type : {"gpt2", "qwen2"})
      for (const DT dtype : {DT::f16, DT::bf16}) {
        CAPTURE(model_type);
        CAPTURE(dt_name(dtype));
        const cli_test::TempDir half, wide;
        TinyModel tiny = make_tiny_model(tiles_spec(model_type, dtype));
        write_tiny_model(tiny, half.path());
        tiny.spec.dtype = DT::f32;  // the same values, every one exactly a float
        write_tiny_model(tiny, wide.path());
        const Model in_place = load_model(half.path()), widened = load_model(wide.path());
        CHECK(in_place.embed.sixteen_bit());
        CHECK(in_place.embed.in_place());
        CHECK(in_place.layers[1].down.sixteen_bit() == (model_type != "gpt2"));
        CHECK_FALSE(widened.embed.sixteen_bit());

        std::vector<std::int64_t> ids;
        for (int i = 0; i < 29; ++i) ids.push_back((i * 37 + 5) % 700);
        const ForwardPass a = forward(in_place, ids), b = forward(widened, ids);
        for (std::size_t l = 0; l < a.layers.size(); ++l) {
          CAPTURE(l);
          CHECK(same_bits(a.layers[l].q.data(), b.layers[l].q.data(), b.layers[l].q.size()));
          CHECK(same_bits(a.layers[l].k.data(), b.layers[l].k.data(), b.layers[l].k.size()));
          CHECK(same_bits(a.layers[l].v.data(), b.layers[l].v.data(), b.layers[l].v.size()));
        }
        REQUIRE(a.logits.size() == 700);
        CHECK(same_bits(a.logits.data(), b.logits.data(), 700));
        // Not trivially equal: the logits spread out, as a real model's do.
        CHECK(a.logits.maxCoeff() - a.logits.minCoeff() > 1);
      }
  }
}
