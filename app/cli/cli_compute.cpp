// attnlab compute: every stage to .npy files and the row statistics to stats.csv; with more than one
// head, every file gains a leading head axis (or column). With --model, also the layer's Q, K and V,
// the tokens and the model's most probable next tokens.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "app/cli/cli_backend.hpp"
#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/base/memory.hpp"
#include "core/heads/rollout.hpp"
#include "core/inputs/model_input.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/npy.hpp"
#include "core/model/next_tokens.hpp"
#include "core/model/qk_norm.hpp"

namespace attnlab::cli {
namespace {

struct ComputeOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  std::string dump;  // directory for the five stages and stats.csv
  bool print = false;
  bool json = false;  // with --model: the next tokens (before and after an ablation) as JSON
};

// A statistic as CSV: %.9g, but NaN always as "nan" (printf may write "-nan"), inf as "inf" or "-inf".
std::string number(float x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", x);
  return text;
}

// One head keeps the single-head layout exactly; more add a leading `head` column, and a sink a last
// `sink_weight` column (its share of the softmax: 1 − Σ weights).
std::string stats_csv(const std::vector<Trace>& traces, bool sink) {
  const bool heads = traces.size() > 1;
  std::string csv = std::string(heads ? "head," : "") +
                    "query,mean,std,max_weight,entropy,effective_keys,jacobian_norm,masked_keys" +
                    (sink ? ",sink_weight\n" : "\n");
  for (std::size_t h = 0; h < traces.size(); ++h)
    for (std::size_t i = 0; i < traces[h].stats.size(); ++i) {
      const RowStats& s = traces[h].stats[i];
      if (heads) csv += std::to_string(h) + ",";
      csv += std::to_string(i);
      for (float x : {s.mean, s.std, s.max_weight, s.entropy, s.effective_keys, s.jacobian_norm})
        csv += "," + number(x);
      csv += "," + std::to_string(s.masked_keys);
      if (sink) csv += "," + number(s.sink_weight);
      csv += "\n";
    }
  return csv;
}

// All files land together or not at all; directories made here are removed again on failure.
// capped.npy only with a soft-cap.
using Files = std::vector<std::pair<std::string, std::string>>;  // name, bytes
void dump(const HeadsProblem& problem, const std::vector<Trace>& traces, const std::filesystem::path& dir,
          const Files& extra = {}) {
  NewDirectories made(dir);
  AtomicBatch batch;
  // Each stage is written from the traces themselves, with no copy of it in between.
  for (Stage s : stages_with(problem.softcap.has_value()))
    batch.add(dir / (std::string(stage_name(s)) + ".npy"), [&traces, s](const ByteSink& put) {
      if (traces.size() == 1) return write_npy(put, traces.front().stage(s));
      std::vector<const Matrix*> heads;
      for (const Trace& trace : traces) heads.push_back(&trace.stage(s));
      write_npy(put, heads);
    });
  batch.add(dir / "stats.csv", stats_csv(traces, !problem.sinks.empty()));
  for (const auto& [name, bytes] : extra) batch.add(dir / name, bytes);
  try {
    batch.commit();
  } catch (...) {
    made.remove();
    throw;
  }
}

// The weights as a table with token labels: what a terminal can show of the default example.
void print_weights(const HeadsProblem& problem, const Trace& trace) {
  std::printf("%-10s", "weights");
  for (const auto& key : problem.key_tokens) std::printf(" %8.8s", key.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < problem.query_tokens.size(); ++i) {
    std::printf("%-10.10s", problem.query_tokens[i].c_str());
    for (Index j = 0; j < trace.weights.cols(); ++j) std::printf(" %8.3f", trace.weights(static_cast<Index>(i), j));
    std::printf("\n");
  }
}

// The most compute holds: every head's full trace at once, and the statistics as CSV text.
MemoryPlan compute_plan(const RunSizes& sizes, const ComputeOptions& options, const PrecisionMode& precision) {
  MemoryPlan plan;
  plan.sizes = sizes;
  plan.precision_lab = !precision.is_default();
  plan.gpu = options.backend == "gpu";
  if (!options.dump.empty()) plan.extra_bytes = static_cast<std::uint64_t>(sizes.heads * sizes.lq) * 256;
  return plan;
}

void check_compute_memory(const RunSizes& sizes, const ComputeOptions& options, const PrecisionMode& precision) {
  check_memory(peak_bytes(compute_plan(sizes, options, precision)), "compute of " + describe(sizes),
               ": the full trace keeps 4 matrices of Lq×Lk per head; bench --stages output keeps none");
}

// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break or spaces at
// either end (a token's leading space is part of it), quotes doubled.
std::string csv_field(const std::string& text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string field = "\"";
  for (const char c : text) field += c == '"' ? std::string("\"\"") : std::string(1, c);
  return field + "\"";
}

// The ten most probable next tokens as JSON: [{"id", "text", "probability"}, …], most probable first.
nlohmann::ordered_json next_json(const ModelRun& run, const Eigen::VectorXf& logits) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const NextToken& t : top_next_tokens(logits, 10))
    list.push_back(
        {{"id", t.id}, {"text", token_label(run.tokenizer_or_null(), t.id)}, {"probability", t.probability}});
  return list;
}

