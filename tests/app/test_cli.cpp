// The attnlab command line as a user runs it (cli.md, semantics.md): the real binary, its exit
// status, stdout and stderr, and the files it leaves on disk. Inputs are written here byte by byte
// and results are checked against a float64 reference computed here, so the tests share no code
// with the engine they check.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/gl/make_backend.hpp"
#include "tests/cli_run.hpp"

using namespace cli_test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<std::string> kStages{"scores", "scaled", "masked", "weights", "output"};
const std::set<std::string> kDumpFiles{"scores.npy",  "scaled.npy", "masked.npy",
                                       "weights.npy", "output.npy", "stats.csv"};
const std::string kStatsHeader = "query,mean,std,max_weight,entropy,effective_keys,jacobian_norm,masked_keys";

// ---------------------------------------------------------------------------------------------
// Text

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A whole-word match, so that the input "V" is found in "V has 6 rows" but not in "Values".
bool mentions_word(const std::string& text, const std::string& word) {
  const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool left = at == 0 || !is_word(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool right = end >= text.size() || !is_word(text[end]);
    if (left && right) return true;
  }
  return false;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : text) {
    if (c == sep) {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  return parts;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

std::string join(const std::set<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : " ") + n;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Matrices, and files written independently of the engine's writers

struct Mat {
  std::size_t rows = 0, cols = 0;
  std::vector<double> data;

  Mat() = default;
  Mat(std::size_t r, std::size_t c, double fill = 0) : rows(r), cols(c), data(r * c, fill) {}
  double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
  double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
};

// Values rounded to float32 up front, so the reference sees exactly what the program reads.
template <class F>
Mat make_mat(std::size_t rows, std::size_t cols, F f) {
  Mat m(rows, cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      m(i, j) = static_cast<float>(f(static_cast<double>(i), static_cast<double>(j)));
  return m;
}

std::string int_bytes(std::uint64_t v, int n, bool big) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    const int shift = 8 * (big ? n - 1 - i : i);
    s += static_cast<char>((v >> shift) & 0xff);
  }
  return s;
}

// A version 1.0 .npy file with descr one of <f4 >f4 <f8 >f8 |b1, in C or Fortran order.
std::string npy_file(const Mat& m, const std::string& descr = "<f4", bool fortran = false, bool one_d = false) {
  const std::string shape =
      one_d ? "(" + std::to_string(m.cols) + ",)" : "(" + std::to_string(m.rows) + ", " + std::to_string(m.cols) + ")";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += int_bytes(header.size(), 2, false);
  bytes += header;
  const bool big = descr[0] == '>';
  const auto put = [&](double x) {
    if (descr == "|b1") bytes += static_cast<char>(x != 0 ? 1 : 0);
    else if (descr[2] == '4') bytes += int_bytes(std::bit_cast<std::uint32_t>(static_cast<float>(x)), 4, big);
    else bytes += int_bytes(std::bit_cast<std::uint64_t>(x), 8, big);
  };
  if (fortran) {
    for (std::size_t j = 0; j < m.cols; ++j)
      for (std::size_t i = 0; i < m.rows; ++i) put(m(i, j));
  } else {
    for (const double x : m.data) put(x);
  }
  return bytes;
}

std::string csv_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", x);  // 9 digits: a float32 reads back exactly
  return buf;
}

std::string csv_file(const Mat& m) {
  std::string s;
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.cols; ++j) s += (j ? "," : "") + csv_number(m(i, j));
    s += '\n';
  }
  return s;
}

