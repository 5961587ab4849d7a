#pragma once
// Tensor data to float32: F32 copied, F16 and BF16 widened exactly (every 16-bit value is a float):
// what the norms and biases and an F32 tensor off a float boundary get at load.
// The data may sit at any address in a mapped file, so it is read with memcpy, never through a cast.
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/model/safetensors.hpp"

namespace attnlab {

// `bytes` holds `count` values of `dtype` (F32, F16 or BF16) in little-endian order; writes `count` floats.
void widen(std::string_view bytes, DType dtype, std::size_t count, float* out);

// The index of the first value that is NaN or ±inf, or none: blocks tested in parallel, branch-free.
std::optional<std::size_t> first_non_finite(const float* values, std::size_t count);

}  // namespace attnlab
