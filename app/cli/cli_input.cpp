#include "app/cli/cli_input.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/inputs/model_examples.hpp"

namespace attnlab::cli {
namespace {

// The text as a number of type T, or nothing: the whole text, in decimal (from_chars takes an
// optional '-' and no '+', spaces, 0x or octal), and representable without rounding to ±inf or 0.
template <class T>
std::optional<T> decimal(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

bool looks_whole(const std::string& text) {
  const std::size_t digits = text.find_first_not_of('-') == 1 ? 1 : 0;
  return text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
}

}  // namespace

CLI::Validator whole_number(limits::Range range) {
  return {[range](std::string& text) -> std::string {
            const auto value = decimal<std::int64_t>(text);
            if (value && range.contains(*value)) {
              text = std::to_string(*value);  // "010" is ten here, and must not become CLI11's octal 8
              return "";
            }
            if (!value && !looks_whole(text)) return "'" + excerpt(text) + "' is not a whole number";
            return limits::out_of_range("", excerpt(text), range).substr(1);
          },
          ""};
}

CLI::Validator seed_number() {
  return {[](std::string& text) -> std::string {
            if (const auto value = decimal<std::uint64_t>(text)) {
              text = std::to_string(*value);
              return "";
            }
            if (!looks_whole(text)) return "'" + excerpt(text) + "' is not a whole number";
            return excerpt(text) + " is out of range: 0 to " +
                   std::to_string(std::numeric_limits<std::uint64_t>::max());
          },
          ""};
}

CLI::Validator real_number(double lo, double hi) {
  return {[lo, hi](std::string& text) -> std::string {
            const auto value = decimal<double>(text);
            if (value && *value >= lo && *value <= hi) return "";
            const auto bound = [](double x) {
              std::ostringstream s;
              s << x;
              return s.str();
            };
            if (!value) return "'" + excerpt(text) + "' is not a number from " + bound(lo) + " to " + bound(hi);
            return excerpt(text) + " is out of range: " + bound(lo) + " to " + bound(hi);
          },
          ""};
}

CLI::Validator positive_number() {
  return {[](std::string& text) -> std::string {
            const auto value = decimal<double>(text);
            if (value && *value > 0 && std::isfinite(*value)) return "";
            return "'" + excerpt(text) + "' is not a finite number > 0";
          },
          ""};
}

void add_input_options(CLI::App& c, InputOptions& in) {
  const char* group = "INPUT";
  c.add_option("--q", in.q, "queries Q (Lq × dk), .npy or .csv")->group(group);
  c.add_option("--k", in.k, "keys K (Lk × dk), .npy or .csv")->group(group);
  c.add_option("--v", in.v, "values V (Lk × dv), .npy or .csv")->group(group);
  c.add_flag("--random", in.random, "Q, K, V ~ N(0, σ²) from a seeded generator")->group(group);
  c.add_option("--lq", in.lq, "queries, for --random (default 8)")->group(group)->transform(whole_number(limits::size));
  c.add_option("--lk", in.lk, "keys, for --random (default 8)")->group(group)->transform(whole_number(limits::size));
  c.add_option("--dk", in.dk, "query/key width, for --random (default 64)")
      ->group(group)
      ->transform(whole_number(limits::size));
  c.add_option("--dv", in.dv, "value width, for --random (default 64)")
      ->group(group)
      ->transform(whole_number(limits::size));
  c.add_option("--seed", in.seed, "generator seed (default 0)")->group(group)->transform(seed_number());
  c.add_option("--sigma", in.sigma, "σ of the random inputs (default 1)")->group(group)->check(positive_number());
  c.add_option_function<Index>(
       "--heads", [&in](const Index& h) { in.heads = h; },
       "query heads H, for --random, --example or model-width files (default 1; not bench)")
      ->group(group)
      ->transform(whole_number(limits::heads));
  c.add_option_function<Index>(
       "--kv-heads", [&in](const Index& g) { in.kv_heads = g; },
       "key/value heads G dividing H (default H; 1 is multi-query)")
      ->group(group)
      ->transform(whole_number(limits::heads));
  c.add_option("--example", in.example,
               "a built-in example (see `attnlab examples`; default sentence; induction is the tiny trained model)")
      ->group(group);
  c.add_option("--mask", in.mask, "none (default), causal, causal-bottom-right, window:W, padding:N, file:PATH")
      ->group(group);
  c.add_option("--scale", in.scale, "sqrt (1/√dk, default), none, or a number")->group(group);
  c.add_option_function<std::string>(
       "--softcap", [&in](const std::string& t) { in.softcap = t; },
       "C > 0: scaled scores become C·tanh(s/C) before the mask (Gemma 2), the stage capped")
      ->type_name("C")
      ->group(group);
  c.add_option_function<std::string>(
       "--sink", [&in](const std::string& t) { in.sink = t; },
       "a sink logit in every row's softmax denominator (gpt-oss): S for every head, or S1,S2,… one per head")
      ->type_name("S")
      ->group(group);
  add_model_input_options(c, in);
  c.add_option_function<std::string>(
       "--layer", [&in](const std::string& t) { in.layer = t; }, "with --model: the layer shown, 0-based (default 0)")
      ->type_name("N")
      ->group("MODEL INPUT");
}

void add_model_input_options(CLI::App& c, ModelInputOptions& in) {
  const char* group = "MODEL INPUT";
  c.add_option("--model", in.model,
               "a Hugging Face model folder (config.json, weights, tokenizer.json), or a Hub id (gpt2, ORG/NAME)")
      ->type_name("DIR|ID")
      ->group(group);
  c.add_option_function<std::string>(
       "--text", [&in](const std::string& t) { in.tokens.text = t; }, "the sentence to tokenize (UTF-8)")
      ->type_name("T")
      ->group(group);
  c.add_option_function<std::string>(
       "--token-ids", [&in](const std::string& ids) { in.tokens.token_ids = ids; },
       "464,3797,… instead of --text: exact token ids")
      ->type_name("LIST")
      ->group(group);
}

void add_ablation_options(CLI::App& c, InputOptions& in) {
  const char* group = "MODEL INPUT";
  c.add_option_function<std::string>(
       "--ablate", [&in](const std::string& t) { in.ablate = t; },
       "with --model: knock these heads out, LAYER.HEAD[,LAYER.HEAD…] (e.g. 1.0,1.2)")
      ->type_name("L.H,…")
      ->group(group);
  c.add_option_function<std::string>(
       "--ablation", [&in](const std::string& t) { in.ablation = t; },
       "how a knocked-out head's output (weights·V) is replaced: zero (default) or mean (its mean over the positions)")
      ->type_name("MODE")
      ->group(group);
}

void add_compare_options(CLI::App& c, InputOptions& in) {
  const char* group = "MODEL INPUT";
  c.add_option_function<std::string>(
       "--compare-text", [&in](const std::string& t) { in.compare.text = t; },
       "with --model: a second sentence beside the first (the same layer and head), and their difference when "
       "both have as many tokens")
      ->type_name("T2")
      ->group(group);
  c.add_option_function<std::string>(
       "--compare-token-ids", [&in](const std::string& ids) { in.compare.token_ids = ids; },
       "instead of --compare-text: the second input's exact token ids")
      ->type_name("LIST")
      ->group(group);
}

void finish_input_options(const CLI::App& c, InputOptions& in) {
  resolve_model_example(in);
  for (const char* name : {"--lq", "--lk", "--dk", "--dv", "--seed", "--sigma"})
    if (c.count(name) > 0) in.random_settings_given = true;
  in.mask_given = c.count("--mask") > 0;
  in.scale_given = c.count("--scale") > 0;
  if (!in.model.empty())
    for (const char* name : {"--dk", "--dv", "--lq", "--lk", "--heads", "--kv-heads"})
      if (c.count(name) > 0)
        throw InputError(std::string(name) +
                         " does not apply to a model: the model decides dk, dv, the heads and the tokens' count");
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
    // The window's grammar (parse_mask_value), where the option names a finite value: -inf is what
    // leaving it out gives.
    const InputError refused("--mask-value '" + excerpt(o.mask_value) + "' is not a finite number");
    try {
      mode.mask_value = parse_mask_value(o.mask_value, mode.format);
    } catch (const InputError&) {
      throw refused;
    }
    if (!mode.mask_value) throw refused;
  }
  return mode;
}

}  // namespace attnlab::cli
