#pragma once
// config.json's fields as the family readers (family_*.cpp) take them: each read with a message that
// names the file and the field, and transformers' default when absent.
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/base/error.hpp"
#include "core/base/limits.hpp"
#include "core/base/matrix.hpp"
#include "core/base/quote.hpp"

namespace attnlab {

// config.json's fields, read with messages that name the file and the field. A null field counts
// as absent, as transformers reads it (head_dim: null, n_inner: null, sliding_window: null).
class ConfigFields {
 public:
  ConfigFields(const nlohmann::json& json, std::string name) : json_(json), name_(std::move(name)) {}

  bool has(const char* key) const { return json_.contains(key) && !json_[key].is_null(); }
  // Given as null: where transformers' default is not None (Gemma 2's soft-caps), null says "none".
  bool is_null(const char* key) const { return json_.contains(key) && json_[key].is_null(); }
  const nlohmann::json& at(const char* key) const { return json_[key]; }

  // A whole number ≥ 1 inside `range`: checked before anything is sized by it.
  Index count(const char* key, limits::Range range) const {
    if (!has(key)) throw InputError(name_ + ": no " + key);
    const nlohmann::json& v = json_[key];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1)
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a whole number ≥ 1");
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(range.hi))
      throw InputError(limits::out_of_range(name_ + ": " + key, v.dump(), range));
    return static_cast<Index>(v.get<std::uint64_t>());
  }
  Index count_or(const char* key, Index fallback, limits::Range range) const {
    return has(key) ? count(key, range) : fallback;
  }

  // Any whole number, negative too.
  std::int64_t integer(const char* key, std::int64_t fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = json_[key];
    if (v.is_number_unsigned())
      return static_cast<std::int64_t>(std::min<std::uint64_t>(v.get<std::uint64_t>(), INT64_MAX));
    if (!v.is_number_integer())
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a whole number");
    return v.get<std::int64_t>();
  }

  // A finite number > 0.
  double positive(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& v = json_[key];
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
      throw InputError(name_ + ": " + key + " is " + printable(v.dump()) + ", not a number > 0");
    return v.get<double>();
  }

  bool flag(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_boolean())
      throw InputError(name_ + ": " + key + " is " + printable(json_[key].dump()) + ", not true or false");
    return json_[key].get<bool>();
  }

  std::string text(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_string())
      throw InputError(name_ + ": " + key + " is " + printable(json_[key].dump()) + ", not a string");
    return json_[key].get<std::string>();
  }

  const std::string& name() const { return name_; }

 private:
  const nlohmann::json& json_;
  std::string name_;
};

}  // namespace attnlab
