// First-run messages: a mistyped subcommand or option is refused with the nearest name, and the
// export help and defaults are those the window uses.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "tests/cli_run.hpp"

using cli_test::run_attnlab;

TEST_SUITE("cli/suggest") {
  TEST_CASE("a mistyped subcommand or option: exit 2, one line, and the nearest name") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"exprot"}, "did you mean export?"},
        {{"comptue", "--example", "sentence"}, "did you mean compute?"},
        {{"export", "--exmple", "sentence"}, "did you mean --example?"},
        {{"export", "--example", "sentence", "--stgae=weights"}, "did you mean --stage?"},
    };
    for (const auto& [args, said] : cases) {
      const auto r = run_attnlab(args);
      CHECK(r.status == 2);
      CHECK_MESSAGE(r.err.find(said) != std::string::npos, r.err);
      CHECK(r.err.rfind("attnlab: ", 0) == 0);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    // Nothing near: no guess.
    const auto far = run_attnlab({"zzzzzzzz"});
    CHECK(far.status == 2);
    CHECK(far.err.find("did you mean") == std::string::npos);
  }

  TEST_CASE("export --help says --layer N|all; the examples list the trained model") {
    const auto help = run_attnlab({"export", "--help"});
    CHECK(help.status == 0);
    CHECK_MESSAGE(help.out.find("--layer N|all") != std::string::npos, help.out);
    const auto examples = run_attnlab({"examples"});
    CHECK(examples.out.find("induction") != std::string::npos);
  }

  TEST_CASE("export --model without --text draws the window's sentence") {
    cli_test::TempDir dir;
    const auto plain = run_attnlab({"export", "--model", ATTNLAB_ASSETS_DIR "/models/induction", "--layer", "1",
                                    "--stage", "weights", "--out", (dir / "default.svg").string()});
    REQUIRE_MESSAGE(plain.status == 0, plain.err);
    const auto given =
        run_attnlab({"export", "--model", ATTNLAB_ASSETS_DIR "/models/induction", "--layer", "1", "--stage", "weights",
                     "--text", "The cat sat because it was tired", "--out", (dir / "given.svg").string()});
    REQUIRE_MESSAGE(given.status == 0, given.err);
    CHECK(cli_test::read_all(dir / "default.svg") == cli_test::read_all(dir / "given.svg"));
  }
}
