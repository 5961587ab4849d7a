#include "core/tokenizer/token_input.hpp"

#include <charconv>

#include "core/base/error.hpp"

namespace attnlab {

std::vector<std::int32_t> parse_token_ids(std::string_view list) {
  if (list.find_first_not_of(' ') == std::string_view::npos)
    throw InputError("--token-ids is empty: give ids such as 464,3797");
  std::vector<std::int32_t> ids;
  std::size_t at = 0;
  for (;;) {
    std::size_t end = list.find(',', at);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(at, end - at);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::int32_t id = 0;
    const auto [stop, error] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || error != std::errc() || stop != item.data() + item.size() || id < 0)
      throw InputError("--token-ids: '" + std::string(item.substr(0, 40)) + "' is not a token id (item " +
                       std::to_string(ids.size() + 1) + " of '" + std::string(list.substr(0, 80)) + "')");
    ids.push_back(id);
    if (end == list.size()) return ids;
    at = end + 1;
  }
}

std::vector<std::int32_t> read_token_ids(const TokenSource& source, const Tokenizer* tokenizer, std::size_t vocab_size,
                                         const std::string& vocab_name) {
  if (source.text.has_value() == source.token_ids.has_value())
    throw InputError(source.text ? "--text and --token-ids: give one, not both"
                                 : "a model needs its input: --text T or --token-ids LIST");
  std::vector<std::int32_t> ids;
  if (source.text) {
    if (source.text->empty()) throw InputError("--text is empty: there is nothing to tokenize");
    if (!tokenizer) throw InputError("--text needs a tokenizer, and " + vocab_name + " has none");
    ids = tokenizer->encode(*source.text);
    if (ids.empty()) throw InputError("--text gives no tokens with " + vocab_name);
  } else {
    ids = parse_token_ids(*source.token_ids);
  }
  for (const std::int32_t id : ids)
    if (id < 0 || static_cast<std::size_t>(id) >= vocab_size)
      throw InputError("token id " + std::to_string(id) + " is outside the vocabulary of " + vocab_name + " (" +
                       std::to_string(vocab_size) + " tokens: 0 to " + std::to_string(vocab_size - 1) + ")");
  return ids;
}

}  // namespace attnlab
