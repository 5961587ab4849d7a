// The tokenizer formats of real models, each on a small tokenizer.json written here: the expected
// ids are worked out by hand from the reference algorithm (pre-tokenize, then merge by rank, lowest
// first), as each comment shows. The vocabularies are in synthetic.hpp.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/tokenizer/tokenizer.hpp"
#include "tests/cli_run.hpp"
#include "tests/tokenizer/synthetic.hpp"

using attnlab::Tokenizer;
using Ids = std::vector<std::int32_t>;

namespace {

Tokenizer load(const synthetic::json& document) {
  cli_test::TempDir dir;
  synthetic::write_tokenizer(dir.path(), document);
  return Tokenizer::load(dir.path());
}

}  // namespace

TEST_SUITE_BEGIN("tokenizer/formats");

TEST_CASE("Llama 3 style: the file's split regex, ByteLevel without regex, ignore_merges and BOS") {
  const Tokenizer t = load(synthetic::llama3());
  // The regex cuts "Hello world's 12345!\n'Sd" into
  //   "Hello" | " world" | "'s" | " " | "123" | "45" | "!\n" | "'S" | "d"
  // (numbers in runs of at most three, "!" takes the newline after it, (?i:'s) matches "'S").
  // Byte-level: " world" → "Ġworld", "!\n" → "!Ċ". ignore_merges: "Hello" 21, "Ġworld" 22, "'s" 25,
  // "123" 24, "45" 26 are whole in the vocabulary; "Ġ" 4; "!Ċ" → 16 17 (no merge); "'S" → 8 10 (no
  // merge ' S); "d" 7. Were "'Sd" one pre-token, the merge S d would give 8 28. BOS 29 first.
  CHECK(t.encode("Hello world's 12345!\n'Sd") == Ids{29, 21, 22, 25, 4, 24, 26, 16, 17, 8, 10, 7});
  // An added token in the middle of the text is found before the regex runs.
  CHECK(t.encode("Hello<|eot_id|> world") == Ids{29, 21, 30, 22});
  CHECK(t.encode("") == Ids{29});
  CHECK(t.vocab_size() == 31);
}

TEST_CASE("without ignore_merges a word whole in the vocabulary is still merged pair by pair") {
  const Tokenizer t = load(synthetic::llama3(false));
  // "Ġworld": Ġ w o r l d; the only merge among its pairs is o r (rank 8) → Ġ w or l d, then none.
  // "Hello": l l (0) → H e ll o; e ll (1) → H ell o; H ell (2) → Hell o; Hell o (3) → Hello.
  CHECK(t.encode("Hello world") == Ids{29, 21, 4, 5, 27, 2, 7});
}

TEST_CASE("Qwen2 style: NFC first, single digits, merges as pairs, no BOS") {
  const Tokenizer t = load(synthetic::qwen2());
  // "cafe\u0301" (e + combining acute) is "café" after NFC; é is bytes C3 A9, "Ã©" byte-level.
  // The regex: "café" | " " | "2" | "0" | "2" | "4". BPE on c a f Ã ©: Ã © (rank 0) → c a f Ã©;
  // c a (1) → ca f Ã©; ca f (2) → caf Ã©; caf Ã© (3) → cafÃ© = 12. " " → Ġ 5; digits 6 7 6 8.
  CHECK(t.encode("<|im_start|>cafe\xCC\x81 2024<|im_end|>") == Ids{13, 12, 5, 6, 7, 6, 8, 14});
}

TEST_CASE("SmolLM2 style: Digits(individual) before ByteLevel with GPT-2's regex") {
  // Digits cuts "abc 123" into "abc " | "1" | "2" | "3"; the GPT-2 regex cuts "abc " into "abc" | " ".
  // "abc": a b (0) → ab c; ab c (1) → abc = 8. Then Ġ 3, and 1 2 3 alone: 4 5 6.
  CHECK(load(synthetic::smollm2()).encode("abc 123") == Ids{8, 3, 4, 5, 6});
  // Without Digits, " 123" is one pre-token: Ġ 1 (2) → Ġ1 2 3; 1 2 no longer a pair; 2 3 (4) → Ġ1 23.
  CHECK(load(synthetic::smollm2(false)).encode("abc 123") == Ids{8, 9, 11});
}

