// attnlab export: one stage as a finished figure (.png or .svg), or as a bare PNG with --plain; with
// several heads, one head's figure (--head h) or a grid of every head (--head all, the default).
// With --model: a layer's head or heads, or every layer (--layer all) as rows of a grid.
// Everything is checked and rendered in memory first; the file is written last, atomically.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/cli/cli_backend.hpp"
#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/difference.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/figure_compare.hpp"
#include "core/figure/figure_heads.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/heads/rollout.hpp"
#include "core/hub/repo_cache.hpp"
#include "core/inputs/compare_input.hpp"
#include "core/inputs/model_input.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::cli {
namespace {

struct ExportOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  std::string stage;     // required: scores, scaled, masked, weights or output
  std::string out;       // FILE.png or FILE.svg
  std::string colormap;  // empty: the stage's default
  // Unset unless given, so that a value given where it does not apply is an error, not ignored.
  std::optional<long long> query, width, cell_px;
  std::optional<std::string> head;  // a head number or "all"
  bool plain = false;
  bool stretch = false;               // weights over [0, the largest weight], as the window's "stretch colours"
  std::optional<std::string> range;   // "shared" or "LO:HI"
  std::optional<std::string> aspect;  // "W:H": the figure's width over its height, for a slide
};

enum class Format { png, svg };

// --stage rollout: not a stage of one head's problem but the model's whole attention flow (heads.md).
constexpr const char* kRollout = "rollout";

Format format_of(const std::string& out) {
  if (out.empty()) throw InputError("export needs --out FILE.png or FILE.svg");
  std::string ext = std::filesystem::path(out).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return Format::png;
  if (ext == ".svg") return Format::svg;
  throw InputError("--out " + out + ": unknown file type '" + ext + "' (use .png or .svg)");
}

// --head as given: a head number, or nothing for all.
std::optional<Index> parse_head(const std::string& text) {
  if (text == "all") return std::nullopt;
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const long long head = std::strtoll(begin, &end, 10);
  if (end == begin || *end != '\0' || errno == ERANGE)
    throw InputError("--head '" + text + "' is not a head: give a head number, or all");
  return head;
}

// The option checks that need no input: a mistake here costs no loading and no compute.
void check_options(const ExportOptions& o, Format format) {
  if (o.stage.empty()) throw InputError("export needs --stage: scores, scaled, masked, weights or output (capped with --softcap; rollout with --model)");
  if (o.stage == kRollout) {
    if (o.plain) throw InputError("--plain draws one stage of one head: --stage rollout is a figure of every layer");
    if (o.head) throw InputError("--head picks a head: --stage rollout is the mean of every head of every layer");
    if (o.stretch || o.range) throw InputError("--stretch and --range apply to a stage: --stage rollout is on [0, 1]");
    if (o.aspect) parse_aspect(*o.aspect);
    if (!o.colormap.empty()) colormap_table(o.colormap);
    return;
  }
  parse_stage(o.stage);
  if (!o.colormap.empty()) colormap_table(o.colormap);
  if (o.head) parse_head(*o.head);
  if (o.range) parse_colour_range(*o.range);
  if (o.aspect) parse_aspect(*o.aspect);
  if (o.stretch && o.range) throw InputError("--stretch and --range both set the colour range: give one");
  if (o.stretch && parse_stage(o.stage) != Stage::weights)
    throw InputError("--stretch spreads the weights' colours: it applies to --stage weights, not " + o.stage);
  if (o.range && *o.range == "shared" &&
      (parse_stage(o.stage) == Stage::weights || parse_stage(o.stage) == Stage::output))
    throw InputError("--range shared puts scores, scaled and masked on one range: it does not apply to --stage " +
                     o.stage + " (give LO:HI)");
  if (o.plain) {
    if (format == Format::svg)
      throw InputError("--plain writes a bare PNG, not an SVG: --out " + o.out + " must end in .png");
    if (!o.cell_px) throw InputError("--plain needs --cell-px N (the pixels per cell)");
    if (o.width) throw InputError("--width applies to the full figure: --plain is sized by --cell-px");
    if (o.query) throw InputError("--query outlines a row of the full figure: --plain draws no outline");
    if (o.aspect) throw InputError("--aspect lays out the full figure: --plain is sized by --cell-px");
    if (*o.cell_px < 1 || *o.cell_px > figure_max_side)
      throw InputError("--cell-px " + std::to_string(*o.cell_px) + " is out of range: 1 to " +
                       std::to_string(figure_max_side));
  } else {
    if (o.cell_px) throw InputError("--cell-px applies to --plain only");
    if (o.width && (*o.width < figure_min_width || *o.width > figure_max_side))
      throw InputError("--width " + std::to_string(*o.width) + " is out of range: " + std::to_string(figure_min_width) +
                       " to " + std::to_string(figure_max_side) + " pixels");
  }
}

