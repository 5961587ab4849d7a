#include "core/figure/figure_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attnlab {
namespace {

constexpr const char* kMinus = "\u2212";
constexpr const char* kDot = "  \u00b7  ";

// The scaled scores as a formula: QKᵀ/√dₖ, QKᵀ, or s·QKᵀ.
std::string scaled_formula(const ScaleSpec& scale) {
  switch (scale.kind) {
    case ScaleSpec::Kind::sqrt: return "QK\u1d40/\u221ad\u2096";
    case ScaleSpec::Kind::none: return "QK\u1d40";
    case ScaleSpec::Kind::value: break;
  }
  return "s\u00b7QK\u1d40";
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace

std::string short_value(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", value);
  std::string s = text;
  if (s[0] == '-') s = kMinus + s.substr(1);
  return s;
}

std::string figure_title(const Problem& problem, Stage stage) {
  const bool masked = problem.mask.kind != MaskSpec::Kind::none;
  const std::string scaled = scaled_formula(problem.scale);
  // Gemma 2's soft-cap: C·tanh(x/C) with the number written in.
  const std::string capped = problem.softcap ? short_value(*problem.softcap) + "\u00b7tanh(" + scaled + "/" +
                                                   short_value(*problem.softcap) + ")"
                                             : scaled;
  const std::string before_softmax = capped + (masked ? " + mask" : "");
  // gpt-oss's sink: one more logit in the softmax, whose weight is dropped.
  const std::string softmax =
      problem.sink ? "softmax([" + before_softmax + ", sink])" : "softmax(" + before_softmax + ")";
  std::string formula;
  switch (stage) {
    case Stage::scores: formula = "QK\u1d40"; break;
    case Stage::scaled: formula = scaled; break;
    case Stage::capped: formula = capped; break;
    case Stage::masked: formula = before_softmax; break;
    case Stage::weights: formula = softmax; break;
    case Stage::output: formula = softmax + "\u00b7V"; break;
  }
  return std::string(stage_name(stage)) + " = " + formula;
}

std::string figure_subtitle(const Problem& problem, Stage stage, std::optional<Index> query, bool sink_per_head) {
  std::string text = "d\u2096 = " + std::to_string(problem.dk());
  const double s = resolve_scale(problem.scale, problem.dk());
  switch (problem.scale.kind) {
    case ScaleSpec::Kind::sqrt:
      text += kDot + std::string("scale 1/\u221a") + std::to_string(problem.dk()) + " = " + short_value(s);
      break;
    case ScaleSpec::Kind::none: text += kDot + std::string("scale none (1)"); break;
    case ScaleSpec::Kind::value: text += kDot + std::string("scale s = ") + short_value(s); break;
  }
  if (problem.temperature != 1.0) text += kDot + std::string("temperature ") + short_value(problem.temperature);
  if (problem.softcap) text += kDot + std::string("soft-cap ") + short_value(*problem.softcap);
  text += kDot + std::string("mask ") + problem.mask.text();
  if (problem.sink)
    text += kDot + (sink_per_head ? std::string("a sink per head") : "sink " + short_value(*problem.sink));
  text += kDot + std::to_string(problem.lq()) + (problem.lq() == 1 ? " query" : " queries") + " \u00d7 ";
  text += stage == Stage::output ? std::to_string(problem.dv()) + " value dims"
                                 : std::to_string(problem.lk()) + (problem.lk() == 1 ? " key" : " keys");
  if (query) {
    const auto i = static_cast<std::size_t>(*query);
    text += kDot + std::string("query ") + std::to_string(*query);
    // The token, unless it only repeats the number ("q4", "t4").
    const std::string number = std::to_string(*query);
    if (i < problem.query_tokens.size() && problem.query_tokens[i] != "q" + number &&
        problem.query_tokens[i] != "t" + number)
      text += " \u201c" + problem.query_tokens[i] + "\u201d";
    text += " outlined";
  }
  return text;
}

std::string format_value(float value, int decimals) {
  if (std::isinf(value)) return value < 0 ? std::string(kMinus) + "\u221e" : "\u221e";
  if (std::isnan(value)) return "NaN";
  std::string s = fixed(value, decimals);
  if (s[0] == '-') {
    // "-0.00" is a zero: no sign.
    const bool zero = s.find_first_not_of("-0.") == std::string::npos;
    s = zero ? s.substr(1) : kMinus + s.substr(1);
  }
  return s;
}

int value_decimals(Stage stage, float largest) {
  if (stage == Stage::weights) return 2;
  return largest < 10 ? 2 : largest < 100 ? 1 : 0;
}

int cell_decimals(Stage stage, float largest, bool whole) {
  return whole && stage != Stage::weights ? 0 : value_decimals(stage, largest);
}

int cell_decimals(Stage stage, const Matrix& values) {
  float largest = 0;
  bool whole = true;
  for (Index n = 0; n < values.size(); ++n) {
    const float v = values.data()[n];
    if (!std::isfinite(v)) continue;
    largest = std::max(largest, std::abs(v)), whole = whole && v == std::round(v);
  }
  return cell_decimals(stage, largest, whole);
}

std::vector<Tick> nice_ticks(float lo, float hi) {
  std::vector<Tick> ticks;
  if (!(hi > lo) || !std::isfinite(hi - lo)) return ticks;
  const double raw = (static_cast<double>(hi) - lo) / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * power;
  for (double factor : {1.0, 2.0, 2.5, 5.0})
    if (factor * power >= raw * 0.999) {
      step = factor * power;
      break;
    }
  // 2.5·10ⁿ needs one more digit than its power of ten.
  const double digits_of = step == 2.5 * power ? step / 10 : step;
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(digits_of) + 1e-9)));
  for (double k = std::ceil(lo / step - 1e-6); k * step <= hi + step * 1e-6; k += 1) {
    const auto value = static_cast<float>(k * step);
    ticks.push_back({value, format_value(value, decimals)});
  }
  return ticks;
}

}  // namespace attnlab
