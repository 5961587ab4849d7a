#pragma once
// tokenizer.json's "normalizer": edits of the text before it is split, e.g. Llama 2's
// Sequence[Prepend("▁"), Replace(" ", "▁")] or Qwen2's NFC.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/tokenizer/json_at.hpp"

namespace attnlab {

class Normalizer {
 public:
  // From the "normalizer" value (null: no normalizer). Throws InputError naming an unsupported type.
  static Normalizer read(const JsonAt& json);

  void apply(std::string& text) const;
  // What a Replace of " " writes instead of the space (SentencePiece's "▁"), for token labels.
  const std::optional<std::string>& space_replacement() const { return space_replacement_; }

 private:
  void add(const JsonAt& json);

  std::vector<std::function<void(std::string&)>> steps_;
  std::optional<std::string> space_replacement_;
};

}  // namespace attnlab
