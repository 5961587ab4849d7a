#include "core/tokenizer/json_at.hpp"

#include "core/base/error.hpp"

namespace attnlab {

namespace {

const char* type_name(const nlohmann::json& v) {
  return v.is_null()      ? "null"
         : v.is_object()  ? "an object"
         : v.is_array()   ? "an array"
         : v.is_string()  ? "a string"
         : v.is_boolean() ? "a boolean"
                          : "a number";
}

}  // namespace

void JsonAt::fail(const std::string& what) const {
  throw InputError(where() + ": " + what);
}

void JsonAt::expect_object() const {
  if (!value_.is_object()) fail(std::string("expected an object, found ") + type_name(value_));
}

void JsonAt::expect_array() const {
  if (!value_.is_array()) fail(std::string("expected an array, found ") + type_name(value_));
}

bool JsonAt::has(std::string_view key) const {
  if (!value_.is_object()) return false;
  const auto it = value_.find(key);
  return it != value_.end() && !it->is_null();
}

JsonAt JsonAt::operator[](std::string_view key) const {
  expect_object();
  const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  const auto it = value_.find(key);
  if (it == value_.end()) fail("no field '" + std::string(key) + "'");
  return JsonAt(*it, file_, path);
}

JsonAt JsonAt::optional(std::string_view key) const {
  static const nlohmann::json null_value;
  return has(key) ? (*this)[key] : JsonAt(null_value, file_, path_);
}

JsonAt JsonAt::operator[](std::size_t index) const {
  expect_array();
  if (index >= value_.size()) fail("no item " + std::to_string(index));
  return JsonAt(value_[index], file_, path_ + "[" + std::to_string(index) + "]");
}

std::size_t JsonAt::size() const {
  expect_array();
  return value_.size();
}

std::string JsonAt::str() const {
  if (!value_.is_string()) fail(std::string("expected a string, found ") + type_name(value_));
  return value_.get<std::string>();
}

bool JsonAt::boolean() const {
  if (!value_.is_boolean()) fail(std::string("expected true or false, found ") + type_name(value_));
  return value_.get<bool>();
}

std::int64_t JsonAt::integer() const {
  if (!value_.is_number_integer()) fail(std::string("expected an integer, found ") + type_name(value_));
  if (value_.is_number_unsigned() && value_.get<std::uint64_t>() > INT64_MAX) fail("the number is too large");
  return value_.get<std::int64_t>();
}

bool JsonAt::boolean(std::string_view key, bool fallback) const {
  return has(key) ? (*this)[key].boolean() : fallback;
}

std::string JsonAt::str(std::string_view key, const std::string& fallback) const {
  return has(key) ? (*this)[key].str() : fallback;
}

}  // namespace attnlab
