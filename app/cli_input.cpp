#include "app/cli_input.hpp"

#include <cmath>
#include <cstdlib>

#include "app/commands.hpp"

namespace attnlab::cli {

void add_input_options(CLI::App& c, InputOptions& in) {
  const char* group = "INPUT";
  c.add_option("--q", in.q, "queries Q (Lq × dk), .npy or .csv")->group(group);
  c.add_option("--k", in.k, "keys K (Lk × dk), .npy or .csv")->group(group);
  c.add_option("--v", in.v, "values V (Lk × dv), .npy or .csv")->group(group);
  c.add_flag("--random", in.random, "Q, K, V ~ N(0, σ²) from a seeded generator")->group(group);
  c.add_option("--lq", in.lq, "queries, for --random (default 8)")->group(group);
  c.add_option("--lk", in.lk, "keys, for --random (default 8)")->group(group);
  c.add_option("--dk", in.dk, "query/key width, for --random (default 64)")->group(group);
  c.add_option("--dv", in.dv, "value width, for --random (default 64)")->group(group);
  c.add_option("--seed", in.seed, "generator seed (default 0)")->group(group);
  c.add_option("--sigma", in.sigma, "σ of the random inputs (default 1)")->group(group);
  c.add_option_function<Index>(
       "--heads", [&in](const Index& h) { in.heads = h; },
       "query heads H, for --random, --example or model-width files (default 1; not bench)")
      ->group(group);
  c.add_option_function<Index>(
       "--kv-heads", [&in](const Index& g) { in.kv_heads = g; },
       "key/value heads G dividing H (default H; 1 is multi-query)")
      ->group(group);
  c.add_option("--example", in.example, "a built-in example (see `attnlab examples`; default sentence)")->group(group);
  c.add_option("--mask", in.mask, "none (default), causal, causal-bottom-right, window:W, padding:N, file:PATH")
      ->group(group);
  c.add_option("--scale", in.scale, "sqrt (1/√dk, default), none, or a number")->group(group);
}

void finish_input_options(const CLI::App& c, InputOptions& in) {
  for (const char* name : {"--lq", "--lk", "--dk", "--dv", "--seed", "--sigma"})
    if (c.count(name) > 0) in.random_settings_given = true;
}

void require_single_head(const InputOptions& in) {
  if (in.heads || in.kv_heads)
    throw InputError("--heads applies to compute, export and the window: bench times one head");
}

void add_backend_option(CLI::App& c, std::string& backend) {
  c.add_option("--backend", backend, "auto (default: the GPU if it starts, else the CPU), cpu, gpu");
}

void add_precision_options(CLI::App& c, PrecisionOptions& precision) {
  const char* group = "PRECISION";
  c.add_option("--precision", precision.precision, "fp32 (default), fp16 or bf16: where each stage rounds")
      ->group(group);
  c.add_flag("--no-max-subtraction", precision.no_max_subtraction,
             "softmax as exp(x) / Σ exp(x), without subtracting the row maximum (fp16 overflows above 11.09)")
      ->group(group);
  c.add_option("--mask-value", precision.mask_value, "masked cells hold this finite value instead of -inf (e.g. -1e9)")
      ->group(group);
}

PrecisionMode precision_mode(const PrecisionOptions& o) {
  PrecisionMode mode;
  mode.format = parse_precision(o.precision);
  mode.subtract_max = !o.no_max_subtraction;
  if (!o.mask_value.empty()) {
    const char* text = o.mask_value.c_str();
    char* end = nullptr;
    const float value = std::strtof(text, &end);
    if (end == text || *end != '\0' || !std::isfinite(value))
      throw InputError("--mask-value '" + o.mask_value + "' is not a finite number");
    mode.mask_value = value;
  }
  return mode;
}

}  // namespace attnlab::cli