TEST_CASE("Llama 2 style: Prepend and Replace normalizer, byte_fallback for characters not in the vocabulary") {
  const Tokenizer t = load(synthetic::llama2());
  // Normalized: "▁Hi▁there😀!", one word. ▁ H (0) → ▁H i; ▁H i (1) → ▁Hi; ▁ t (2), ▁t h (3), ▁th e (4),
  // ▁the r (5), ▁ther e (6) → ▁there. 😀 is not in the vocabulary: its bytes F0 9F 98 80 become
  // <0xF0> <0x9F> <0x98> <0x80>, ids 3 + byte: 243 162 155 131. "!" 273. BOS <s> 1.
  CHECK(t.encode("Hi there\xF0\x9F\x98\x80!") == Ids{1, 263, 272, 243, 162, 155, 131, 273});
  // After an added token the normalizer runs on the rest alone, so "Hi" gets its own ▁.
  CHECK(t.encode("<s>Hi") == Ids{1, 1, 263});
}

TEST_CASE("Metaspace: spaces become ▁, split before each ▁, unknown characters fused into one <unk>") {
  const Tokenizer first = load(synthetic::metaspace("first"));
  // "Hi there😀😀!" → "▁Hi▁there😀😀!" → "▁Hi" | "▁there😀😀!". ▁Hi 263; ▁there 272, then the two
  // 😀, not in the vocabulary and no byte_fallback: one <unk> 0 (fuse_unk); "!" 273.
  CHECK(first.encode("Hi there\xF0\x9F\x98\x80\xF0\x9F\x98\x80!") == Ids{1, 263, 272, 0, 273});
  // prepend_scheme "first": only text at the very start gets ▁, not text after an added token …
  CHECK(first.encode("<s>Hi") == Ids{1, 1, 260, 261});
  // … while "always" gives every piece its ▁.
  CHECK(load(synthetic::metaspace("always")).encode("<s>Hi") == Ids{1, 1, 263});
  CHECK(load(synthetic::metaspace("never")).encode("Hi") == Ids{1, 260, 261});
}

TEST_CASE("the Strip normalizer takes the whitespace around the text (here each side's spaces, tabs, U+3000)") {
  synthetic::json document = synthetic::llama3();
  document["normalizer"] = {{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}};
  // "\t Hello world\u3000 " → "Hello world" → Hello 21, Ġworld 22 (as in the Llama 3 case).
  CHECK(load(document).encode("\t Hello world\xE3\x80\x80 ") == Ids{29, 21, 22});
  document["normalizer"]["strip_left"] = false;
  // Only the right side: "\t Hello world". The regex cuts "\t" (\s+(?!\S): the space after it is
  // followed by "H") | " Hello" | " world". "\t" is byte 09, 'ĉ' byte-level: not in the vocabulary,
  // no byte_fallback, no unknown token, so nothing. "ĠHello" is not whole in the vocabulary: l l,
  // e ll, H ell, Hell o → Ġ Hello, 4 21 (Ġ Hello is no merge). Ġworld 22.
  CHECK(load(document).encode("\t Hello world\xE3\x80\x80 ") == Ids{29, 4, 21, 22});
}

TEST_CASE("merges as \"a b\" strings and as [\"a\", \"b\"] pairs give the same ids") {
  synthetic::json as_pairs = synthetic::llama3(false);
  synthetic::json pairs = synthetic::json::array();
  for (const auto& merge : as_pairs["model"]["merges"]) {
    const std::string line = merge.get<std::string>();
    pairs.push_back({line.substr(0, line.find(' ')), line.substr(line.find(' ') + 1)});
  }
  as_pairs["model"]["merges"] = pairs;
  const std::string text = "Hello world's 12345!\n'Sd";
  CHECK(load(as_pairs).encode(text) == load(synthetic::llama3(false)).encode(text));
  CHECK(load(as_pairs).encode("Hello") == Ids{29, 21});
}