// Checks that need the problem's sizes, made before any compute.
void check_sizes(const ExportOptions& o, Format format, Index heads, Index rows, Index cols) {
  if (o.query && (*o.query < 0 || *o.query >= rows))
    throw InputError("--query " + std::to_string(*o.query) + " is out of range: the problem has " +
                     std::to_string(rows) + " queries (0 to " + std::to_string(rows - 1) + ")");
  if (o.plain) check_plain_size(rows, cols, *o.cell_px);
  if (format == Format::svg && heads * rows * cols > svg_max_cells)
    throw InputError("an SVG of " + (heads > 1 ? std::to_string(heads) + " heads of " : std::string()) +
                     shape_str(rows, cols) + " cells would hold more than " + std::to_string(svg_max_cells) +
                     " rects: write a .png instead");
}

ColourSpan span_of(const ExportOptions& o) {
  ColourSpan span = o.range ? parse_colour_range(*o.range) : ColourSpan{};
  span.stretch = o.stretch;
  return span;
}

FigureOptions figure_options(const ExportOptions& o, Stage stage, const std::string& heading) {
  FigureOptions f{stage,   o.query,    o.colormap, static_cast<int>(o.width.value_or(figure_default_width)),
                  heading, span_of(o), 0};
  if (o.aspect) f.aspect = parse_aspect(*o.aspect);
  return f;
}

// One head: the figure, or the bare PNG, of that head's problem.
std::string one_head(const ExportOptions& o, Format format, Stage stage, const PrecisionMode& precision,
                     Problem problem, const std::string& heading) {
  check_sizes(o, format, 1, problem.lq(), stage == Stage::output ? problem.dv() : problem.lk());
  const Font* font = o.plain ? nullptr : &figure_font();  // a missing font fails before the compute

  Engine engine(open_backend(o.backend, precision));
  engine.set_problem(std::move(problem));
  const Trace& trace = engine.trace();
  if (o.plain)
    return plain_png(trace, stage, trace_colours({&trace}, stage, o.colormap, span_of(o)),
                     static_cast<int>(*o.cell_px));
  const FigureOptions figure = figure_options(o, stage, heading);
  const Figure f = build_figure(engine.problem(), trace, figure, *font);
  return format == Format::png ? figure_png(f, *font) : figure_svg(f);
}

// Every head: the grid.
std::string every_head(const ExportOptions& o, Format format, Stage stage, const PrecisionMode& precision,
                       const HeadsProblem& problem, const std::string& heading = "") {
  if (o.plain)
    throw InputError("--plain draws one head: give --head h (the input has " + std::to_string(problem.heads()) +
                     " heads)");
  check_heads_grid(problem.heads());
  if (o.aspect)
    throw InputError("--aspect lays out one head's figure: give --head h (the input has " +
                     std::to_string(problem.heads()) + " heads)");
  const Matrix& q = problem.q.front();
  check_sizes(o, format, problem.heads(), q.rows(),
              stage == Stage::output ? problem.v.front().cols() : problem.k.front().rows());
  const Font& font = figure_font();

  const std::unique_ptr<Backend> backend = open_backend(o.backend, precision);
  const std::vector<Trace> traces = compute_heads(*backend, problem);
  const Figure f = build_heads_figure(problem, traces, figure_options(o, stage, heading), font);
  return format == Format::png ? figure_png(f, font) : figure_svg(f);
}

