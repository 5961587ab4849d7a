#include "app/gui/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "app/gui/model_source.hpp"
#include "core/base/excerpt.hpp"
#include "core/base/limits.hpp"
#include "core/base/memory.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "core/inputs/read_mask.hpp"
#include "core/inputs/resize.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::gui {
namespace {

using nlohmann::json;

// A painted mask's cells: the sliders' largest problem, 4096 × 4096.
constexpr std::size_t most_painted = std::size_t{1} << 24;

// One key of a settings file, read into its field only when it has the right type and a value the
// command line would take too: numbers are read as numbers and checked before they are converted
// (nlohmann converts 1e10 to an int as C++ does, which is undefined), and text is bounded.
class Reader {
 public:
  Reader(const json& j, const std::string& name) : j_(j), name_(name) {}

  void text(const char* key, std::string& field) const {
    if (const json* v = find(key)) {
      if (!v->is_string()) wrong(key, *v, "text");
      const auto& s = v->get_ref<const std::string&>();
      if (s.size() > limits::text_bytes)
        fail(key, *v, "is " + std::to_string(s.size()) + " bytes long; at most " + std::to_string(limits::text_bytes));
      field = s;
    }
  }
  void flag(const char* key, bool& field) const {
    if (const json* v = find(key)) {
      if (!v->is_boolean()) wrong(key, *v, "true or false");
      field = v->get<bool>();
    }
  }
  void whole(const char* key, int& field, limits::Range range) const {
    if (const json* v = find(key)) field = static_cast<int>(whole_in(key, *v, range));
  }
  void seed(const char* key, std::uint64_t& field) const {
    const json* v = find(key);
    if (!v) return;
    if (v->is_number_unsigned()) field = v->get<std::uint64_t>();
    else if (v->is_number_integer() || v->is_number_float())
      field = static_cast<std::uint64_t>(whole_in(key, *v, {0, std::numeric_limits<std::int64_t>::max()}));
    else wrong(key, *v, "a whole number");
  }
  // A finite number in [lo, hi].
  void real(const char* key, float& field, double lo, double hi) const {
    if (const json* v = find(key)) {
      if (!v->is_number()) wrong(key, *v, "a number");
      const double x = v->get<double>();
      if (!(x >= lo && x <= hi)) fail(key, *v, "is out of range: " + number(lo) + " to " + number(hi));
      field = static_cast<float>(x);
    }
  }
  void painted(const char* key, std::vector<std::uint8_t>& field) const {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_array()) wrong(key, *v, "a list of 0 and 1");
    if (v->size() > most_painted)
      fail(key, *v, "has " + std::to_string(v->size()) + " cells; at most " + std::to_string(most_painted));
    field.clear();
    for (const json& cell : *v) {
      if (!cell.is_number_integer() || (cell.get<std::int64_t>() != 0 && cell.get<std::int64_t>() != 1))
        fail(key, cell, "is not 0 or 1");
      field.push_back(static_cast<std::uint8_t>(cell.get<std::int64_t>()));
    }
  }

 private:
  const json* find(const char* key) const {
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  std::int64_t whole_in(const char* key, const json& v, limits::Range range) const {
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      const auto n = v.get<std::int64_t>();
      if (range.contains(n)) return n;
    } else if (v.is_number_unsigned()) {
      const auto n = v.get<std::uint64_t>();
      if (n <= static_cast<std::uint64_t>(range.hi) && range.contains(static_cast<std::int64_t>(n)))
        return static_cast<std::int64_t>(n);
    } else if (v.is_number_float()) {
      const double x = v.get<double>();
      if (x != std::floor(x)) fail(key, v, "is not a whole number");
      if (x >= static_cast<double>(range.lo) && x <= static_cast<double>(range.hi)) return static_cast<std::int64_t>(x);
    } else {
      wrong(key, v, "a whole number");
    }
    fail(key, v, "is out of range: " + std::to_string(range.lo) + " to " + std::to_string(range.hi));
  }
  [[noreturn]] void fail(const char* key, const json& v, const std::string& why) const {
    throw InputError(name_ + ": \"" + key + "\" " + excerpt(v.dump()) + " " + why);
  }
  [[noreturn]] void wrong(const char* key, const json& v, const std::string& type) const {
    fail(key, v, "has the wrong type (" + type + " expected)");
  }
  static std::string number(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", x);
    return text;
  }

  const json& j_;
  const std::string& name_;
};

}  // namespace

MaskSpec build_mask(const Settings& s, Index lq, Index lk) {
  if (s.mask != "painted") return read_mask(s.mask);
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> allowed(lq, lk);
  if (s.painted.size() != static_cast<std::size_t>(lq * lk)) {
    allowed.setConstant(true);  // nothing painted yet for these sizes: start from "attend everything"
  } else {
    for (Index i = 0; i < lq * lk; ++i) allowed(i / lk, i % lk) = s.painted[static_cast<std::size_t>(i)] != 0;
  }
  return bool_mask(allowed);
}

