#include "core/attention/precision.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/base/quote.hpp"

namespace attnlab {

std::string_view precision_name(Precision precision) {
  switch (precision) {
    case Precision::fp32: return "fp32";
    case Precision::fp16: return "fp16";
    case Precision::bf16: return "bf16";
  }
  return "fp32";
}

Precision parse_precision(std::string_view name) {
  for (Precision p : {Precision::fp32, Precision::fp16, Precision::bf16})
    if (name == precision_name(p)) return p;
  throw InputError("precision '" + excerpt(name) + "' is not fp32, fp16 or bf16");
}

std::optional<float> parse_mask_value(std::string_view text, Precision format) {
  if (text == "-inf") return std::nullopt;
  if (text == "lowest") return format == Precision::fp16 ? -65504.0f : std::numeric_limits<float>::lowest();
  float value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value))
    throw InputError("mask value '" + excerpt(text) + "' is not -inf, lowest or a finite number");
  return value;
}

float round_to_half(float x) {
  if (!std::isfinite(x)) return x;
  const float a = std::fabs(x);
  // 65520 is halfway between 65504 and the next step (65536, beyond the format): ties go to even, inf.
  if (a >= 65520.0f) return std::copysign(INFINITY, x);
  // Scaling by powers of two is exact, so nearbyint (ties to even) rounds at the right bit.
  if (a < 0x1p-14f) return std::copysign(std::nearbyint(a * 0x1p24f) * 0x1p-24f, x);  // subnormal: steps of 2^-24
  int e = 0;
  std::frexp(a, &e);  // a in [2^(e−1), 2^e): 11 significant bits leave steps of 2^(e−11)
  const float step = std::ldexp(1.0f, e - 11);
  return std::copysign(std::nearbyint(a / step) * step, x);
}

float round_to_bfloat16(float x) {
  if (std::isnan(x)) return x;
  // Keep the top 16 bits, adding just under half of the dropped part plus the kept lowest bit:
  // round to nearest even; the carry runs into the exponent, and past the largest value to inf.
  std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return std::bit_cast<float>(bits & 0xffff0000u);
}

float round_to(Precision format, float x) {
  switch (format) {
    case Precision::fp16: return round_to_half(x);
    case Precision::bf16: return round_to_bfloat16(x);
    case Precision::fp32: break;
  }
  return x;
}

void round_in_place(Precision format, Matrix& m) {
  if (format == Precision::fp32) return;
  float* data = m.data();
  for (Index i = 0; i < m.size(); ++i) data[i] = round_to(format, data[i]);
}

}  // namespace attnlab
