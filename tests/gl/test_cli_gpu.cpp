// `attnlab --backend gpu` through the real binary: the same files as the CPU within tolerance, the
// renderer in bench's report, and a GPU that cannot start (exit 1, saying why, nothing written).
#include <doctest/doctest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/load.hpp"
#include "tests/check.hpp"
#include "tests/cli_run.hpp"
#include "tests/gpu_or_skip.hpp"

using namespace attnlab;
using namespace attnlab::test;
using namespace cli_test;

namespace {

Matrix read_npy(const fs::path& path) {
  return to_matrix(load_array(path, path.string()), path.string());
}

// stats.csv without its header, one row of numbers per query.
Matrix read_stats(const fs::path& path) {
  std::istringstream lines(read_all(path));
  std::string line;
  std::getline(lines, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(lines, line)) {
    std::vector<double>& row = rows.emplace_back();
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::strtod(cell.c_str(), nullptr));
  }
  Matrix m(static_cast<Index>(rows.size()), rows.empty() ? 0 : static_cast<Index>(rows[0].size()));
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) m(i, j) = static_cast<float>(rows[i][j]);
  return m;
}

// The same compute (`input` ending in --dump) on the GPU into work/gpu and on the CPU into work/cpu;
// both succeed, the GPU's quietly.
void compute_on_both(const std::vector<std::string>& input, const TempDir& work) {
  std::vector<std::string> gpu_args = input, cpu_args = input;
  gpu_args.insert(gpu_args.end(), {(work / "gpu").string(), "--backend", "gpu"});
  cpu_args.insert(cpu_args.end(), {(work / "cpu").string(), "--backend", "cpu"});
  const RunResult g = run_attnlab(gpu_args), c = run_attnlab(cpu_args);
  INFO("stderr: " << g.err);
  REQUIRE(g.status == 0);
  REQUIRE(c.status == 0);
  CHECK(g.err.empty());
}

// An environment variable set for the scope of one test: the child processes inherit it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

}  // namespace

TEST_SUITE("gpu/cli") {
  TEST_CASE("compute --backend gpu writes the same files as the CPU, within tolerance") {
    if (!gpu_or_skip()) return;
    TempDir work;
    const std::vector<std::string> input{"compute", "--random", "--lq",   "37",       "--lk",    "45",  "--dk",  "20",
                                         "--dv",    "9",        "--mask", "window:6", "--scale", "0.5", "--dump"};
    compute_on_both(input, work);
    for (const char* stage : {"scores", "scaled", "masked", "weights", "output"}) {
      const std::string file = std::string(stage) + ".npy";
      check_close(read_npy(work / "gpu" / file), to_double(read_npy(work / "cpu" / file)), 1e-5, 1e-5, file);
    }
    const Matrix gpu_stats = read_stats(work / "gpu" / "stats.csv"), cpu_stats = read_stats(work / "cpu" / "stats.csv");
    CHECK(gpu_stats.rows() == 37);
    check_close(gpu_stats, to_double(cpu_stats), 1e-4, 1e-4, "stats.csv");
  }

  TEST_CASE("compute --backend gpu with --softcap and --sink: capped.npy and the sink's share as the CPU's") {
    if (!gpu_or_skip()) return;
    TempDir work;
    const std::vector<std::string> input{"compute",   "--random", "--lq",    "29",   "--lk",   "41",
                                         "--dk",      "16",       "--sigma", "2",    "--mask", "causal-bottom-right",
                                         "--softcap", "2.5",      "--sink",  "0.75", "--dump"};
    compute_on_both(input, work);
    for (const char* stage : {"scaled", "capped", "masked", "weights", "output"}) {
      const std::string file = std::string(stage) + ".npy";
      check_close(read_npy(work / "gpu" / file), to_double(read_npy(work / "cpu" / file)), 1e-5, 1e-5, file);
    }
    const Matrix gpu_stats = read_stats(work / "gpu" / "stats.csv"), cpu_stats = read_stats(work / "cpu" / "stats.csv");
    REQUIRE(gpu_stats.cols() == 9);  // query, seven statistics, sink_weight
    check_close(gpu_stats, to_double(cpu_stats), 1e-4, 1e-4, "stats.csv");
    CHECK(gpu_stats.col(8).minCoeff() > 0);
  }

  TEST_CASE("bench --backend gpu names the renderer as its device") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for (const char* stages : {"all", "output"}) {
      const RunResult r = run_attnlab({"bench", "--random", "--lq", "40", "--lk", "50", "--repeat", "2", "--json",
                                       "--backend", "gpu", "--stages", stages});
      INFO("stderr: " << r.err);
      REQUIRE(r.status == 0);
      const nlohmann::json j = nlohmann::json::parse(r.out);
      CHECK(j.value("backend", "") == "gpu");
      CHECK(j.value("device", "") == gpu->description());
      CHECK(j["median_ms"]["total"].get<double>() > 0);
      CHECK(j["median_ms"]["output"].get<double>() > 0);
    }
  }

  TEST_CASE("a GPU that cannot start: gpu fails with status 1 and says why, auto falls back to the CPU") {
    // GLVND then finds no EGL driver at all, as on a machine without Mesa's libegl-mesa0.
    const ScopedEnv no_driver("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl_vendor.json");
    TempDir work;
    const RunResult r = run_attnlab({"compute", "--random", "--backend", "gpu", "--dump", (work / "d").string()});
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(r.err.starts_with("attnlab: --backend gpu cannot start: "));
    CHECK(r.err.find("EGL") != std::string::npos);
    CHECK(r.err_lines().size() == 1);
    CHECK_FALSE(fs::exists(work / "d"));

    const RunResult a = run_attnlab({"compute", "--random", "--backend", "auto", "--dump", (work / "e").string()});
    CHECK(a.status == 0);
    // An EGL that is there but cannot start is news, said on every run (a machine without a GPU is not).
    CHECK(a.err.starts_with("attnlab: using the CPU backend: "));
    CHECK(fs::exists(work / "e" / "weights.npy"));
  }

}  // TEST_SUITE("gpu/cli")
