#pragma once
// Small tokenizer files in the formats of real models, written by the tests. Their vocabularies
// are a handful of tokens, so the expected ids of each test can be worked out by hand from the
// algorithm (each test's comment shows the derivation). Byte-level tokens spell a space 'Ġ'
// (U+0120) and a newline 'Ċ' (U+010A), the bytes C3 A9 of 'é' as 'Ã©', as GPT-2's byte map does.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/cli_run.hpp"

namespace synthetic {

using nlohmann::json;

inline json vocab_of(const std::vector<std::string>& tokens) {
  json v = json::object();
  for (std::size_t i = 0; i < tokens.size(); ++i) v[tokens[i]] = i;
  return v;
}

inline json added(int id, const std::string& content, bool special = true) {
  return {{"id", id},        {"content", content},     {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

inline json bos_template(const std::string& bos, int id) {
  return {{"type", "TemplateProcessing"},
          {"single", json::array({{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}},
                                  {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
          {"pair", json::array()},
          {"special_tokens", {{bos, {{"id", bos}, {"ids", {id}}, {"tokens", {bos}}}}}}};
}

inline json byte_level(bool use_regex) {
  return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", use_regex}};
}

inline json split(const std::string& regex) {
  return {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}};
}

inline json tokenizer(json model, json pre_tokenizer, json normalizer = nullptr, json post_processor = nullptr,
                      json added_tokens = json::array()) {
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", added_tokens},
          {"normalizer", normalizer},
          {"pre_tokenizer", pre_tokenizer},
          {"post_processor", post_processor},
          {"decoder", nullptr},
          {"model", model}};
}

inline json bpe(json vocab, json merges, bool ignore_merges = false) {
  return {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", ignore_merges},
          {"vocab", vocab},
          {"merges", merges}};
}

// Llama 3's pre-tokenizer regex, as its tokenizer.json writes it.
inline const std::string kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Qwen2's: single digits.
inline const std::string kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Llama-3 style: Sequence[Split(regex), ByteLevel(use_regex false)], ignore_merges, BOS 29.
//   ids 0 H, 1 e, 2 l, 3 o, 4 Ġ, 5 w, 6 r, 7 d, 8 ', 9 s, 10 S, 11 1, 12 2, 13 3, 14 4, 15 5, 16 !, 17 Ċ,
//   18 ll, 19 ell, 20 Hell, 21 Hello, 22 Ġworld (whole in the vocabulary, no merges lead to it),
//   23 12, 24 123, 25 's, 26 45, 27 or, 28 Sd; added 29 <|begin_of_text|>, 30 <|eot_id|>.
//   Merges by rank: l l, e ll, H ell, Hell o, 1 2, 12 3, ' s, 4 5, o r, S d.
inline json llama3(bool ignore_merges = true) {
  const json vocab =
      vocab_of({"H", "e", "l", "o",  "Ġ",   "w",    "r",     "d",      "'",  "s",   "S",  "1",  "2",  "3", "4",
                "5", "!", "Ċ", "ll", "ell", "Hell", "Hello", "Ġworld", "12", "123", "'s", "45", "or", "Sd"});
  const json merges = {"l l", "e ll", "H ell", "Hell o", "1 2", "12 3", "' s", "4 5", "o r", "S d"};
  return tokenizer(bpe(vocab, merges, ignore_merges),
                   {{"type", "Sequence"}, {"pretokenizers", {split(kLlama3Regex), byte_level(false)}}}, nullptr,
                   {{"type", "Sequence"}, {"processors", {byte_level(false), bos_template("<|begin_of_text|>", 29)}}},
                   {added(29, "<|begin_of_text|>"), added(30, "<|eot_id|>")});
}

// Qwen2 style: NFC, Sequence[Split(regex with single digits), ByteLevel(use_regex false)], merges
// as pairs, no BOS.
//   ids 0 c, 1 a, 2 f, 3 Ã, 4 ©, 5 Ġ, 6 2, 7 0, 8 4, 9 Ã©, 10 ca, 11 caf, 12 cafÃ©;
//   added 13 <|im_start|>, 14 <|im_end|>. Merges by rank: [Ã ©], [c a], [ca f], [caf Ã©].
inline json qwen2() {
  const json vocab = vocab_of({"c", "a", "f", "Ã", "©", "Ġ", "2", "0", "4", "Ã©", "ca", "caf", "cafÃ©"});
  const json merges = json::array({{"Ã", "©"}, {"c", "a"}, {"ca", "f"}, {"caf", "Ã©"}});
  return tokenizer(bpe(vocab, merges),
                   {{"type", "Sequence"}, {"pretokenizers", {split(kQwen2Regex), byte_level(false)}}},
                   {{"type", "NFC"}}, byte_level(false), {added(13, "<|im_start|>"), added(14, "<|im_end|>")});
}

// SmolLM2 style: Sequence[Digits(individual), ByteLevel(use_regex true)].
//   ids 0 a, 1 b, 2 c, 3 Ġ, 4 1, 5 2, 6 3, 7 ab, 8 abc, 9 Ġ1, 10 12, 11 23.
//   Merges by rank: a b, ab c, Ġ 1, 1 2, 2 3.
inline json smollm2(bool digits = true) {
  const json vocab = vocab_of({"a", "b", "c", "Ġ", "1", "2", "3", "ab", "abc", "Ġ1", "12", "23"});
  const json merges = {"a b", "ab c", "Ġ 1", "1 2", "2 3"};
  json steps = json::array();
  if (digits) steps.push_back({{"type", "Digits"}, {"individual_digits", true}});
  steps.push_back(byte_level(true));
  return tokenizer(bpe(vocab, merges), {{"type", "Sequence"}, {"pretokenizers", steps}});
}

// SentencePiece-style vocabulary (Llama 2, TinyLlama): 0 <unk>, 1 <s>, 2 </s>, 3 + b for <0xHH>,
// then 259 ▁, 260 H, 261 i, 262 ▁H, 263 ▁Hi, 264 t, 265 h, 266 e, 267 r, 268 ▁t, 269 ▁th, 270 ▁the,
// 271 ▁ther, 272 ▁there, 273 !. Merges by rank: ▁ H, ▁H i, ▁ t, ▁t h, ▁th e, ▁the r, ▁ther e.
inline json sentencepiece_bpe(bool byte_fallback) {
  std::vector<std::string> tokens{"<unk>", "<s>", "</s>"};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    tokens.emplace_back(name);
  }
  for (const char* t : {"▁", "H", "i", "▁H", "▁Hi", "t", "h", "e", "r", "▁t", "▁th", "▁the", "▁ther", "▁there", "!"})
    tokens.emplace_back(t);
  json model = bpe(vocab_of(tokens), {"▁ H", "▁H i", "▁ t", "▁t h", "▁th e", "▁the r", "▁ther e"});
  model["unk_token"] = "<unk>";
  model["fuse_unk"] = true;
  model["byte_fallback"] = byte_fallback;
  return model;
}

inline json sentencepiece_added() {
  return {added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")};
}

// Llama 2 / TinyLlama: normalizer Sequence[Prepend(▁), Replace(" ", ▁)], no pre-tokenizer,
// byte_fallback, BOS <s>.
inline json llama2() {
  const json normalizer = {{"type", "Sequence"},
                           {"normalizers",
                            {{{"type", "Prepend"}, {"prepend", "▁"}},
                             {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}};
  return tokenizer(sentencepiece_bpe(true), nullptr, normalizer, bos_template("<s>", 1), sentencepiece_added());
}

// The Metaspace variant (newer Mistral and Llama conversions): no normalizer, Metaspace(▁,
// prepend_scheme, split), here without byte_fallback so that unknown characters become <unk>.
inline json metaspace(const std::string& prepend_scheme) {
  const json pre = {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", prepend_scheme}, {"split", true}};
  return tokenizer(sentencepiece_bpe(false), pre, nullptr, bos_template("<s>", 1), sentencepiece_added());
}

// Added tokens beside byte-level BPE (GPT-2's regex): a 0, b 1, Ġ 2, Ġb 3 (merge Ġ b); added <mask> 4
// with lstrip/rstrip as given, and "ab" 5, an ordinary token with single_word.
inline json with_added_tokens(bool lstrip, bool rstrip) {
  json mask = added(4, "<mask>");
  mask["lstrip"] = lstrip;
  mask["rstrip"] = rstrip;
  json word = added(5, "ab", false);
  word["single_word"] = true;
  return tokenizer(bpe(vocab_of({"a", "b", "Ġ", "Ġb"}), {"Ġ b"}), byte_level(true), nullptr, nullptr,
                   json::array({mask, word}));
}

inline void write_tokenizer(const std::filesystem::path& folder, const json& document) {
  std::filesystem::create_directories(folder);
  cli_test::write_all(folder / "tokenizer.json", document.dump(2));
}

}  // namespace synthetic
