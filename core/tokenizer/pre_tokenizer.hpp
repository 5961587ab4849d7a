#pragma once
// tokenizer.json's "pre_tokenizer": how the text is cut into words before BPE sees them. Byte-level
// tokenizers (GPT-2, Llama 3, Qwen2, SmolLM2) split with a regex and spell each byte as a character;
// SentencePiece-style ones (Llama 2, Mistral) mark spaces with "▁" (Metaspace).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/json_at.hpp"
#include "core/tokenizer/piece.hpp"

namespace attnlab {

class PreTokenizer {
 public:
  // From the "pre_tokenizer" value (null: the text goes to the model whole).
  // Throws InputError naming an unsupported type or a pattern PCRE2 refuses.
  static PreTokenizer read(const JsonAt& json);
  // GPT-2's: ByteLevel with add_prefix_space false and the GPT-2 regex (vocab.json + merges.txt).
  static PreTokenizer gpt2();

  // Splits every piece that is not an added token; empty pieces are dropped. A step that would make
  // the pieces together longer than `most` bytes is an InputError naming it (text_too_long).
  void apply(Pieces& pieces, std::size_t most) const;
  // Tokens spell bytes with GPT-2's map (a ByteLevel step is present).
  bool byte_level() const { return byte_level_; }
  // The character Metaspace writes for a space, for token labels.
  const std::optional<std::string>& space_replacement() const { return space_replacement_; }

 private:
  void add(const JsonAt& json);
  void add_byte_level(bool add_prefix_space, bool use_regex, const std::string& where);

  // A step splits (and may respell) one piece, the piece's output kept within `most` bytes; `where`
  // names it in the file.
  struct Step {
    std::string where;
    std::function<Pieces(const Piece& piece, std::size_t most)> split;
  };
  void add_step(std::string where, std::function<Pieces(const Piece&)> split);

  std::vector<Step> steps_;
  bool byte_level_ = false;
  std::optional<std::string> space_replacement_;
};

}  // namespace attnlab
