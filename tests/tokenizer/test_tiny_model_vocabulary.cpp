// The shipped tiny model's word vocabulary (assets/models/induction, made by
// scripts/tiny_model/vocab.py) against the Hugging Face tokenizers library itself (the npm package
// @anush008/tokenizers): the lab's tokenizer, read from tokenizer.json and from vocab.json + merges.txt,
// gives the reference's ids on every text the reference suites use and on sentences of the card's
// words, and every spelling the card promises as one token (metrics.json's one_token: " the", "The",
// "'s" …) is one token in both, with the id vocab.json gives it. Fails without node or the package,
// unless ATTNLAB_ALLOW_NO_NODE=1.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.hpp"
#include "tests/cli_run.hpp"
#include "tests/tokenizer/reference.hpp"

namespace fs = std::filesystem;
using attnlab::Tokenizer;
using reference::Ids;

namespace {

const fs::path kModel = fs::path(ATTNLAB_ASSETS_DIR) / "models" / "induction";

// A byte-level spelling as text: GPT-2 spells the space Ġ (U+0120).
std::string text_of(std::string spelling) {
  for (std::size_t at = 0; (at = spelling.find("\u0120", at)) != std::string::npos;) spelling.replace(at, 2, " ");
  return spelling;
}

}  // namespace

TEST_SUITE_BEGIN("tokenizer/tiny-model");

TEST_CASE("the shipped model's words: the reference's ids, and every word one token") {
  if (!reference::have("@anush008/tokenizers-linux-x64-gnu")) return;
  const nlohmann::json vocab = nlohmann::json::parse(cli_test::read_all(kModel / "vocab.json"));
  const auto one_token =
      nlohmann::json::parse(cli_test::read_all(kModel / "metrics.json"))["one_token"].get<std::vector<std::string>>();
  REQUIRE(one_token.size() > 1000);
  std::vector<std::string> texts = reference::texts();
  const std::size_t first_word = texts.size();
  for (const std::string& spelling : one_token) texts.push_back(text_of(spelling));
  for (const char* sentence : {"When a word comes back, look at what came after it last time.",
                               "I'm sure they don't know what's going on (really) - \"yes\"...",
                               "The little girl ran home and told her mother about the strange dream.",
                               "Words it does not know, like xylophonist or 1234, fall apart into pieces."})
    texts.push_back(sentence);
  const std::vector<Ids> expected =
      reference::run("hf_reference.js", {reference::kNodeModules.string(), (kModel / "tokenizer.json").string()}, texts);
  for (std::size_t k = 0; k < one_token.size(); ++k) {
    CAPTURE(one_token[k]);
    CHECK(expected[first_word + k] == Ids{vocab.at(one_token[k]).get<std::int32_t>()});
  }
  reference::check_agreement(Tokenizer::load(kModel), texts, expected, "tiny model, tokenizer.json");
  cli_test::TempDir gpt2_files;
  for (const char* file : {"vocab.json", "merges.txt"}) fs::copy_file(kModel / file, gpt2_files / file);
  reference::check_agreement(Tokenizer::load(gpt2_files.path()), texts, expected, "tiny model, vocab.json + merges.txt");
}

TEST_SUITE_END();
