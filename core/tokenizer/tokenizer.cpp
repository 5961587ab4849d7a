#include "core/tokenizer/tokenizer.hpp"

#include <cstdio>
#include <system_error>

#include "core/base/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/tokenizer/byte_map.hpp"
#include "core/tokenizer/tokenizer_parts.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace fs = std::filesystem;

namespace {

// Bytes as text, where a byte that is not part of a whole UTF-8 character becomes <0xHH>.
std::string show_bytes(std::string_view bytes) {
  std::string out;
  while (!bytes.empty()) {
    const auto bad = utf8::first_invalid(bytes);
    const std::size_t good = bad.value_or(bytes.size());
    out.append(bytes.substr(0, good));
    if (!bad) break;
    out += BpeModel::byte_token(static_cast<unsigned char>(bytes[good]));
    bytes.remove_prefix(good + 1);
  }
  return out;
}

// "<0x41>" → 0x41; anything else → -1.
int fallback_byte(std::string_view token) {
  if (token.size() != 6 || token.substr(0, 3) != "<0x" || token[5] != '>') return -1;
  int value = 0;
  for (const char c : token.substr(3, 2)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

std::string read_tokenizer_file(const fs::path& path) {
  return read_file(path, path.string(), kMaxTokenizerFileBytes);
}

}  // namespace

void Tokenizer::Parts::name_id(std::int64_t id, std::string_view text, bool is_added) {
  if (id < 0 || id > kMaxTokenId)
    throw InputError(source + ": token id " + std::to_string(id) + " is outside 0 to " + std::to_string(kMaxTokenId));
  const auto at = static_cast<std::size_t>(id);
  if (at >= token.size()) {
    token.resize(at + 1);
    added_id.resize(at + 1);
  }
  token[at] = text;
  added_id[at] = is_added;
}

Tokenizer::Tokenizer(std::shared_ptr<const Parts> parts) : parts_(std::move(parts)) {}

Tokenizer Tokenizer::load(const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw InputError(folder.string() + ": " + (fs::exists(folder, error) ? "not a folder" : "no such folder"));
  const fs::path json = folder / "tokenizer.json";
  if (fs::exists(json, error)) return parse_tokenizer_json(read_tokenizer_file(json), json.string());
  const fs::path vocab = folder / "vocab.json", merges = folder / "merges.txt";
  if (!fs::exists(vocab, error))
    throw InputError(
        fs::exists(merges, error)
            ? merges.string() + ": no vocab.json beside it (GPT-2's tokenizer needs both), and no tokenizer.json"
            : folder.string() + ": no tokenizer.json, and no vocab.json + merges.txt (GPT-2's files) either");
  if (!fs::exists(merges, error))
    throw InputError(merges.string() + ": no such file (vocab.json needs it, when there is no tokenizer.json)");
  return parse_gpt2_files(read_tokenizer_file(vocab), read_tokenizer_file(merges), vocab.string(), merges.string());
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text) const {
  if (const auto bad = utf8::first_invalid(text))
    throw InputError("the text is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  const Parts& p = *parts_;
  const std::size_t most = most_text_bytes(text.size());
  Pieces pieces{{std::string(text), -1, true}};
  p.added.split_raw(pieces);
  p.normalizer.apply(pieces, most);
  p.added.split_normalized(pieces);
  p.pre_tokenizer.apply(pieces, most);

  std::vector<std::int32_t> ids = p.prefix;
  for (const Piece& piece : pieces) {
    if (piece.id >= 0) ids.push_back(piece.id);
    else p.bpe->tokenize(piece.text, ids);
  }
  ids.insert(ids.end(), p.suffix.begin(), p.suffix.end());
  return ids;
}

std::string Tokenizer::token_text(std::int32_t id) const {
  const Parts& p = *parts_;
  if (id < 0 || static_cast<std::size_t>(id) >= p.token.size())
    throw InputError("token id " + std::to_string(id) + " is outside the vocabulary of " + p.source + " (" +
                     std::to_string(p.token.size()) + " tokens)");
  const std::string& token = p.token[static_cast<std::size_t>(id)];
  const bool added = p.added_id[static_cast<std::size_t>(id)];
  if (added && p.pre_tokenizer.byte_level()) return token;
  if (p.pre_tokenizer.byte_level()) {
    std::string bytes;
    for (std::size_t at = 0; at < token.size(); at += utf8::char_length(token, at)) {
      const int b = byte_map::byte_of(utf8::decode(token, at));
      if (b < 0) return token;  // not a byte-level spelling: shown as written, as the reference decodes it
      bytes += static_cast<char>(b);
    }
    return show_bytes(bytes);
  }
  if (p.bpe->model().byte_fallback && !added)
    if (const int b = fallback_byte(token); b >= 0) return show_bytes(std::string(1, static_cast<char>(b)));
  // The space mark becomes a space in added tokens too (Gemma's runs of ▁), as the reference's
  // decoder turns every token it is given.
  const auto& mark =
      p.pre_tokenizer.space_replacement() ? p.pre_tokenizer.space_replacement() : p.normalizer.space_replacement();
  if (!mark || mark->empty()) return token;
  std::string text;  // each mark a space, in one pass
  std::size_t done = 0;
  for (std::size_t at = 0; (at = token.find(*mark, done)) != std::string::npos; done = at + mark->size())
    text.append(token, done, at - done) += ' ';
  return text.append(token, done);
}

std::size_t Tokenizer::vocab_size() const {
  return parts_->token.size();
}

const std::string& Tokenizer::source() const {
  return parts_->source;
}

}  // namespace attnlab
