// --softcap C and --sink S|S1,S2,… through the real binary: compute's dump (capped.npy, the sink's share
// in stats.csv) against a float64 reference computed here from the input files, per-head sinks, a real
// model's layer, export's titles and capped stage, bench, and every refusal (exit 2, one line naming the
// option and the value, nothing written).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_files.hpp"

using namespace cli_test;

namespace {

const fs::path kModel = fs::path(ATTNLAB_ASSETS_DIR) / "models" / "induction";
const std::string kStatsHeader = "query,mean,std,max_weight,entropy,effective_keys,jacobian_norm,masked_keys";

std::vector<double> fields(const std::string& line) {
  std::vector<double> out;
  std::istringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) out.push_back(std::strtod(cell.c_str(), nullptr));
  return out;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// H × L × d values from a formula, rounded to float32 as the program will read them.
struct Stack {
  long heads, rows, cols;
  std::vector<double> data;
  double operator()(long h, long i, long j) const { return data[static_cast<std::size_t>((h * rows + i) * cols + j)]; }
};

Stack make_stack(long heads, long rows, long cols, double phase) {
  Stack s{heads, rows, cols, {}};
  for (long h = 0; h < heads; ++h)
    for (long i = 0; i < rows; ++i)
      for (long j = 0; j < cols; ++j)
        s.data.push_back(
            static_cast<float>(2.2 * std::sin(phase + 0.9 * double(h) + 1.3 * double(i) + 0.7 * double(j))));
  return s;
}

void write_stack(const fs::path& path, const Stack& s) {
  std::vector<attnlab::Matrix> heads;
  for (long h = 0; h < s.heads; ++h) {
    attnlab::Matrix m(s.rows, s.cols);
    for (long i = 0; i < s.rows; ++i)
      for (long j = 0; j < s.cols; ++j) m(i, j) = static_cast<float>(s(h, i, j));
    heads.push_back(m);
  }
  write_all(path, s.heads == 1 ? attnlab::npy_bytes(heads.front()) : attnlab::npy_bytes(heads));
}

// compute --mask causal --softcap C --sink S on Q, K and V written into `work`, dumped to work/dump,
// which it returns once the run succeeded.
fs::path compute_on_files(const TempDir& work, const Stack& q, const Stack& k, const Stack& v,
                          const std::string& softcap, const std::string& sink) {
  write_stack(work / "q.npy", q), write_stack(work / "k.npy", k), write_stack(work / "v.npy", v);
  const fs::path dump = work / "dump";
  const RunResult r = run_attnlab({"compute", "--q", (work / "q.npy").string(), "--k", (work / "k.npy").string(), "--v",
                                   (work / "v.npy").string(), "--mask", "causal", "--softcap", softcap, "--sink", sink,
                                   "--backend", "cpu", "--dump", dump.string()});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  return dump;
}

// One head in float64, written from the spec: scaled = QKᵀ/√dk, capped = C·tanh(scaled/C), the causal
// mask, then the softmax with the sink as one more logit whose weight is dropped.
struct HeadRef {
  std::vector<double> capped, weights, output, sink_weight, max_weight, entropy;
};

HeadRef reference_head(const Stack& q, const Stack& k, const Stack& v, long h, long g, double cap,
                       std::optional<double> sink) {
  const long lq = q.rows, lk = k.rows, dk = q.cols, dv = v.cols;
  HeadRef r;
  r.capped.assign(static_cast<std::size_t>(lq * lk), 0);
  r.weights.assign(static_cast<std::size_t>(lq * lk), 0);
  r.output.assign(static_cast<std::size_t>(lq * dv), 0);
  for (long i = 0; i < lq; ++i) {
    std::vector<double> x(static_cast<std::size_t>(lk));
    double top = sink.value_or(-INFINITY);
    for (long j = 0; j < lk; ++j) {
      double score = 0;
      for (long d = 0; d < dk; ++d) score += q(h, i, d) * k(g, j, d);
      const double c = cap * std::tanh(score / std::sqrt(double(dk)) / cap);
      r.capped[static_cast<std::size_t>(i * lk + j)] = c;
      x[static_cast<std::size_t>(j)] = j <= i ? c : -INFINITY;
      top = std::max(top, x[static_cast<std::size_t>(j)]);
    }
    double sum = sink ? std::exp(*sink - top) : 0;
    for (long j = 0; j <= i && j < lk; ++j) sum += std::exp(x[static_cast<std::size_t>(j)] - top);
    r.sink_weight.push_back(sink ? std::exp(*sink - top) / sum : 0);
    double largest = 0, entropy = 0;
    for (long j = 0; j <= i && j < lk; ++j) {
      const double p = std::exp(x[static_cast<std::size_t>(j)] - top) / sum;
      r.weights[static_cast<std::size_t>(i * lk + j)] = p;
      largest = std::max(largest, p);
      entropy -= p * std::log(p);
      for (long d = 0; d < dv; ++d) r.output[static_cast<std::size_t>(i * dv + d)] += p * v(g, j, d);
    }
    r.max_weight.push_back(largest);
    r.entropy.push_back(entropy);
  }
  return r;
}

void check_values(const attnlab::Array& got, std::size_t offset, const std::vector<double>& want, double tol,
                  const std::string& what) {
  REQUIRE(got.data.size() >= offset + want.size());
  double worst = 0;
  for (std::size_t n = 0; n < want.size(); ++n)
    worst = std::max(worst, std::abs(double(got.data[offset + n]) - want[n]) / (tol * (1 + std::abs(want[n]))));
  CHECK_MESSAGE(worst <= 1, what << ": " << worst << "× the tolerance");
}

// Every data-value of the SVG's cells, in order.
std::vector<float> svg_cell_values(const std::string& svg) {
  std::vector<float> values;
  const std::string key = "data-value=\"";
  for (std::size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1))
    values.push_back(std::strtof(svg.c_str() + at + key.size(), nullptr));
  return values;
}

}  // namespace

