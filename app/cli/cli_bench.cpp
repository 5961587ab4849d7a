// attnlab bench: median times of a full compute, an output-only compute, or the recompute after
// one change, with GFLOP/s counted as 2·Lq·Lk·(dk + dv) whatever the mode.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/cli/cli_backend.hpp"
#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/query_view.hpp"
#include "core/heads/score_heads.hpp"
#include "core/inputs/model_input.hpp"
#include "core/model/generation.hpp"
#include "core/model/model_memory.hpp"

namespace attnlab::cli {
namespace {

struct BenchOptions {
  std::string backend = "auto";
  int repeat = 10;
  std::string stages = "all";     // all | output
  std::string after;              // "", scale, mask, query
  std::optional<long long> tile;  // keys per tile of the output-only mode; only with --stages output
  bool json = false;
  bool head_scores = false;  // with --model: also time `heads`' scoring and a knock-out
  std::optional<Index> generate;  // with --model: also time N new tokens with the KV cache
};

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// This process's own peak (VmHWM): getrusage's would keep a large parent's across fork and exec.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  double kib = 0;
  while (status >> key)
    if (key == "VmHWM:" && status >> kib) return kib / 1024.0;
  return 0;
}

// The floor of any approach that keeps the matrices: Q·Kᵀ and P·V alone, on Eigen's own threads.
double products_ms(const Problem& p, int repeat) {
  Matrix scores(p.lq(), p.lk()), output(p.lq(), p.dv());
  std::vector<double> times;
  for (int r = 0; r <= repeat; ++r) {
    const auto start = Clock::now();
    scores.noalias() = p.q * p.k.transpose();
    output.noalias() = scores * p.v;
    if (r > 0) times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return median(times);
}

// Keeps the compiler from dropping work whose result nobody reads.
volatile float sink = 0;

// One repetition of what is measured: the change (if any), then the recompute it causes.
struct Step {
  Engine& engine;
  const BenchOptions& options;
  ScaleSpec scales[2];
  MaskSpec masks[2];
  int turn = 0;

  StageTimes operator()() {
    StageTimes times;
    const int next = ++turn % 2;
    if (options.after == "scale") {
      engine.set_scale(scales[next]);
    } else if (options.after == "mask") {
      engine.set_mask(masks[next]);
    } else if (options.after == "query") {
      // A new selected query recomputes nothing: only its slice of the trace is gathered.
      const QueryView view = query_view(engine.problem(), engine.trace(), turn % engine.problem().lq());
      sink = view.contributions.sum();
      return times;
    } else {
      engine.invalidate();
    }
    engine.trace(&times);
    return times;
  }
};

// The backend, with --tile's key tiles set: only the CPU's tiles can change, so "auto" means the CPU.
BackendChoice open_tiled_backend(const BenchOptions& options) {
  if (!options.tile) return choose_backend(options.backend);
  if (options.backend == "gpu") throw InputError("--tile sets the CPU backend's key tiles: use --backend cpu or auto");
  BackendChoice choice = choose_backend(options.backend == "auto" ? std::string("cpu") : options.backend);
  auto* cpu = dynamic_cast<CpuBackend*>(choice.backend.get());
  if (!cpu) throw InputError("--tile needs the CPU backend, not " + choice.backend->name());
  cpu->set_key_tile(static_cast<Index>(*options.tile));
  return choice;
}

// The most bench holds: one head's trace in the mode timed, and for the full trace on the CPU the
// floor's own scores and output (products_ms).
MemoryPlan bench_plan(const RunSizes& sizes, const BenchOptions& options) {
  MemoryPlan plan;
  plan.sizes = sizes;
  plan.full_trace = options.stages == "all";
  plan.every_head = false;
  plan.key_tile = options.tile.value_or(CpuBackend::default_key_tile);
  plan.gpu = options.backend == "gpu";
  if (plan.full_trace && options.after.empty() && !plan.gpu) {
    plan.extra_lq_lk = 1;
    plan.extra_bytes = 4 * static_cast<std::uint64_t>(sizes.lq) * static_cast<std::uint64_t>(sizes.dv);
  }
  return plan;
}

void check_bench_memory(const RunSizes& sizes, const BenchOptions& options) {
  check_memory(peak_bytes(bench_plan(sizes, options)), "bench of " + describe(sizes),
               options.stages == "all" ? ": the output-only mode (--stages output) keeps no Lq×Lk matrix" : "");
}

// bench --model: the load (open and map the folder, parse the config, check every header and shape,
// widen 16-bit weights), then the median of --repeat forward passes after one warm-up.
int bench_model(const InputOptions& input, const BenchOptions& options) {
  if (options.stages != "all" || !options.after.empty() || options.tile)
    throw InputError("--stages, --after and --tile time the engine: with --model, bench times the forward pass");
  if (input.layer) throw InputError("--layer does not apply to bench: the forward pass runs every layer");
  if (input.mask_given || input.scale_given || input.softcap || input.sink)
    throw InputError(
        "--mask, --scale, --softcap and --sink change the lab's view of a layer, not the forward pass "
        "that bench times");
  check_model_options(input);
  if (input.tokens.token_ids) parse_token_ids(*input.tokens.token_ids);  // a malformed list costs no loading

  auto start = Clock::now();
  ModelRun run = open_model_run(input, false);  // refused here when it would not fit; ids need no labels
  if (options.generate) check_generation_length(run.model.config, run.tokens.ids.size(), *options.generate, "--generate");
  load_weights(run.model);
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const Model& model = run.model;
  const ModelTokens& tokens = run.tokens;
  sink = forward(model, tokens.ids).logits[0];  // warm-up: the mapped pages read in, threads started
  std::vector<double> times;
  for (int r = 0; r < options.repeat; ++r) {
    start = Clock::now();
    sink = forward(model, tokens.ids).logits[0];
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }

  const ModelConfig& c = model.config;
  // heads.md's two costs beside the pass: scoring every head (`attnlab heads` is the pass and this),
  // and a knock-out of head 0 of the middle layer, which starts again from that layer's kept input.
  // Asked for alone: the kept pass's inputs are memory the estimate below leaves out.
  std::vector<double> scoring, ablated;
  if (options.head_scores) {
    const ForwardPass kept = forward(model, tokens.ids, {}, {{}, true});
    const Ablation middle{{{c.layers / 2, 0}}, AblationMode::zero};
    for (int r = 0; r < options.repeat; ++r) {
      start = Clock::now();
      sink = static_cast<float>(score_heads(c, kept, tokens.ids).at(0, 0)[HeadScore::entropy].value_or(0));
      scoring.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      start = Clock::now();
      sink = ablated_forward(model, kept, middle).logits[0];
      ablated.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
  // heads.md's generation: each of N greedy tokens after the context, drawn and run through the KV
  // cache (one query row per layer and head), timed one by one.
  std::vector<double> per_token;
  if (options.generate) {
    Generation generation(model, tokens.ids, Sampling{});
    for (Index n = 0; n < *options.generate; ++n) {
      start = Clock::now();
      sink = static_cast<float>(generation.step().id);
      per_token.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
  const double file_mib = static_cast<double>(model.checkpoint->file_bytes()) / (1024.0 * 1024.0);
  nlohmann::json result = {
      {"model", model.folder.string()},
      {"model_type", c.model_type},
      {"layers", c.layers},
      {"heads", c.heads},
      {"kv_heads", c.kv_heads},
      {"head_dim", c.head_dim},
      {"parameters", model.parameters},
      {"tokens", tokens.ids.size()},
      {"repeat", options.repeat},
      {"load_ms", load_ms},
      {"median_ms", {{"forward", median(times)}}},
      {"weights_file_mib", file_mib},
      {"peak_rss_mib", peak_rss_mib()},
      {"estimated_peak_mib", static_cast<double>(forward_memory(model, static_cast<Index>(tokens.ids.size()))) / (1 << 20)},
  };
  if (options.head_scores) {
    result["median_ms"]["head_scores"] = median(scoring);
    result["median_ms"]["ablated"] = median(ablated);
    result["ablated_head"] = std::to_string(c.layers / 2) + ".0";
  }
  if (options.generate) {
    result["median_ms"]["per_token"] = median(per_token);
    result["generated"] = *options.generate;
  }
  if (options.json) {
    std::cout << result.dump(2) << "\n";
    return 0;
  }
  std::printf("attnlab bench: %s (%s, %lld parameters), %zu tokens, %d runs\n", model.folder.c_str(),
              c.model_type.c_str(), static_cast<long long>(model.parameters), tokens.ids.size(), options.repeat);
  std::printf("  load     %10.3f ms\n  forward  %10.3f ms\n", load_ms, median(times));
  if (options.head_scores)
    std::printf("  head scores %7.3f ms (every layer × head)\n  knock-out %9.3f ms (head %lld.0, from its layer on)\n",
                median(scoring), median(ablated), static_cast<long long>(c.layers / 2));
  if (options.generate)
    std::printf("  per token %9.3f ms (median of %lld new tokens with the KV cache)\n", median(per_token),
                static_cast<long long>(*options.generate));
  std::printf("  peak memory %.0f MiB, weight files %.0f MiB\n", peak_rss_mib(), file_mib);
  return 0;
}

// The engine's options checked before any input exists: the mode they time.
Mode bench_mode(const BenchOptions& options) {
  if (options.stages != "all" && options.stages != "output")
    throw InputError("--stages '" + options.stages + "' is not all or output");
  if (!options.after.empty() && options.after != "scale" && options.after != "mask" && options.after != "query")
    throw InputError("--after '" + options.after + "' is not scale, mask or query");
  const Mode mode = options.stages == "all" ? Mode::full : Mode::output_only;
  if (!options.after.empty() && mode != Mode::full)
    throw InputError("--after times the recompute of a kept trace: it needs --stages all");
  if (options.tile && mode != Mode::output_only)
    throw InputError("--tile sets the key tiles of the output-only mode: it needs --stages output");
  if (options.tile) limits::check("--tile", *options.tile, limits::size);
  return mode;
}

// Every repetition's time, in total and per stage.
struct Timings {
  std::vector<double> total, scores, scaled, capped, masked, weights, output;
};
Timings time_steps(Step& step, int repeat) {
  Timings t;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    const StageTimes times = step();
    t.total.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    t.scores.push_back(times.scores), t.scaled.push_back(times.scaled), t.capped.push_back(times.capped);
    t.masked.push_back(times.masked);
    t.weights.push_back(times.weights), t.output.push_back(times.output);
  }
  return t;
}

// The medians, GFLOP/s and memory as --json prints them; for the full trace on the CPU, the floor.
nlohmann::json bench_result(Engine& engine, const std::string& device, const BenchOptions& options, Mode mode,
                            const Timings& t, const RunSizes& sizes) {
  const Problem& p = engine.problem();
  const double flops =
      2.0 * static_cast<double>(p.lq()) * static_cast<double>(p.lk()) * static_cast<double>(p.dk() + p.dv());
  const double total_ms = median(t.total);
  nlohmann::json result = {
      {"backend", engine.backend().name()},
      {"device", device},
      {"lq", p.lq()},
      {"lk", p.lk()},
      {"dk", p.dk()},
      {"dv", p.dv()},
      {"repeat", options.repeat},
      {"stages", options.stages},
      {"after", options.after.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.after)},
      {"mask", p.mask.text()},
      {"median_ms", {{"total", total_ms}, {"output", median(t.output)}}},
      {"gflops", flops / (total_ms * 1e6)},
  };
  if (p.softcap) result["softcap"] = *p.softcap;
  if (p.sink) result["sink"] = *p.sink;
  if (auto* cpu = dynamic_cast<CpuBackend*>(&engine.backend()); cpu && mode == Mode::output_only)
    result["tile"] = cpu->key_tile();
  if (mode == Mode::full) {
    auto& m = result["median_ms"];
    m["scores"] = median(t.scores), m["scaled"] = median(t.scaled), m["masked"] = median(t.masked);
    if (p.softcap) m["capped"] = median(t.capped);
    m["weights"] = median(t.weights);
    if (options.after.empty() && engine.backend().name() == "cpu") {
      const double floor = products_ms(p, options.repeat);
      result["products_ms"] = floor;
      result["total_over_products"] = total_ms / floor;
    }
  }
  result["peak_rss_mib"] = peak_rss_mib();
  result["estimated_peak_mib"] = static_cast<double>(peak_bytes(bench_plan(sizes, options))) / (1 << 20);
  return result;
}

void print_result(const nlohmann::json& result, const Problem& p, const BenchOptions& options) {
  std::printf("attnlab bench: %s (%s), Lq=%lld Lk=%lld dk=%lld dv=%lld, stages %s%s%s, %d runs\n",
              result["backend"].get<std::string>().c_str(), result["device"].get<std::string>().c_str(),
              static_cast<long long>(p.lq()), static_cast<long long>(p.lk()), static_cast<long long>(p.dk()),
              static_cast<long long>(p.dv()), options.stages.c_str(), options.after.empty() ? "" : ", after ",
              options.after.c_str(), options.repeat);
  if (result.contains("tile")) std::printf("  key tiles of %lld\n", result["tile"].get<long long>());
  for (const auto& [stage, ms] : result["median_ms"].items())
    std::printf("  %-8s %10.3f ms\n", stage.c_str(), ms.get<double>());
  std::printf("  %.1f GFLOP/s, peak memory %.0f MiB (estimated beforehand: %.0f MiB)\n", result["gflops"].get<double>(),
              peak_rss_mib(), result["estimated_peak_mib"].get<double>());
  if (result.contains("products_ms"))
    std::printf("  Q·Kᵀ and P·V alone: %.3f ms (the full trace takes %.2f× that)\n",
                result["products_ms"].get<double>(), result["total_over_products"].get<double>());
}

int run_bench(const InputOptions& input, const BenchOptions& options) {
  limits::check("--repeat", options.repeat, limits::repeat);
  if (!input.model.empty()) return bench_model(input, options);
  if (options.head_scores) throw InputError("--head-scores times a model's heads: give --model DIR");
  if (options.generate) throw InputError("--generate times a model's new tokens: give --model DIR");
  const Mode mode = bench_mode(options);
  // Input errors first, and a run that would not fit in memory is refused before any input exists
  // (files once read, when their sizes are known).
  if (const auto sizes = planned_sizes(input)) check_bench_memory(*sizes, options);
  Problem problem = load_problem(input);
  const RunSizes sizes{1, 1, problem.lq(), problem.lk(), problem.dk(), problem.dv(), problem.softcap.has_value()};
  check_bench_memory(sizes, options);
  BackendChoice choice = open_tiled_backend(options);
  // The device, and why "auto" took the CPU when it did: what a benchmark result must say.
  const std::string device = choice.backend->description() +
                             (choice.fallback_reason.empty() ? "" : " — auto chose it: " + choice.fallback_reason);
  Engine engine(std::move(choice.backend), mode);
  engine.set_problem(std::move(problem));
  const Problem& p = engine.problem();
  const double base_scale = resolve_scale(p.scale, p.dk());
  Step step{engine,
            options,
            {p.scale, {ScaleSpec::Kind::value, 0.5 * base_scale}},
            {p.mask, p.mask.kind == MaskSpec::Kind::none ? parse_mask("causal") : MaskSpec{}}};
  engine.trace();  // warm-up: buffers allocated, pages touched, threads started
  const Timings timings = time_steps(step, options.repeat);
  const nlohmann::json result = bench_result(engine, device, options, mode, timings, sizes);
  if (options.json) std::cout << result.dump(2) << "\n";
  else print_result(result, p, options);
  return 0;
}

}  // namespace

Command add_bench_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<BenchOptions>();
  auto* command =
      add_engine_command(app, "bench", "time the engine (median of --repeat runs)", input, options->backend);
  command->add_option("--repeat", options->repeat, "timed runs after one warm-up (default 10)")
      ->transform(whole_number(limits::repeat));
  command->add_option("--stages", options->stages, "all (the full trace, default) or output (output-only mode)");
  command->add_option("--after", options->after, "scale, mask or query: time the recompute after that change only");
  command->add_flag("--json", options->json, "one JSON object on stdout");
  command->add_flag("--head-scores", options->head_scores,
                    "with --model: also time scoring every head (attnlab heads) and knocking out head 0 of the middle "
                    "layer (median_ms.head_scores, median_ms.ablated)");
  command
      ->add_option_function<Index>(
          "--generate", [options](const Index& n) { options->generate = n; },
          "with --model: also time N new tokens after the input with the KV cache (median_ms.per_token)")
      ->type_name("N")
      ->transform(whole_number(limits::size));
  command
      ->add_option_function<long long>(
          "--tile", [options](const long long& n) { options->tile = n; },
          "with --stages output: N keys per tile (default 256, CPU backend)")
      ->transform(whole_number(limits::size));
  return {command, [command, &input, &hub, options] {
            finish_input_options(*command, input);
            resolve_hub_model_input(input, hub);
            if (input.model.empty()) require_single_head(input);
            return run_bench(input, *options);
          }};
}

}  // namespace attnlab::cli
