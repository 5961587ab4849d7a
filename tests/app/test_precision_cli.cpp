// The precision lab and the key tiles from the command line: --precision, --no-max-subtraction,
// --mask-value on compute and export, and bench --stages output --tile N.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_files.hpp"

using namespace cli_test;

namespace {

std::vector<std::string> small(const std::string& lk = "16", const std::string& backend = "cpu") {
  return {"--random", "--lq", "12", "--lk", lk, "--dk", "8", "--backend", backend};
}

}  // namespace

TEST_SUITE("cli/precision") {
  TEST_CASE("compute --precision fp16 --no-max-subtraction: NaN weights exactly where exp overflows") {
    TempDir dir;
    const fs::path dump = dir / "dump";
    const RunResult r =
        run_attnlab(with(with({"compute"}, small()), {"--sigma", "1.5", "--scale", "none", "--precision", "fp16",
                                                      "--no-max-subtraction", "--dump", dump.string()}));
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const attnlab::Array scaled = read_npy(dump / "scaled.npy"), weights = read_npy(dump / "weights.npy");
    const auto stats = lines_of(read_all(dump / "stats.csv"));
    REQUIRE(stats.size() == 13);
    const double limit = std::log(65504.0);
    int overflowing = 0, finite = 0;
    for (std::size_t i = 0; i < 12; ++i) {
      double row_max = -INFINITY;
      bool has_nan = false;
      for (std::size_t j = 0; j < 16; ++j) {
        row_max = std::max(row_max, double(scaled.data[i * 16 + j]));
        has_nan = has_nan || std::isnan(weights.data[i * 16 + j]);
      }
      INFO("query " << i << ", largest scaled score " << row_max << ", stats " << stats[i + 1]);
      CHECK(has_nan == (row_max > limit));  // the dumped scores are fp16 values: none lies near the limit
      CHECK((stats[i + 1].find(",nan") != std::string::npos) == (row_max > limit));
      (row_max > limit ? overflowing : finite) += 1;
    }
    CHECK(overflowing > 0);
    CHECK(finite > 0);
  }

  TEST_CASE("compute --mask-value: a fully masked row becomes uniform") {
    TempDir dir;
    const fs::path dump = dir / "dump";
    const RunResult r =
        run_attnlab(with(with({"compute"}, small("4")), {"--mask", "causal-bottom-right", "--precision", "bf16",
                                                         "--mask-value", "-1e9", "--dump", dump.string()}));
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const attnlab::Array weights = read_npy(dump / "weights.npy");
    for (std::size_t j = 0; j < 4; ++j) CHECK(weights.data[j] == 0.25f);  // query 0 may attend nothing
    const RunResult positive = run_attnlab(with(with({"compute"}, small()), {"--mask-value", "5", "--print"}));
    CHECK(positive.status == 0);
    // "lowest", as the window writes it: fp16's most negative value, so the same weights as -65504.
    const fs::path lowest = dir / "lowest";
    const auto fp16 = with(with({"compute"}, small("4")), {"--mask", "causal-bottom-right", "--precision", "fp16"});
    REQUIRE(run_attnlab(with(fp16, {"--mask-value", "lowest", "--dump", lowest.string()})).status == 0);
    REQUIRE(run_attnlab(with(fp16, {"--mask-value", "-65504", "--dump", dump.string()})).status == 0);
    CHECK(read_npy(lowest / "weights.npy").data == read_npy(dump / "weights.npy").data);
    CHECK(read_npy(lowest / "masked.npy").data == read_npy(dump / "masked.npy").data);
  }

  TEST_CASE("bad precision options: exit 2, one line naming the value, nothing written") {
    TempDir dir;
    const fs::path dump = dir / "dump", figure = dir / "figure.png";
    const auto compute = with(with({"compute"}, small()), {"--dump", dump.string()});
    check_refused(with(compute, {"--precision", "fp8"}), {"fp8"}, dump);
    for (const char* value : {"abc", "nan", "inf", "-inf", "1e39", "-5x"})
      check_refused(with(compute, {"--mask-value", value}), {value}, dump);
    check_refused(with(with({"compute"}, small("16", "gpu")), {"--precision", "fp16", "--dump", dump.string()}),
                  {"--backend cpu"}, dump);
    const auto export_cmd = with(with({"export"}, small()), {"--stage", "weights", "--out", figure.string()});
    check_refused(with(export_cmd, {"--precision", "half"}), {"half"}, figure);
    check_refused(with(export_cmd, {"--mask-value", "nan"}), {"nan"}, figure);
  }

  TEST_CASE("export --precision fp16 --no-max-subtraction writes a figure of the NaN weights") {
    TempDir dir;
    const fs::path figure = dir / "nan.svg";
    const RunResult r = run_attnlab(
        with(with({"export"}, small()), {"--sigma", "3", "--scale", "none", "--precision", "fp16",
                                         "--no-max-subtraction", "--stage", "weights", "--out", figure.string()}));
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(fs::exists(figure));
  }

  TEST_CASE("bench --stages output --tile N") {
    const auto bench = std::vector<std::string>{"bench", "--random", "--lq", "40",        "--lk", "50",       "--dk",
                                                "8",     "--repeat", "1",    "--backend", "cpu",  "--stages", "output"};
    const RunResult r = run_attnlab(with(bench, {"--tile", "7", "--json"}));
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["tile"] == 7);
    CHECK(json["stages"] == "output");
    const RunResult plain = run_attnlab(with(bench, {"--json"}));
    REQUIRE(plain.status == 0);
    CHECK(nlohmann::json::parse(plain.out)["tile"] == 256);
    for (const auto& bad : {std::vector<std::string>{"--tile", "0"}, {"--tile", "-3"}}) {
      const RunResult refused = run_attnlab(with(bench, bad));
      CHECK(refused.status == 2);
      CHECK(refused.err.find(bad[1]) != std::string::npos);
    }
    std::vector<std::string> all = bench;
    all.back() = "all";
    const RunResult wrong_mode = run_attnlab(with(all, {"--tile", "7"}));
    CHECK(wrong_mode.status == 2);
    CHECK(wrong_mode.err.find("--stages output") != std::string::npos);
  }

}  // TEST_SUITE("cli/precision")
