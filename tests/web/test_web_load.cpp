// A 16-bit model in the page's memory (models.md, issue 24): the web build loads a folder from its
// in-memory file system as the page does (attnlab_load.js under node) and keeps F16 and BF16 matrices
// 16-bit, read in place, widened tile by tile as the desktop does; its logits are the float64
// reference's. Needs build-web/ (scripts/web.sh build) and node.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/model/tiny_models.hpp"
#include "tests/tokenizer/reference.hpp"

namespace {

nlohmann::json load_in_wasm(const std::filesystem::path& folder, const std::vector<long>& ids) {
  std::string list;
  for (long id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  const auto result = cli_test::run_program(reference::find_node().string(),
                                            {std::string(ATTNLAB_WEB_DIR) + "/attnlab_load.js", folder.string(), list});
  REQUIRE_MESSAGE(result.status == 0, result.command << "\n" << result.err);
  return nlohmann::json::parse(result.out);
}

}  // namespace

TEST_SUITE("web/load") {
  TEST_CASE("F16 and BF16 weights stay 16-bit in the page's memory and give the float64 reference's logits") {
    REQUIRE_MESSAGE(!reference::find_node().empty(), "node is not on PATH");
    using model_test::DT;
    const std::vector<long> ids{3, 17, 5, 40, 22, 9, 31};
    for (const std::string type : {"qwen3", "gpt2"})
      for (const DT dtype : {DT::f16, DT::bf16, DT::f32}) {
        CAPTURE(type);
        CAPTURE(static_cast<int>(dtype));
        model_test::TinySpec spec;
        spec.model_type = type, spec.hidden = 32, spec.heads = 4, spec.intermediate = 40, spec.dtype = dtype;
        if (type == "qwen3") spec.kv_heads = 2, spec.head_dim = 8;
        const model_test::TinyModel tiny = model_test::make_tiny_model(spec);
        const cli_test::TempDir dir;
        model_test::write_tiny_model(tiny, dir.path());
        const nlohmann::json got = load_in_wasm(dir.path(), ids);
        // Every matrix read where it lies; 16-bit ones as 16-bit, float32 ones as float32.
        CHECK(got["matrices"].get<int>() > 5);
        CHECK(got["in_place"] == got["matrices"]);
        CHECK(got["sixteen_bit"].get<int>() == (dtype == DT::f32 ? 0 : got["matrices"].get<int>()));
        const std::vector<double> expected = model_test::reference_any(tiny, ids).logits;
        const auto logits = got["logits"].get<std::vector<double>>();
        REQUIRE(logits.size() == expected.size());
        double worst = 0;
        for (std::size_t i = 0; i < logits.size(); ++i) worst = std::max(worst, std::abs(logits[i] - expected[i]));
        CHECK(worst < 1e-4);
      }
  }
}
