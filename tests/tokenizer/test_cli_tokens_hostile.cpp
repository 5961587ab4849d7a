// tokenizer.json as a hostile user writes it, through `attnlab tokens`: hundreds of thousands of added
// tokens over a long text (found in time linear in the text), and normalizers and pre-tokenizers
// whose steps multiply the text (refused at once, exit 2, naming the step, instead of filling the
// memory). Every run has a time limit, so that a hang fails instead of stalling the suite.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/tokenizer/synthetic.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

constexpr double kLimit = 120;

// Byte-level BPE (GPT-2's regex) over a 0, b 1, Ġ 2, Ġb 3, with the pre-tokenizer and normalizer given.
json small_tokenizer(json pre_tokenizer, json normalizer = nullptr) {
  return synthetic::tokenizer(synthetic::bpe(synthetic::vocab_of({"a", "b", "Ġ", "Ġb"}), {"Ġ b"}),
                              std::move(pre_tokenizer), std::move(normalizer));
}

void check_tokens_refused(const fs::path& folder, const std::string& text, const std::vector<std::string>& parts) {
  cli_test::check_refused({"tokens", "--model", folder.string(), "--text", text}, parts);
}

json replace(json pattern, const std::string& content) {
  return {{"type", "Replace"}, {"pattern", std::move(pattern)}, {"content", content}};
}

}  // namespace

TEST_SUITE("cli/tokens-hostile") {
  TEST_CASE("300,000 added tokens over a 120,000-character text: every one found, in one pass") {
    const TempDir dir;
    fs::create_directories(dir.path());
    // The file is streamed to disk: the tokens are "<t0>" … "<t299999>", ids 4 to 300003.
    {
      json doc = small_tokenizer(synthetic::byte_level(true));
      doc["added_tokens"] = json::array();
      std::string text = doc.dump();
      const std::string list = "\"added_tokens\":[]";
      const std::size_t at = text.find(list);
      REQUIRE(at != std::string::npos);
      std::ofstream out(dir / "tokenizer.json");
      out << text.substr(0, at) << "\"added_tokens\":[";
      for (int i = 0; i < 300000; ++i)
        out << (i ? "," : "") << synthetic::added(4 + i, "<t" + std::to_string(i) + ">").dump();
      out << "]" << text.substr(at + list.size());
    }
    // Units "<tN><<<…< ab " until 120,000 characters: the added token; forty '<' where a search that
    // tries every token at every '<' spends its time, and which the vocabulary lacks (dropped); then
    // Ġ a b and Ġ (GPT-2's regex keeps the last space apart, and no merge joins Ġ to a).
    std::string text;
    std::vector<int> want;
    for (int unit = 0; text.size() < 120000; ++unit) {
      const int n = unit * 7919 % 300000;
      text += "<t" + std::to_string(n) + ">" + std::string(40, '<') + " ab ";
      want.insert(want.end(), {4 + n, 2, 0, 1, 2});
    }
    const RunResult r =
        run_attnlab({"tokens", "--model", dir.path().string(), "--text", text, "--json"}, within(kLimit));
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    REQUIRE(r.status == 0);
    CHECK(json::parse(r.out)["ids"] == json(want));
    if (!kSanitized) CHECK_MESSAGE(r.peak_rss_mib < 768, "peak " << r.peak_rss_mib << " MiB");
  }

  TEST_CASE("a tokenizer.json of gigabytes is refused by its size before a byte is read") {
    const TempDir dir;
    synthetic::write_tokenizer(dir.path(), small_tokenizer(nullptr));
    fs::resize_file(dir / "tokenizer.json", std::uint64_t{20} << 30);  // a hole after the JSON
    check_tokens_refused(dir.path(), "ab", {"tokenizer.json: 20.0 GiB (21474836480 bytes), more than the 256.0 MiB"});
  }

  TEST_CASE("normalizers that multiply the text are refused by the step, at once") {
    const TempDir dir;
    // a → aa, forty times over: 2⁴⁰ bytes from one "a".
    synthetic::write_tokenizer(
        dir / "doubling",
        small_tokenizer(
            nullptr, {{"type", "Sequence"}, {"normalizers", std::vector<json>(40, replace({{"String", "a"}}, "aa"))}}));
    check_tokens_refused(dir / "doubling", "a banana", {"tokenizer.json: normalizer.normalizers[", "64 times longer"});
    // The empty pattern matches between every two characters: 100 kB at each of 20,001 places.
    synthetic::write_tokenizer(dir / "empty",
                               small_tokenizer(nullptr, replace({{"Regex", ""}}, std::string(100000, 'b'))));
    check_tokens_refused(dir / "empty", std::string(20000, 'a'),
                         {"tokenizer.json: normalizer", "this step would make the text"});
    synthetic::write_tokenizer(dir / "prepend",
                               small_tokenizer(nullptr, {{"type", "Prepend"}, {"prepend", std::string(1 << 20, 'a')}}));
    check_tokens_refused(dir / "prepend", "ab", {"tokenizer.json: normalizer", "longer than"});
  }

  TEST_CASE("pre-tokenizers that multiply the text are refused by the step, at once") {
    const TempDir dir;
    synthetic::write_tokenizer(dir / "metaspace", small_tokenizer({{"type", "Metaspace"},
                                                                   {"replacement", std::string(3 << 20, 'a')},
                                                                   {"prepend_scheme", "always"},
                                                                   {"split", false}}));
    check_tokens_refused(dir / "metaspace", "a b a b a b", {"tokenizer.json: pre_tokenizer", "longer than"});
    // ByteLevel spells each byte as a character of two bytes: forty of them in a row double it forty times.
    json chain = {{"type", "Sequence"}, {"pretokenizers", std::vector<json>(40, synthetic::byte_level(false))}};
    synthetic::write_tokenizer(dir / "bytelevel", small_tokenizer(chain));
    check_tokens_refused(dir / "bytelevel", "a b", {"tokenizer.json: pre_tokenizer.pretokenizers[", "64 times longer"});
  }
}
