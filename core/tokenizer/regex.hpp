#pragma once
// The tokenizers' split patterns, used as the file writes them: PCRE2 with UTF and Unicode
// properties (\p{L}, \p{N}, (?i:…), (?!\S)), compiled once, matched with a bound on backtracking.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab {

class Regex {
 public:
  // `literal`: the pattern is a plain string to find, not a regex. `where` names the pattern in
  // messages (file and field). Throws InputError with PCRE2's reason and the offset in the pattern.
  Regex(std::string_view pattern, bool literal, std::string where);

  // Every non-overlapping match, leftmost first, as [begin, end) byte offsets into `text`, which must
  // be valid UTF-8. An empty match is kept and the search goes on one character later. Throws
  // InputError when a match needs more backtracking than the bound (a pathological pattern).
  std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const;

 private:
  struct Code;
  std::shared_ptr<const Code> code_;
  std::string where_;
};

}  // namespace attnlab
