#pragma once
// The tokenizer of a Hugging Face model folder: text → token ids exactly as the model's reference
// tokenizer gives them, and ids → the text a label shows.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab {

class Tokenizer {
 public:
  // Reads FOLDER/tokenizer.json, or GPT-2's FOLDER/vocab.json + FOLDER/merges.txt when there is no
  // tokenizer.json. Throws InputError naming the file and what is wrong: a missing file, JSON that
  // does not parse (with the byte), an unsupported model, normalizer or pre-tokenizer (named), a
  // pattern PCRE2 refuses (with the offset), a merge of tokens the vocabulary lacks.
  static Tokenizer load(const std::filesystem::path& folder);
  // The same from the files' contents; `name` is how messages name the file.
  static Tokenizer parse_tokenizer_json(std::string_view json, const std::string& name);
  static Tokenizer parse_gpt2_files(std::string_view vocab_json, std::string_view merges_txt,
                                    const std::string& vocab_name, const std::string& merges_name);

  // The ids of `text` (UTF-8), with the post-processor's special tokens (BOS) around them.
  // Throws InputError when the text is not valid UTF-8.
  std::vector<std::int32_t> encode(std::string_view text) const;

  // What a label shows for `id`: byte-level characters turned back into their bytes (Ġ is a space),
  // SentencePiece's ▁ a space, <0xHH> its byte; bytes that are not whole UTF-8 characters on their
  // own are written <0xHH>. An added token is its content (with ▁ a space, where that is the mark).
  // Throws InputError for an id ≥ vocab_size().
  std::string token_text(std::int32_t id) const;
  // One more than the largest id of the vocabulary and the added tokens.
  std::size_t vocab_size() const;
  // The file the tokenizer was read from, for messages.
  const std::string& source() const;

  struct Parts;  // defined in tokenizer_parts.hpp, for the readers

 private:
  explicit Tokenizer(std::shared_ptr<const Parts> parts);
  std::shared_ptr<const Parts> parts_;  // immutable once read, so copies share it
};

}  // namespace attnlab
