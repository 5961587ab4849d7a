#include "core/attention/scale.hpp"

#include <cmath>
#include <sstream>

#include "core/base/decimal.hpp"
#include "core/base/quote.hpp"

namespace attnlab {

std::string ScaleSpec::text() const {
  switch (kind) {
    case Kind::sqrt: return "sqrt";
    case Kind::none: return "none";
    case Kind::value: break;
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

ScaleSpec parse_scale(std::string_view spec) {
  if (spec == "sqrt") return {};
  if (spec == "none") return {ScaleSpec::Kind::none, 1.0};
  const std::optional<double> value = parse_decimal(spec);
  if (!value || !std::isfinite(*value))
    throw InputError("scale '" + excerpt(spec) + "' is not sqrt, none or a finite number");
  return {ScaleSpec::Kind::value, *value};
}

double resolve_scale(const ScaleSpec& scale, Index dk) {
  switch (scale.kind) {
    case ScaleSpec::Kind::sqrt: return 1.0 / std::sqrt(static_cast<double>(dk));
    case ScaleSpec::Kind::none: return 1.0;
    case ScaleSpec::Kind::value: break;
  }
  return scale.value;
}

}  // namespace attnlab
