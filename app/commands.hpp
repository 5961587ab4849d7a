#pragma once
// One function per subcommand; each returns the exit status and throws InputError (status 2) or
// anything else (status 1) on failure.
#include <string>

#include "core/input.hpp"

namespace attnlab::cli {

struct ComputeOptions {
  std::string backend = "auto";
  std::string dump;  // directory for the five stages and stats.csv
  bool print = false;
};
int run_compute(const InputOptions& input, const ComputeOptions& options);

struct BenchOptions {
  std::string backend = "auto";
  int repeat = 10;
  std::string stages = "all";  // all | output
  std::string after;           // "", scale, mask, query
  bool json = false;
};
int run_bench(const InputOptions& input, const BenchOptions& options);

}  // namespace attnlab::cli
