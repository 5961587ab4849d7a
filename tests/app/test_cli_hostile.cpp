// The command line against hostile and careless input: numbers that do not fit, ranges without end,
// files that are no files, outputs that cannot be written, paths that meet. Every run has a time
// limit: a hang fails the test instead of stalling it, and the refusals must come at once.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"

using namespace cli_test;

namespace {

// A refusal is quick: it comes before any input is generated or read.
constexpr double kQuick = 30;

// A version 1.0 .npy file of float32 values, written here byte by byte.
std::string npy_f32(std::size_t rows, std::size_t cols, const std::vector<float>& values) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                     std::to_string(cols) + "), }";
  dict.append((64 - (10 + dict.size() + 1) % 64) % 64, ' ');
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  out += dict;
  for (const float v : values) {
    char b[4];
    std::memcpy(b, &v, 4);
    out.append(b, 4);
  }
  return out;
}

std::vector<float> floats_of_npy(const std::string& bytes) {
  const std::size_t start = 10 + (static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8);
  std::vector<float> values((bytes.size() - start) / 4);
  std::memcpy(values.data(), bytes.data() + start, values.size() * 4);
  return values;
}

}  // namespace

TEST_SUITE("cli/limits") {
  TEST_CASE("whole numbers that do not fit are refused, not wrapped or saturated") {
    check_refused({"compute", "--random", "--lq", "4294967297", "--print"}, {"--lq 4294967297 is out of range"});
    check_refused({"compute", "--random", "--lq", "99999999999999999999", "--print"},
                  {"--lq", "99999999999999999999", "out of range"});
    check_refused({"compute", "--random", "--seed", "-1", "--print"}, {"--seed", "-1", "out of range"});
    check_refused({"compute", "--random", "--seed", "18446744073709551616", "--print"}, {"--seed"});
    check_refused({"compute", "--random", "--heads", "2147483648", "--print"}, {"--heads", "2147483648"});
    check_refused({"compute", "--random", "--dk", "0x10", "--print"}, {"--dk", "0x10", "not a whole number"});
    check_refused({"bench", "--repeat", "4294967297"}, {"--repeat", "4294967297"});
    check_refused({"sweep", "--dk", "1:4", "--trials", "-3", "--out", "x.csv"}, {"--trials", "-3"});
    check_refused({"export", "--stage", "weights", "--out", "x.png", "--width", "99999999999999999999"}, {"--width"});
    check_refused({"compute", "--random", "--sigma", "1e999", "--print"}, {"--sigma", "1e999"});
  }

  TEST_CASE("a number is read in decimal: 010 is ten, as it is everywhere else") {
    const RunResult r = run_attnlab(
        {"compute", "--random", "--lq", "010", "--lk", "3", "--dk", "2", "--dv", "2", "--print", "--backend", "cpu"},
        within(kQuick));
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "q9 "));
    CHECK_FALSE(contains(r.out, "q10"));
  }

  TEST_CASE("window sizes are options like any other: refused before a window opens") {
    check_refused({"gui", "--width", "-5", "--frames", "1"}, {"--width -5 is out of range: 320 to 8192"});
    check_refused({"gui", "--height", "100000", "--frames", "1"}, {"--height", "100000"});
    check_refused({"gui", "--font-scale", "1e300", "--frames", "1"}, {"--font-scale", "1e300"});
    check_refused({"gui", "--frames", "-1"}, {"--frames", "-1"});
  }

  TEST_CASE("the key tile is clamped to the keys: no crash, the output is the full trace's") {
    const RunResult r = run_attnlab({"bench", "--random", "--lq", "300", "--lk", "70", "--stages", "output", "--tile",
                                     "100000000", "--repeat", "1", "--json", "--backend", "cpu"},
                                    within(120));
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out).at("tile") == 100000000);  // as given; the engine takes the 70 keys there are
    check_refused({"bench", "--stages", "output", "--tile", "100000000000"}, {"--tile", "100000000000"});
  }

  TEST_CASE("sweep ranges are bounded: dk, the list, the work, and σ as compute bounds it") {
    TempDir work;
    const std::string out = (work / "s.csv").string();
    check_refused({"sweep", "--dk", "1:4611686018427387904", "--out", out}, {"--dk", "4611686018427387904", "65536"});
    std::string list = "1";
    for (int dk = 2; dk <= 65; ++dk) list += "," + std::to_string(dk);
    check_refused({"sweep", "--dk", list, "--out", out}, {"--dk", "more than 64"});
    check_refused({"sweep", "--dk", "1:65536", "--len", "4096", "--trials", "100000", "--out", out},
                  {"floating-point operations", "--trials"});
    // σ = 1e30 makes every score overflow float32: compute refuses it, and so does the sweep.
    check_refused({"sweep", "--dk", "1:8", "--sigma", "1e30", "--out", out}, {"--sigma", "too large for float32"});
    check_refused({"compute", "--random", "--sigma", "1e30", "--print", "--backend", "cpu"}, {"too large for float32"});
    CHECK_FALSE(fs::exists(out));
    // The largest σ that fits still sweeps, with numbers and no NaN.
    const RunResult r =
        run_attnlab({"sweep", "--dk", "1:8", "--sigma", "1e5", "--trials", "4", "--out", out}, within(120));
    REQUIRE(r.status == 0);
    CHECK_FALSE(contains(read_all(out), "nan"));
  }
}

