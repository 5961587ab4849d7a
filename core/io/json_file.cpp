#include "core/io/json_file.hpp"

#include <bitset>
#include <unordered_set>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/memory.hpp"
#include "core/base/quote.hpp"

namespace attnlab {

namespace {

// What one pass over the text outside strings finds before anything is parsed: where brackets first
// nest deeper than kMaxJsonDepth (npos when they do not), and how many values it holds, counted up
// to one more than `most`.
struct Outline {
  std::size_t too_deep_at = std::string_view::npos;
  std::uint64_t values = 0;
};

Outline outline(std::string_view text, std::uint64_t most) {
  Outline o;
  std::bitset<kMaxJsonDepth + 1> object;  // at each depth: an object (keys and values) or an array
  int depth = 0;
  char last = 0;  // the last character outside strings and whitespace; 0 at the start
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size() && o.values <= most; ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false, last = '"';
      continue;
    }
    switch (c) {
      case ' ':
      case '\t':
      case '\n':
      case '\r': continue;
      case '"':
        in_string = true;
        if (!(depth > 0 && object[depth] && (last == '{' || last == ','))) ++o.values;  // not a key
        continue;  // `last` is set where the string ends
      case '{':
      case '[':
        ++o.values;
        if (++depth > kMaxJsonDepth) {
          o.too_deep_at = i;
          return o;
        }
        object[depth] = c == '{';
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      default:  // a number, true, false or null begins where a value may
        if (last == 0 || last == ':' || last == ',' || last == '[') ++o.values;
    }
    last = c;
  }
  return o;
}

// The plain parser's document, and the keys of each open object: the first key an object repeats is
// kept. (nlohmann's callback parser could tell too, but after every member it searches the whole
// object for discarded values: quadratic in a safetensors header of 300,000 tensors.)
class UniqueKeys {
 public:
  using Json = nlohmann::json;
  explicit UniqueKeys(Json& root) : dom_(root) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const std::string& text) { return dom_.number_float(v, text); }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t size) {
    open_.emplace_back();
    return dom_.start_object(size);
  }
  bool key(std::string& key) {
    if (!open_.back().insert(key).second && duplicate_.empty()) duplicate_ = key;
    return dom_.key(key);
  }
  bool end_object() {
    open_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t size) { return dom_.start_array(size); }
  bool end_array() { return dom_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& error) {
    return dom_.parse_error(at, token, error);  // throws it
  }

  const std::string& duplicate() const { return duplicate_; }

 private:
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::vector<std::unordered_set<std::string>> open_;  // the keys seen in each open object, innermost last
  std::string duplicate_;
};

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys, std::uint64_t most_values) {
  const Outline o = outline(text, most_values);
  if (o.too_deep_at != std::string_view::npos)
    throw InputError(name + ": JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep at byte " +
                     std::to_string(o.too_deep_at));
  if (o.values > most_values)
    throw InputError(name + ": more than " + std::to_string(most_values) +
                     " JSON values (objects, arrays, strings, numbers), the most this file may hold");
  // Small documents need no look at the machine's memory.
  if (o.values > (1 << 16))
    check_memory(text.size() + o.values * kJsonValueBytes,
                 "reading " + name + " (" + std::to_string(o.values) + " JSON values)");
  nlohmann::json value;
  std::string duplicate;
  try {
    if (unique_keys) {
      UniqueKeys parser(value);
      nlohmann::json::sax_parse(text.begin(), text.end(), &parser);
      duplicate = parser.duplicate();
    } else {
      value = nlohmann::json::parse(text);
    }
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: reason".
    std::string what = e.what();
    const std::string marker = "parse error at ";
    if (const std::size_t at = what.find(marker); at != std::string::npos) what = what.substr(at + marker.size());
    if (const std::size_t colon = what.find(": "); colon != std::string::npos)
      what = "(" + what.substr(0, colon) + "): " + what.substr(colon + 2);
    throw InputError(name + ": not valid JSON at byte " + std::to_string(e.byte) + " " + what);
  } catch (const nlohmann::json::exception& e) {
    // The parser's other complaint: a number too large for any type (out_of_range.406).
    std::string what = e.what();
    if (const std::size_t at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    throw InputError(name + ": not valid JSON: " + what);
  }
  if (!duplicate.empty()) throw InputError(name + ": the key '" + printable(duplicate) + "' appears twice");
  return value;
}

}  // namespace attnlab
