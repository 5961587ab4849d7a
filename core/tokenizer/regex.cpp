#include "core/tokenizer/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/base/error.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace {

// Enough for any real tokenizer's pattern on one pre-token; a pattern that backtracks
// exponentially stops here with an error instead of hanging the program.
constexpr std::uint32_t kMatchLimit = 1'000'000;
constexpr std::uint32_t kHeapLimitKiB = 64 * 1024;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  const int n = pcre2_get_error_message(code, buffer, sizeof buffer);
  return n < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buffer));
}

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Code() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Regex::Regex(std::string_view pattern, bool literal, std::string where) : where_(std::move(where)) {
  auto code = std::make_shared<Code>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  // PCRE2_LITERAL admits no UCP; a literal string needs none.
  const std::uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
  code->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &error, &offset, nullptr);
  if (!code->code)
    throw InputError(where_ + ": the pattern does not compile at offset " + std::to_string(offset) + ": " +
                     pcre2_message(error));
  // JIT where the platform has it; the interpreter otherwise gives the same matches, only slower.
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);
  code->context = pcre2_match_context_create(nullptr);
  if (!code->context) throw RunError(where_ + ": out of memory");
  pcre2_set_match_limit(code->context, kMatchLimit);
  pcre2_set_heap_limit(code->context, kHeapLimitKiB);
  code_ = std::move(code);
}

std::vector<std::pair<std::size_t, std::size_t>> Regex::find_all(std::string_view text) const {
  std::vector<std::pair<std::size_t, std::size_t>> matches;
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create_from_pattern(code_->code, nullptr), &pcre2_match_data_free);
  if (!data) throw RunError(where_ + ": out of memory");
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t at = 0;
  std::uint32_t after_empty = 0;  // set after an empty match: try a non-empty one at the same place
  std::uint32_t no_jit = 0;
  while (at <= text.size()) {
    const int rc = pcre2_match(code_->code, subject, text.size(), at, PCRE2_NO_UTF_CHECK | after_empty | no_jit,
                               data.get(), code_->context);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !no_jit) {
      no_jit = PCRE2_NO_JIT;  // the interpreter keeps its backtracking on the heap, within the limit
      continue;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
      if (!after_empty) break;
      after_empty = 0;
      if (at == text.size()) break;
      at += utf8::char_length(text, at);
      continue;
    }
    if (rc < 0)
      throw InputError(where_ + ": the pattern cannot be matched against this text (" + pcre2_message(rc) + ")");
    const PCRE2_SIZE* span = pcre2_get_ovector_pointer(data.get());
    if (span[1] < span[0] || span[1] > text.size())
      throw InputError(where_ + ": the pattern reports a match that ends before it begins (\\K in a lookaround)");
    matches.emplace_back(span[0], span[1]);
    after_empty = span[0] == span[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
    at = span[1];
  }
  return matches;
}

}  // namespace attnlab