// Reads a dumped stage strictly as cli.md says it is written: version 1.0, '<f4', C order, 2-D.
Mat read_dumped_npy(const fs::path& path) {
  const std::string bytes = read_all(path);
  const auto fail = [&](const std::string& why) { return std::runtime_error(path.string() + ": " + why); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw fail("not a .npy file");
  if (bytes[6] != 1 || bytes[7] != 0) throw fail("not version 1.0");
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  if (bytes.size() < 10 + header_len) throw fail("header cut short");
  const std::string header = bytes.substr(10, header_len);
  if (!contains(header, "'descr': '<f4'")) throw fail("dtype is not <f4: " + header);
  if (!contains(header, "'fortran_order': False")) throw fail("not C order: " + header);
  const std::size_t open = header.find("'shape': (");
  const std::size_t close = header.find(')', open);
  if (open == std::string::npos || close == std::string::npos) throw fail("no shape: " + header);
  std::vector<std::size_t> dims;
  for (const auto& part : split(header.substr(open + 10, close - open - 10), ','))
    if (part.find_first_not_of(' ') != std::string::npos) dims.push_back(std::stoul(part));
  if (dims.size() != 2) throw fail("not 2-D: " + header);
  Mat m(dims[0], dims[1]);
  const std::size_t data_at = 10 + header_len;
  if (bytes.size() != data_at + 4 * m.data.size()) throw fail("data size does not match the shape");
  for (std::size_t n = 0; n < m.data.size(); ++n) {
    std::uint32_t u = 0;
    for (int b = 0; b < 4; ++b)
      u |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[data_at + 4 * n + b])) << (8 * b);
    m.data[n] = std::bit_cast<float>(u);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// The float64 reference: softmax(s·QKᵀ + A)·V, with the spec's rule for fully masked rows.

// The additive mask of a structural spec, semantics.md's table.
Mat structural_mask(const std::string& spec, std::size_t lq, std::size_t lk) {
  Mat a(lq, lk);
  for (std::size_t i = 0; i < lq; ++i)
    for (std::size_t j = 0; j < lk; ++j) {
      const auto si = static_cast<long>(i), sj = static_cast<long>(j), slq = static_cast<long>(lq),
                 slk = static_cast<long>(lk);
      bool allowed = true;
      if (spec == "causal") allowed = sj <= si;
      else if (spec == "causal-bottom-right") allowed = sj <= si + (slk - slq);
      else if (spec.starts_with("window:")) allowed = si - std::stol(spec.substr(7)) < sj && sj <= si;
      else if (spec.starts_with("padding:")) allowed = sj < std::stol(spec.substr(8));
      else if (spec != "none") throw std::runtime_error("no reference for mask " + spec);
      a(i, j) = allowed ? 0 : -kInf;
    }
  return a;
}

struct RowStats {
  double mean = 0, std = 0, max_weight = 0, entropy = 0, effective_keys = 0, jacobian_norm = 0;
  long masked_keys = 0;
  bool fully_masked = false;
};

struct Reference {
  Mat scores, scaled, masked, weights, output;
  std::vector<RowStats> stats;
  const Mat& stage(const std::string& name) const {
    return name == "scores"    ? scores
           : name == "scaled"  ? scaled
           : name == "masked"  ? masked
           : name == "weights" ? weights
                               : output;
  }
};

Reference reference(const Mat& q, const Mat& k, const Mat& v, double scale, const Mat& additive) {
  const std::size_t lq = q.rows, lk = k.rows, dk = q.cols, dv = v.cols;
  Reference r{Mat(lq, lk), Mat(lq, lk), Mat(lq, lk), Mat(lq, lk), Mat(lq, dv), {}};
  for (std::size_t i = 0; i < lq; ++i) {
    double row_max = -kInf;
    for (std::size_t j = 0; j < lk; ++j) {
      double dot = 0;
      for (std::size_t d = 0; d < dk; ++d) dot += q(i, d) * k(j, d);
      r.scores(i, j) = dot;
      r.scaled(i, j) = scale * dot;
      r.masked(i, j) = additive(i, j) == -kInf ? -kInf : r.scaled(i, j) + additive(i, j);
      row_max = std::max(row_max, r.masked(i, j));
    }
    RowStats s;
    double sum = 0;
    for (std::size_t j = 0; j < lk; ++j) {
      if (r.masked(i, j) == -kInf) {
        ++s.masked_keys;
        continue;
      }
      r.weights(i, j) = std::exp(r.masked(i, j) - row_max);
      sum += r.weights(i, j);
      s.mean += r.scaled(i, j);
    }
    s.fully_masked = s.masked_keys == static_cast<long>(lk);
    if (!s.fully_masked) {
      const double n = static_cast<double>(lk) - static_cast<double>(s.masked_keys);
      s.mean /= n;
      double jac2 = 0, p2 = 0;
      for (std::size_t j = 0; j < lk; ++j) {
        if (r.masked(i, j) == -kInf) continue;
        const double p = r.weights(i, j) /= sum;
        s.std += (r.scaled(i, j) - s.mean) * (r.scaled(i, j) - s.mean);
        s.max_weight = std::max(s.max_weight, p);
        if (p > 0) s.entropy -= p * std::log(p);
        p2 += p * p;
        jac2 += p * p - 2 * p * p * p;
      }
      // ‖diag(p) − ppᵀ‖²_F = Σ (p_j − p_j²)² + Σ_{j≠l} p_j² p_l² = Σ p_j² − 2Σ p_j³ + (Σ p_j²)²
      s.jacobian_norm = std::sqrt(std::max(0.0, jac2 + p2 * p2));
      s.std = std::sqrt(s.std / n);
      s.effective_keys = std::exp(s.entropy);
    }
    r.stats.push_back(s);
    for (std::size_t e = 0; e < dv; ++e) {
      double o = 0;
      for (std::size_t j = 0; j < lk; ++j) o += r.weights(i, j) * v(j, e);
      r.output(i, e) = o;
    }
  }
  return r;
}

bool close(double got, double want, double tol = 1e-5) {
  if (std::isinf(want)) return got == want;
  return std::isfinite(got) && std::abs(got - want) <= tol + tol * std::abs(want);
}

void check_close(const Mat& got, const Mat& want, const std::string& what, double tol = 1e-5) {
  CHECK_MESSAGE(got.rows == want.rows, what << ": " << got.rows << " rows, expected " << want.rows);
  CHECK_MESSAGE(got.cols == want.cols, what << ": " << got.cols << " columns, expected " << want.cols);
  if (got.rows != want.rows || got.cols != want.cols) return;
  std::size_t bad = 0;
  std::string first;
  for (std::size_t i = 0; i < got.rows; ++i)
    for (std::size_t j = 0; j < got.cols; ++j)
      if (!close(got(i, j), want(i, j), tol) && bad++ == 0)
        first = "(" + std::to_string(i) + ", " + std::to_string(j) + "): got " + csv_number(got(i, j)) + ", expected " +
                csv_number(want(i, j));
  CHECK_MESSAGE(bad == 0, what << ": " << bad << " cells differ from the float64 reference, first at " << first);
}

// ---------------------------------------------------------------------------------------------
// Running attnlab and checking what it did

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool has(const std::vector<std::string>& args, const std::string& arg) {
  return std::find(args.begin(), args.end(), arg) != args.end();
}

// The failure contract of cli.md: the status, exactly one line on stderr starting with
// "attnlab: ", naming each of `mentions` (any case) and each of `words` (as whole words: an
// input's name such as "K", or a number), and nothing on stdout.
void check_error(const RunResult& r, int status, const std::vector<std::string>& mentions,
                 const std::vector<std::string>& words = {}) {
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  CHECK(r.status == status);
  const auto lines = r.err_lines();
  CHECK_MESSAGE(lines.size() == 1, "expected exactly one line on stderr, got " << lines.size());
  // Checked on the whole of stderr, so an extra line fails only the line count above.
  CHECK_MESSAGE(r.err.starts_with("attnlab: "), "the message does not start with 'attnlab: '");
  for (const auto& m : mentions)
    CHECK_MESSAGE(contains(lower(r.err), lower(m)), "the message does not mention '" << m << "'");
  for (const auto& w : words) CHECK_MESSAGE(mentions_word(r.err, w), "the message does not name '" << w << "'");
  CHECK_MESSAGE(r.out.empty(), "stdout: " << r.out);
}

// An input error raised by `compute`. It runs twice: once with --dump naming a directory that does
// not exist (it must not appear), once with a directory holding an earlier dump (it must stay byte
// for byte as it was, with no temporaries left). --backend cpu is added unless the command names a
// backend, so the fallback note of the default "auto" backend stays out of the one-line check; that
// note together with an error is checked on its own below.
void check_compute_input_error(const std::vector<std::string>& args, const std::vector<std::string>& mentions,
                               const std::vector<std::string>& words = {}) {
  TempDir work;
  std::vector<std::string> base = cat({"compute"}, args);
  if (!has(base, "--backend")) base = cat(base, {"--backend", "cpu"});

  const fs::path fresh = work / "fresh-dump";
  const RunResult first = run_attnlab(cat(base, {"--dump", fresh.string()}));
  check_error(first, 2, mentions, words);
  CHECK_MESSAGE(!fs::exists(fresh), first.command << ": created " << fresh);

  const fs::path old = work / "old-dump";
  fs::create_directories(old);
  const std::string old_weights = "old weights: a failing run must not replace this\n";
  const std::string old_stats = "old stats: a failing run must not replace this\n";
  write_all(old / "weights.npy", old_weights);
  write_all(old / "stats.csv", old_stats);
  const RunResult second = run_attnlab(cat(base, {"--dump", old.string()}));
  check_error(second, 2, mentions, words);
  CHECK_MESSAGE(read_all(old / "weights.npy") == old_weights, second.command << ": weights.npy was overwritten");
  CHECK_MESSAGE(read_all(old / "stats.csv") == old_stats, second.command << ": stats.csv was overwritten");
  CHECK_MESSAGE(listing(old) == std::set<std::string>({"stats.csv", "weights.npy"}),
                second.command << ": the directory now holds " << join(listing(old)));
}

// An input error raised by `bench`, which writes no files.
void check_bench_input_error(const std::vector<std::string>& args, const std::vector<std::string>& mentions,
                             const std::vector<std::string>& words = {}) {
  std::vector<std::string> full = cat({"bench"}, args);
  if (!has(full, "--backend")) full = cat(full, {"--backend", "cpu"});
  check_error(run_attnlab(full), 2, mentions, words);
}

struct Dump {
  std::map<std::string, Mat> stages;
  std::vector<std::string> stats_lines;
};

// A successful `compute --dump`: exit 0, exactly the six files and no temporaries.
Dump run_compute(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<std::string> full = cat(cat({"compute"}, args), {"--dump", dir.string()});
  if (!has(full, "--backend")) full = cat(full, {"--backend", "cpu"});
  const RunResult r = run_attnlab(full);
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  REQUIRE(fs::is_directory(dir));
  CHECK_MESSAGE(listing(dir) == kDumpFiles, "the dump directory holds " << join(listing(dir)));
  Dump dump;
  for (const auto& stage : kStages) dump.stages[stage] = read_dumped_npy(dir / (stage + ".npy"));
  dump.stats_lines = split_lines(read_all(dir / "stats.csv"));
  return dump;
}

// Every dumped stage and the statistics against the float64 reference.
void check_against(const Dump& dump, const Reference& ref, const std::string& what) {
  for (const auto& stage : kStages) check_close(dump.stages.at(stage), ref.stage(stage), what + " " + stage);
  REQUIRE(!dump.stats_lines.empty());
  CHECK(dump.stats_lines[0] == kStatsHeader);
  REQUIRE_MESSAGE(dump.stats_lines.size() == ref.stats.size() + 1,
                  what << ": stats.csv has " << dump.stats_lines.size() << " lines");
  for (std::size_t i = 0; i < ref.stats.size(); ++i) {
    INFO(what << " stats.csv line " << i + 1 << ": " << dump.stats_lines[i + 1]);
    const auto f = split(dump.stats_lines[i + 1], ',');
    REQUIRE(f.size() == 8);
    CHECK(f[0] == std::to_string(i));
    const RowStats& s = ref.stats[i];
    CHECK(f[7] == std::to_string(s.masked_keys));
    const auto num = [&](std::size_t n) { return std::strtod(f[n].c_str(), nullptr); };
    CHECK(close(num(3), s.max_weight));
    CHECK(close(num(4), s.entropy));
    CHECK(close(num(6), s.jacobian_norm));
    if (s.fully_masked) continue;  // mean, std and exp(H) of no keys at all: the spec fixes no value
    CHECK(close(num(1), s.mean));
    CHECK(close(num(2), s.std));  // the population std, as the engine documents it
    CHECK(close(num(5), s.effective_keys));
  }
}

// Q, K, V with known values, written in three different formats so every reader path is used:
// Q as C-order <f4, K as .csv, V as big-endian float64 in Fortran order.
struct Inputs {
  Mat q, k, v;
  fs::path q_path, k_path, v_path;

  Inputs(const TempDir& dir, std::size_t lq, std::size_t lk, std::size_t dk, std::size_t dv)
      : q(make_mat(lq, dk, [](double i, double d) { return 1.5 * std::sin(0.9 * i + 1.7 * d + 0.3); })),
        k(make_mat(lk, dk, [](double j, double d) { return 1.2 * std::cos(1.1 * j - 0.6 * d); })),
        v(make_mat(lk, dv, [](double j, double e) { return 0.25 * (3 * j + e) - 1.0; })),
        q_path(dir / "q.npy"),
        k_path(dir / "k.csv"),
        v_path(dir / "v.npy") {
    write_all(q_path, npy_file(q));
    write_all(k_path, csv_file(k));
    write_all(v_path, npy_file(v, ">f8", true));
  }
  std::vector<std::string> args() const {
    return {"--q", q_path.string(), "--k", k_path.string(), "--v", v_path.string()};
  }
};

bool numpy_available() {
  static const bool available = [] {
    try {
      return run_program("/usr/bin/python3", {"-c", "import numpy"}).status == 0;
    } catch (const std::exception&) {
      return false;
    }
  }();
  return available;
}

}  // namespace

