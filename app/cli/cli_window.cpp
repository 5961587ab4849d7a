// The window, on the default example or on the INPUT options given: the options of `attnlab [gui]` and of
// the web page.
#include "app/cli/cli_window.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include "app/gui/app_actions.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/problem_builder.hpp"
#include "app/gui/window.hpp"
#include "core/attention/trace.hpp"
#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/inputs/compare_input.hpp"

namespace attnlab::cli {
namespace {

// The settings of the window's problem: its source, heads and view, from the options.
void set_source(const InputOptions& input, const GuiOptions& options, gui::WindowOptions& w) {
  gui::Settings& s = w.settings;
  s.mask = input.mask;
  gui::set_scale(s, parse_scale(input.scale));
  const bool files = !input.q.empty() || !input.k.empty() || !input.v.empty();
  if (input.model.empty() && (input.ablate || input.ablation))
    throw InputError(std::string(input.ablate ? "--ablate" : "--ablation") +
                     " knocks a model's heads out: give --model DIR|ID");
  check_compare_options(input);
  if (input.compare.token_ids)
    throw InputError("the window takes the second sentence as --compare-text T2, not --compare-token-ids");
  if (!input.model.empty()) {
    w.model = gui::start_on_model(input, s);
    // The second sentence is checked against the model before the window opens, as the first is.
    if (input.compare.text && w.model.run) compare_tokens(input, *w.model.run);
    w.compare_text = input.compare.text.value_or("");
    if (!w.model.run) w.model_start = input;  // a web page fetches a Hub model after the window opens
  } else if (files) {
    s.source = gui::Source::files, s.q_path = input.q, s.k_path = input.k, s.v_path = input.v;
  } else if (input.random) {
    s.source = gui::Source::random, s.lq = static_cast<int>(input.lq), s.lk = static_cast<int>(input.lk);
    s.dk = static_cast<int>(input.dk), s.dv = static_cast<int>(input.dv);
    s.seed = input.seed, s.sigma = static_cast<float>(input.sigma);
  } else if (!input.example.empty()) {
    s.example = input.example;
  }
  s.heads = static_cast<int>(input.heads.value_or(1));
  s.kv_heads = static_cast<int>(input.kv_heads.value_or(s.heads));
  if (input.softcap) s.softcap_on = true, s.softcap = static_cast<float>(parse_softcap(*input.softcap));
  if (input.sink) {
    s.sink_on = true, s.sinks.clear();
    for (double sink : parse_sinks(*input.sink)) s.sinks.push_back(static_cast<float>(sink));
  }
  s.stage = parse_stage(options.stage);
  // A model with its own soft-cap (Gemma 2) has the stage without --softcap: checked once it is loaded.
  if (s.stage == Stage::capped && !s.softcap_on && input.model.empty())
    throw InputError("--stage capped needs --softcap C");
}

// The look and the engine's settings from the options, each checked.
void set_look(const GuiOptions& options, gui::Settings& s) {
  s.font_scale = options.font_scale;
  s.present = options.present;
  if (!options.theme.empty() && options.theme != "light" && options.theme != "dark")
    throw InputError("--theme '" + options.theme + "' is not light or dark");
  s.light = options.theme == "light";
  const auto backend = gui::from_word(gui::backend_words, options.backend);
  if (!backend)
    throw InputError("--backend '" + excerpt(options.backend) + "' is not " + gui::word_list(gui::backend_words));
  s.backend = *backend;
  const PrecisionMode precision = precision_mode(options.precision);  // a bad value is reported here
  s.precision = precision.format;
  s.subtract_max = !options.precision.no_max_subtraction;
  if (!options.precision.mask_value.empty()) s.mask_value = options.precision.mask_value;
  if (!(options.font_scale >= limits::font_scale_lo && options.font_scale <= limits::font_scale_hi))
    throw InputError("--font-scale " + std::to_string(options.font_scale) + " must be between 0.5 and 4");
}

// --query and --head against the problem, which is built here: bad input is reported before any window.
void check_view(const GuiOptions& options, gui::WindowOptions& w) {
  gui::Settings& s = w.settings;
  if (w.model_start) {  // a model still to come: the window keeps the view within it once it is there
    s.query = options.query, s.head = options.head;
    return;
  }
  const HeadsProblem heads = gui::build_heads(s, gui::load_source(s, w.model));
  if (s.stage == Stage::capped && !heads.softcap)
    throw InputError("--stage capped needs --softcap C: the model " + s.model_folder + " has no soft-cap of its own");
  const auto check_range = [](const char* option, int value, Index count, const char* what) {
    if (value < 0 || value >= count)
      throw InputError(std::string(option) + " " + std::to_string(value) + " is out of range: there are " +
                       std::to_string(count) + " " + what + " (0 to " + std::to_string(count - 1) + ")");
  };
  check_range("--query", options.query, heads.q.front().rows(), "queries");
  check_range("--head", options.head, heads.heads(), "heads");
  s.query = options.query;
  s.head = options.head;
}

// --frames, --screenshot and the window's size, checked before the problem is built.
void check_run(const GuiOptions& options) {
  limits::check("--frames", options.frames, limits::frames);
  limits::check("--width", options.width, limits::window_side);
  limits::check("--height", options.height, limits::window_side);
  if (!options.screenshot.empty() && options.frames < 1) throw InputError("--screenshot needs --frames N");
  if (!options.layout_report.empty() && options.frames < 1) throw InputError("--layout-report needs --frames N");
  if (!options.frame_report.empty() && options.frames < 1) throw InputError("--frame-report needs --frames N");
  if (options.live && options.frames < 1) throw InputError("--live needs --frames N");
}

// How the window runs: remembered or scripted, its actions, its size.
void set_run(const GuiOptions& options, gui::WindowOptions& w) {
  w.remember = (options.frames == 0 || options.remember) && !options.input_given;
  w.present = options.present;
  if (!options.theme.empty()) w.light = options.theme == "light";
  w.frames = options.frames;
  w.screenshot = options.screenshot;
  w.layout_report = options.layout_report;
  w.frame_report = options.frame_report;
  w.live = options.live;
  w.export_dir = options.export_dir;
  for (std::size_t at = 0; at < options.actions.size();) {
    const std::size_t comma = std::min(options.actions.find(',', at), options.actions.size());
    const std::string name = options.actions.substr(at, comma - at);
    w.actions.push_back(gui::parse_action(name));
    w.action_names.push_back(name);
    at = comma + 1;
  }
  if (!w.actions.empty() && options.frames <= static_cast<int>(w.actions.size()))
    throw InputError("--actions gives " + std::to_string(w.actions.size()) + " actions but --frames " +
                     std::to_string(options.frames) + " leaves no frame to show the last one");
  w.width = options.width, w.height = options.height;
}

}  // namespace

void add_window_options(CLI::App& c, GuiOptions& gui, const char* group) {
  const CLI::Validator any_int = whole_number({std::numeric_limits<int>::min(), std::numeric_limits<int>::max()});
  std::string action_list;
  for (std::string_view name : gui::action_names())
    action_list += (action_list.empty() ? "" : ", ") + std::string(name);
  c.add_option("--query", gui.query, "the selected query (default 0)")->group(group)->transform(any_int);
  c.add_option("--head", gui.head, "the selected head, with --heads (default 0)")->group(group)->transform(any_int);
  c.add_option("--stage", gui.stage, "scores (default), scaled, masked, weights or output (capped with --softcap)")
      ->group(group);
  c.add_option("--font-scale", gui.font_scale, "text size, 0.5 to 4 (default 1)")
      ->group(group)
      ->check(real_number(limits::font_scale_lo, limits::font_scale_hi));
  c.add_flag("--present", gui.present, "presentation mode: large fonts, side panels hidden")->group(group);
  c.add_option("--theme", gui.theme, "light (for a bright room) or dark (the default); L switches")->group(group);
  c.add_option("--frames", gui.frames, "render N frames, then exit")
      ->group(group)
      ->transform(whole_number(limits::frames));
  c.add_option("--screenshot", gui.screenshot, "with --frames: save the last frame as a PNG")->group(group);
  c.add_option("--actions", gui.actions,
               "with --frames: one key action per frame, comma-separated (" + action_list + ")")
      ->group(group);
  c.add_option("--layout-report", gui.layout_report,
               "with --frames: write where every panel, item and text was drawn, each frame (JSON)")
      ->group(group);
  c.add_option("--frame-report", gui.frame_report,
               "with --frames: write every frame's time, and which frames generated or took in a token (JSON)")
      ->group(group);
  c.add_flag("--live", gui.live,
             "with --frames: wait for no worker (a model's pass, a token, the head scores), as a user's window")
      ->group(group);
  c.add_flag("--remember", gui.remember,
             "with --frames: restore the last state and save it at exit, as a run without --frames does")
      ->group(group);
  c.add_option("--export-dir", gui.export_dir, "where Export (E) writes (default attnlab-figures)")->group(group);
  c.add_option("--width", gui.width, "window width in pixels (default 1600)")
      ->group(group)
      ->transform(whole_number(limits::window_side));
  c.add_option("--height", gui.height, "window height in pixels (default 900)")
      ->group(group)
      ->transform(whole_number(limits::window_side));
}

void finish_window_options(const CLI::App& window, InputOptions& input, GuiOptions& gui) {
  finish_input_options(window, input);
  for (const char* name : {"--q",
                           "--k",
                           "--v",
                           "--random",
                           "--example",
                           "--mask",
                           "--scale",
                           "--lq",
                           "--lk",
                           "--dk",
                           "--dv",
                           "--seed",
                           "--sigma",
                           "--heads",
                           "--kv-heads",
                           "--precision",
                           "--no-max-subtraction",
                           "--mask-value",
                           "--model",
                           "--text",
                           "--token-ids",
                           "--layer",
                           "--ablate",
                           "--ablation",
                           "--compare-text",
                           "--compare-token-ids"})
    if (const CLI::Option* option = window.get_option_no_throw(name); option && option->count() > 0)
      gui.input_given = true;
}

int run_gui(const InputOptions& input, const GuiOptions& options) {
  gui::WindowOptions w;
  set_source(input, options, w);
  set_look(options, w.settings);
  check_run(options);
  check_view(options, w);
  set_run(options, w);
  return gui::run_window(std::move(w));
}

}  // namespace attnlab::cli
