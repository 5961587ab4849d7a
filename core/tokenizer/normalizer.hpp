#pragma once
// tokenizer.json's "normalizer": edits of the text before it is split, e.g. Llama 2's
// Sequence[Prepend("▁"), Replace(" ", "▁")] or Qwen2's NFC.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/json_at.hpp"
#include "core/tokenizer/piece.hpp"

namespace attnlab {

class Normalizer {
 public:
  // From the "normalizer" value (null: no normalizer). Throws InputError naming an unsupported type.
  static Normalizer read(const JsonAt& json);

  // Every step on `text`; a step that would make it longer than `most` bytes is an InputError naming
  // the step (text_too_long).
  void apply(std::string& text, std::size_t most) const;
  // The same on every piece that is not an added token, `most` bounding the pieces together.
  void apply(Pieces& pieces, std::size_t most) const;
  // What a Replace of " " writes instead of the space (SentencePiece's "▁"), for token labels.
  const std::optional<std::string>& space_replacement() const { return space_replacement_; }

 private:
  void add(const JsonAt& json);

  // A step edits the text, keeping it within `most` bytes; `where` names it in the file.
  struct Step {
    std::string where;
    std::function<void(std::string& text, std::size_t most, const std::string& where)> edit;
  };
  std::vector<Step> steps_;
  std::optional<std::string> space_replacement_;
};

}  // namespace attnlab
