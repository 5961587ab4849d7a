#include "app/gui/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "app/gui/model_source.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "core/inputs/read_mask.hpp"
#include "core/inputs/resize.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::gui {
namespace {

using nlohmann::json;

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
    throw InputError("source '" + s.source + "' is not example, random, files or model");
  }
  return load_heads_problem(in);
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
      {"attnlab", ATTNLAB_VERSION},
  };
  return j.dump(2) + "\n";
}

Settings settings_from_json(const std::string& text, const std::string& name) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(name + " is not a JSON object of Attention Lab settings");
  Settings s;
  // Each key is read on its own: a key of the wrong type is reported, one that is missing keeps its default.
  const auto read = [&](const char* key, auto& field) {
    if (!j.contains(key)) return;
    try {
      j.at(key).get_to(field);
    } catch (const json::exception&) {
      throw InputError(name + ": \"" + key + "\" has the wrong type (" + j.at(key).dump() + ")");
    }
  };
  read("source", s.source), read("example", s.example), read("model", s.model_folder), read("text", s.model_text);
  read("layer", s.layer), read("q", s.q_path), read("k", s.k_path);
  read("v", s.v_path), read("lq", s.lq), read("lk", s.lk), read("dk", s.dk), read("dv", s.dv);
  read("seed", s.seed), read("sigma", s.sigma), read("mask", s.mask), read("painted", s.painted);
  read("scale", s.scale), read("scale_value", s.scale_value), read("temperature", s.temperature);
  read("backend", s.backend), read("precision", s.precision), read("subtract_max", s.subtract_max);
  read("mask_value", s.mask_value), read("heads", s.heads), read("kv_heads", s.kv_heads), read("head", s.head);
  read("context", s.context), read("layers", s.layers), read("query", s.query), read("font_scale", s.font_scale);
  read("present", s.present), read("light", s.light);
  std::string stage = "scores";
  read("stage", stage);
  s.stage = parse_stage(stage);
  return s;
}

void save_settings(const Settings& settings, const std::filesystem::path& path) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  write_file_atomic(path, to_json(settings));
}

Settings load_settings(const std::filesystem::path& path) {
  const std::string name = "scenario " + path.string();
  return settings_from_json(read_file(path, name), name);
}

std::filesystem::path last_state_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "attnlab/last.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config/attnlab/last.json";
}

}  // namespace attnlab::gui