// {"next": […]}, or with --ablate {"next_before": […], "next_after": […]}.
void print_next_json(const ModelRun& run) {
  nlohmann::ordered_json out;
  if (run.logits_before) {
    out["next_before"] = next_json(run, *run.logits_before);
    out["next_after"] = next_json(run, run.pass.logits);
  } else {
    out["next"] = next_json(run, run.pass.logits);
  }
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// q.npy (H × L × hd), k.npy and v.npy (G × L × hd) after RoPE, rollout.npy (L × L, every layer),
// tokens.csv and next.csv; with a QK-norm in the layer, q and k before and after it (before RoPE):
// q_before_norm.npy, q_after_norm.npy (H × L × hd), k_before_norm.npy, k_after_norm.npy (G × L × hd).
Files model_files(const ModelRun& run, const HeadsProblem& problem, Index layer) {
  Files files{{"q.npy", npy_bytes(problem.q)},
              {"k.npy", npy_bytes(problem.k)},
              {"v.npy", npy_bytes(problem.v)},
              {"rollout.npy", npy_bytes(attention_rollout(run.model.config, run.pass))}};
  if (has_qk_norm(run.model, layer)) {
    const QKNormStages norm = qk_norm_stages(run.model, run.pass, layer);
    files.emplace_back("q_before_norm.npy", npy_bytes(norm.q_before));
    files.emplace_back("q_after_norm.npy", npy_bytes(norm.q_after));
    files.emplace_back("k_before_norm.npy", npy_bytes(norm.k_before));
    files.emplace_back("k_after_norm.npy", npy_bytes(norm.k_after));
  }
  std::string tokens = "index,id,text\n";
  for (std::size_t i = 0; i < run.tokens.ids.size(); ++i)
    tokens +=
        std::to_string(i) + "," + std::to_string(run.tokens.ids[i]) + "," + csv_field(run.tokens.labels[i]) + "\n";
  files.emplace_back("tokens.csv", tokens);
  std::string next = "rank,id,text,probability\n";
  int rank = 1;
  for (const NextToken& t : top_next_tokens(run.pass.logits, 10)) {
    char probability[32];
    std::snprintf(probability, sizeof probability, "%.10g", t.probability);
    next += std::to_string(rank++) + "," + std::to_string(t.id) + "," +
            csv_field(token_label(run.tokenizer_or_null(), t.id)) + "," + probability + "\n";
  }
  files.emplace_back("next.csv", next);
  return files;
}

int run_compute(const InputOptions& input, const ComputeOptions& options) {
  if (options.dump.empty() && !options.print && !options.json)
    throw InputError("compute needs --dump DIR (or --print, or --json with --model)");
  if (options.json && input.model.empty()) throw InputError("--json prints a model's next tokens: give --model DIR");
  if (options.json && options.print) throw InputError("--json and --print both print: give one");
  const PrecisionMode precision = precision_mode(options.precision);
  // Input errors first, and a run that would not fit in memory is refused before any input exists;
  // files are checked once read, when their sizes are known. A model runs once; its layer is the problem.
  if (const auto sizes = planned_sizes(input)) check_compute_memory(*sizes, options, precision);
  std::optional<ModelRun> run;
  if (!input.model.empty()) run.emplace(run_model(input));
  if (run && !run->tokenizer_unused.empty()) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(*run).c_str());
  const Index layer = run ? model_layer(input, run->model.config) : 0;
  HeadsProblem problem = run ? model_layer_problem(input, *run, layer) : load_heads_problem(input);
  check_compute_memory(sizes_of(problem), options, precision);
  problem.precision = precision;
  const std::unique_ptr<Backend> backend = open_backend(options.backend, precision);
  const std::vector<Trace> traces = compute_heads(*backend, problem);
  if (options.print)
    for (std::size_t h = 0; h < traces.size(); ++h) {
      if (traces.size() > 1) std::printf("%shead %zu\n", h > 0 ? "\n" : "", h);
      print_weights(problem, traces[h]);
    }
  if (!options.dump.empty()) dump(problem, traces, options.dump, run ? model_files(*run, problem, layer) : Files{});
  if (options.json) print_next_json(*run);
  return 0;
}

}  // namespace

Command add_compute_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<ComputeOptions>();
  auto* command =
      add_engine_command(app, "compute", "compute every stage and write them as .npy files", input, options->backend);
  add_precision_options(*command, options->precision);
  command->add_option("--dump", options->dump, "directory for scores/scaled/masked/weights/output.npy and stats.csv");
  command->add_flag("--print", options->print, "print the weights as a table with token labels");
  command->add_flag(
      "--json", options->json,
      "with --model: the 10 most probable next tokens, {\"next\": [{\"id\", \"text\", \"probability\"}, …]}; "
      "with --ablate {\"next_before\", \"next_after\"}");
  add_ablation_options(*command, input);
  return {command, [command, &input, &hub, options] {
            finish_input_options(*command, input);
            resolve_hub_model_input(input, hub);
            return run_compute(input, *options);
          }};
}

}  // namespace attnlab::cli
