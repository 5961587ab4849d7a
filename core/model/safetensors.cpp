#include "core/model/safetensors.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/io/json_file.hpp"

namespace attnlab {
namespace {

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::uint64_t size;
};
constexpr std::array<DTypeInfo, 15> kDTypes{{{DType::f32, "F32", 4},
                                             {DType::f16, "F16", 2},
                                             {DType::bf16, "BF16", 2},
                                             {DType::f64, "F64", 8},
                                             {DType::i64, "I64", 8},
                                             {DType::i32, "I32", 4},
                                             {DType::i16, "I16", 2},
                                             {DType::i8, "I8", 1},
                                             {DType::u64, "U64", 8},
                                             {DType::u32, "U32", 4},
                                             {DType::u16, "U16", 2},
                                             {DType::u8, "U8", 1},
                                             {DType::boolean, "BOOL", 1},
                                             {DType::f8_e4m3, "F8_E4M3", 1},
                                             {DType::f8_e5m2, "F8_E5M2", 1}}};

const DTypeInfo& info(DType dtype) {
  return *std::find_if(kDTypes.begin(), kDTypes.end(), [&](const DTypeInfo& d) { return d.dtype == dtype; });
}

std::uint64_t read_le64(const char* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(p[i]);
  return value;
}

// One entry's fields, each checked for its JSON type; `what` names the tensor in messages.
TensorEntry parse_entry(const std::string& key, const nlohmann::json& value, const std::string& what) {
  if (!value.is_object()) throw InputError(what + " is not an object with dtype, shape and data_offsets");
  for (const auto& [field, unused] : value.items())
    if (field != "dtype" && field != "shape" && field != "data_offsets")
      throw InputError(what + " has an unknown field '" + printable(field) + "'");
  for (const char* field : {"dtype", "shape", "data_offsets"})
    if (!value.contains(field)) throw InputError(what + " has no " + field);

  TensorEntry entry;
  entry.name = key;
  const nlohmann::json& dtype = value["dtype"];
  if (!dtype.is_string()) throw InputError(what + ": dtype is not a string");
  const std::string dtype_text = dtype.get<std::string>();
  const auto known =
      std::find_if(kDTypes.begin(), kDTypes.end(), [&](const DTypeInfo& d) { return dtype_text == d.name; });
  if (known == kDTypes.end()) throw InputError(what + ": '" + printable(dtype_text) + "' is not a safetensors dtype");
  entry.dtype = known->dtype;

  const nlohmann::json& shape = value["shape"];
  if (!shape.is_array()) throw InputError(what + ": shape is not a list");
  for (const auto& d : shape) {
    if (!d.is_number_unsigned())
      throw InputError(what + ": shape " + printable(shape.dump()) + " holds a value that is not a whole number ≥ 0");
    entry.shape.push_back(d.get<std::uint64_t>());
  }

  const nlohmann::json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    throw InputError(what + ": data_offsets " + printable(offsets.dump()) +
                     " is not [begin, end] in whole numbers ≥ 0");
  entry.begin = offsets[0].get<std::uint64_t>();
  entry.end = offsets[1].get<std::uint64_t>();
  if (entry.end < entry.begin)
    throw InputError(what + ": data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                     "] end before they begin");
  return entry;
}

// The bytes a tensor's shape needs: elements × dtype size, or an InputError when that overflows.
std::uint64_t needed_bytes(const TensorEntry& t, const std::string& what) {
  std::uint64_t bytes = dtype_size(t.dtype);
  for (const std::uint64_t d : t.shape)
    if (__builtin_mul_overflow(bytes, d, &bytes))
      throw InputError(what + ": shape " + shape_text(t.shape) + " of " + dtype_name(t.dtype) +
                       " holds more bytes than any file can");
  return bytes;
}

}  // namespace

const char* dtype_name(DType dtype) {
  return info(dtype).name;
}
std::uint64_t dtype_size(DType dtype) {
  return info(dtype).size;
}
bool dtype_supported(DType dtype) {
  return dtype == DType::f32 || dtype == DType::f16 || dtype == DType::bf16;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

SafetensorsHeader parse_safetensors(std::string_view file, const std::string& name) {
  if (file.size() < 8)
    throw InputError(name + ": " + std::to_string(file.size()) +
                     " bytes, too short for a safetensors file (8 bytes of header length first)");
  const std::uint64_t length = read_le64(file.data());
  if (length > kMaxHeaderBytes)
    throw InputError(name + ": the header length " + std::to_string(length) + " is more than the " +
                     std::to_string(kMaxHeaderBytes) + " bytes a safetensors header may have");
  if (length > file.size() - 8)
    throw InputError(name + ": the header length " + std::to_string(length) + " is larger than the file (" +
                     std::to_string(file.size()) + " bytes)");
  const nlohmann::json header = parse_json(file.substr(8, length), name + ": header", true, kMaxHeaderValues);
  if (!header.is_object()) throw InputError(name + ": the header is not a JSON object");

  SafetensorsHeader result;
  result.data_start = 8 + length;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) throw InputError(name + ": __metadata__ is not an object of strings");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) throw InputError(name + ": __metadata__ '" + printable(k) + "' is not a string");
        result.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    result.tensors.push_back(parse_entry(key, value, name + ": tensor '" + printable(key) + "'"));
  }

  // By offset, the tensors must tile the data exactly: from 0, no gap, no overlap, nothing after.
  std::stable_sort(result.tensors.begin(), result.tensors.end(), [](const TensorEntry& a, const TensorEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t at = 0;
  for (const TensorEntry& t : result.tensors) {
    const std::string what = name + ": tensor '" + printable(t.name) + "'";
    const std::string offsets = "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "]";
    if (t.begin != at)
      throw InputError(what + ": " + offsets + (t.begin > at ? " leave a gap after " : " overlap what ends at ") +
                       std::to_string(at) + (at == 0 ? " (the first tensor starts at 0)" : ""));
    const std::uint64_t bytes = needed_bytes(t, what);
    if (t.end - t.begin != bytes)
      throw InputError(what + ": " + offsets + " hold " + std::to_string(t.end - t.begin) + " bytes, but shape " +
                       shape_text(t.shape) + " of " + dtype_name(t.dtype) + " needs " + std::to_string(bytes));
    at = t.end;
  }
  const std::uint64_t data_size = file.size() - result.data_start;
  if (at != data_size)
    throw InputError(name + ": the tensors end at byte " + std::to_string(at) + " of the data, but the file holds " +
                     std::to_string(data_size) + " bytes of data (8 + " + std::to_string(length) + " + " +
                     std::to_string(at) + " ≠ " + std::to_string(file.size()) + ")");
  return result;
}

}  // namespace attnlab
