#include "app/gui/settings_file.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/model/ablation.hpp"
#include "core/base/error.hpp"
#include "core/base/limits.hpp"
#include "core/base/quote.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::gui {
namespace {

using nlohmann::json;

// A painted mask's cells: the sliders' largest problem, 4096 × 4096.
constexpr std::size_t most_painted = std::size_t{1} << 24;

// A named setting's value from its word; the message names the key, as the command line's does.
template <class E, std::size_t N>
E from_words(const Word<E> (&words)[N], const char* key, const std::string& text) {
  if (const std::optional<E> value = from_word(words, text)) return *value;
  throw InputError("\"" + std::string(key) + "\" '" + excerpt(text) + "' is not " + word_list(words));
}
Source word_value(const char* key, const std::string& text, Source) {
  return from_words(source_words, key, text);
}
BackendName word_value(const char* key, const std::string& text, BackendName) {
  return from_words(backend_words, key, text);
}
ScaleSpec::Kind word_value(const char* key, const std::string& text, ScaleSpec::Kind) {
  return from_words(scale_words, key, text);
}
Precision word_value(const char*, const std::string& text, Precision) {
  return parse_precision(text);
}
Stage word_value(const char*, const std::string& text, Stage) {
  return parse_stage(text);
}

std::string_view word(Source v) {
  return word_of(source_words, v);
}
std::string_view word(BackendName v) {
  return word_of(backend_words, v);
}
std::string_view word(ScaleSpec::Kind v) {
  return word_of(scale_words, v);
}
std::string_view word(Precision v) {
  return precision_name(v);
}
std::string_view word(Stage v) {
  return stage_name(v);
}

template <class T>
constexpr bool is_named = std::is_enum_v<T>;

// One key of a settings file, read into its member only when it has the right type and a value the
// command line would take too: numbers are read as numbers and checked before they are converted
// (nlohmann converts 1e10 to an int as C++ does, which is undefined), and text is bounded.
class Reader {
 public:
  Reader(const json& j, const std::string& name) : j_(j), name_(name) {}

  void read(const Field& field, Settings& s) const {
    const auto it = j_.find(field.key);
    if (it == j_.end()) return;  // missing: the default stays
    std::visit([&](auto member) { read_value(field, *it, s.*member); }, field.member);
  }

 private:
  void read_value(const Field& f, const json& v, std::string& value) const { value = text(f.key, v); }
  void read_value(const Field& f, const json& v, bool& value) const {
    if (!v.is_boolean()) wrong(f.key, v, "true or false");
    value = v.get<bool>();
  }
  void read_value(const Field& f, const json& v, int& value) const {
    value = static_cast<int>(whole_in(f.key, v, {static_cast<std::int64_t>(f.lo), static_cast<std::int64_t>(f.hi)}));
  }
  void read_value(const Field& f, const json& v, std::uint64_t& value) const {
    if (v.is_number_unsigned()) value = v.get<std::uint64_t>();
    else if (v.is_number_integer() || v.is_number_float())
      value = static_cast<std::uint64_t>(whole_in(f.key, v, {0, std::numeric_limits<std::int64_t>::max()}));
    else wrong(f.key, v, "a whole number");
  }
  // A finite number in [lo, hi].
  void read_value(const Field& f, const json& v, float& value) const {
    if (!v.is_number()) wrong(f.key, v, "a number");
    const double x = v.get<double>();
    if (!(x >= f.lo && x <= f.hi)) fail(f.key, v, "is out of range: " + number(f.lo) + " to " + number(f.hi));
    value = static_cast<float>(x);
  }
  void read_value(const Field& f, const json& v, std::vector<std::uint8_t>& value) const {
    if (!v.is_array()) wrong(f.key, v, "a list of 0 and 1");
    if (v.size() > most_painted)
      fail(f.key, v, "has " + std::to_string(v.size()) + " cells; at most " + std::to_string(most_painted));
    value.clear();
    for (const json& cell : v) {
      if (!cell.is_number_integer() || (cell.get<std::int64_t>() != 0 && cell.get<std::int64_t>() != 1))
        fail(f.key, cell, "is not 0 or 1");
      value.push_back(static_cast<std::uint8_t>(cell.get<std::int64_t>()));
    }
  }
  // One number in [lo, hi] for every head, or one for all.
  void read_value(const Field& f, const json& v, std::vector<float>& value) const {
    if (!v.is_array() || v.empty()) wrong(f.key, v, "a list of numbers");
    if (v.size() > static_cast<std::size_t>(limits::heads.hi))
      fail(f.key, v,
           "has " + std::to_string(v.size()) + " numbers; at most one per head, " + std::to_string(limits::heads.hi));
    value.clear();
    for (const json& x : v) {
      if (!x.is_number()) fail(f.key, x, "is not a number");
      if (!(x.get<double>() >= f.lo && x.get<double>() <= f.hi))
        fail(f.key, x, "is out of range: " + number(f.lo) + " to " + number(f.hi));
      value.push_back(static_cast<float>(x.get<double>()));
    }
  }
  template <class E>
  requires is_named<E>
  void read_value(const Field& f, const json& v, E& value) const {
    const std::string w = text(f.key, v);
    try {
      value = word_value(f.key, w, E{});
    } catch (const InputError& e) {
      throw InputError(name_ + ": " + e.what());
    }
  }