// The most export holds: the traces (one head's, or every head's for the grid), the figure's cells
// (a colour and a value each), and the picture: about 9 bytes a pixel while a PNG is encoded (the
// pixels, the filtered rows, the compressed stream), or about 200 bytes a cell of an SVG.
MemoryPlan export_plan(const RunSizes& sizes, const ExportOptions& o, Format format, Stage stage,
                       const PrecisionMode& precision) {
  MemoryPlan plan;
  plan.sizes = sizes;
  plan.every_head = sizes.heads > 1 && (!o.head || *o.head == "all");
  plan.precision_lab = !precision.is_default();
  plan.gpu = o.backend == "gpu";
  const double panels = plan.every_head ? static_cast<double>(sizes.heads) : 1.0;
  plan.extra_lq_lk = 2 * static_cast<int>(panels);
  const double rows = static_cast<double>(sizes.lq);
  const double cols = static_cast<double>(stage == Stage::output ? sizes.dv : sizes.lk);
  double picture = 0;
  if (format == Format::svg) {
    picture = 200 * panels * rows * cols;
  } else if (o.plain) {
    const double cell = static_cast<double>(o.cell_px.value_or(1));
    picture = 9 * rows * cols * cell * cell;
  } else {
    const double width = static_cast<double>(o.width.value_or(figure_default_width));
    picture = 9 * width * std::min<double>(figure_max_side, width * std::max(1.0, rows / cols) + width / 2);
  }
  plan.extra_bytes = static_cast<std::uint64_t>(std::min(picture, 0x1p63));
  return plan;
}

// --head as given, checked against the heads there are: nothing for every head.
std::optional<Index> chosen_head(const ExportOptions& o, Index heads) {
  std::optional<Index> head = o.head ? parse_head(*o.head) : std::nullopt;
  if (!head && heads == 1) head = 0;  // every head of one is that head
  if (head && (*head < 0 || *head >= heads))
    throw InputError("--head " + std::to_string(*head) + " is out of range: the input has " +
                     (heads == 1 ? std::string("one head (0)")
                                 : std::to_string(heads) + " heads (0 to " + std::to_string(heads - 1) + ")"));
  return head;
}

// The model folder's own name, for titles: "gpt2" for models/gpt2/, and for a Hub model's snapshot
// (models--openai-community--gpt2/snapshots/COMMIT) its name.
std::string model_name(const std::string& folder) {
  if (const auto repo = repo_of_snapshot(folder)) return repo->name;
  std::filesystem::path path = std::filesystem::absolute(folder).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  return path.filename().string();
}

// The folder's name, and the heads knocked out if any: "induction  ·  without 0.2, 1.0 (mean)".
std::string model_heading(const InputOptions& input, const ModelRun& run) {
  std::string heading = model_name(input.model);
  if (run.ablation.empty()) return heading;
  heading += "  \u00b7  without ";
  for (std::size_t n = 0; n < run.ablation.heads.size(); ++n)
    heading += (n ? ", " : "") + std::to_string(run.ablation.heads[n].layer) + "." +
               std::to_string(run.ablation.heads[n].head);
  return heading + (run.ablation.mode == AblationMode::mean ? " (mean)" : "");
}

// Every layer of a model as the rows of a grid: every head, or --head h alone.
std::string every_layer(const ExportOptions& o, Format format, Stage stage, const PrecisionMode& precision,
                        const InputOptions& input, const ModelRun& run, std::optional<Index> head) {
  if (o.plain) throw InputError("--plain draws one head of one layer: give --layer N and --head h");
  if (o.aspect) throw InputError("--aspect lays out one head's figure: give --layer N and --head h");
  const ModelConfig& c = run.model.config;
  check_layers_grid(c.layers * (head ? 1 : c.heads));
  std::vector<HeadsProblem> layers;
  for (Index l = 0; l < c.layers; ++l) {
    layers.push_back(model_layer_problem(input, run, l));
    layers.back().precision = precision;
  }
  const Matrix& q = layers.front().q.front();
  check_sizes(o, format, c.layers * (head ? 1 : c.heads), q.rows(),
              stage == Stage::output ? layers.front().v.front().cols() : layers.front().k.front().rows());
  const Font& font = figure_font();

  const std::unique_ptr<Backend> backend = open_backend(o.backend, precision);
  std::vector<std::vector<Trace>> traces;
  for (const HeadsProblem& layer : layers) traces.push_back(compute_heads(*backend, layer));
  const FigureOptions figure = figure_options(o, stage, model_heading(input, run));
  const Figure f = build_layers_figure(layers, traces, head, figure, font);
  return format == Format::png ? figure_png(f, font) : figure_svg(f);
}

