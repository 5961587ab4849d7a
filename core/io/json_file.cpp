#include "core/io/json_file.hpp"

#include <set>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"

namespace attnlab {

namespace {

// The byte where brackets first nest deeper than kMaxJsonDepth (outside strings), or npos.
std::size_t too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys) {
  if (const std::size_t at = too_deep_at(text); at != std::string_view::npos)
    throw InputError(name + ": JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep at byte " +
                     std::to_string(at));
  // The keys seen so far in each open object, innermost last.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  const nlohmann::json::parser_callback_t check_keys = [&](int, nlohmann::json::parse_event_t event,
                                                           nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) open.emplace_back();
    if (event == Event::object_end && !open.empty()) open.pop_back();
    if (event == Event::key && !open.empty() && !open.back().insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  nlohmann::json value;
  try {
    value = unique_keys ? nlohmann::json::parse(text.begin(), text.end(), check_keys) : nlohmann::json::parse(text);
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
