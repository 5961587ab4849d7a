#pragma once
// A small safetensors writer for the tests, independent of the reader in core/model: tensors given
// as float64 values are rounded to F32, F16 or BF16 here (round to nearest, ties to even, written
// from the IEEE formats' definitions) and laid out as the format says. It also returns the values
// as stored, so a float64 reference computes with exactly the weights the model file holds.
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace model_test {

enum class DT { f32, f16, bf16 };

inline const char* dt_name(DT dt) {
  return dt == DT::f32 ? "F32" : dt == DT::f16 ? "F16" : "BF16";
}

// float32 → IEEE binary16, round to nearest even; overflow to infinity, tiny values to subnormals.
inline std::uint16_t to_f16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000);
  const int exponent = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  std::uint32_t mantissa = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const int shift = 14 - exponent;
    std::uint32_t half = mantissa >> shift;
    const std::uint32_t rest = mantissa & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = static_cast<std::uint32_t>(exponent) << 10 | mantissa >> 13;
  const std::uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;  // a carry into the exponent is right
  return static_cast<std::uint16_t>(sign | half);
}

inline double from_f16(std::uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  const double sign = (h & 0x8000) ? -1 : 1;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

// float32 → bfloat16: the top 16 bits, rounded to nearest even.
inline std::uint16_t to_bf16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  return static_cast<std::uint16_t>((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

inline double from_bf16(std::uint16_t b) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

// The value a file of this dtype holds for v.
inline double stored(double v, DT dt) {
  const auto f = static_cast<float>(v);
  return dt == DT::f32 ? f : dt == DT::f16 ? from_f16(to_f16(f)) : from_bf16(to_bf16(f));
}

struct TestTensor {
  std::vector<std::uint64_t> shape;
  std::vector<double> values;  // row-major
};

inline std::string le_bytes(std::uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// The file: header JSON padded with spaces to a multiple of 8 (as the reference writer does), then
// the tensors in the order given. `misalign` adds that many spaces first, so that data can start
// off a 4-byte boundary.
inline std::string safetensors_bytes(const std::vector<std::pair<std::string, TestTensor>>& tensors, DT dt,
                                     int misalign = 0) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& [name, t] : tensors) {
    const std::uint64_t begin = data.size();
    for (const double v : t.values) {
      const auto f = static_cast<float>(v);
      if (dt == DT::f32) data += le_bytes(std::bit_cast<std::uint32_t>(f), 4);
      if (dt == DT::f16) data += le_bytes(to_f16(f), 2);
      if (dt == DT::bf16) data += le_bytes(to_bf16(f), 2);
    }
    header[name] = {{"dtype", dt_name(dt)}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
  }
  std::string json = header.dump();
  json += std::string(static_cast<std::size_t>((8 - json.size() % 8) % 8 + misalign), ' ');
  return le_bytes(json.size(), 8) + json + data;
}

// A header followed by `data_bytes` zero bytes: for files that break one rule of the format.
inline std::string raw_safetensors(const std::string& json, std::size_t data_bytes) {
  return le_bytes(json.size(), 8) + json + std::string(data_bytes, '\0');
}

}  // namespace model_test
