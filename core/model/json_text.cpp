#include "core/model/json_text.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab {

namespace {

// nlohmann's message without its "last read: '…'" quote of the file, which may hold anything.
std::string reason(const nlohmann::json::parse_error& e) {
  std::string text = e.what();
  if (const auto colon = text.find(": ", text.find("column")); colon != std::string::npos)
    text = text.substr(colon + 2);
  if (const auto last = text.find("; last read"); last != std::string::npos) text = text.substr(0, last);
  return text;
}

}  // namespace

std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 120;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 15];
    }
  }
  if (text.size() > kMax) s += "...";
  return s;
}

nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys) {
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
    value = unique_keys ? nlohmann::json::parse(text.begin(), text.end(), check_keys)
                        : nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts from 1, up to the character that broke the JSON.
    const std::size_t end = std::min<std::size_t>(e.byte, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < end; ++i) text[i] == '\n' ? (++line, column = 1) : ++column;
    throw InputError(name + ": not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                     " (" + reason(e) + ")");
  }
  if (!duplicate.empty()) throw InputError(name + ": the key '" + printable(duplicate) + "' appears twice");
  return value;
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  return parse_json(read_file(path, path.string()), path.string());
}

}  // namespace attnlab
