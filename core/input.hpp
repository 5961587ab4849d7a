#pragma once
// The INPUT options every front end shares (cli.md): files, seeded random, or a built-in example,
// with a mask and a scale.
#include <cstdint>
#include <string>

#include "core/problem.hpp"

namespace attnlab {

struct InputOptions {
  std::string q, k, v;  // .npy or .csv paths, all three together
  bool random = false;
  Index lq = 8, lk = 8, dk = 64, dv = 64;
  std::uint64_t seed = 0;
  double sigma = 1.0;
  bool random_settings_given = false;  // --lq/--lk/--dk/--dv/--seed/--sigma were given
  std::string example;                 // empty: the default example, unless files or --random
  std::string mask = "none";
  std::string scale = "sqrt";
};

// Loads and validates; throws InputError naming the offending option or file.
Problem load_problem(const InputOptions& input);

}  // namespace attnlab
