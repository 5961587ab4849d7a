#pragma once
// The BPE model of Hugging Face tokenizers: a word (one pre-token) starts as its characters and
// pairs merge by rank, the lowest first, until no pair of the merge table is left. A character the
// vocabulary lacks becomes its bytes' <0xHH> tokens (byte_fallback), else the unknown token, else
// nothing, as the reference does.
#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnlab {

// Text → value maps looked up by string_view, without building a std::string per lookup.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
template <class Value>
using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;

struct BpeModel {
  TextMap<std::int32_t> vocab;
  struct Merge {
    std::int32_t rank;
    std::int32_t merged;  // the id of the two tokens' concatenation
  };
  std::unordered_map<std::uint64_t, Merge> merges;  // key: pair_key(left, right)
  std::optional<std::int32_t> unk;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;  // a word the vocabulary holds whole is one token, merges or not
  std::string continuing_subword_prefix, end_of_word_suffix;

  // "<0x41>": the byte_fallback token of a byte.
  static std::string byte_token(unsigned char b);

  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  // Adds merge number `rank` of `left` and `right`; a later merge of the same pair replaces an
  // earlier one, as in the reference. Throws InputError (prefixed with where(), asked only then)
  // when either token or their concatenation is not in the vocabulary.
  void add_merge(std::string_view left, std::string_view right, std::int32_t rank,
                 const std::function<std::string()>& where);
};

class Bpe {
 public:
  explicit Bpe(BpeModel model);
  // Appends the ids of one word.
  void tokenize(std::string_view word, std::vector<std::int32_t>& out) const;
  const BpeModel& model() const { return m_; }

 private:
  std::vector<std::int32_t> merge_word(std::string_view word) const;

  BpeModel m_;
  std::array<std::int32_t, 256> byte_tokens_;  // <0xHH> ids, -1 where the vocabulary has none
  // Words seen before, as the reference keeps them: short words only, and no more than a bound.
  mutable std::mutex cache_mutex_;
  mutable TextMap<std::vector<std::int32_t>> cache_;
};

}  // namespace attnlab