// =============================================================================================

TEST_SUITE("cli/commands") {
  TEST_CASE("--version prints the name and version and exits 0") {
    const RunResult r = run_attnlab({"--version"});
    INFO("stdout: " << r.out);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
#ifdef ATTNLAB_VERSION
    CHECK(r.out == std::string("attnlab ") + ATTNLAB_VERSION + "\n");
#endif
    REQUIRE(r.out.starts_with("attnlab "));
    const std::string version = r.out.substr(8, r.out.find('\n') - 8);
    CHECK(!version.empty());
    CHECK(version.find_first_not_of("0123456789.") == std::string::npos);
    CHECK(split_lines(r.out).size() == 1);
  }

  TEST_CASE("--help works on the program and on every subcommand") {
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases{
        // The window's actions are listed, the heads' and the classroom keys' among them.
        {{"--help"},
         {"compute", "bench", "examples", "heads", "next-head", "previous-head", "--heads", "--kv-heads", "--head",
          "mask", "undo", "redo", "reset", "theme", "--theme"}},
        {{"compute", "--help"},
         {"--dump", "--mask", "--scale", "--backend", "--random", "--example", "--q", "--verbose"}},
        {{"bench", "--help"}, {"--repeat", "--stages", "--after", "--json", "--backend", "--random"}},
        {{"examples", "--help"}, {}},
        {{"compute", "-h"}, {"--dump"}},
    };
    for (const auto& [args, words] : cases) {
      const RunResult r = run_attnlab(args);
      INFO("command: " << r.command);
      CHECK(r.status == 0);
      CHECK(!r.out.empty());
      CHECK(r.err.empty());
      for (const auto& w : words) CHECK_MESSAGE(contains(r.out, w), "the help does not mention " << w);
    }
  }

  TEST_CASE("auto choosing the CPU where there is no GPU is no news: said under --verbose and in bench's device") {
    // What this machine has, as make_backend finds it: a GPU, none (the CPU is the choice), or one
    // that would not start (then the fallback is still said on every run).
    const attnlab::BackendChoice probe = attnlab::make_backend("auto");
    const bool cpu_chosen = probe.backend->name() == "cpu";
    INFO("auto: " << probe.backend->name() << " " << probe.fallback_reason);
    TempDir work;
    for (const std::string command : {"compute", "export"}) {
      std::vector<std::string> args{command, "--example", "sentence"};
      if (command == "compute") args = cat(args, {"--dump", (work / "d").string()});
      else args = cat(args, {"--stage", "weights", "--out", (work / "w.png").string()});
      const RunResult quiet = run_attnlab(args);
      CHECK(quiet.status == 0);
      if (!cpu_chosen || probe.no_gpu) CHECK_MESSAGE(quiet.err.empty(), quiet.command << ": " << quiet.err);
      else CHECK(quiet.err.starts_with("attnlab: using the CPU backend: "));

      const RunResult told = run_attnlab(cat(args, {"--verbose"}));
      CHECK(told.status == 0);
      const auto lines = told.err_lines();
      REQUIRE_MESSAGE(lines.size() == 1, told.command << ": " << told.err);
      if (!cpu_chosen || probe.no_gpu) {
        CHECK(lines[0].starts_with("attnlab: backend " + probe.backend->name() + " ("));
        if (cpu_chosen) CHECK(contains(lines[0], probe.fallback_reason));
      }
    }
    // --backend cpu asked for: nothing to explain, not even under --verbose beyond the backend.
    const RunResult asked = run_attnlab({"compute", "--backend", "cpu", "--verbose", "--dump", (work / "c").string()});
    CHECK(asked.status == 0);
    CHECK(asked.err.starts_with("attnlab: backend cpu ("));
    CHECK_FALSE(contains(asked.err, "GPU"));

    const RunResult bench = run_attnlab({"bench", "--repeat", "1", "--json"});
    REQUIRE(bench.status == 0);
    const nlohmann::json j = nlohmann::json::parse(bench.out);
    CHECK(j["backend"] == probe.backend->name());
    if (cpu_chosen) CHECK(contains(j["device"].get<std::string>(), "auto chose it: " + probe.fallback_reason));
    else CHECK_FALSE(contains(j["device"].get<std::string>(), "auto chose it"));
    if (!cpu_chosen || probe.no_gpu) CHECK(bench.err.empty());
  }

  TEST_CASE("examples lists one name per line, and every listed example computes") {
    const RunResult r = run_attnlab({"examples"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const auto names = split_lines(r.out);
    for (const char* expected : {"sentence", "random", "needle", "uniform"})
      CHECK_MESSAGE(has(names, expected), "examples does not list " << expected);
    TempDir work;
    for (const auto& name : names) {
      INFO("example " << name);
      CHECK_MESSAGE(!name.empty(), "an empty line in the list");
      CHECK_MESSAGE(name.find_first_of(" \t,") == std::string::npos, "not one name per line: '" << name << "'");
      if (name.empty() || name == "induction") continue;  // a model, with its heads: cli/tiny-model
      const Dump dump = run_compute({"--example", name}, work / name);
      const Mat& w = dump.stages.at("weights");
      CHECK(dump.stages.at("scores").rows == w.rows);
      CHECK(dump.stats_lines.size() == w.rows + 1);
      for (std::size_t i = 0; i < w.rows; ++i) {
        double sum = 0;
        for (std::size_t j = 0; j < w.cols; ++j) sum += w(i, j);
        CHECK(close(sum, 1.0));
      }
    }
  }

  TEST_CASE("compute --print shows the default example's weights with its tokens") {
    const RunResult r = run_attnlab({"compute", "--print", "--backend", "cpu"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(split_lines(r.out).size() == 8);  // a header and one line per token of the sentence
    CHECK(contains(r.out, "cat"));
    CHECK(contains(r.out, "tired"));
  }

  TEST_CASE("unknown subcommands and options are usage errors") {
    check_error(run_attnlab({"frobnicate"}), 2, {"frobnicate"});
    check_error(run_attnlab({"--bogus"}), 2, {"--bogus"});
    check_error(run_attnlab({"examples", "--bogus"}), 2, {"--bogus"});
    check_compute_input_error({"--random", "--bogus"}, {"--bogus"});
    check_compute_input_error({"--random", "--lq", "abc"}, {"abc"});
    check_compute_input_error({"--random", "--lq"}, {"--lq"});
    check_bench_input_error({"--random", "--bogus"}, {"--bogus"});
  }

  TEST_CASE("compute without --dump is a usage error") {
    check_error(run_attnlab({"compute", "--random", "--backend", "cpu"}), 2, {"--dump"});
  }

  TEST_CASE("bad --mask specs are input errors naming the spec") {
    check_compute_input_error({"--random", "--mask", "window:0"}, {"window:0"});
    check_compute_input_error({"--random", "--mask", "window:x"}, {"window:x"});
    check_compute_input_error({"--random", "--mask", "window:"}, {"window:"});
    check_compute_input_error({"--random", "--mask", "padding:0"}, {"padding:0"});
    check_compute_input_error({"--random", "--lk", "8", "--mask", "padding:99"}, {"padding"}, {"99", "8"});
    check_compute_input_error({"--random", "--mask", "diagonal"}, {"diagonal"});
    check_compute_input_error({"--random", "--mask", "file:"}, {"file:"});
    TempDir work;
    const std::string missing = (work / "no-such-mask.npy").string();
    check_compute_input_error({"--random", "--mask", "file:" + missing}, {missing});
  }

  TEST_CASE("mask files of the wrong shape, or float masks with NaN or +inf, are input errors") {
    TempDir work;
    const Inputs in(work, 4, 6, 3, 2);  // Lq×Lk is 4×6

    const fs::path small = work / "small-mask.npy";
    write_all(small, npy_file(Mat(3, 5, 1), "|b1"));
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + small.string()}), {small.string()},
                              {"3", "5", "4", "6"});

    const fs::path narrow = work / "narrow-mask.csv";
    write_all(narrow, csv_file(Mat(4, 5, 0)));
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + narrow.string()}), {narrow.string()}, {"5", "6"});

    Mat with_nan(4, 6, 0);
    with_nan(2, 3) = kNaN;
    const fs::path nan_mask = work / "nan-mask.npy";
    write_all(nan_mask, npy_file(with_nan));
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + nan_mask.string()}), {nan_mask.string(), "nan"});

    Mat with_inf(4, 6, 0);
    with_inf(1, 1) = kInf;
    const fs::path inf_mask = work / "inf-mask.csv";
    write_all(inf_mask, csv_file(with_inf));
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + inf_mask.string()}), {inf_mask.string(), "inf"});

    const fs::path garbled = work / "garbled-mask.npy";
    write_all(garbled, "not a numpy file at all");
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + garbled.string()}), {garbled.string()});
  }

  TEST_CASE("bad --scale values are input errors naming the value") {
    check_compute_input_error({"--random", "--scale", "abc"}, {"abc"});
    check_compute_input_error({"--random", "--scale", "inf"}, {"inf"});
    check_compute_input_error({"--random", "--scale", "nan"}, {"nan"});
    check_compute_input_error({"--random", "--scale", "1e999"}, {"1e999"});
    check_compute_input_error({"--random", "--scale", "0.5x"}, {"0.5x"});
  }

  TEST_CASE("choosing the input: one source, whole, with valid --random settings") {
    TempDir work;
    const Inputs in(work, 4, 5, 3, 2);
    check_compute_input_error({"--example", "bogus"}, {"bogus"});
    check_compute_input_error({"--q", in.q_path.string()}, {"--k"});
    check_compute_input_error({"--q", in.q_path.string(), "--k", in.k_path.string()}, {"--v"});
    check_compute_input_error({"--random", "--example", "sentence"}, {"--random", "--example"});
    check_compute_input_error(cat(in.args(), {"--random"}), {"--random"});
    check_compute_input_error({"--lq", "4"}, {"--lq", "--random"});
    check_compute_input_error(cat(in.args(), {"--seed", "3"}), {"--seed", "--random"});
    check_compute_input_error({"--random", "--lq", "0"}, {"--lq"}, {"0"});
    check_compute_input_error({"--random", "--lk", "0"}, {"--lk"}, {"0"});
    check_compute_input_error({"--random", "--dk", "0"}, {"--dk"}, {"0"});
    check_compute_input_error({"--random", "--dv", "-3"}, {"--dv", "-3"});
    check_compute_input_error({"--random", "--sigma", "0"}, {"--sigma"}, {"0"});
    check_compute_input_error({"--random", "--sigma", "-2"}, {"--sigma", "-2"});
    check_compute_input_error({"--random", "--sigma", "nan"}, {"--sigma"});
  }

  TEST_CASE("shape mismatches between Q, K and V name the input and both sizes") {
    TempDir work;
    const auto ones = [](std::size_t r, std::size_t c) { return Mat(r, c, 0.5); };
    const auto path = [&](const char* name) { return (work / name).string(); };
    // Q is 4×8, K is 4×9: dk must match.
    write_all(work / "q-narrow.npy", npy_file(ones(4, 8)));
    write_all(work / "k-wide.npy", npy_file(ones(4, 9)));
    write_all(work / "v.npy", npy_file(ones(4, 3)));
    check_compute_input_error({"--q", path("q-narrow.npy"), "--k", path("k-wide.npy"), "--v", path("v.npy")}, {},
                              {"K", "9", "8"});

    // The same through .csv files.
    write_all(work / "q-narrow.csv", csv_file(ones(4, 8)));
    write_all(work / "k-wide.csv", csv_file(ones(4, 9)));
    check_compute_input_error({"--q", path("q-narrow.csv"), "--k", path("k-wide.csv"), "--v", path("v.npy")}, {},
                              {"K", "9", "8"});

    // K has 5 rows, V has 6: one value per key.
    write_all(work / "q.npy", npy_file(ones(2, 3)));
    write_all(work / "k-short.npy", npy_file(ones(5, 3)));
    write_all(work / "v-long.csv", csv_file(ones(6, 2)));
    check_compute_input_error({"--q", path("q.npy"), "--k", path("k-short.npy"), "--v", path("v-long.csv")}, {},
                              {"V", "K", "6", "5"});
  }

  TEST_CASE("NaN or inf inside Q, K or V is an input error naming the input") {
    TempDir work;
    const Inputs in(work, 3, 4, 3, 2);
    const auto with = [](Mat m, std::size_t i, std::size_t j, double x) {
      m(i, j) = x;
      return m;
    };
    struct Case {
      std::string which, file, bytes, mention;
    };
    const std::vector<Case> cases{
        {"Q", "q-nan.npy", npy_file(with(in.q, 1, 2, kNaN)), "nan"},
        {"Q", "q-nan.csv", csv_file(with(in.q, 0, 0, kNaN)), "nan"},
        {"K", "k-neginf.npy", npy_file(with(in.k, 2, 1, -kInf), "<f8"), "inf"},
        {"V", "v-inf.csv", csv_file(with(in.v, 3, 1, kInf)), "inf"},
        // Finite in float64, but float64 is rounded to float32, where it overflows to inf.
        {"V", "v-huge.npy", npy_file(with(in.v, 0, 1, 1e300), "<f8"), "inf"},
    };
    for (const auto& c : cases) {
      INFO(c.file);
      const fs::path path = work / c.file;
      write_all(path, c.bytes);
      std::vector<std::string> args = in.args();
      const std::size_t slot = c.which == "Q" ? 1 : c.which == "K" ? 3 : 5;
      args[slot] = path.string();
      check_compute_input_error(args, {c.mention}, {c.which});
    }
  }

  TEST_CASE("malformed, missing and unknown input files are input errors naming the file") {
    TempDir work;
    const Inputs in(work, 3, 4, 3, 2);
    const std::string good = npy_file(in.q);
    // A well-formed (2, 2, 2) array: multi-head inputs are a later extension, so an error for now.
    std::string three_d = good.substr(0, 10) + "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }";
    three_d.resize(good.find('\n', 10), ' ');
    three_d += '\n' + std::string(32, '\0');
    std::vector<std::pair<std::string, std::string>> files{
        {"truncated.npy", good.substr(0, good.size() - 5)},
        {"header-only.npy", good.substr(0, 40)},
        {"bad-magic.npy", "NUMPY but not really"},
        {"ragged.csv", "1,2,3\n4,5\n6,7,8\n"},
        {"words.csv", "a,b,c\n1,2,3\n"},
        {"empty.csv", ""},
        {"three-d.npy", three_d},  // compute reads it as heads now: kept for the files' listing only
        {"q.txt", "1,2,3\n"},
        {"noextension", "1,2,3\n"},
    };
    for (const auto& [name, bytes] : files) write_all(work / name, bytes);
    fs::create_directories(work / "a-directory.npy");
    for (const std::string name : {"truncated.npy", "header-only.npy", "bad-magic.npy", "ragged.csv", "words.csv",
                                   "empty.csv", "q.txt", "noextension", "missing.npy", "a-directory.npy"}) {
      INFO(name);
      const std::string path = (work / name).string();
      check_compute_input_error({"--q", path, "--k", in.k_path.string(), "--v", in.v_path.string()}, {path});
    }
  }

  // A GPU that cannot start (exit 1, why, nothing written) is tested in test_cli_gpu.cpp.
  TEST_CASE("backends: unknown names are usage errors") {
    check_compute_input_error({"--random", "--backend", "tpu"}, {"tpu"});
    check_bench_input_error({"--random", "--repeat", "2", "--backend", "tpu"}, {"tpu"});
  }

  TEST_CASE("an input error under the default backend is still exactly one line on stderr") {
    // cli.md: status 2 comes with one line naming the problem, whatever the backend option.
    TempDir work;
    const fs::path dir = work / "d";
    const RunResult r = run_attnlab({"compute", "--random", "--mask", "window:0", "--dump", dir.string()});
    check_error(r, 2, {"window:0"});
    CHECK(!fs::exists(dir));
    check_error(run_attnlab({"bench", "--random", "--repeat", "0"}), 2, {"--repeat"});
  }

  TEST_CASE("bench option errors are usage errors naming the option") {
    const std::vector<std::string> tiny{"--random", "--lq", "16", "--lk", "16"};
    check_bench_input_error(cat(tiny, {"--repeat", "0"}), {"--repeat"}, {"0"});
    check_bench_input_error(cat(tiny, {"--repeat", "-4"}), {"--repeat", "-4"});
    check_bench_input_error(cat(tiny, {"--stages", "bogus"}), {"--stages", "bogus"});
    check_bench_input_error(cat(tiny, {"--after", "bogus"}), {"--after", "bogus"});
    check_bench_input_error(cat(tiny, {"--after", "mask", "--stages", "output"}), {"--after", "--stages"});
    check_bench_input_error(cat(tiny, {"--mask", "window:0"}), {"window:0"});
    check_bench_input_error({"--lq", "16"}, {"--lq"});
  }

  TEST_CASE("--dump where no directory can be made fails with status 1 and changes nothing") {
    TempDir work;
    const fs::path file = work / "plain-file";
    const std::string content = "a regular file, not a directory\n";
    write_all(file, content);
    for (const fs::path& dir : {file / "dump", file}) {
      const RunResult r =
          run_attnlab({"compute", "--random", "--lq", "4", "--lk", "4", "--backend", "cpu", "--dump", dir.string()});
      INFO("command: " << r.command);
      INFO("stderr: " << r.err);
      CHECK(r.status == 1);
      const auto lines = r.err_lines();
      REQUIRE(lines.size() == 1);
      CHECK(lines[0].starts_with("attnlab: "));
      CHECK(contains(lines[0], dir.string()));
      CHECK(r.out.empty());
      CHECK(read_all(file) == content);
      CHECK(fs::is_regular_file(file));
    }
    CHECK(listing(work.path()) == std::set<std::string>{"plain-file"});
  }

  TEST_CASE("a dump that cannot land whole leaves the old files and no temporaries") {
    // weights.npy is a directory: one of the six files cannot be written, so none may be.
    TempDir work;
    const fs::path dir = work / "d";
    fs::create_directories(dir / "weights.npy");
    const std::string old_stats = "old stats\n", old_scores = "old scores\n";
    write_all(dir / "stats.csv", old_stats);
    write_all(dir / "scores.npy", old_scores);
    const RunResult r =
        run_attnlab({"compute", "--random", "--lq", "4", "--lk", "4", "--backend", "cpu", "--dump", dir.string()});
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(r.err.starts_with("attnlab: "));
    CHECK(contains(r.err, "weights.npy"));
    CHECK(read_all(dir / "stats.csv") == old_stats);
    CHECK(read_all(dir / "scores.npy") == old_scores);
    CHECK(fs::is_directory(dir / "weights.npy"));
    CHECK(fs::is_empty(dir / "weights.npy"));
    CHECK_MESSAGE(listing(dir) == std::set<std::string>({"scores.npy", "stats.csv", "weights.npy"}),
                  "the directory now holds " << join(listing(dir)));
  }

  TEST_CASE("compute --dump writes every stage and stats.csv, matching a float64 reference (causal mask)") {
    TempDir work;
    const Inputs in(work, 5, 6, 4, 3);
    const fs::path dir = work / "nested" / "dump";  // created with its parents
    const Dump dump = run_compute(cat(in.args(), {"--mask", "causal"}), dir);
    const Mat causal = structural_mask("causal", 5, 6);
    const Reference ref = reference(in.q, in.k, in.v, 1 / std::sqrt(4.0), causal);
    check_against(dump, ref, "causal");

    // -inf exactly where the causal mask forbids, a finite value everywhere else.
    const Mat& masked = dump.stages.at("masked");
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = 0; j < 6; ++j) {
        INFO("masked(" << i << ", " << j << ") = " << masked(i, j));
        if (j > i) CHECK(masked(i, j) == -kInf);
        else CHECK(std::isfinite(masked(i, j)));
      }
    for (std::size_t i = 0; i < 5; ++i) CHECK(dump.stats_lines[i + 1].ends_with("," + std::to_string(6 - (i + 1))));

    if (!numpy_available()) {
      MESSAGE("numpy is not installed: the dump is not cross-checked with numpy.load");
      return;
    }
    // numpy itself must load every stage as a float32, C-order, version 1.0 array of the right shape.
    const char* script = R"(
