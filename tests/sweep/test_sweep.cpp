// The dk sweep: against a float64 computation, against the facts the spec lists, and on the CLI.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "core/inputs/random.hpp"
#include "core/sweep/sweep.hpp"
#include "tests/cli_run.hpp"
#include "tests/reference.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("sweep/engine");

TEST_CASE("dk lists: powers of two from A to B, or the values given") {
  CHECK(parse_dk_list("1:1024").size() == 11);
  CHECK(parse_dk_list("2:8") == std::vector<Index>{2, 4, 8});
  CHECK(parse_dk_list("3:20") == std::vector<Index>{4, 8, 16});
  CHECK(parse_dk_list("5,3,100") == std::vector<Index>{5, 3, 100});
  for (const char* bad : {"", "0:8", "8:2", "a,b", "4,,8", "3:3", "-1"})
    CHECK_THROWS_WITH_AS(parse_dk_list(bad), doctest::Contains("--dk"), InputError);
}

TEST_CASE("dk lists and sweeps are bounded before anything runs") {
  CHECK_THROWS_WITH_AS(parse_dk_list("1:4611686018427387904"),
                       "--dk '1:4611686018427387904': dk 4611686018427387904 is out of range: 1 to 65536", InputError);
  CHECK_THROWS_WITH_AS(parse_dk_list("99999999999999999999999"), doctest::Contains("--dk"), InputError);
  std::string list = "1";
  for (int dk = 2; dk <= 64; ++dk) list += "," + std::to_string(dk);
  CHECK(parse_dk_list(list).size() == 64);
  CHECK_THROWS_WITH_AS(parse_dk_list(list + ",65"), doctest::Contains("holds more than 64 values"), InputError);
  CHECK(parse_dk_list("1:65536").size() == 17);

  SweepOptions o;
  o.dks = {8};
  o.sigma = 1e30;  // every score would overflow float32: refused as compute refuses it
  CHECK_THROWS_WITH_AS(check_sweep(o), doctest::Contains("--sigma 1e+30 is too large for float32"), InputError);
  o.sigma = 1e5;  // 44.4 · σ² · 8 ≈ 3.6e11: fits
  CHECK_NOTHROW(check_sweep(o));
  const auto points = sweep({{1, 8}, 8, 4, 0, 1e5});
  for (const SweepPoint& p : points) CHECK((std::isfinite(p.score_std) && std::isfinite(p.entropy)));
  o.sigma = 1;
  o.dks = {65536}, o.length = 4096, o.trials = 1;
  CHECK_THROWS_WITH_AS(check_sweep(o), doctest::Contains("floating-point operations"), InputError);
}

// The sweep's Q and K are drawn into buffers made before its parallel region: the same numbers as
// the generator's own matrices, whatever the order of the dks.
TEST_CASE("the sweep's averages equal a float64 computation of the same problems") {
  SweepOptions o;
  o.dks = {1, 5, 64};
  o.length = 9;
  o.trials = 3;
  o.seed = 4;
  o.sigma = 1.5;
  const std::vector<SweepPoint> points = sweep(o);
  REQUIRE(points.size() == 6);
  for (std::size_t d = 0; d < o.dks.size(); ++d)
    for (int scaled = 1; scaled >= 0; --scaled) {
      double sums[4] = {0, 0, 0, 0};
      for (int trial = 0; trial < o.trials; ++trial) {
        const std::uint64_t seed = o.seed * 1000003u + static_cast<std::uint64_t>(trial);
        const test::MatD q = random_matrix(seed, RandomStream::q, o.length, o.dks[d], 1.5f).cast<double>();
        const test::MatD k = random_matrix(seed, RandomStream::k, o.length, o.dks[d], 1.5f).cast<double>();
        const test::MatD scores = q * k.transpose();
        const test::MatD scaled_scores = scores * (scaled ? 1 / std::sqrt(double(o.dks[d])) : 1.0);
        const test::RefTrace r = test::ref_softmax(scaled_scores, scaled_scores);
        for (const auto& s : r.stats)
          sums[0] += s.std, sums[1] += s.max_weight, sums[2] += s.entropy, sums[3] += s.jacobian_norm;
      }
      const double rows = double(o.length) * o.trials;
      const SweepPoint& p = points[2 * d + (scaled ? 0 : 1)];
      INFO("dk " << o.dks[d] << " scaled " << scaled);
      CHECK(p.dk == o.dks[d]);
      CHECK(p.scaled == bool(scaled));
      CHECK(p.score_std == doctest::Approx(sums[0] / rows).epsilon(1e-4));
      CHECK(p.max_weight == doctest::Approx(sums[1] / rows).epsilon(1e-4));
      CHECK(p.entropy == doctest::Approx(sums[2] / rows).epsilon(1e-4));
      CHECK(p.jacobian_norm == doctest::Approx(sums[3] / rows).epsilon(1e-4).scale(1e-6));
    }
}