ScaleSpec build_scale(const Settings& s) {
  return s.scale == "value" ? ScaleSpec{ScaleSpec::Kind::value, s.scale_value} : parse_scale(s.scale);
}

void set_scale(Settings& s, const ScaleSpec& scale) {
  s.scale = scale.kind == ScaleSpec::Kind::value ? "value" : scale.text();
  if (scale.kind == ScaleSpec::Kind::value) s.scale_value = static_cast<float>(scale.value);
}

PrecisionMode build_precision(const Settings& s) {
  PrecisionMode mode;
  mode.format = parse_precision(s.precision);
  mode.subtract_max = s.subtract_max;
  if (s.mask_value == "lowest") {
    mode.mask_value = mode.format == Precision::fp16 ? -65504.0f : std::numeric_limits<float>::lowest();
  } else if (s.mask_value != "-inf") {
    float value = 0;
    const char* end = s.mask_value.data() + s.mask_value.size();
    const auto [stop, ec] = std::from_chars(s.mask_value.data(), end, value);
    if (ec != std::errc() || stop != end || !std::isfinite(value))
      throw InputError("mask value '" + s.mask_value + "' is not -inf, lowest or a finite number");
    mode.mask_value = value;
  }
  return mode;
}

void check_window_memory(const Settings& s, const RunSizes& sizes) {
  MemoryPlan plan;
  plan.sizes = sizes;
  if (s.dk > 0) plan.sizes.dk = s.dk;
  plan.every_head = false;  // the engine computes the selected head; the grid one other at a time
  plan.precision_lab = s.precision != "fp32" || !s.subtract_max || s.mask_value != "-inf";
  plan.gpu = s.backend == "gpu";
  // The heatmap's pixels and its texture (which Mesa keeps in host memory), and the heads grid's
  // trace of another head; the source's own copy of every head besides the heads built from it;
  // the window itself, measured at 123 MiB with its fonts and llvmpipe, beyond the program's 32.
  plan.extra_lq_lk = 2 + 4;
  plan.extra_bytes = inputs_bytes(plan.sizes) + (std::uint64_t{160} << 20);
  check_memory(peak_bytes(plan), "the window with " + describe(plan.sizes),
               ": fewer queries or keys, or bench --stages output for the output alone");
}

HeadsProblem load_source(const Settings& s) {
  InputOptions in;
  if (s.source == "files") {
    in.q = s.q_path, in.k = s.k_path, in.v = s.v_path;
    if (in.q.empty() || in.k.empty() || in.v.empty()) throw InputError("choose the Q, K and V files");
    if (s.heads > 1) in.heads = s.heads, in.kv_heads = s.kv_heads;  // cut model-width files into heads
  } else if (s.source == "random") {
    in.random = true;
    in.lq = s.lq, in.lk = s.lk, in.dv = s.dv, in.seed = s.seed, in.sigma = s.sigma;
    in.heads = s.heads, in.kv_heads = s.kv_heads;
  } else if (s.source == "example") {
    in.example = s.example;
    in.heads = s.heads, in.kv_heads = s.kv_heads;
  } else if (s.source == "model") {
    return model_source(s);
  } else {
    throw InputError("source '" + excerpt(s.source) + "' is not example, random, files or model");
  }
  // Refused before any input exists when the sizes are known, otherwise once the files are read.
  if (const auto sizes = planned_sizes(in)) check_window_memory(s, *sizes);
  HeadsProblem source = load_heads_problem(in);
  check_window_memory(s, sizes_of(source));
  return source;
}

HeadsProblem build_heads(const Settings& s, const HeadsProblem& source) {
  // Always from the source: dk down and up again brings back the source's own columns.
  HeadsProblem hp = s.dk > 0 ? with_dk(source, s.dk, s.seed, s.sigma) : source;
  hp.mask = build_mask(s, hp.q.front().rows(), hp.k.front().rows());
  hp.scale = build_scale(s);
  hp.temperature = s.temperature;
  hp.precision = build_precision(s);
  validate_heads(hp);
  return hp;
}

Problem build_problem(const Settings& s) {
  const HeadsProblem hp = build_heads(s, load_source(s));
  return head_problem(hp, std::clamp<Index>(s.head, 0, hp.heads() - 1));
}

