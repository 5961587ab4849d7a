// attnlab compute: every stage to .npy files and the row statistics to stats.csv.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "app/cli_input.hpp"
#include "app/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/engine.hpp"
#include "core/npy.hpp"

namespace attnlab::cli {
namespace {

// A statistic as CSV: %.9g, but NaN always as "nan" (printf may write "-nan"), inf as "inf" or "-inf".
std::string number(float x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", x);
  return text;
}

std::string stats_csv(const Trace& trace) {
  std::string csv = "query,mean,std,max_weight,entropy,effective_keys,jacobian_norm,masked_keys\n";
  for (std::size_t i = 0; i < trace.stats.size(); ++i) {
    const RowStats& s = trace.stats[i];
    csv += std::to_string(i);
    for (float x : {s.mean, s.std, s.max_weight, s.entropy, s.effective_keys, s.jacobian_norm}) csv += "," + number(x);
    csv += "," + std::to_string(s.masked_keys) + "\n";
  }
  return csv;
}

// All six files land together or not at all; a directory made here is removed again on failure.
void dump(const Trace& trace, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  const bool existed = fs::exists(dir, error);
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) throw RunError("cannot create directory " + dir.string() + ": " + error.message());
  AtomicBatch batch;
  for (Stage s : all_stages) batch.add(dir / (std::string(stage_name(s)) + ".npy"), npy_bytes(trace.stage(s)));
  batch.add(dir / "stats.csv", stats_csv(trace));
  try {
    batch.commit();
  } catch (...) {
    if (!existed) fs::remove(dir, error);
    throw;
  }
}

// The weights as a table with token labels: what a terminal can show of the default example.
void print_weights(const Problem& problem, const Trace& trace) {
  std::printf("%-10s", "weights");
  for (const auto& key : problem.key_tokens) std::printf(" %8.8s", key.c_str());
  std::printf("\n");
  for (Index i = 0; i < problem.lq(); ++i) {
    std::printf("%-10.10s", problem.query_tokens[static_cast<std::size_t>(i)].c_str());
    for (Index j = 0; j < problem.lk(); ++j) std::printf(" %8.3f", trace.weights(i, j));
    std::printf("\n");
  }
}

}  // namespace

int run_compute(const InputOptions& input, const ComputeOptions& options) {
  if (options.dump.empty() && !options.print) throw InputError("compute needs --dump DIR (or --print)");
  const PrecisionMode precision = precision_mode(options.precision);
  Problem problem = load_problem(input);  // input errors first: nothing else is said or done
  problem.precision = precision;
  Engine engine(open_backend(options.backend, precision));
  engine.set_problem(std::move(problem));
  const Trace& trace = engine.trace();
  if (options.print) print_weights(engine.problem(), trace);
  if (!options.dump.empty()) dump(trace, options.dump);
  return 0;
}

}  // namespace attnlab::cli