import sys, numpy as np
d = sys.argv[1]
for name in ('scores', 'scaled', 'masked', 'weights', 'output'):
    path = d + '/' + name + '.npy'
    with open(path, 'rb') as f:
        version = np.lib.format.read_magic(f)
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    a = np.load(path, allow_pickle=False)
    print(name, '%d.%d' % version, a.dtype.str, fortran, a.flags['C_CONTIGUOUS'], 'x'.join(str(n) for n in a.shape))
m = np.load(d + '/masked.npy')
print('neginf', ''.join('1' if x else '0' for x in np.isneginf(m).ravel()))
)";
    const RunResult py = run_program("/usr/bin/python3", {"-c", script, dir.string()});
    INFO("python stderr: " << py.err);
    REQUIRE(py.status == 0);
    std::string neginf;
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = 0; j < 6; ++j) neginf += j > i ? '1' : '0';
    CHECK(split_lines(py.out) == std::vector<std::string>{
                                     "scores 1.0 <f4 False True 5x6",
                                     "scaled 1.0 <f4 False True 5x6",
                                     "masked 1.0 <f4 False True 5x6",
                                     "weights 1.0 <f4 False True 5x6",
                                     "output 1.0 <f4 False True 5x3",
                                     "neginf " + neginf,
                                 });
  }

  TEST_CASE("every mask kind matches the float64 reference") {
    TempDir work;
    const std::size_t lq = 5, lk = 6;
    const Inputs in(work, lq, lk, 4, 3);
    const double s = 0.5;  // 1/√dk for dk = 4
    for (const std::string spec :
         {"none", "causal", "causal-bottom-right", "window:2", "window:1", "padding:4", "padding:6"}) {
      INFO("mask " << spec);
      const Dump dump = run_compute(cat(in.args(), {"--mask", spec}), work / ("dump-" + spec));
      check_against(dump, reference(in.q, in.k, in.v, s, structural_mask(spec, lq, lk)), spec);
    }

    // A bool mask: true = may attend.
    Mat allowed(lq, lk, 1);
    allowed(0, 0) = allowed(2, 5) = allowed(3, 1) = allowed(3, 2) = 0;
    const fs::path bool_path = work / "allowed.npy";
    write_all(bool_path, npy_file(allowed, "|b1"));
    Mat bool_additive(lq, lk);
    for (std::size_t n = 0; n < allowed.data.size(); ++n) bool_additive.data[n] = allowed.data[n] != 0 ? 0 : -kInf;
    {
      INFO("bool mask file");
      const Dump dump = run_compute(cat(in.args(), {"--mask", "file:" + bool_path.string()}), work / "dump-bool");
      check_against(dump, reference(in.q, in.k, in.v, s, bool_additive), "bool mask");
    }

    // A float mask: added as is, -inf allowed.
    Mat bias = make_mat(lq, lk, [](double i, double j) { return 0.5 * (i - j); });
    bias(1, 0) = bias(4, 5) = -kInf;
    for (const std::string file : {"bias.npy", "bias.csv"}) {
      INFO("float mask file " << file);
      const fs::path path = work / file;
      write_all(path, file.ends_with(".npy") ? npy_file(bias) : csv_file(bias));
      const Dump dump = run_compute(cat(in.args(), {"--mask", "file:" + path.string()}), work / ("dump-" + file));
      check_against(dump, reference(in.q, in.k, in.v, s, bias), "float mask " + file);
    }
  }

  TEST_CASE("a 1-D Q is one query") {
    TempDir work;
    const Inputs in(work, 1, 4, 3, 2);
    const fs::path q1 = work / "q1.npy";
    write_all(q1, npy_file(in.q, "<f4", false, true));
    std::vector<std::string> args = in.args();
    args[1] = q1.string();
    const Dump dump = run_compute(args, work / "d");
    check_against(dump, reference(in.q, in.k, in.v, 1 / std::sqrt(3.0), structural_mask("none", 1, 4)), "1-D Q");
  }

  TEST_CASE("error messages stay on one line even when the offending text holds a newline") {
    // The line names what the user typed; a newline in it must not split the message in two.
    TempDir work;
    const std::string odd = (work / "odd\nname.npy").string();
    check_compute_input_error({"--q", odd, "--k", odd, "--v", odd}, {"name.npy"});
    check_compute_input_error({"--random", "--mask", "bo\ngus"}, {"gus"});
    check_compute_input_error({"--random", "--scale", "1\n2"}, {"2"});
  }

  TEST_CASE("fully masked rows get zero weights and zero output, never NaN") {
    // causal-bottom-right with Lq > Lk leaves the top Lq − Lk rows with no key to attend.
    TempDir work;
    const std::size_t lq = 5, lk = 3;
    const Inputs in(work, lq, lk, 4, 2);
    const Dump dump = run_compute(cat(in.args(), {"--mask", "causal-bottom-right"}), work / "d");
    check_against(dump, reference(in.q, in.k, in.v, 0.5, structural_mask("causal-bottom-right", lq, lk)),
                  "bottom-right");
    for (std::size_t i = 0; i < 2; ++i) {
      INFO("row " << i);
      for (std::size_t j = 0; j < lk; ++j) CHECK(dump.stages.at("weights")(i, j) == 0.0);
      for (std::size_t e = 0; e < 2; ++e) CHECK(dump.stages.at("output")(i, e) == 0.0);
      const auto f = split(dump.stats_lines[i + 1], ',');
      REQUIRE(f.size() == 8);
      CHECK(f[7] == "3");
      for (const auto& field : f) CHECK_MESSAGE(!contains(lower(field), "nan"), dump.stats_lines[i + 1]);
    }
  }

  TEST_CASE("--scale sets s in scaled = s·scores") {
    TempDir work;
    const Inputs in(work, 4, 5, 4, 3);
    const Mat none = structural_mask("none", 4, 5);
    // s = 1, 0.5, −1 and 1/√4 are exact in float32, so the scaled stage is exactly s·scores.
    const std::vector<std::pair<std::string, double>> exact{{"none", 1.0}, {"0.5", 0.5}, {"-1", -1.0}, {"sqrt", 0.5}};
    for (const auto& [spec, s] : exact) {
      INFO("--scale " << spec);
      const Dump dump = run_compute(cat(in.args(), {"--scale", spec}), work / ("dump" + spec));
      const Mat& scores = dump.stages.at("scores");
      const Mat& scaled = dump.stages.at("scaled");
      REQUIRE(scaled.data.size() == scores.data.size());
      for (std::size_t n = 0; n < scores.data.size(); ++n)
        CHECK(scaled.data[n] == static_cast<double>(static_cast<float>(s) * static_cast<float>(scores.data[n])));
      check_against(dump, reference(in.q, in.k, in.v, s, none), "--scale " + spec);
    }
    {
      INFO("--scale 0.3");
      const Dump dump = run_compute(cat(in.args(), {"--scale", "0.3"}), work / "dump0.3");
      check_against(dump, reference(in.q, in.k, in.v, 0.3, none), "--scale 0.3");
    }
    {
      // The default is sqrt: the same files as --scale sqrt.
      run_compute(in.args(), work / "default");
      for (const auto& name : kDumpFiles)
        CHECK_MESSAGE(read_all(work / "default" / name) == read_all(work / "dumpsqrt" / name), name);
    }
  }

  TEST_CASE("a successful dump replaces an earlier one whole and leaves other files alone") {
    TempDir work;
    const fs::path dir = work / "d";
    fs::create_directories(dir);
    write_all(dir / "weights.npy", "old weights\n");
    write_all(dir / "stats.csv", "old stats\n");
    write_all(dir / "notes.txt", "someone's notes\n");
    const RunResult r = run_attnlab({"compute", "--random", "--lq", "3", "--lk", "4", "--dk", "8", "--dv", "2",
                                     "--backend", "cpu", "--dump", dir.string()});
    CHECK(r.status == 0);
    std::set<std::string> expected = kDumpFiles;
    expected.insert("notes.txt");
    CHECK_MESSAGE(listing(dir) == expected, "the directory holds " << join(listing(dir)));
    CHECK(read_all(dir / "notes.txt") == "someone's notes\n");
    CHECK(read_dumped_npy(dir / "weights.npy").rows == 3);
    CHECK(split_lines(read_all(dir / "stats.csv")).size() == 4);
  }

  TEST_CASE("the same seed gives identical files, another seed different ones") {
    TempDir work;
    const std::vector<std::string> args{"--random", "--lq", "5", "--lk", "7", "--dk", "16", "--dv", "8"};
    run_compute(cat(args, {"--seed", "42"}), work / "a");
    run_compute(cat(args, {"--seed", "42"}), work / "b");
    run_compute(cat(args, {"--seed", "43"}), work / "c");
    for (const auto& name : kDumpFiles) {
      INFO(name);
      CHECK(read_all(work / "a" / name) == read_all(work / "b" / name));
    }
    for (const std::string name : {"scores.npy", "weights.npy", "output.npy"}) {
      INFO(name);
      CHECK(read_all(work / "a" / name) != read_all(work / "c" / name));
    }
    const Mat scores = read_dumped_npy(work / "a" / "scores.npy");
    CHECK(scores.rows == 5);
    CHECK(scores.cols == 7);
    CHECK(read_dumped_npy(work / "a" / "output.npy").cols == 8);
  }

  TEST_CASE("bench --json prints one JSON object with the sizes, per-stage medians and GFLOP/s") {
    const std::vector<std::string> tiny{"bench", "--random", "--lq",     "64", "--lk",   "48",        "--dk", "32",
                                        "--dv",  "16",       "--repeat", "2",  "--json", "--backend", "cpu"};
    struct Case {
      std::vector<std::string> extra;
      std::string stages;
      std::vector<std::string> stage_entries;
    };
    const std::vector<std::string> all{"scores", "scaled", "masked", "weights", "output"};
    const std::vector<Case> cases{
        {{}, "all", all},
        {{"--stages", "all"}, "all", all},
        {{"--stages", "output"}, "output", {"output"}},
        {{"--after", "scale"}, "all", {}},
        {{"--after", "mask"}, "all", {}},
        {{"--after", "query"}, "all", {}},
        {{"--mask", "causal", "--after", "mask"}, "all", {}},
    };
    for (const auto& c : cases) {
      const RunResult r = run_attnlab(cat(tiny, c.extra));
      INFO("command: " << r.command);
      INFO("stdout: " << r.out);
      INFO("stderr: " << r.err);
      REQUIRE(r.status == 0);
      CHECK(r.err.empty());
      nlohmann::json j;
      REQUIRE_NOTHROW(j = nlohmann::json::parse(r.out));  // throws on anything after the one object
      REQUIRE(j.is_object());
      CHECK(j.value("backend", "") == "cpu");
      CHECK(j.value("lq", 0) == 64);
      CHECK(j.value("lk", 0) == 48);
      CHECK(j.value("dk", 0) == 32);
      CHECK(j.value("dv", 0) == 16);
      CHECK(j.value("repeat", 0) == 2);
      CHECK(j.value("stages", "") == c.stages);
      REQUIRE(j.contains("median_ms"));
      REQUIRE(j["median_ms"].is_object());
      REQUIRE(j["median_ms"].contains("total"));
      REQUIRE(j["median_ms"]["total"].is_number());
      for (const auto& stage : c.stage_entries) {
        INFO("stage " << stage);
        REQUIRE(j["median_ms"].contains(stage));
        CHECK(j["median_ms"][stage].is_number());
        CHECK(j["median_ms"][stage].get<double>() >= 0);
      }
      const double total = j["median_ms"]["total"].get<double>();
      CHECK(total > 0);
      REQUIRE(j.contains("gflops"));
      REQUIRE(j["gflops"].is_number());
      const double flops = 2.0 * 64 * 48 * (32 + 16);
      CHECK(j["gflops"].get<double>() == doctest::Approx(flops / (total * 1e6)).epsilon(1e-9));
    }

    // Without --json: a human-readable report, still status 0.
    std::vector<std::string> text(tiny.begin(), tiny.end());
    text.erase(std::find(text.begin(), text.end(), "--json"));
    const RunResult r = run_attnlab(text);
    CHECK(r.status == 0);
    CHECK(!r.out.empty());
    CHECK_FALSE(nlohmann::json::accept(r.out));
  }

}  // TEST_SUITE("cli/commands")