  std::string text(const char* key, const json& v) const {
    if (!v.is_string()) wrong(key, v, "text");
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > limits::text_bytes)
      fail(key, v, "is " + std::to_string(s.size()) + " bytes long; at most " + std::to_string(limits::text_bytes));
    return s;
  }
  std::int64_t whole_in(const char* key, const json& v, limits::Range range) const {
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      const auto n = v.get<std::int64_t>();
      if (range.contains(n)) return n;
    } else if (v.is_number_unsigned()) {
      const auto n = v.get<std::uint64_t>();
      if (n <= static_cast<std::uint64_t>(range.hi) && range.contains(static_cast<std::int64_t>(n)))
        return static_cast<std::int64_t>(n);
    } else if (v.is_number_float()) {
      const double x = v.get<double>();
      if (x != std::floor(x)) fail(key, v, "is not a whole number");
      if (x >= static_cast<double>(range.lo) && x <= static_cast<double>(range.hi)) return static_cast<std::int64_t>(x);
    } else {
      wrong(key, v, "a whole number");
    }
    fail(key, v, "is out of range: " + std::to_string(range.lo) + " to " + std::to_string(range.hi));
  }
  [[noreturn]] void fail(const char* key, const json& v, const std::string& why) const {
    throw InputError(name_ + ": \"" + key + "\" " + excerpt(v.dump()) + " " + why);
  }
  [[noreturn]] void wrong(const char* key, const json& v, const std::string& type) const {
    fail(key, v, "has the wrong type (" + type + " expected)");
  }
  static std::string number(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", x);
    return text;
  }

  const json& j_;
  const std::string& name_;
};

// A member as JSON: a named setting by its word, a float as the double it is.
template <class T>
json json_value(const T& value) {
  if constexpr (is_named<T>) return std::string(word(value));
  else return value;
}

// The checks between keys, once each has been read.
void check_settings(const Settings& s, const std::string& name) {
  const auto bad = [&](const std::string& what) { throw InputError(name + ": " + what); };
  if (s.stage == Stage::capped && !s.softcap_on) bad("\"stage\" capped needs \"softcap_on\" true");
  if (s.heads % s.kv_heads != 0)
    bad("\"kv_heads\" " + std::to_string(s.kv_heads) + " does not divide \"heads\" " + std::to_string(s.heads));
  try {
    build_precision(s);  // the masked cells' value
    if (!s.ablate.empty()) parse_ablation(s.ablate, "zero");  // its layers and heads: once the model is read
  } catch (const InputError& e) {
    bad(e.what());
  }
}

}  // namespace

std::string to_json(const Settings& s) {
  json j = json::object();
  for (const Field& f : settings_fields()) std::visit([&](auto member) { j[f.key] = json_value(s.*member); }, f.member);
  j["attnlab"] = ATTNLAB_VERSION;
  return j.dump(2) + "\n";
}

Settings settings_from_json(const std::string& text, const std::string& name) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(name + " is not a JSON object of Attention Lab settings");
  // Each key is read on its own: a key of the wrong type or value is reported, one that is missing
  // keeps its default. The ranges are the command line's (core/base/limits.hpp).
  Settings s;
  const Reader reader(j, name);
  for (const Field& f : settings_fields()) reader.read(f, s);
  check_settings(s, name);
  return s;
}

void save_settings(const Settings& settings, const std::filesystem::path& path) {
  // What is written must read back: settings that no file could hold (a value out of range or not
  // finite, which JSON would write as null) are refused rather than saved.
  const std::string text = to_json(settings);
  settings_from_json(text, "the settings to save");
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  write_file_atomic(path, text);
}

Settings load_settings(const std::filesystem::path& path) {
  const std::string name = "scenario " + path.string();
  return settings_from_json(read_file(path, name), name);
}

std::filesystem::path keep_aside(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return {};
  std::filesystem::path bad = path;
  bad += ".bad";
  std::filesystem::rename(path, bad, error);
  return error ? std::filesystem::path() : bad;
}

std::filesystem::path last_state_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "attnlab/last.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config/attnlab/last.json";
}

}  // namespace attnlab::gui
