// attnlab [gui]: the window, on the default example or on the INPUT options given.
#include <algorithm>
#include <limits>
#include <string_view>

#include "app/cli_input.hpp"
#include "app/commands.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/window.hpp"
#include "core/attention/trace.hpp"

namespace attnlab::cli {

void add_window_options(CLI::App& c, GuiOptions& gui, const char* group) {
  const CLI::Validator any_int = whole_number({std::numeric_limits<int>::min(), std::numeric_limits<int>::max()});
  std::string action_list;
  for (std::string_view name : gui::action_names())
    action_list += (action_list.empty() ? "" : ", ") + std::string(name);
  c.add_option("--query", gui.query, "the selected query (default 0)")->group(group)->transform(any_int);
  c.add_option("--head", gui.head, "the selected head, with --heads (default 0)")->group(group)->transform(any_int);
  c.add_option("--stage", gui.stage, "scores (default), scaled, masked, weights or output")->group(group);
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
                           "--layer"})
    if (const CLI::Option* option = window.get_option_no_throw(name); option && option->count() > 0)
      gui.input_given = true;
}

int run_gui(const InputOptions& input, const GuiOptions& options) {
  if (input.softcap || input.sink)
    throw InputError(std::string(input.softcap ? "--softcap" : "--sink") +
                     " is not in the window yet: use it with compute, export or bench");
  gui::WindowOptions w;
  gui::Settings& s = w.settings;
  s.mask = input.mask;
  gui::set_scale(s, parse_scale(input.scale));
  const bool files = !input.q.empty() || !input.k.empty() || !input.v.empty();
  if (!input.model.empty()) {
    gui::start_on_model(input, s);
  } else if (files) {
    s.source = "files", s.q_path = input.q, s.k_path = input.k, s.v_path = input.v;
  } else if (input.random) {
    s.source = "random", s.lq = static_cast<int>(input.lq), s.lk = static_cast<int>(input.lk);
    s.dk = static_cast<int>(input.dk), s.dv = static_cast<int>(input.dv);
    s.seed = input.seed, s.sigma = static_cast<float>(input.sigma);
  } else if (!input.example.empty()) {
    s.example = input.example;
  }
  s.heads = static_cast<int>(input.heads.value_or(1));
  s.kv_heads = static_cast<int>(input.kv_heads.value_or(s.heads));
  s.stage = parse_stage(options.stage);
  if (s.stage == Stage::capped) throw InputError("--stage capped needs a soft-cap, which the window does not take yet");
  s.font_scale = options.font_scale;
  s.present = options.present;
  if (!options.theme.empty() && options.theme != "light" && options.theme != "dark")
    throw InputError("--theme '" + options.theme + "' is not light or dark");
  s.light = options.theme == "light";
  s.backend = options.backend;
  precision_mode(options.precision);  // a bad value is reported here, before any window
  s.precision = options.precision.precision;
  s.subtract_max = !options.precision.no_max_subtraction;
  if (!options.precision.mask_value.empty()) s.mask_value = options.precision.mask_value;
  if (!(options.font_scale >= limits::font_scale_lo && options.font_scale <= limits::font_scale_hi))
    throw InputError("--font-scale " + std::to_string(options.font_scale) + " must be between 0.5 and 4");
  limits::check("--frames", options.frames, limits::frames);
  limits::check("--width", options.width, limits::window_side);
  limits::check("--height", options.height, limits::window_side);
  if (!options.screenshot.empty() && options.frames < 1) throw InputError("--screenshot needs --frames N");
  if (!options.layout_report.empty() && options.frames < 1) throw InputError("--layout-report needs --frames N");

  // Bad input is reported before any window opens.
  const HeadsProblem heads = gui::build_heads(s, gui::load_source(s));
  const auto check_range = [](const char* option, int value, Index count, const char* what) {
    if (value < 0 || value >= count)
      throw InputError(std::string(option) + " " + std::to_string(value) + " is out of range: there are " +
                       std::to_string(count) + " " + what + " (0 to " + std::to_string(count - 1) + ")");
  };
  check_range("--query", options.query, heads.q.front().rows(), "queries");
  check_range("--head", options.head, heads.heads(), "heads");
  s.query = options.query;
  s.head = options.head;

  w.remember = (options.frames == 0 || options.remember) && !options.input_given;
  w.present = options.present;
  if (!options.theme.empty()) w.light = options.theme == "light";
  w.frames = options.frames;
  w.screenshot = options.screenshot;
  w.layout_report = options.layout_report;
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
  return gui::run_window(std::move(w));
}

}  // namespace attnlab::cli