TEST_SUITE("cli/softcap-sink") {
  TEST_CASE("compute --softcap --sink: capped.npy and a sink_weight column, equal to a float64 reference") {
    TempDir work;
    const Stack q = make_stack(1, 6, 5, 0.1), k = make_stack(1, 6, 5, 1.7), v = make_stack(1, 6, 3, 2.9);
    const fs::path dump = compute_on_files(work, q, k, v, "1.5", "0.75");
    CHECK(listing(dump) == std::set<std::string>{"scores.npy", "scaled.npy", "capped.npy", "masked.npy", "weights.npy",
                                                 "output.npy", "stats.csv"});
    const HeadRef ref = reference_head(q, k, v, 0, 0, 1.5, 0.75);
    check_values(read_npy(dump / "capped.npy"), 0, ref.capped, 1e-6, "capped.npy");
    check_values(read_npy(dump / "weights.npy"), 0, ref.weights, 1e-5, "weights.npy");
    check_values(read_npy(dump / "output.npy"), 0, ref.output, 1e-5, "output.npy");
    const attnlab::Array masked = read_npy(dump / "masked.npy");
    for (long i = 0; i < 6; ++i)
      for (long j = 0; j < 6; ++j)
        if (j > i) CHECK(masked.data[static_cast<std::size_t>(i * 6 + j)] == -INFINITY);
        else CHECK(masked.data[static_cast<std::size_t>(i * 6 + j)] == doctest::Approx(ref.capped[i * 6 + j]));
    const auto stats = lines_of(read_all(dump / "stats.csv"));
    REQUIRE(stats.size() == 7);
    CHECK(stats[0] == kStatsHeader + ",sink_weight");
    for (std::size_t i = 0; i < 6; ++i) {
      const std::vector<double> row = fields(stats[i + 1]);
      REQUIRE(row.size() == 9);
      INFO("query " << i);
      CHECK(row[3] == doctest::Approx(ref.max_weight[i]).epsilon(1e-5));
      CHECK(row[4] == doctest::Approx(ref.entropy[i]).epsilon(1e-4).scale(1));
      CHECK(row[8] == doctest::Approx(ref.sink_weight[i]).epsilon(1e-5));
      CHECK(row[8] > 0);
    }
  }

  TEST_CASE("without --softcap and --sink: the spec's five stages and stats.csv header, exactly") {
    TempDir work;
    const fs::path dump = work / "dump";
    const RunResult r = run_attnlab(
        {"compute", "--random", "--lq", "4", "--lk", "5", "--dk", "3", "--backend", "cpu", "--dump", dump.string()});
    REQUIRE(r.status == 0);
    CHECK(listing(dump) ==
          std::set<std::string>{"scores.npy", "scaled.npy", "masked.npy", "weights.npy", "output.npy", "stats.csv"});
    CHECK(lines_of(read_all(dump / "stats.csv")).front() == kStatsHeader);
    // A soft-cap alone adds capped.npy; a sink alone adds the column.
    const RunResult capped = run_attnlab({"compute", "--random", "--lq", "4", "--lk", "5", "--dk", "3", "--softcap",
                                          "2", "--backend", "cpu", "--dump", (work / "capped").string()});
    REQUIRE(capped.status == 0);
    CHECK(fs::exists(work / "capped" / "capped.npy"));
    CHECK(lines_of(read_all(work / "capped" / "stats.csv")).front() == kStatsHeader);
    const RunResult sink = run_attnlab({"compute", "--random", "--lq", "4", "--lk", "5", "--dk", "3", "--sink", "-1",
                                        "--backend", "cpu", "--dump", (work / "sink").string()});
    REQUIRE(sink.status == 0);
    CHECK_FALSE(fs::exists(work / "sink" / "capped.npy"));
    CHECK(lines_of(read_all(work / "sink" / "stats.csv")).front() == kStatsHeader + ",sink_weight");
  }

  TEST_CASE("one sink per head: each head's weights with its own sink, against the reference") {
    TempDir work;
    const Stack q = make_stack(4, 5, 4, 0.3), k = make_stack(2, 5, 4, 1.1), v = make_stack(2, 5, 2, 2.3);
    const fs::path dump = compute_on_files(work, q, k, v, "3", "0.5,-1,2,4.25");
    const attnlab::Array weights = read_npy(dump / "weights.npy"), capped = read_npy(dump / "capped.npy");
    REQUIRE(weights.shape == std::vector<attnlab::Index>{4, 5, 5});
    const auto stats = lines_of(read_all(dump / "stats.csv"));
    CHECK(stats[0] == "head," + kStatsHeader + ",sink_weight");
    const double sinks[] = {0.5, -1, 2, 4.25};
    for (long h = 0; h < 4; ++h) {
      const HeadRef ref = reference_head(q, k, v, h, h / 2, 3, sinks[h]);
      check_values(weights, static_cast<std::size_t>(h * 25), ref.weights, 1e-5, "head " + std::to_string(h));
      check_values(capped, static_cast<std::size_t>(h * 25), ref.capped, 1e-6, "capped head " + std::to_string(h));
      for (std::size_t i = 0; i < 5; ++i)
        CHECK(fields(stats[1 + static_cast<std::size_t>(h) * 5 + i]).back() ==
              doctest::Approx(ref.sink_weight[i]).epsilon(1e-5));
    }
  }

  TEST_CASE("a real model's layer takes them too, overriding the model's own") {
    TempDir work;
    const fs::path dump = work / "dump";
    const RunResult r = run_attnlab({"compute", "--model", kModel.string(), "--text", "abcabc", "--layer", "1",
                                     "--softcap", "2.5", "--sink", "1,0,-1,3", "--dump", dump.string()});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const attnlab::Array scaled = read_npy(dump / "scaled.npy"), capped = read_npy(dump / "capped.npy"),
                         weights = read_npy(dump / "weights.npy");
    REQUIRE(capped.shape == scaled.shape);
    for (std::size_t n = 0; n < capped.data.size(); ++n)
      CHECK(capped.data[n] == doctest::Approx(2.5 * std::tanh(scaled.data[n] / 2.5)).epsilon(1e-6).scale(1e-6));
    const auto stats = lines_of(read_all(dump / "stats.csv"));
    CHECK(stats[0] == "head," + kStatsHeader + ",sink_weight");
    const long heads = static_cast<long>(weights.shape[0]), lq = static_cast<long>(weights.shape[1]);
    for (long h = 0; h < heads; ++h)
      for (long i = 0; i < lq; ++i) {
        double sum = 0;
        for (long j = 0; j < lq; ++j) sum += weights.data[static_cast<std::size_t>((h * lq + i) * lq + j)];
        CHECK(sum + fields(stats[static_cast<std::size_t>(1 + h * lq + i)]).back() == doctest::Approx(1).epsilon(1e-5));
      }
  }

  TEST_CASE("bad soft-caps and sinks: exit 2, one line naming the option and the value, nothing written") {
    TempDir work;
    const fs::path dump = work / "dump";
    const auto compute = [&](const std::vector<std::string>& extra) {
      return with(
          {"compute", "--random", "--lq", "4", "--lk", "4", "--dk", "3", "--backend", "cpu", "--dump", dump.string()},
          extra);
    };
    for (const char* c : {"0", "-1", "-0.5", "nan", "inf", "-inf", "1e31", "1e-31"})
      check_refused(compute({"--softcap", c}), {"--softcap", c}, dump);
    for (const char* c : {"abc", "", "1e400", "2x", "+3"})
      check_refused(compute({"--softcap", c}), {"--softcap", "'" + std::string(c) + "'"}, dump);
    for (const char* s : {"nan", "inf", "-inf", "1e15"}) check_refused(compute({"--sink", s}), {"--sink", s}, dump);
    for (const char* s : {"abc", "", "1,,2", "1,", "0.5;1"}) check_refused(compute({"--sink", s}), {"--sink"}, dump);
    check_refused(compute({"--sink", "1,x"}), {"--sink", "'x'"}, dump);
    check_refused(compute({"--sink", "0.5,1"}), {"--sink", "2 logits", "1 head"}, dump);
    check_refused(compute({"--heads", "4", "--sink", "1,2,3"}), {"--sink", "3 logits", "4 heads"}, dump);
    check_refused({"compute", "--model", kModel.string(), "--text", "abc", "--sink", "1,2", "--dump", dump.string()},
                  {"--sink", "2 logits", "4 heads"}, dump);
    check_refused({"compute", "--model", kModel.string(), "--text", "abc", "--softcap", "-3", "--dump", dump.string()},
                  {"--softcap", "-3"}, dump);

    const fs::path figure = work / "figure.png";
    check_refused({"export", "--random", "--stage", "capped", "--out", figure.string()}, {"capped", "--softcap"},
                  figure);
    check_refused({"export", "--random", "--softcap", "0", "--stage", "weights", "--out", figure.string()},
                  {"--softcap", "0"}, figure);
    check_refused({"bench", "--random", "--sink", "1,2"}, {"--sink", "2 logits"}, work / "none");
    check_refused({"bench", "--model", kModel.string(), "--text", "abc", "--softcap", "5"}, {"--softcap"},
                  work / "none");
  }

  TEST_CASE("export: the title names the soft-cap and the sink, and --stage capped draws the capped scores") {
    TempDir work;
    const std::vector<std::string> input{"--random", "--lq",      "5",   "--lk",   "7",   "--dk",      "4",  "--sigma",
                                         "2",        "--softcap", "2.5", "--sink", "0.5", "--backend", "cpu"};
    const RunResult weights =
        run_attnlab(with(with({"export"}, input), {"--stage", "weights", "--out", (work / "w.svg").string()}));
    REQUIRE_MESSAGE(weights.status == 0, weights.err);
    const std::string w = read_all(work / "w.svg");
    CHECK(w.find("weights = softmax([2.5\u00b7tanh(QK\u1d40/\u221ad\u2096/2.5), sink])") != std::string::npos);
    CHECK(w.find("soft-cap 2.5") != std::string::npos);
    CHECK(w.find("sink 0.5") != std::string::npos);

    const RunResult capped =
        run_attnlab(with(with({"export"}, input), {"--stage", "capped", "--out", (work / "c.svg").string()}));
    REQUIRE_MESSAGE(capped.status == 0, capped.err);
    const std::string c = read_all(work / "c.svg");
    CHECK(c.find("capped = 2.5\u00b7tanh(QK\u1d40/\u221ad\u2096/2.5)") != std::string::npos);
    const RunResult dump = run_attnlab(with(with({"compute"}, input), {"--dump", (work / "dump").string()}));
    REQUIRE(dump.status == 0);
    const attnlab::Array values = read_npy(work / "dump" / "capped.npy");
    const std::vector<float> cells = svg_cell_values(c);
    REQUIRE(cells.size() == values.data.size());
    for (std::size_t n = 0; n < cells.size(); ++n) CHECK(cells[n] == values.data[n]);
    for (const float x : cells) CHECK(std::abs(x) < 2.5f);

    // A grid of heads with a sink each names each head's sink.
    const RunResult grid = run_attnlab({"export", "--random", "--heads", "2", "--sink", "0.5,1.5", "--stage", "weights",
                                        "--out", (work / "g.svg").string()});
    REQUIRE_MESSAGE(grid.status == 0, grid.err);
    const std::string g = read_all(work / "g.svg");
    CHECK(g.find("a sink per head") != std::string::npos);
    CHECK(g.find("sink 1.5") != std::string::npos);
  }

  TEST_CASE("bench: the soft-cap's own stage time, and the output-only mode with both") {
    const RunResult r = run_attnlab({"bench", "--random", "--lq", "64", "--lk", "96", "--softcap", "4", "--sink", "1",
                                     "--backend", "cpu", "--repeat", "2", "--json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["softcap"] == 4.0);
    CHECK(j["sink"] == 1.0);
    CHECK(j["median_ms"].contains("capped"));
    const RunResult plain = run_attnlab({"bench", "--random", "--backend", "cpu", "--repeat", "2", "--json"});
    REQUIRE(plain.status == 0);
    CHECK_FALSE(nlohmann::json::parse(plain.out)["median_ms"].contains("capped"));
    const RunResult streamed =
        run_attnlab({"bench", "--random", "--lq", "300", "--lk", "600", "--softcap", "4", "--sink", "1", "--backend",
                     "cpu", "--stages", "output", "--repeat", "2", "--json"});
    REQUIRE_MESSAGE(streamed.status == 0, streamed.err);
  }
}
