#pragma once
// Tensor data to float32: F32 copied, F16 and BF16 widened exactly (every 16-bit value is a float).
// The data may sit at any address in a mapped file, so it is read with memcpy, never through a cast.
#include <cstddef>
#include <string_view>

#include "core/model/safetensors.hpp"

namespace attnlab {

// `bytes` holds `count` values of `dtype` (F32, F16 or BF16) in little-endian order; writes `count` floats.
void widen(std::string_view bytes, DType dtype, std::size_t count, float* out);

}  // namespace attnlab