std::string to_json(const Settings& s) {
  const json j = {
      {"source", s.source},
      {"example", s.example},
      {"model", s.model_folder},
      {"text", s.model_text},
      {"layer", s.layer},
      {"q", s.q_path},
      {"k", s.k_path},
      {"v", s.v_path},
      {"lq", s.lq},
      {"lk", s.lk},
      {"dk", s.dk},
      {"dv", s.dv},
      {"seed", s.seed},
      {"sigma", s.sigma},
      {"mask", s.mask},
      {"painted", s.painted},
      {"scale", s.scale},
      {"scale_value", s.scale_value},
      {"temperature", s.temperature},
      {"backend", s.backend},
      {"precision", s.precision},
      {"subtract_max", s.subtract_max},
      {"mask_value", s.mask_value},
      {"heads", s.heads},
      {"kv_heads", s.kv_heads},
      {"head", s.head},
      {"context", s.context},
      {"layers", s.layers},
      {"query", s.query},
      {"stage", std::string(stage_name(s.stage))},
      {"font_scale", s.font_scale},
      {"present", s.present},
      {"light", s.light},
      {"stretch_weights", s.stretch_weights},
      {"shared_range", s.shared_range},
      {"attnlab", ATTNLAB_VERSION},
  };
  return j.dump(2) + "\n";
}

Settings settings_from_json(const std::string& text, const std::string& name) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(name + " is not a JSON object of Attention Lab settings");
  Settings s;
  // Each key is read on its own: a key of the wrong type or value is reported, one that is missing
  // keeps its default. The ranges are the command line's (core/base/limits.hpp).
  const Reader read(j, name);
  constexpr double most = std::numeric_limits<float>::max();
  read.text("source", s.source), read.text("example", s.example), read.text("model", s.model_folder);
  read.text("text", s.model_text), read.whole("layer", s.layer, {0, limits::layers.hi - 1});
  read.text("q", s.q_path);
  read.text("k", s.k_path), read.text("v", s.v_path);
  read.whole("lq", s.lq, limits::size), read.whole("lk", s.lk, limits::size);
  read.whole("dk", s.dk, {0, limits::size.hi}), read.whole("dv", s.dv, limits::size);
  read.seed("seed", s.seed);
  read.real("sigma", s.sigma, std::numeric_limits<float>::min(), most);
  read.text("mask", s.mask), read.painted("painted", s.painted), read.text("scale", s.scale);
  read.real("scale_value", s.scale_value, -most, most);
  read.real("temperature", s.temperature, std::numeric_limits<float>::min(), most);
  read.text("backend", s.backend), read.text("precision", s.precision), read.flag("subtract_max", s.subtract_max);
  read.text("mask_value", s.mask_value);
  read.whole("heads", s.heads, limits::heads), read.whole("kv_heads", s.kv_heads, limits::heads);
  read.whole("head", s.head, {0, limits::heads.hi - 1});
  read.whole("context", s.context, limits::context), read.whole("layers", s.layers, limits::layers);
  read.whole("query", s.query, {0, limits::size.hi - 1});
  read.real("font_scale", s.font_scale, limits::font_scale_lo, limits::font_scale_hi);
  read.flag("present", s.present), read.flag("light", s.light);
  read.flag("stretch_weights", s.stretch_weights), read.flag("shared_range", s.shared_range);
  std::string stage = "scores";
  read.text("stage", stage);
  try {
    s.stage = parse_stage(stage);
    if (s.stage == Stage::capped) throw InputError("stage capped needs a soft-cap, which the window does not take yet");
  } catch (const InputError& e) {
    throw InputError(name + ": " + e.what());
  }
  check_settings(s, name);
  return s;
}

void check_settings(const Settings& s, const std::string& name) {
  const auto bad = [&](const std::string& what) { throw InputError(name + ": " + what); };
  if (s.source != "example" && s.source != "random" && s.source != "files" && s.source != "model")
    bad("\"source\" '" + excerpt(s.source) + "' is not example, random, files or model");
  if (s.heads % s.kv_heads != 0)
    bad("\"kv_heads\" " + std::to_string(s.kv_heads) + " does not divide \"heads\" " + std::to_string(s.heads));
  if (s.scale != "sqrt" && s.scale != "none" && s.scale != "value")
    bad("\"scale\" '" + excerpt(s.scale) + "' is not sqrt, none or value");
  if (s.backend != "auto" && s.backend != "cpu" && s.backend != "gpu")
    bad("\"backend\" '" + excerpt(s.backend) + "' is not auto, cpu or gpu");
  try {
    build_precision(s);  // the precision and the masked cells' value
  } catch (const InputError& e) {
    bad(e.what());
  }
}

void save_settings(const Settings& settings, const std::filesystem::path& path) {
  // What is written must read back: settings that no file could hold (a value out of range or not
  // finite, which JSON would write as null) are refused rather than saved.
  const std::string text = to_json(settings);
  settings_from_json(text, "the settings to save");
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  write_file_atomic(path, text);
}

Settings load_settings(const std::filesystem::path& path) {
  const std::string name = "scenario " + path.string();
  return settings_from_json(read_file(path, name), name);
}

std::filesystem::path keep_aside(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return {};
  std::filesystem::path bad = path;
  bad += ".bad";
  std::filesystem::rename(path, bad, error);
  return error ? std::filesystem::path() : bad;
}

std::filesystem::path last_state_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "attnlab/last.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config/attnlab/last.json";
}

}  // namespace attnlab::gui