// --model: one layer's head (--head h) or heads, or every layer (--layer all).
std::string model_figure(const ExportOptions& o, Format format, Stage stage, const PrecisionMode& precision,
                         const InputOptions& input) {
  const ModelRun run = run_model(input);  // --layer N is checked before the forward pass
  if (!run.tokenizer_unused.empty()) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(run).c_str());
  const ModelConfig& c = run.model.config;
  const std::optional<Index> head = chosen_head(o, c.heads);
  if (input.layer && *input.layer == "all") return every_layer(o, format, stage, precision, input, run, head);
  const Index layer = model_layer(input, c);
  HeadsProblem problem = model_layer_problem(input, run, layer);
  problem.precision = precision;
  const std::string heading = model_heading(input, run) + "  \u00b7  layer " + std::to_string(layer);
  if (!head) return every_head(o, format, stage, precision, problem, heading);
  return one_head(o, format, stage, precision, head_problem(problem, *head),
                  c.heads > 1 ? heading + "  \u00b7  " + head_heading(*head, c.heads, c.kv_heads) : heading);
}

// An input as the title quotes it: its text, or its ids.
std::string input_words(const TokenSource& source) {
  return source.text ? *source.text : "ids " + source.token_ids.value_or("");
}

// --compare-text: one head of one layer on both inputs side by side, and their difference where the
// two have as many tokens (heads.md).
std::string compare_figure(const ExportOptions& o, Format format, Stage stage, const PrecisionMode& precision,
                           const InputOptions& input) {
  const char* option = input.compare.text ? "--compare-text" : "--compare-token-ids";
  if (o.plain) throw InputError("--plain draws one input: " + std::string(option) + " draws two and their difference");
  if (o.aspect) throw InputError("--aspect lays out one head's figure: " + std::string(option) + " draws two side by side");
  if (input.layer && *input.layer == "all")
    throw InputError("--layer all draws every layer: " + std::string(option) + " compares one layer, give --layer N");
  check_compare_options(input);
  const ModelRun run = run_model(input);
  if (!run.tokenizer_unused.empty()) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(run).c_str());
  const ModelConfig& c = run.model.config;
  const Index layer = model_layer(input, c);
  const std::optional<Index> head = chosen_head(o, c.heads);
  if (!head)
    throw InputError(std::string(option) + " draws one head on both inputs: give --head h (the model has " +
                     std::to_string(c.heads) + " heads, 0 to " + std::to_string(c.heads - 1) + ")");
  const ComparedRun second = run_compared(input, run);
  HeadsProblem first_heads = model_layer_problem(input, run, layer);
  HeadsProblem second_heads = model_layer_problem(input, c, second.pass, second.tokens.labels, layer);
  first_heads.precision = second_heads.precision = precision;
  Problem first_problem = head_problem(first_heads, *head), second_problem = head_problem(second_heads, *head);
  const Index first_length = first_problem.lq(), second_length = second_problem.lq();
  if (o.query && *o.query >= 0 && *o.query >= std::min(first_length, second_length))
    throw InputError("--query " + std::to_string(*o.query) + " is out of range: the " +
                     (first_length <= second_length ? "first" : "second") + " input has " +
                     std::to_string(std::min(first_length, second_length)) + " tokens (0 to " +
                     std::to_string(std::min(first_length, second_length) - 1) + ")");
  check_sizes(o, format, 3, std::min(first_length, second_length),
              std::max(stage == Stage::output ? first_problem.dv() : std::max(first_length, second_length), Index{1}));
  const Font& font = figure_font();

  Engine engine(open_backend(o.backend, precision));
  engine.set_problem(std::move(first_problem));
  const Trace first_trace = engine.trace();
  const Problem first_shown = engine.problem();
  engine.set_problem(std::move(second_problem));
  std::optional<Trace> difference;
  if (same_shape(first_trace, engine.trace(), stage)) difference = stage_difference(first_trace, engine.trace(), stage);
  else
    std::fprintf(stderr, "attnlab: note: no difference drawn: the inputs have %lld and %lld tokens\n",
                 static_cast<long long>(first_length), static_cast<long long>(second_length));
  const std::string heading = model_heading(input, run) + "  \u00b7  layer " + std::to_string(layer) +
                              (c.heads > 1 ? "  \u00b7  " + head_heading(*head, c.heads, c.kv_heads) : "");
  const Figure f = build_compare_figure({&first_shown, &first_trace, input_words(input.tokens)},
                                        {&engine.problem(), &engine.trace(), input_words(input.compare)},
                                        difference ? &*difference : nullptr, figure_options(o, stage, heading), font);
  return format == Format::png ? figure_png(f, font) : figure_svg(f);
}

