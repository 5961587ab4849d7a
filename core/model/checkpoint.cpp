#include "core/model/checkpoint.hpp"

#include <algorithm>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json_file.hpp"

namespace attnlab {

namespace fs = std::filesystem;

SafetensorsFile::SafetensorsFile(const fs::path& path)
    : file(path), header(parse_safetensors(file.bytes(), path.string())), name(path.string()) {
  by_name_.reserve(header.tensors.size());
  for (const TensorEntry& t : header.tensors) by_name_.emplace(t.name, &t);
}

const TensorEntry* SafetensorsFile::find(std::string_view tensor) const {
  const auto at = by_name_.find(tensor);
  return at == by_name_.end() ? nullptr : at->second;
}

std::vector<std::pair<std::string, std::string>> parse_index(std::string_view text, const std::string& name) {
  const nlohmann::json json = parse_json(text, name, false, kMaxIndexValues);
  if (!json.is_object() || !json.contains("weight_map") || !json["weight_map"].is_object())
    throw InputError(name + ": no weight_map object (tensor name → shard file)");
  std::vector<std::pair<std::string, std::string>> map;
  for (const auto& [tensor, shard_value] : json["weight_map"].items()) {
    if (!shard_value.is_string())
      throw InputError(name + ": weight_map['" + printable(tensor) + "'] is not a file name");
    const std::string& shard = shard_value.get_ref<const std::string&>();
    // A shard is a file beside the index, never a path that leaves the folder, and a name a path can
    // hold: a NUL would end it early and open another file.
    const bool control = std::any_of(shard.begin(), shard.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == ".." || control)
      throw InputError(name + ": weight_map['" + printable(tensor) + "'] is '" + printable(shard) +
                       "', not a file name in the folder" + (control ? " (it holds control characters)" : ""));
    map.emplace_back(tensor, shard);
  }
  return map;
}

std::string_view TensorRef::bytes() const {
  return file->file.bytes().substr(file->header.data_start + entry->begin, entry->end - entry->begin);
}

Checkpoint::Checkpoint(const fs::path& folder) {
  std::error_code error;
  const fs::path single = folder / "model.safetensors", index = folder / "model.safetensors.index.json";
  if (fs::exists(single, error)) {
    source_ = single.string();
    files_.push_back(std::make_unique<SafetensorsFile>(single));
    for (const TensorEntry& t : files_.front()->header.tensors) tensors_[t.name] = {files_.front().get(), &t};
    return;
  }
  if (!fs::exists(index, error)) {
    const bool pickle = fs::exists(folder / "pytorch_model.bin", error);
    throw InputError(folder.string() + ": no model.safetensors or model.safetensors.index.json" +
                     (pickle ? " (only safetensors are read, not pytorch_model.bin)" : ""));
  }

  // The sharded form: every shard the weight map names is opened and checked, each once.
  source_ = index.string();
  std::map<std::string, SafetensorsFile*, std::less<>> shards;
  for (const auto& [tensor, shard] : parse_index(read_file(index, source_, kMaxIndexBytes), source_)) {
    auto [at, added] = shards.try_emplace(shard, nullptr);
    if (added) {
      files_.push_back(std::make_unique<SafetensorsFile>(folder / shard));
      at->second = files_.back().get();
    }
    const TensorEntry* entry = at->second->find(tensor);
    if (!entry)
      throw InputError(source_ + " places tensor '" + printable(tensor) + "' in " + at->second->name +
                       ", which has no such tensor");
    tensors_[tensor] = {at->second, entry};
  }
}

std::uint64_t Checkpoint::file_bytes() const {
  std::uint64_t bytes = 0;
  for (const auto& f : files_) bytes += f->file.bytes().size();
  return bytes;
}

const TensorRef* Checkpoint::find(const std::string& name) const {
  const auto at = tensors_.find(name);
  return at == tensors_.end() ? nullptr : &at->second;
}

}  // namespace attnlab