// =============================================================================================
// Float masks as PyTorch and Hugging Face write them: float32's lowest value where a key is masked.

TEST_SUITE("cli/float-masks") {
  TEST_CASE("float32's lowest value in a float mask masks: zero weight, never NaN, not blamed on Q and K") {
    TempDir work;
    const Inputs in(work, 6, 5, 4, 3);
    constexpr double lowest = -3.4028234663852886e38;  // float32's lowest, as torch.finfo(float32).min
    // A causal pattern written with lowest instead of -inf, and the last query masked from every key.
    Mat mask(6, 5);
    for (std::size_t i = 0; i < 6; ++i)
      for (std::size_t j = 0; j < 5; ++j) mask(i, j) = (j <= i && i < 5) ? 0.0 : lowest;
    write_all(work / "mask.npy", npy_file(mask));
    const Dump dump = run_compute(cat(in.args(), {"--mask", "file:" + (work / "mask.npy").string()}), work / "dump");

    // The reference: the masked stage is float32's scaled + lowest, which rounds to lowest itself for
    // any score smaller than 1e31; the weights are the softmax of that row.
    const Reference ref = reference(in.q, in.k, in.v, 0.5, mask);
    const Mat& masked = dump.stages.at("masked");
    const Mat& weights = dump.stages.at("weights");
    for (std::size_t i = 0; i < 6; ++i)
      for (std::size_t j = 0; j < 5; ++j) {
        INFO("cell (" << i << ", " << j << ")");
        if (mask(i, j) == 0) {
          CHECK(close(masked(i, j), ref.scaled(i, j)));
        } else {
          CHECK(masked(i, j) == static_cast<double>(std::numeric_limits<float>::lowest()));
        }
        if (i < 5) CHECK(close(weights(i, j), ref.weights(i, j)));
        // Zero to float precision: the CPU's exp stops at e⁻⁸⁷ ≈ 1.6e−38 so as to stay a normal float.
        if (i < 5 && mask(i, j) != 0) CHECK(weights(i, j) < 1e-37);
      }
    // A row masked from every key with a finite value is a row of equal scores, as in PyTorch: it
    // spreads its weight evenly (a -inf row would be all zeros instead).
    for (std::size_t j = 0; j < 5; ++j) CHECK(close(weights(5, j), 0.2));
    for (const auto& line : dump.stats_lines) CHECK_MESSAGE(!contains(lower(line), "nan"), line);
    check_close(dump.stages.at("scores"), ref.scores, "scores");
  }

  TEST_CASE("a float mask's large positive value is what overflows, and the message says so") {
    TempDir work;
    const Inputs in(work, 3, 3, 2, 2);
    Mat mask(3, 3);
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j) mask(i, j) = (i == 1 && j == 2) ? 3.4e38 : 0.0;
    write_all(work / "mask.npy", npy_file(mask));
    check_compute_input_error(cat(in.args(), {"--mask", "file:" + (work / "mask.npy").string()}), {"mask"});
    const RunResult r = run_attnlab(cat(cat({"compute", "--print", "--backend", "cpu"}, in.args()),
                                        {"--mask", "file:" + (work / "mask.npy").string()}));
    CHECK_FALSE(contains(r.err, "Q and K"));
  }
}