TEST_CASE("an added token's id is the vocabulary's, or the next one after it, whatever the file says") {
  // The reference gives an added token the vocabulary's id for its content, and any other the next
  // id after the vocabulary (29 entries here) and the added tokens before it, warning when the file's
  // "id" differs; the template's ids are used as written.
  synthetic::json document = synthetic::llama3();
  document["added_tokens"][0]["id"] = 500;
  document["added_tokens"][1]["id"] = 501;
  document["added_tokens"].push_back(synthetic::added(502, "Hello", false));  // in the vocabulary: 21
  document["added_tokens"].push_back(synthetic::added(503, "<|x|>"));
  const Tokenizer t = load(document);
  CHECK(t.encode("<|x|>Hello<|eot_id|>") == Ids{29, 31, 21, 30});
  CHECK(t.vocab_size() == 32);
}

TEST_CASE("added tokens: lstrip and rstrip take the spaces beside them, single_word needs no letters beside it") {
  // The vocabulary is in synthetic.hpp (with_added_tokens).
  const auto with = [](bool lstrip, bool rstrip) { return load(synthetic::with_added_tokens(lstrip, rstrip)); };
  // "a <mask> b": "a " → "a" | " " → 0 2; <mask> 4; " b" → Ġb 3.
  CHECK(with(false, false).encode("a <mask> b") == Ids{0, 2, 4, 3});
  // lstrip: the token takes " <mask>", leaving "a" → 0.
  CHECK(with(true, false).encode("a <mask> b") == Ids{0, 4, 3});
  // rstrip too: "b" is left without its space → 1.
  CHECK(with(true, true).encode("a <mask> b") == Ids{0, 4, 1});
  // single_word: "ab" alone is the token; inside "aab" it is not (a letter before it): a a b.
  CHECK(with(false, false).encode("ab") == Ids{5});
  CHECK(with(false, false).encode("aab") == Ids{0, 0, 1});
}

TEST_CASE("GPT-2's vocab.json + merges.txt when there is no tokenizer.json: merges by rank, not left to right") {
  cli_test::TempDir dir;
  cli_test::write_all(dir / "vocab.json",
                      R"({"h": 0, "i": 1, "\u0120": 2, "hi": 3, "\u0120hi": 4, "\u0120h": 5, "<|endoftext|>": 6})");
  cli_test::write_all(dir / "merges.txt", "#version: 0.2\nh i\n\xC4\xA0 h\n\xC4\xA0h i\n");
  const Tokenizer t = Tokenizer::load(dir.path());
  // "hi hi": "hi" → h i (rank 0) → 3. " hi" → Ġ h i: h i has rank 0, Ġ h rank 1, so h i merges
  // first → Ġ hi, and Ġ hi is no merge: 2 3 (left to right would have given Ġh i → Ġhi 4).
  // <|endoftext|> is a special token, as the Hugging Face GPT-2 tokenizer makes it: 6.
  CHECK(t.encode("hi hi<|endoftext|>") == Ids{3, 2, 3, 6});
  CHECK(t.token_text(2) == " ");
  CHECK(t.vocab_size() == 7);
}

TEST_CASE("token_text: what a label shows") {
  const Tokenizer llama3 = load(synthetic::llama3());
  CHECK(llama3.token_text(22) == " world");  // Ġ is a space
  CHECK(llama3.token_text(17) == "\n");      // Ċ is a newline
  CHECK(llama3.token_text(29) == "<|begin_of_text|>");
  const Tokenizer qwen2 = load(synthetic::qwen2());
  CHECK(qwen2.token_text(9) == "é");       // Ã© is C3 A9
  CHECK(qwen2.token_text(3) == "<0xC3>");  // half a character: its byte
  const Tokenizer llama2 = load(synthetic::llama2());
  CHECK(llama2.token_text(263) == " Hi");  // ▁ is a space
  CHECK(llama2.token_text(3 + 0x41) == "A");
  CHECK(llama2.token_text(3 + 0x0A) == "\n");
  CHECK(llama2.token_text(3 + 0xF0) == "<0xF0>");
  CHECK_THROWS_AS((void)llama2.token_text(274), attnlab::InputError);
  CHECK(attnlab::visible("a\nb\tc\r\x01") == "a\\nb\\tc\\r\\x01");
}

TEST_SUITE_END();
