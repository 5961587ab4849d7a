#pragma once
// The scale s of stage 2 (scaled = s · scores): 1/√dk, none, or a number the user gives.
#include <string>
#include <string_view>

#include "core/base/matrix.hpp"

namespace attnlab {

struct ScaleSpec {
  enum class Kind { sqrt, none, value };
  Kind kind = Kind::sqrt;
  double value = 1.0;  // used when kind == value; negative allowed, as in PyTorch

  std::string text() const;  // as the user writes it: "sqrt", "none", "0.25"
  bool operator==(const ScaleSpec&) const = default;
};

ScaleSpec parse_scale(std::string_view spec);  // throws InputError naming the spec
double resolve_scale(const ScaleSpec& scale, Index dk);

}  // namespace attnlab