// Abnar & Zuidema's rollout of the model on these tokens as a weights figure: L × L, causal.
std::string rollout_figure(const ExportOptions& o, Format format, const InputOptions& input) {
  if (input.layer) throw InputError("--layer picks a layer: --stage rollout runs through every layer");
  const ModelRun run = run_model(input);
  if (!run.tokenizer_unused.empty()) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(run).c_str());
  Trace trace;
  trace.weights = attention_rollout(run.model.config, run.pass);
  const Index length = trace.weights.rows();
  Problem problem;  // what the figure reads of one: the tokens, and L queries for --query
  problem.q = problem.k = problem.v = Matrix::Zero(length, 1);
  problem.query_tokens = problem.key_tokens = run.tokens.labels;
  // Above the diagonal no flow reaches back from a later token: grey, as a causal mask's cells.
  trace.masked = Matrix::Zero(length, length);
  for (Index i = 0; i < length; ++i) trace.masked.row(i).tail(length - i - 1).setConstant(-INFINITY);
  check_sizes(o, format, 1, length, length);
  const Font& font = figure_font();
  const FigureNames names{"attention rollout  R = \u00c3\u2099\u208b\u2081 \u00b7\u00b7\u00b7 \u00c3\u2080",
                          "\u00c3\u2097 = \u00bd(mean of layer \u2113's heads + I), rows renormalised; " +
                              std::to_string(run.model.config.layers) + " layers \u00d7 " +
                              std::to_string(run.model.config.heads) + " heads (Abnar & Zuidema)"};
  const Figure f =
      build_figure(problem, trace, figure_options(o, Stage::weights, model_heading(input, run)), font, names);
  return format == Format::png ? figure_png(f, font) : figure_svg(f);
}

int run_export(const InputOptions& input, const ExportOptions& o) {
  const Format format = format_of(o.out);
  check_options(o, format);
  if (comparing(input)) {
    check_compare_options(input);
    if (o.stage == kRollout)
      throw InputError(std::string(input.compare.text ? "--compare-text" : "--compare-token-ids") +
                       " compares one head of one layer: --stage rollout is every layer's, give --stage weights");
    write_file_atomic(o.out, compare_figure(o, format, parse_stage(o.stage), precision_mode(o.precision), input));
    return 0;
  }
  if (o.stage == kRollout) {
    if (input.model.empty()) throw InputError("--stage rollout flows through a model's layers: give --model DIR");
    if (!precision_mode(o.precision).is_default())
      throw InputError("PRECISION options apply to a stage's problem: --stage rollout is the model's own float32 pass");
    write_file_atomic(o.out, rollout_figure(o, format, input));
    return 0;
  }
  const Stage stage = parse_stage(o.stage);
  const PrecisionMode precision = precision_mode(o.precision);
  // Input errors first, and a run that would not fit in memory is refused before any input exists
  // (files once read, when their sizes are known).
  const auto check_export_memory = [&](const RunSizes& sizes) {
    check_memory(peak_bytes(export_plan(sizes, o, format, stage, precision)), "export of " + describe(sizes));
  };
  if (!input.model.empty()) {
    write_file_atomic(o.out, model_figure(o, format, stage, precision, input));
    return 0;
  }
  if (const auto sizes = planned_sizes(input)) check_export_memory(*sizes);
  HeadsProblem problem = load_heads_problem(input);
  check_export_memory(sizes_of(problem));
  problem.precision = precision;

  // Which head: --head h, or every head (--head all, and the default with more than one).
  const Index heads = problem.heads();
  const std::optional<Index> head = chosen_head(o, heads);
  const std::string bytes = head ? one_head(o, format, stage, precision, head_problem(problem, *head),
                                            heads > 1 ? head_heading(*head, heads, problem.kv_heads()) : "")
                                 : every_head(o, format, stage, precision, problem);
  write_file_atomic(o.out, bytes);
  return 0;
}

