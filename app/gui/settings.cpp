#include "app/gui/settings.hpp"

#include <algorithm>
#include <limits>

#include "core/attention/problem.hpp"
#include "core/base/limits.hpp"
#include "core/inputs/read_mask.hpp"

namespace attnlab::gui {
namespace {

using S = Settings;
constexpr double most_float = std::numeric_limits<float>::max(), least_float = std::numeric_limits<float>::min();
constexpr double lo(limits::Range r) {
  return static_cast<double>(r.lo);
}
constexpr double hi(limits::Range r) {
  return static_cast<double>(r.hi);
}

const Field fields[] = {
    {"source", &S::source, Part::source},
    {"example", &S::example, Part::source},
    {"model", &S::model_folder, Part::model},
    {"text", &S::model_text, Part::model},
    {"layer", &S::layer, Part::model, 0, hi(limits::layers) - 1},
    {"ablate", &S::ablate, Part::model},
    {"ablate_mean", &S::ablate_mean, Part::model},
    {"qk_norm_before", &S::qk_norm_before, Part::model},
    {"q", &S::q_path, Part::source},
    {"k", &S::k_path, Part::source},
    {"v", &S::v_path, Part::source},
    {"lq", &S::lq, Part::source, lo(limits::size), hi(limits::size)},
    {"lk", &S::lk, Part::source, lo(limits::size), hi(limits::size)},
    {"dk", &S::dk, Part::dk, 0, hi(limits::size)},
    {"dv", &S::dv, Part::source, lo(limits::size), hi(limits::size)},
    {"seed", &S::seed, Part::source},
    {"sigma", &S::sigma, Part::source, least_float, most_float},
    {"mask", &S::mask, Part::mask},
    {"painted", &S::painted, Part::mask},
    {"scale", &S::scale, Part::scale},
    {"scale_value", &S::scale_value, Part::scale, -most_float, most_float},
    {"temperature", &S::temperature, Part::scale, least_float, most_float},
    {"backend", &S::backend, Part::backend},
    {"precision", &S::precision, Part::precision},
    {"subtract_max", &S::subtract_max, Part::precision},
    {"mask_value", &S::mask_value, Part::precision},
    {"heads", &S::heads, Part::heads, lo(limits::heads), hi(limits::heads)},
    {"kv_heads", &S::kv_heads, Part::heads, lo(limits::heads), hi(limits::heads)},
    {"head", &S::head, Part::view, 0, hi(limits::heads) - 1},
    {"context", &S::context, Part::display, lo(limits::context), hi(limits::context)},
    {"layers", &S::layers, Part::display, lo(limits::layers), hi(limits::layers)},
    {"query", &S::query, Part::view, 0, hi(limits::size) - 1},
    {"font_scale", &S::font_scale, Part::view, limits::font_scale_lo, limits::font_scale_hi},
    {"present", &S::present, Part::view},
    {"light", &S::light, Part::view},
    {"motion", &S::motion, Part::view},
    {"stretch_weights", &S::stretch_weights, Part::display},
    {"shared_range", &S::shared_range, Part::display},
    {"softcap_on", &S::softcap_on, Part::cap},
    {"softcap", &S::softcap, Part::cap, min_softcap, max_softcap},
    {"sink_on", &S::sink_on, Part::cap},
    {"sinks", &S::sinks, Part::cap, -max_score, max_score},
    {"stage", &S::stage, Part::view},
};

bool in(Part part, std::initializer_list<Part> parts) {
  return std::find(parts.begin(), parts.end(), part) != parts.end();
}

bool same(const Settings& a, const Settings& b, const Field& field) {
  return std::visit([&](auto member) { return a.*member == b.*member; }, field.member);
}

}  // namespace

std::span<const Field> settings_fields() {
  return fields;
}

bool same_in(const Settings& a, const Settings& b, std::initializer_list<Part> parts) {
  return std::all_of(std::begin(fields), std::end(fields),
                     [&](const Field& f) { return !in(f.part, parts) || same(a, b, f); });
}

bool same_outside(const Settings& a, const Settings& b, std::initializer_list<Part> parts) {
  return std::all_of(std::begin(fields), std::end(fields),
                     [&](const Field& f) { return in(f.part, parts) || same(a, b, f); });
}

void copy_parts(const Settings& from, Settings& to, std::initializer_list<Part> parts) {
  for (const Field& f : fields)
    if (in(f.part, parts)) std::visit([&](auto member) { to.*member = from.*member; }, f.member);
}

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
  return s.scale == ScaleSpec::Kind::value ? ScaleSpec{ScaleSpec::Kind::value, s.scale_value} : ScaleSpec{s.scale, 1.0};
}

void set_scale(Settings& s, const ScaleSpec& scale) {
  s.scale = scale.kind;
  if (scale.kind == ScaleSpec::Kind::value) s.scale_value = static_cast<float>(scale.value);
}

std::optional<double> build_softcap(const Settings& s) {
  return s.softcap_on ? std::optional<double>(s.softcap) : std::nullopt;
}

std::vector<double> build_sinks(const Settings& s) {
  return s.sink_on ? std::vector<double>(s.sinks.begin(), s.sinks.end()) : std::vector<double>{};
}

PrecisionMode build_precision(const Settings& s) {
  PrecisionMode mode;
  mode.format = s.precision;
  mode.subtract_max = s.subtract_max;
  mode.mask_value = parse_mask_value(s.mask_value, s.precision);
  return mode;
}

}  // namespace attnlab::gui