TEST_SUITE("cli/files") {
  TEST_CASE("a FIFO, a link to /dev/zero and a directory are refused by name, at once") {
    TempDir work;
    const fs::path fifo = work / "q.npy", zero = work / "k.npy", dir = work / "v.csv";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    fs::create_symlink("/dev/zero", zero);
    fs::create_directory(dir);
    const fs::path good = work / "good.npy";
    write_all(good, npy_f32(2, 2, {1, 2, 3, 4}));
    const auto compute = [&](const fs::path& q, const fs::path& k, const fs::path& v) {
      return std::vector<std::string>{"compute", "--q",      q.string(), "--k",       k.string(),
                                      "--v",     v.string(), "--print",  "--backend", "cpu"};
    };
    check_refused(compute(fifo, good, good), {"Q file", "FIFO", "not a regular file"});
    check_refused(compute(good, zero, good), {"K file", "character device", "not a regular file"});
    check_refused(compute(good, good, dir), {"V file", "directory"});
    check_refused({"compute", "--random", "--lq", "2", "--lk", "2", "--print", "--mask", "file:" + fifo.string()},
                  {"mask file", "FIFO"});
  }

  TEST_CASE("a .npy file is read only as far as its header says, and must hold exactly that") {
    TempDir work;
    const fs::path good = work / "good.npy", longer = work / "long.npy";
    write_all(good, npy_f32(2, 2, {1, 2, 3, 4}));
    write_all(longer, npy_f32(2, 2, {1, 2, 3, 4}) + std::string(1000, 'x'));
    check_refused({"compute", "--q", longer.string(), "--k", good.string(), "--v", good.string(), "--print"},
                  {"Q file", "header says", "1016 bytes follow"});
  }

  TEST_CASE("CSV values too small for float32 round to zero; too large ones are refused") {
    TempDir work;
    write_all(work / "q.csv", "1e-999,-1e-999\n1e-50,0.0000e-400\n");
    write_all(work / "k.csv", "1,2\n3,4\n");
    const fs::path out = work / "dump";
    const RunResult r = run_attnlab({"compute", "--q", (work / "q.csv").string(), "--k", (work / "k.csv").string(),
                                     "--v", (work / "k.csv").string(), "--dump", out.string(), "--backend", "cpu"},
                                    within(kQuick));
    INFO(r.err);
    REQUIRE(r.status == 0);
    for (const float score : floats_of_npy(read_all(out / "scores.npy"))) CHECK(score == 0.0f);
    write_all(work / "q.csv", "1e999,1\n1,1\n");
    check_refused({"compute", "--q", (work / "q.csv").string(), "--k", (work / "k.csv").string(), "--v",
                   (work / "k.csv").string(), "--print"},
                  {"1e999", "out of range"});
  }

  TEST_CASE("--plot and --out naming one file by different paths are refused; the CSV survives") {
    TempDir work;
    fs::create_directory(work / "real");
    fs::create_directory_symlink(work / "real", work / "link");
    const std::string csv = "previous contents\n";
    write_all(work / "real" / "x.png", csv);
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {(work / "real" / "x.png").string(), (work / "link" / "x.png").string()},
        {(work / "real" / "x.png").string(), (work / "link" / ".." / "real" / "x.png").string()},
    };
    for (const auto& [out, plot] : pairs) {
      check_refused({"sweep", "--dk", "1:4", "--trials", "2", "--out", out, "--plot", plot}, {"the same file"});
      CHECK(read_all(work / "real" / "x.png") == csv);
    }
  }

  TEST_CASE("a --dump that fails leaves no new empty directories") {
    TempDir work;
    const fs::path deep = work / "a" / "b" / std::string(300, 'c');  // the last name is too long to make
    const RunResult r = run_attnlab({"compute", "--dump", deep.string(), "--backend", "cpu"}, within(kQuick));
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(r.err_lines().size() == 1);
    CHECK_FALSE(fs::exists(work / "a"));
  }
}

TEST_SUITE("cli/exit-status") {
  TEST_CASE("output that cannot be written is a failure: exit 1 with the reason, not 0") {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"compute", "--print", "--backend", "cpu"},
                                                 {"examples"},
                                                 {"bench", "--json", "--repeat", "1", "--backend", "cpu"},
                                                 {"--help"}}) {
      const RunResult r = run_attnlab(args, within(120).out_to("/dev/full"));
      INFO("command: " << r.command);
      INFO("stderr: " << r.err);
      CHECK(r.status == 1);
      CHECK(contains(r.err, "attnlab: cannot write to standard output: No space left on device"));
    }
  }
}