TEST_CASE("the facts any correct sweep shows: why the scores are scaled by 1/√dk") {
  SweepOptions o;
  o.dks = parse_dk_list("1:1024");
  const std::vector<SweepPoint> points = sweep(o);
  for (std::size_t d = 0; d < o.dks.size(); ++d) {
    const SweepPoint &scaled = points[2 * d], &unscaled = points[2 * d + 1];
    const double dk = double(o.dks[d]);
    INFO("dk " << dk);
    // Scaled, the spread stays near σ² = 1 (a little below: a row of 32 keys is a small sample);
    // unscaled it is √dk times that.
    if (dk >= 4) CHECK(scaled.score_std == doctest::Approx(1.0).epsilon(0.15));
    CHECK(unscaled.score_std == doctest::Approx(std::sqrt(dk) * scaled.score_std).epsilon(1e-4));
    if (d > 0) {
      // Unscaled, softmax saturates as dk grows: the max weight climbs and the entropy falls.
      CHECK(unscaled.max_weight > points[2 * d - 1].max_weight);
      CHECK(unscaled.entropy < points[2 * d - 1].entropy);
    }
  }
  const SweepPoint &scaled_1024 = points[20], &unscaled_1024 = points[21];
  // At dk = 1024 unscaled: nearly one key per row and almost no gradient; scaled: neither.
  CHECK(unscaled_1024.max_weight > 0.9);
  CHECK(unscaled_1024.jacobian_norm < 0.1);
  CHECK(scaled_1024.max_weight < 0.3);
  CHECK(scaled_1024.jacobian_norm > 0.2);
}

TEST_SUITE("cli/sweep") {
  TEST_CASE("attnlab sweep writes the CSV of the spec; bad options write nothing") {
    cli_test::TempDir dir;
    const auto out = (dir / "sweep.csv").string();
    const auto ok = cli_test::run_attnlab({"sweep", "--dk", "1:64", "--len", "16", "--trials", "4", "--out", out});
    REQUIRE_MESSAGE(ok.status == 0, ok.err);
    std::istringstream csv(cli_test::read_all(out));
    std::string line;
    std::getline(csv, line);
    CHECK(line == "dk,scale,score_std,max_weight,entropy,jacobian_norm");
    int lines = 0;
    while (std::getline(csv, line)) {
      CHECK(line.find(lines % 2 ? ",none," : ",sqrt,") != std::string::npos);
      ++lines;
    }
    CHECK(lines == 14);
    const std::string before = cli_test::read_all(out);
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"sweep", "--dk", "8:2", "--out", out},
                                               {"sweep", "--dk", "1:8", "--len", "0", "--out", out},
                                               {"sweep", "--dk", "1:8", "--trials", "0", "--out", out},
                                               {"sweep", "--dk", "1:8", "--sigma", "-1", "--out", out},
                                               {"sweep", "--dk", "1:8"}}) {
      const auto bad = cli_test::run_attnlab(args);
      CHECK_MESSAGE(bad.status == 2, bad.command << "\n" << bad.err);
      CHECK(bad.err.rfind("attnlab: ", 0) == 0);
    }
    CHECK(cli_test::read_all(out) == before);
  }
}  // TEST_SUITE("cli/sweep")

TEST_SUITE_END();
