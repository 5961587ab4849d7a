#pragma once
// The precision lab: rounding to IEEE binary16 and bfloat16, emulated in float (no fp16 hardware
// needed), and the settings that say how a reduced-precision kernel computes the five stages.
#include <optional>
#include <string_view>

#include "core/base/matrix.hpp"

namespace attnlab {

enum class Precision { fp32, fp16, bf16 };
std::string_view precision_name(Precision precision);  // "fp32", "fp16", "bf16"
Precision parse_precision(std::string_view name);      // throws InputError naming it and the valid ones
inline int value_bytes(Precision p) {
  return p == Precision::fp32 ? 4 : 2;
}  // one stored value

// How the stages are computed (core/precision_trace.hpp has the exact rules). The defaults are the
// engine's ordinary float32 path, bit for bit.
struct PrecisionMode {
  Precision format = Precision::fp32;
  bool subtract_max = true;         // softmax as exp(x − max): off shows why it is there
  std::optional<float> mask_value;  // masked cells' value instead of −inf (−1e9, −65504, ...)

  bool is_default() const { return format == Precision::fp32 && subtract_max && !mask_value; }
};

// The value masked cells hold, as the window's settings and --mask-value write it: "-inf" (nothing:
// masked cells stay −∞), "lowest" (the format's most negative finite value: −65504 in fp16, float's
// lowest otherwise) or a finite decimal number. Throws InputError naming the text otherwise.
std::optional<float> parse_mask_value(std::string_view text, Precision format);

// Round to nearest even. Half: 65504 is the largest finite value and 65520 and above become inf;
// subnormals down to 2^-24. bfloat16: float32's exponent range, 8 significant bits. NaN stays NaN.
float round_to_half(float x);
float round_to_bfloat16(float x);
float round_to(Precision format, float x);  // fp32: x itself
void round_in_place(Precision format, Matrix& m);

}  // namespace attnlab