// The figure's own options: what to draw and how; each checked where its range depends on the figure.
void add_figure_options(CLI::App& command, ExportOptions& o) {
  // Numbers whose range depends on the problem or the figure are checked there; here only that they are numbers.
  const CLI::Validator any_whole =
      whole_number({std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()});
  ExportOptions* out = &o;
  command.add_option("--stage", o.stage,
                     "scores, scaled, masked, weights or output (capped with a soft-cap); rollout (with --model: every "
                     "layer)");
  command.add_option("--out", o.out, "FILE.png or FILE.svg (written whole or not at all)");
  command
      .add_option_function<long long>(
          "--query", [out](const long long& q) { out->query = q; }, "outline this query's row")
      ->transform(any_whole);
  command
      .add_option_function<long long>(
          "--width", [out](const long long& w) { out->width = w; },
          "figure width in pixels (default 1600; 2400 for a 4K slide)")
      ->transform(whole_number({figure_min_width, figure_max_side}));
  command.add_option("--colormap", o.colormap,
                     "viridis (default for weights, on [0, 1]) or diverging (default for the others, around 0)");
  command
      .add_option_function<std::string>(
          "--head", [out](const std::string& h) { out->head = h; },
          "one head's figure, 0 to H−1, or all: every head in a grid "
          "(the default with more than one head)")
      ->type_name("N|all");
  command.add_flag("--stretch", o.stretch,
                   "weights' colours over 0 to the largest weight instead of 0 to 1 (the window's stretch colours)");
  command
      .add_option_function<std::string>(
          "--range", [out](const std::string& r) { out->range = r; },
          "the colour range: shared (scores, scaled and masked on one range, as the window's same colours) or LO:HI")
      ->type_name("shared|LO:HI");
  command
      .add_option_function<std::string>(
          "--aspect", [out](const std::string& a) { out->aspect = a; },
          "lay the figure out for a slide of this shape, W:H (e.g. 16:9): its height is width × H / W")
      ->type_name("W:H");
  command.add_flag("--plain", o.plain, "a bare PNG: N×N pixels per cell, no labels, no margins");
  command
      .add_option_function<long long>(
          "--cell-px", [out](const long long& n) { out->cell_px = n; }, "with --plain: N, the pixels per cell")
      ->transform(whole_number({1, figure_max_side}));
}

}  // namespace

Command add_export_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<ExportOptions>();
  auto* command = add_engine_command(app, "export", "write one stage as a figure (.png or .svg) for slides and papers",
                                     input, options->backend);
  add_precision_options(*command, options->precision);
  add_ablation_options(*command, input);
  add_compare_options(*command, input);
  add_figure_options(*command, *options);
  // Here --layer takes "all" too: one figure per layer.
  command->get_option("--layer")->type_name("N|all")->description(
      "with --model: the layer shown, 0-based (default 0), or all: one figure per layer");
  return {command, [command, &input, &hub, options] {
            finish_input_options(*command, input);
            // A model without --text draws the window's own sentence, as the window opens on it.
            if (!input.model.empty() && !input.tokens.text && !input.tokens.token_ids)
              input.tokens.text = gui::default_model_text;
            resolve_hub_model_input(input, hub);
            return run_export(input, *options);
          }};
}

}  // namespace attnlab::cli
