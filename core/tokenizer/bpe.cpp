#include "core/tokenizer/bpe.hpp"

#include <cstdio>
#include <functional>
#include <queue>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace {

constexpr std::size_t kCacheWordBytes = 256;
constexpr std::size_t kCacheWords = 10'000;

// A token in a message: its text on one line, at most 40 bytes, never cut inside a character.
std::string quoted(std::string_view token) {
  return "'" + visible(token, 40) + "'";
}

}  // namespace

std::string BpeModel::byte_token(unsigned char b) {
  char name[8];
  std::snprintf(name, sizeof name, "<0x%02X>", b);
  return name;
}

void BpeModel::add_merge(std::string_view left, std::string_view right, std::int32_t rank,
                         const std::function<std::string()>& where) {
  const auto id_of = [&](std::string_view token) {
    const auto it = vocab.find(token);
    if (it == vocab.end())
      throw InputError(where() + ": merge " + std::to_string(rank) + " (" + quoted(left) + " + " + quoted(right) +
                       ") uses " + quoted(token) + ", which is not in the vocabulary");
    return it->second;
  };
  const std::int32_t a = id_of(left), b = id_of(right);
  std::string merged;
  merged.reserve(left.size() + right.size());
  merged.append(left).append(right);
  merges[pair_key(a, b)] = Merge{rank, id_of(merged)};
}

Bpe::Bpe(BpeModel model) : m_(std::move(model)) {
  byte_tokens_.fill(-1);
  if (!m_.byte_fallback) return;
  for (int b = 0; b < 256; ++b)
    if (const auto it = m_.vocab.find(BpeModel::byte_token(static_cast<unsigned char>(b))); it != m_.vocab.end())
      byte_tokens_[b] = it->second;
}

void Bpe::tokenize(std::string_view word, std::vector<std::int32_t>& out) const {
  if (word.empty()) return;
  if (m_.ignore_merges)
    if (const auto it = m_.vocab.find(word); it != m_.vocab.end()) {
      out.push_back(it->second);
      return;
    }
  const bool cacheable = word.size() < kCacheWordBytes;
  if (cacheable) {
    const std::lock_guard lock(cache_mutex_);
    if (const auto it = cache_.find(word); it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<std::int32_t> ids = merge_word(word);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) {
    const std::lock_guard lock(cache_mutex_);
    if (cache_.size() < kCacheWords) cache_.emplace(std::string(word), std::move(ids));
  }
}

std::vector<std::int32_t> Bpe::merge_word(std::string_view word) const {
  // Symbols in a linked list; a merged-away symbol keeps its place with alive = false.
  struct Symbol {
    std::int32_t id;
    int prev, next;
    bool alive;
  };
  std::vector<Symbol> symbols;
  const auto add = [&](std::int32_t id) {
    const int at = static_cast<int>(symbols.size());
    symbols.push_back({id, at - 1, -1, true});
    if (at > 0) symbols[at - 1].next = at;
  };

  // The characters, each as its token, its bytes' tokens, or the unknown token (runs of unknown
  // characters fused into one when fuse_unk).
  bool pending_unk = false;
  for (std::size_t at = 0; at < word.size();) {
    const std::size_t length = utf8::char_length(word, at);
    std::string piece(word.substr(at, length));
    if (at > 0) piece = m_.continuing_subword_prefix + piece;
    at += length;
    if (at == word.size()) piece += m_.end_of_word_suffix;
    if (const auto it = m_.vocab.find(piece); it != m_.vocab.end()) {
      if (pending_unk) add(*m_.unk);
      pending_unk = false;
      add(it->second);
      continue;
    }
    if (m_.byte_fallback) {
      bool all = true;
      for (const char b : piece) all = all && byte_tokens_[static_cast<unsigned char>(b)] >= 0;
      if (all) {
        // The reference adds the byte tokens without closing a pending unknown run.
        for (const char b : piece) add(byte_tokens_[static_cast<unsigned char>(b)]);
        continue;
      }
    }
    if (!m_.unk) continue;
    if (pending_unk && !m_.fuse_unk) add(*m_.unk);
    pending_unk = true;
  }
  if (pending_unk) add(*m_.unk);

  // Merge by rank, lowest first; among equal ranks (the same pair twice) the leftmost.
  struct Candidate {
    std::int32_t rank;
    int pos;
    std::int32_t merged;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  const auto consider = [&](int left) {
    const int right = symbols[left].next;
    if (right < 0) return;
    const auto it = m_.merges.find(BpeModel::pair_key(symbols[left].id, symbols[right].id));
    if (it != m_.merges.end()) queue.push({it->second.rank, left, it->second.merged});
  };
  for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) consider(i);
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.pos];
    if (!left.alive || left.next < 0) continue;
    // The pair may have changed since it was queued: merge only if it is still this merge.
    const auto it = m_.merges.find(BpeModel::pair_key(left.id, symbols[left.next].id));
    if (it == m_.merges.end() || it->second.merged != top.merged) continue;
    Symbol& right = symbols[left.next];
    left.id = top.merged;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (left.prev >= 0) consider(left.prev);
    consider(top.pos);
  }
  std::vector<std::int32_t> ids;
  for (const Symbol& s : symbols)
    if (s.alive) ids.push_back(s.id);
  return ids;
}

}  // namespace attnlab
