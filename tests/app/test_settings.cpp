// The window's settings as files hold them: every value through the command line's limits, with a
// message that names the key and quotes at most an excerpt, and whatever is saved reads back.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "app/gui/problem_builder.hpp"
#include "app/gui/settings_file.hpp"
#include "tests/cli_run.hpp"

using namespace attnlab;
using namespace attnlab::gui;

namespace {

std::string refusal(const std::string& json) {
  try {
    settings_from_json(json, "last.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("app/settings") {
  TEST_CASE("values the command line refuses are refused in a settings file too, naming the key") {
    for (const auto& [json, key] : std::vector<std::pair<std::string, std::string>>{
             {R"({"heads": 2000000000})", "\"heads\" 2000000000 is out of range: 1 to 4096"},
             {R"({"lq": 4294967304})", "\"lq\" 4294967304 is out of range"},
             {R"({"lq": 1e10})", "\"lq\" 10000000000.0 is out of range"},
             {R"({"lq": 12.5})", "\"lq\" 12.5 is not a whole number"},
             {R"({"lq": -3})", "\"lq\" -3 is out of range"},
             {R"({"lq": true})", "\"lq\" true has the wrong type"},
             {R"({"seed": -1})", "\"seed\" -1 is out of range"},
             {R"({"dk": 1073741825})", "\"dk\""},
             {R"({"kv_heads": 3, "heads": 4})", "\"kv_heads\" 3 does not divide \"heads\" 4"},
             {R"({"font_scale": 1e300})", "\"font_scale\" 1e+300 is out of range: 0.5 to 4"},
             {R"({"font_scale": null})", "\"font_scale\" null has the wrong type"},
             {R"({"sigma": 0})", "\"sigma\" 0"},
             {R"({"temperature": -1})", "\"temperature\" -1"},
             {R"({"context": 0})", "\"context\" 0 is out of range"},
             {R"({"painted": [1, 0, 7]})", "\"painted\" 7 is not 0 or 1"},
             {R"({"source": "nowhere"})", "\"source\" 'nowhere' is not example, random, files or model"},
             {R"({"layer": -1})", "\"layer\" -1 is out of range"},
             {R"({"model": 7})", "\"model\" 7 has the wrong type"},
             {R"({"backend": "tpu"})", "\"backend\" 'tpu'"},
             {R"({"precision": "fp8"})", "precision 'fp8'"},
             {R"({"stage": "sideways"})", "sideways"},
             {"[1, 2]", "is not a JSON object"}}) {
      const std::string message = refusal(json);
      INFO(json);
      CHECK_MESSAGE(message.find(key) != std::string::npos, message);
      CHECK(message.starts_with("last.json"));
    }
  }

  TEST_CASE("a message quotes an excerpt of a huge value, never the whole") {
    const std::string huge(50'000'000, 'x');
    const std::string message = refusal("{\"example\": \"" + huge + "\"}");
    CHECK(message.find("is 50000000 bytes long; at most 4096") != std::string::npos);
    CHECK(message.size() < 200);
  }

  TEST_CASE("whole numbers written as floats are read when they are whole, and seeds take all 64 bits") {
    const Settings s = settings_from_json(R"({"lq": 12.0, "seed": 18446744073709551615, "head": 0})", "x");
    CHECK(s.lq == 12);
    CHECK(s.seed == std::numeric_limits<std::uint64_t>::max());
  }

  TEST_CASE("what is saved reads back exactly; what could not be read back is not saved") {
    Settings s;
    s.source = Source::random, s.example = "needle", s.q_path = "q.npy", s.k_path = "k.csv", s.v_path = "v.npy";
    s.lq = 1 << 30, s.lk = 3, s.dk = 7, s.dv = 5, s.seed = 18446744073709551615u, s.sigma = 0.1f;
    s.mask = "window:2", s.painted = {1, 0, 0, 1}, s.scale = ScaleSpec::Kind::value, s.scale_value = -0.3f;
    s.temperature = 1e-30f, s.backend = BackendName::gpu, s.precision = Precision::bf16, s.subtract_max = false,
    s.mask_value = "-1e9";
    s.heads = 8, s.kv_heads = 2, s.head = 7, s.context = 1 << 20, s.layers = 1024, s.query = 5;
    s.stage = Stage::output, s.font_scale = 3.7f, s.present = true, s.light = true;
    s.stretch_weights = true, s.shared_range = true;
    s.model_folder = "models/gpt2", s.model_text = "Hello, \"world\"\n", s.layer = 11;
    CHECK(settings_from_json(to_json(s), "round trip") == s);

    const cli_test::TempDir dir;
    const auto path = dir / "lesson.json";
    save_settings(s, path);
    CHECK(load_settings(path) == s);

    for (const float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 9.0f}) {
      Settings wrong = s;
      wrong.font_scale = bad;
      CHECK_THROWS_AS(save_settings(wrong, dir / "wrong.json"), InputError);
      CHECK_FALSE(std::filesystem::exists(dir / "wrong.json"));
    }
    Settings wrong = s;
    wrong.sigma = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(save_settings(wrong, path), InputError);
    CHECK(load_settings(path) == s);  // the file saved before is still there, whole
  }

  TEST_CASE("a file kept aside moves to .bad, replacing an older one") {
    const cli_test::TempDir dir;
    const auto path = dir / "last.json";
    CHECK(keep_aside(path).empty());
    cli_test::write_all(path, "first");
    CHECK(keep_aside(path) == dir / "last.json.bad");
    cli_test::write_all(path, "second");
    keep_aside(path);
    CHECK(cli_test::read_all(dir / "last.json.bad") == "second");
    CHECK_FALSE(std::filesystem::exists(path));
  }

  TEST_CASE("the window's memory is refused up front for sizes that would not fit") {
    Settings s;
    s.source = Source::random, s.lq = 1 << 20, s.lk = 1 << 20;
    CHECK_THROWS_WITH_AS(load_source(s, {}), doctest::Contains("needs about"), InputError);
  }
}
