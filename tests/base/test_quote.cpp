// How messages quote text they did not write: one rule, and the ways the program uses it.
#include <doctest/doctest.h>

#include <string>

#include "core/base/quote.hpp"
#include "core/base/threads.hpp"

using namespace attnlab;

TEST_SUITE("base/quote") {
  TEST_CASE("excerpt: printable ASCII as is, every other byte as \\xhh, cut at `most` bytes with ...") {
    CHECK(excerpt("window:3") == "window:3");
    CHECK(excerpt("a\nb\x01\x7f\xff") == "a\\x0ab\\x01\\x7f\\xff");
    CHECK(excerpt("\xc3\xa9t\xc3\xa9") == "\\xc3\\xa9t\\xc3\\xa9");  // "été": no UTF-8 reaches a terminal raw
    CHECK(excerpt(std::string(50, 'x')) == std::string(40, 'x') + "...");
    CHECK(excerpt(std::string(40, 'x')) == std::string(40, 'x'));
    CHECK(excerpt("abcdef", 3) == "abc...");
    CHECK(printable(std::string(200, 'y')) == std::string(120, 'y') + "...");
  }

  TEST_CASE("visible: control bytes escaped, UTF-8 kept whole, a cut never inside a character") {
    CHECK(visible("a\nb\tc\r\x01\x7f") == "a\\nb\\tc\\r\\x01\\x7f");
    CHECK(visible("\xc4\xa0the caf\xc3\xa9") == "\xc4\xa0the caf\xc3\xa9");
    // Cut at 4 bytes: "é" is bytes 3 and 4 of "caé…", so the cut moves back before it.
    CHECK(visible("ca\xc3\xa9s", 3) == "ca…");
    CHECK(visible("ca\xc3\xa9s", 4) == "ca\xc3\xa9…");
    CHECK(visible("short", 40) == "short");
  }

  TEST_CASE("one_line: only line breaks escaped, so a message stays one line") {
    CHECK(one_line("Q file a\nb.npy: cannot read") == "Q file a\\nb.npy: cannot read");
    CHECK(one_line("a\r\nb\tc \xc3\xa9") == "a\\r\\nb\tc \xc3\xa9");
  }

  TEST_CASE("shortened: at most `most` bytes on a character boundary, … when cut") {
    CHECK(shortened("short") == "short");
    const std::string long_text = std::string(239, 'x') + "\xe2\x88\x9a" + "yy";  // √ across byte 240
    CHECK(shortened(long_text) == std::string(239, 'x') + "…");
    CHECK(shortened(std::string(300, 'z')) == std::string(240, 'z') + "…");
  }
}

TEST_SUITE("base/threads") {
  TEST_CASE("outside a parallel region: one team of one, thread 0, and at least one thread to come") {
    CHECK(max_threads() >= 1);
    CHECK(team_size() == 1);
    CHECK(thread_index() == 0);
  }
}
