#pragma once
// A model folder's weights: model.safetensors, or model.safetensors.index.json and the shards its
// weight_map names. Every file is mapped and its header checked when the checkpoint opens; a tensor's
// bytes are then found by name and stay in the mapping.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/model/mapped_file.hpp"
#include "core/model/safetensors.hpp"

namespace attnlab {

// One mapped safetensors file with its checked header, its tensors found by name.
struct SafetensorsFile {
  explicit SafetensorsFile(const std::filesystem::path& path);  // throws InputError naming the file
  MappedFile file;
  SafetensorsHeader header;
  std::string name;  // the path, as messages name it

  // nullptr when the file has no tensor of that name.
  const TensorEntry* find(std::string_view tensor) const;

 private:
  std::unordered_map<std::string_view, const TensorEntry*> by_name_;  // views of the header's names
};

// The index's limits: its size, and the JSON values it may hold (one per tensor, and a few more).
inline constexpr std::uint64_t kMaxIndexBytes = 64 << 20;
inline constexpr std::uint64_t kMaxIndexValues = 1 << 22;

// model.safetensors.index.json's weight map, tensor → shard file, in the file's order. Throws
// InputError starting with `name`: JSON that does not parse or is too large, no weight_map object, a
// shard that is not a string or not a file name in the folder ('/', ".", "..", control bytes).
std::vector<std::pair<std::string, std::string>> parse_index(std::string_view text, const std::string& name);

struct TensorRef {
  const SafetensorsFile* file = nullptr;
  const TensorEntry* entry = nullptr;
  std::string_view bytes() const;  // the tensor's data inside the mapping (any alignment)
};

class Checkpoint {
 public:
  // Throws InputError naming the folder or file: no weights file, an index that is not a
  // {"weight_map": {tensor: shard}} object, a shard that is missing or breaks a safetensors rule, a
  // tensor the index places in a shard that lacks it.
  explicit Checkpoint(const std::filesystem::path& folder);

  // nullptr when the checkpoint has no tensor of that name.
  const TensorRef* find(const std::string& name) const;
  // "DIR/model.safetensors" or "DIR/model.safetensors.index.json": where messages say a tensor is missing.
  const std::string& source() const { return source_; }
  // The weight files' sizes together.
  std::uint64_t file_bytes() const;

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, TensorRef, std::less<>> tensors_;
  std::string source_;
};

}  // namespace attnlab
