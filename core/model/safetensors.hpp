#pragma once
// The safetensors format, read strictly: an 8-byte little-endian header length N, N bytes of JSON
// naming each tensor's dtype, shape and [begin, end) within the data, then the data. The header is
// checked whole before any tensor is touched (models.md: offsets from 0, contiguous, sizes that
// match the shapes, and nothing after the last tensor).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab {

// Every dtype the format names; the forward pass reads F32, F16 and BF16.
enum class DType { f32, f16, bf16, f64, i64, i32, i16, i8, u64, u32, u16, u8, boolean, f8_e4m3, f8_e5m2 };
const char* dtype_name(DType dtype);  // "F32", as the header writes it
std::uint64_t dtype_size(DType dtype);
bool dtype_supported(DType dtype);  // F32, F16, BF16

struct TensorEntry {
  std::string name;
  DType dtype = DType::f32;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;  // data_offsets: bytes from the start of the data
};

struct SafetensorsHeader {
  std::uint64_t data_start = 0;      // 8 + N: where the data begins in the file
  std::vector<TensorEntry> tensors;  // by offset
  std::map<std::string, std::string> metadata;
};

// The safetensors library's own cap on the header (MAX_HEADER_SIZE), refused before a byte of it is
// read; and the JSON values it may hold (a tensor takes about eight), which bounds its parsed size.
inline constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
inline constexpr std::uint64_t kMaxHeaderValues = std::uint64_t{1} << 23;

// `file` is the whole file (mapped: only the header's pages are read). Throws InputError starting
// with `name` and saying which rule the header breaks, naming the tensor where there is one.
SafetensorsHeader parse_safetensors(std::string_view file, const std::string& name);

// "[768, 2304]": how messages write a tensor's shape.
std::string shape_text(const std::vector<std::uint64_t>& shape);

}  // namespace attnlab
