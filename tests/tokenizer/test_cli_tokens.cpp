// `attnlab tokens` as a user runs it: the real binary on tokenizer folders written here, its output
// lines and JSON, and every mistake a user can make (exit 2, one line on stderr, nothing on stdout).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"
#include "tests/tokenizer/synthetic.hpp"

using namespace cli_test;

namespace {

// Exit 2 with one line "attnlab: …" that holds every part, and nothing on stdout.
void check_refused(const RunResult& run, const std::vector<std::string>& parts) {
  INFO(run.command);
  INFO(run.err);
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  REQUIRE(run.err_lines().size() == 1);
  CHECK(run.err.rfind("attnlab: ", 0) == 0);
  for (const std::string& part : parts) CHECK(run.err.find(part) != std::string::npos);
}

}  // namespace

TEST_SUITE("cli/tokens") {
  TEST_CASE("one line per token: index, id, text (spaces kept, newlines escaped)") {
    TempDir dir;
    synthetic::write_tokenizer(dir.path(), synthetic::llama3());
    // The ids are derived in tests/tokenizer/test_formats.cpp ("Llama 3 style").
    const auto run = run_attnlab({"tokens", "--model", dir.path().string(), "--text", "Hello world's 12345!\n'Sd"});
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "0 29 <|begin_of_text|>\n1 21 Hello\n2 22  world\n3 25 's\n4 4  \n5 24 123\n6 26 45\n7 16 !\n"
          "8 17 \\n\n9 8 '\n10 10 S\n11 7 d\n");
    CHECK(run.err.empty());
  }

  TEST_CASE("--json prints the ids and the tokens' text") {
    TempDir dir;
    synthetic::write_tokenizer(dir.path(), synthetic::llama2());
    const auto run =
        run_attnlab({"tokens", "--model", dir.path().string(), "--text", "Hi there\xF0\x9F\x98\x80!", "--json"});
    INFO(run.err);
    REQUIRE(run.status == 0);
    const auto out = nlohmann::json::parse(run.out);
    CHECK(out["ids"] == nlohmann::json({1, 263, 272, 243, 162, 155, 131, 273}));
    CHECK(out["tokens"] == nlohmann::json({"<s>", " Hi", " there", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "!"}));
  }

  TEST_CASE("--token-ids shows given ids without tokenizing") {
    TempDir dir;
    synthetic::write_tokenizer(dir.path(), synthetic::llama3());
    const auto run = run_attnlab({"tokens", "--model", dir.path().string(), "--token-ids", "21,22,30"});
    CHECK(run.status == 0);
    CHECK(run.out == "0 21 Hello\n1 22  world\n2 30 <|eot_id|>\n");
  }

  TEST_CASE("mistakes: exit 2 with one line naming what is wrong") {
    TempDir dir;
    synthetic::write_tokenizer(dir / "llama3", synthetic::llama3());
    const std::string model = (dir / "llama3").string();
    check_refused(run_attnlab({"tokens", "--model", model, "--token-ids", "21,31"}),
                  {"token id 31 is outside the vocabulary of", "tokenizer.json", "31 tokens"});
    check_refused(run_attnlab({"tokens", "--model", model, "--token-ids", "21,x"}), {"--token-ids", "'x'"});
    check_refused(run_attnlab({"tokens", "--model", model, "--text", ""}), {"--text is empty"});
    check_refused(run_attnlab({"tokens", "--model", model, "--text", "a\xFF"}), {"not valid UTF-8", "byte 1"});
    check_refused(run_attnlab({"tokens", "--model", model, "--text", "a", "--token-ids", "1"}),
                  {"--text and --token-ids"});
    check_refused(run_attnlab({"tokens", "--model", model}), {"--text T or --token-ids LIST"});
    check_refused(run_attnlab({"tokens", "--text", "a"}), {"--model"});
    check_refused(run_attnlab({"tokens", "--model", (dir / "absent").string(), "--text", "a"}),
                  {"absent: no such folder"});
    check_refused(run_attnlab({"tokens", "--model", dir.path().string(), "--text", "a"}),
                  {"no tokenizer.json, and no vocab.json + merges.txt"});
  }

  TEST_CASE("tokenizer files that cannot be used: exit 2 naming the file and the problem") {
    TempDir dir;
    synthetic::write_tokenizer(dir / "wordpiece",
                               synthetic::tokenizer({{"type", "WordPiece"}, {"vocab", {{"a", 0}}}}, nullptr));
    synthetic::write_tokenizer(dir / "unigram",
                               synthetic::tokenizer({{"type", "Unigram"}, {"vocab", {{"a", 0}}}}, nullptr));
    std::filesystem::create_directories(dir / "broken");
    write_all(dir / "broken" / "tokenizer.json", "{\"model\": {\"type\": \"BPE\",\n  \"vocab\": {\"a\": 0,,}}}");
    const auto refused = [&](const std::string& folder, const std::vector<std::string>& parts) {
      std::vector<std::string> all = parts;
      all.push_back((dir / folder / "tokenizer.json").string());
      check_refused(run_attnlab({"tokens", "--model", (dir / folder).string(), "--text", "a"}), all);
    };
    refused("wordpiece", {"the WordPiece tokenizer model is not supported"});
    refused("unigram", {"the Unigram tokenizer model is not supported"});
    // The second comma is byte 46 of the file, on line 2.
    refused("broken", {"not valid JSON at byte 46", "line 2"});
  }
}
