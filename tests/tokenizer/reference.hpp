#pragma once
// What the reference-tokenizer suites share: the npm packages scripts/test.sh installs into
// build/npm, node to run them, and the texts every tokenizer is checked on.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.hpp"
#include "tests/cli_run.hpp"

namespace reference {

namespace fs = std::filesystem;
using Ids = std::vector<std::int32_t>;

inline const fs::path kNodeModules = fs::path(ATTNLAB_NPM_DIR) / "node_modules";
inline const fs::path kScripts = fs::path(ATTNLAB_TOKENIZER_TESTS);

inline fs::path find_node() {
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    const fs::path candidate = fs::path(dirs.substr(at, end - at)) / "node";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = end + 1;
  }
  return {};
}

// True when node and `file` (under build/npm/node_modules) are there. Otherwise the test fails, or,
// with ATTNLAB_ALLOW_NO_NODE=1, says that it skips: a missing install must not pass in silence.
inline bool have(const fs::path& file) {
  std::string missing;
  if (find_node().empty()) missing = "node is not on PATH";
  else if (!fs::exists(kNodeModules / file)) missing = (kNodeModules / file).string() + " is missing";
  if (missing.empty()) return true;
  const char* allow = std::getenv("ATTNLAB_ALLOW_NO_NODE");
  if (allow && std::string(allow) == "1") {
    MESSAGE("skipped, as ATTNLAB_ALLOW_NO_NODE=1 allows: " << missing);
    return false;
  }
  FAIL(missing << " (scripts/test.sh installs it; ATTNLAB_ALLOW_NO_NODE=1 skips these tests)");
  return false;
}

// The ids a reference script (tests/tokenizer/SCRIPT) gives each text: node SCRIPT ARGS... TEXTS.json.
inline std::vector<Ids> run(const std::string& script, std::vector<std::string> args,
                            const std::vector<std::string>& texts) {
  cli_test::TempDir dir;
  cli_test::write_all(dir / "texts.json", nlohmann::json(texts).dump());
  args.insert(args.begin(), (kScripts / script).string());
  args.push_back((dir / "texts.json").string());
  const cli_test::RunResult result = cli_test::run_program(find_node().string(), args);
  REQUIRE_MESSAGE(result.status == 0, result.err);
  auto ids = nlohmann::json::parse(result.out).get<std::vector<Ids>>();
  REQUIRE(ids.size() == texts.size());
  return ids;
}

// Varied text of about `length` bytes from a fixed seed: words of several scripts, numbers,
// punctuation, contractions, emoji (ZWJ sequences and modifiers too), combining marks, runs of spaces,
// tabs and newlines. Left out: characters whose whitespace class differs between JavaScript's \s and
// the Hugging Face regex engine (U+0085, U+180E, U+FEFF), where the GPT-2 npm reference itself
// disagrees with Hugging Face's tokenizer.
inline std::string varied_text(std::size_t length, std::uint32_t seed) {
  static const std::vector<std::string> parts{"the",
                                              "The",
                                              "attention",
                                              " weights",
                                              "softmax",
                                              "queries",
                                              "keys",
                                              "values",
                                              "Transformer",
                                              "GPT",
                                              "indivisible",
                                              "don't",
                                              "we'll",
                                              "I'm",
                                              "they've",
                                              "you're",
                                              "she'd",
                                              "it's",
                                              "'s",
                                              "'t",
                                              "'re",
                                              "'ve",
                                              "'m",
                                              "'ll",
                                              "'d",
                                              "'S",
                                              "'LL",
                                              "0",
                                              "7",
                                              "42",
                                              "2024",
                                              "3.14159",
                                              "1,000,000",
                                              "-5",
                                              "1e-9",
                                              "0x1F",
                                              ",",
                                              ".",
                                              "!",
                                              "?",
                                              "...",
                                              ";",
                                              ":",
                                              "(",
                                              ")",
                                              "[",
                                              "]",
                                              "{",
                                              "}",
                                              "\"",
                                              "'",
                                              "-",
                                              "--",
                                              "—",
                                              "–",
                                              "/",
                                              "\\",
                                              "@",
                                              "#",
                                              "$",
                                              "%",
                                              "&",
                                              "*",
                                              "+",
                                              "=",
                                              "<",
                                              ">",
                                              "|",
                                              "~",
                                              "`",
                                              "^",
                                              "_",
                                              " ",
                                              " ",
                                              " ",
                                              "  ",
                                              "   ",
                                              "\t",
                                              "\n",
                                              "\n\n",
                                              "\r\n",
                                              " \n ",
                                              "café",
                                              "naïve",
                                              "Ærøskøbing",
                                              "façade",
                                              "Straße",
                                              "ñandú",
                                              "Ελληνικά",
                                              "αβγ",
                                              "Ω",
                                              "Русский",
                                              "привет",
                                              "Україна",
                                              "日本語",
                                              "中文字符",
                                              "한국어",
                                              "ไทย",
                                              "עברית",
                                              "العربية",
                                              "हिन्दी",
                                              "😀",
                                              "🎉🎉",
                                              "👍🏽",
                                              "👨‍👩‍👧‍👦",
                                              "🏳️‍🌈",
                                              "❤️",
                                              "∑",
                                              "√",
                                              "π",
                                              "∞",
                                              "≤",
                                              "→",
                                              "·",
                                              "€",
                                              "£",
                                              "¥",
                                              "©",
                                              "®",
                                              "™",
                                              "\u00A0",
                                              "\u2003",
                                              "\u3000",
                                              "\u200B",
                                              "e\u0301",
                                              "A\u030A",
                                              "ﬁ",
                                              "ǅ",
                                              "ℌ",
                                              "Ⅻ",
                                              "½",
                                              "²",
                                              "٣",
                                              "߀"};
  std::mt19937 random(seed);
  std::string text;
  while (text.size() < length) text += parts[random() % parts.size()];
  return text;
}

