#pragma once
// A place in a tokenizer file: the JSON value with its file and path, so that every message says
// where the problem is, e.g. "dir/tokenizer.json: pre_tokenizer.pretokenizers[0].pattern: …".
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace attnlab {

class JsonAt {
 public:
  JsonAt(const nlohmann::json& value, std::string file, std::string path)
      : value_(value), file_(std::move(file)), path_(std::move(path)) {}

  const nlohmann::json& value() const { return value_; }
  const std::string& file() const { return file_; }
  // "FILE: PATH" for messages.
  std::string where() const { return path_.empty() ? file_ : file_ + ": " + path_; }
  [[noreturn]] void fail(const std::string& what) const;

  bool has(std::string_view key) const;           // present and not null
  JsonAt operator[](std::string_view key) const;  // required
  JsonAt optional(std::string_view key) const;    // null when absent
  JsonAt operator[](std::size_t index) const;
  std::size_t size() const;  // of an array

  // This value as a string, bool or integer; anything else fails.
  std::string str() const;
  bool boolean() const;
  std::int64_t integer() const;
  // The optional field `key`, with `fallback` when absent or null.
  bool boolean(std::string_view key, bool fallback) const;
  std::string str(std::string_view key, const std::string& fallback) const;

  void expect_object() const;
  void expect_array() const;

 private:
  const nlohmann::json& value_;
  std::string file_, path_;
};

}  // namespace attnlab
