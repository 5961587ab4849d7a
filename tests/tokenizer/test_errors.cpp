// Every tokenizer file a user can get wrong, and text that is not UTF-8: InputError (exit 2 in the
// program) with a message that names the file, the place in it and what is wrong.
#include <doctest/doctest.h>

#include <string>

#include "core/base/error.hpp"
#include "core/tokenizer/token_input.hpp"
#include "core/tokenizer/tokenizer.hpp"
#include "tests/cli_run.hpp"
#include "tests/tokenizer/synthetic.hpp"

using attnlab::InputError;
using attnlab::Tokenizer;
using synthetic::json;

namespace {

// The message of the InputError that loading `text` as tokenizer.json throws ("" if none).
std::string load_error(const std::string& text) {
  try {
    (void)Tokenizer::parse_tokenizer_json(text, "dir/tokenizer.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string load_error(const json& document) {
  return load_error(document.dump());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE_BEGIN("tokenizer/errors");

TEST_CASE("models other than BPE are refused by name") {
  for (const std::string type : {"WordPiece", "Unigram", "WordLevel"}) {
    const std::string message = load_error(synthetic::tokenizer({{"type", type}, {"vocab", json::object()}}, nullptr));
    INFO(message);
    CHECK(contains(message, "dir/tokenizer.json: model.type: the " + type + " tokenizer model is not supported"));
  }
}

TEST_CASE("JSON that does not parse: the file and the byte") {
  // The second comma of {"a": [1, 2,, 3]} is its 13th byte.
  const std::string message = load_error(std::string(R"({"a": [1, 2,, 3]})"));
  INFO(message);
  CHECK(contains(message, "dir/tokenizer.json: not valid JSON at byte 13"));
  CHECK(
      contains(load_error(std::string(R"({"model": {"type": "BPE",)")), "dir/tokenizer.json: not valid JSON at byte"));
  CHECK(contains(load_error(std::string(100, '[')), "nested more than 64 levels deep at byte 64"));
  CHECK(contains(load_error(std::string("[1]")), "dir/tokenizer.json: expected an object, found an array"));
  // A number no type holds is the parser's other error (found by the fuzz target).
  CHECK(contains(load_error(std::string("[1E400]")),
                 "dir/tokenizer.json: not valid JSON: number overflow parsing '1E400'"));
}

TEST_CASE("a split regex PCRE2 refuses: the field and the offset") {
  json document = synthetic::llama3();
  document["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(\\p{L}+";
  const std::string message = load_error(document);
  INFO(message);
  CHECK(contains(message, "dir/tokenizer.json: pre_tokenizer.pretokenizers[0].pattern.Regex"));
  CHECK(contains(message, "does not compile at offset 7"));
}

TEST_CASE("a regex that backtracks without end stops with an error instead of hanging") {
  json document = synthetic::llama3();
  document["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(\\w+\\s?)+$";
  const Tokenizer t = Tokenizer::parse_tokenizer_json(document.dump(), "dir/tokenizer.json");
  std::string text;
  for (int i = 0; i < 40; ++i) text += "ab ";
  text += "!";
  try {
    (void)t.encode(text);
    FAIL("no error");
  } catch (const InputError& e) {
    INFO(e.what());
    CHECK(contains(e.what(), "dir/tokenizer.json: pre_tokenizer.pretokenizers[0].pattern.Regex"));
    CHECK(contains(e.what(), "limit"));
  }
}

TEST_CASE("unsupported normalizers, pre-tokenizers, post-processors and split behaviors are named") {
  json document = synthetic::llama3();
  document["normalizer"] = {{"type", "BertNormalizer"}};
  CHECK(contains(load_error(document), "normalizer.type: the normalizer 'BertNormalizer' is not supported"));
  document = synthetic::llama3();
  document["pre_tokenizer"] = {{"type", "Whitespace"}};
  CHECK(contains(load_error(document), "pre_tokenizer.type: the pre-tokenizer 'Whitespace' is not supported"));
  document = synthetic::llama3();
  document["post_processor"] = {{"type", "Mystery"}};
  CHECK(contains(load_error(document), "post_processor.type: the post-processor 'Mystery' is not supported"));
  document = synthetic::llama3();
  document["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Sideways";
  CHECK(contains(load_error(document), "unknown split behavior 'Sideways'"));
  document = synthetic::llama3();
  document["model"]["dropout"] = 0.1;
  CHECK(contains(load_error(document), "model.dropout: BPE dropout"));
}

TEST_CASE("vocabularies and merges that do not hold together") {
  json document = synthetic::llama3();
  document["model"]["merges"].push_back("x y");
  CHECK(contains(load_error(document),
                 "model.merges[10]: merge 10 ('x' + 'y') uses 'x', which is not in the vocabulary"));
  document = synthetic::llama3();
  document["model"]["merges"].push_back("H o");  // "Ho" is not in the vocabulary
  CHECK(contains(load_error(document), "uses 'Ho', which is not in the vocabulary"));
  document = synthetic::llama3();
  document["model"]["merges"].push_back("Hello");
  CHECK(contains(load_error(document), "model.merges[10]: expected two tokens separated by one space"));
  document = synthetic::llama3();
  document["model"]["vocab"]["big"] = 5000000;
  CHECK(contains(load_error(document), "token id 5000000 is outside 0 to 2097151"));
  document = synthetic::llama3();
  document["model"]["vocab"]["neg"] = -1;
  CHECK(contains(load_error(document), "token id -1 is outside"));
  document = synthetic::llama3();
  document["model"]["vocab"]["half"] = 1.5;
  CHECK(contains(load_error(document), "expected an integer, found a number"));
  document = synthetic::llama3();
  document["model"]["unk_token"] = "<nope>";
  CHECK(contains(load_error(document), "model.unk_token: the unknown token '<nope>' is not in the vocabulary"));
  document = synthetic::llama3();
  document["post_processor"]["processors"][1]["single"][0]["SpecialToken"]["id"] = "<nope>";
  CHECK(contains(load_error(document), "no special token '<nope>', which the template uses"));
  document = synthetic::llama3();
  document.erase("model");
  CHECK(contains(load_error(document), "dir/tokenizer.json: no field 'model'"));
}

TEST_CASE("folders without a tokenizer") {
  cli_test::TempDir dir;
  auto message = [](const std::filesystem::path& folder) {
    try {
      (void)Tokenizer::load(folder);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(contains(message(dir / "absent"), "absent: no such folder"));
  CHECK(contains(message(dir.path()), "no tokenizer.json, and no vocab.json + merges.txt"));
  cli_test::write_all(dir / "vocab.json", R"({"a": 0})");
  CHECK(contains(message(dir.path()), "merges.txt: no such file"));
  cli_test::write_all(dir / "merges.txt", "#version: 0.2\na\n");
  CHECK(contains(message(dir.path()), "merges.txt: line 2: expected two tokens separated by one space"));
  cli_test::write_all(dir / "vocab.json", R"({"a": 0,})");
  CHECK(contains(message(dir.path()), "vocab.json: not valid JSON at byte"));
}

TEST_CASE("text that is not UTF-8, and token ids that are not ids") {
  cli_test::TempDir dir;
  synthetic::write_tokenizer(dir.path(), synthetic::llama3());
  const Tokenizer t = Tokenizer::load(dir.path());
  CHECK_THROWS_WITH_AS((void)t.encode("ok\xFF"), "the text is not valid UTF-8 (byte 2)", InputError);
  CHECK_THROWS_AS((void)t.encode("\xC0\xAF"), InputError);          // an overlong '/'
  CHECK_THROWS_AS((void)t.encode("\xED\xA0\x80"), InputError);      // a surrogate
  CHECK_THROWS_AS((void)t.encode("\xF4\x90\x80\x80"), InputError);  // above U+10FFFF

  CHECK(attnlab::parse_token_ids("1, 2,3") == std::vector<std::int32_t>{1, 2, 3});
  for (const char* bad : {"", "1,,2", "1,x", "-1", "1.5", "99999999999"})
    CHECK_THROWS_AS((void)attnlab::parse_token_ids(bad), InputError);
  attnlab::TokenSource source;
  source.token_ids = "21,31";
  CHECK_THROWS_WITH_AS((void)attnlab::read_token_ids(source, &t, t.vocab_size(), "dir/tokenizer.json"),
                       "token id 31 is outside the vocabulary of dir/tokenizer.json (31 tokens: 0 to 30)", InputError);
  source.text = "Hello";
  CHECK_THROWS_AS((void)attnlab::read_token_ids(source, &t, t.vocab_size(), "x"), InputError);  // both
  source.token_ids.reset();
  CHECK(attnlab::read_token_ids(source, &t, t.vocab_size(), "x") == std::vector<std::int32_t>{29, 21});
  source.text = "";
  CHECK_THROWS_WITH_AS((void)attnlab::read_token_ids(source, &t, t.vocab_size(), "x"),
                       "--text is empty: there is nothing to tokenize", InputError);
  source.text.reset();
  CHECK_THROWS_AS((void)attnlab::read_token_ids(source, &t, t.vocab_size(), "x"), InputError);  // neither
}

TEST_SUITE_END();