// Hand-picked texts, one of a few thousand characters, and 200 short varied ones.
inline std::vector<std::string> texts() {
  std::vector<std::string> all{
      "",
      "This is some text",
      "indivisible",
      "hello world",
      "Hello world, the quick brown fox.",
      "It's we're they've I'm you'll he'd don't",
      "IT'S WE'RE THEY'VE",
      "'s't're've'm'll'd",
      "12345 67 8 9000000 3.14 1,234,567 -42 0.5e10",
      "a  b   c    d",
      "     leading and trailing     ",
      "\n\n\nnew\nlines\r\n\r\n",
      "\ttabs\t\tand  \t mixed \t",
      " \n \n ",
      "Hello!!! What??? ...yes... (really) [sure] {ok} <tag> \"quoted\" 'single'",
      "email@example.com https://example.org/path?q=1&r=2#frag",
      "C'est déjà l'été à Paris, où il fait chaud.",
      "Müller, Ørsted, Łódź, Ćevapi, Şişli, naïve coöperation",
      "Καλημέρα κόσμε, αυτό είναι ελληνικά.",
      "Привет, мир! Это русский текст.",
      "日本語のテキストと中文字符混合",
      "한국어 텍스트",
      "😀😃😄 emoji 👍🏽 and 👨‍👩‍👧‍👦 family and 🏳️‍🌈 flag",
      "mixed: English, Ελληνικά, Русский, 日本語, العربية, עברית, हिन्दी",
      "x² + y² = z²; ∑ᵢ aᵢ ≤ ∞; √2 ≈ 1.414",
      "    def f(x):\n        return x ** 2  # square\n",
  };
  all.push_back(varied_text(4000, 1));
  for (std::uint32_t seed = 2; seed < 202; ++seed) all.push_back(varied_text(60 + seed % 90, seed));
  return all;
}

// Checks `t` against the reference ids text by text; says how many texts and tokens agree.
inline void check_agreement(const attnlab::Tokenizer& t, const std::vector<std::string>& texts,
                            const std::vector<Ids>& expected, const std::string& what) {
  std::size_t same = 0, tokens = 0, same_tokens = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Ids ids = t.encode(texts[i]);
    INFO(what << ", text " << i << ": \"" << texts[i].substr(0, 200) << "\"");
    CHECK(ids == expected[i]);
    same += ids == expected[i];
    tokens += expected[i].size();
    if (ids == expected[i]) same_tokens += ids.size();
  }
  MESSAGE(what << ": " << same << " of " << texts.size() << " texts agree (" << same_tokens << " of " << tokens
               << " reference tokens)");
}

}  // namespace reference
