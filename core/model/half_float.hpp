#pragma once
// 16-bit weights (F16, BF16) as float32, read where they lie in the mapped file. Every 16-bit value
// is exactly a float, so the products that widen them tile by tile get the very numbers a float32
// copy of the model would hold. The CPU's own conversions serve where the compiler targets them
// (AVX-512, F16C); portable code elsewhere, the web build included.
#include <cstddef>
#include <optional>

#include "core/model/safetensors.hpp"

namespace attnlab {

// `bytes` holds `count` little-endian values of `dtype` (F16 or BF16), at any address; writes `count` floats.
void half_to_float(const char* bytes, DType dtype, std::size_t count, float* out);

// The index of the first value that is NaN or ±inf (its exponent bits all ones), or none: blocks
// tested in parallel without widening, branch-free inside a block.
std::optional<std::size_t> first_non_finite_half(const char* bytes, DType dtype, std::size_t count);

}  // namespace attnlab
