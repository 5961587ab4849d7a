// --model ID through the real binary against the fake Hub: every command that takes --model opens a
// Hub id as it opens the same files in a folder, from the cache when it can (offline: not one
// request; a commit: none either), and a folder of that name always wins.
#include <doctest/doctest.h>

#include "tests/hub/hub_fixture.hpp"

using namespace hub_test;
using cli_test::RunResult;
using cli_test::TempDir;

namespace {

// Two --dump folders hold the same files, byte for byte.
void check_same_dump(const fs::path& a, const fs::path& b) {
  std::set<std::string> names_a, names_b;
  for (const auto& e : fs::directory_iterator(a)) names_a.insert(e.path().filename().string());
  for (const auto& e : fs::directory_iterator(b)) names_b.insert(e.path().filename().string());
  CHECK(names_a == names_b);
  CHECK(names_a.size() >= 9);  // the five stages, stats, q/k/v, tokens, next
  for (const std::string& name : names_a) {
    CAPTURE(name);
    CHECK(cli_test::read_all(a / name) == cli_test::read_all(b / name));
  }
}

RunResult ok(const std::vector<std::string>& args, const cli_test::RunOptions& env) {
  const RunResult r = cli_test::run_attnlab(args, env);
  CAPTURE(r.command);
  CAPTURE(r.err);
  CHECK(r.status == 0);
  return r;
}

}  // namespace

TEST_SUITE("cli/hub") {
  TEST_CASE("compute, export, bench and tokens open org/tiny from the Hub as they open its folder") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    write_folder(repo, home / "folder");
    ok({"compute", "--model", (home / "folder").string(), "--token-ids", "1,2,3,4", "--layer", "1", "--dump",
        (home / "from-folder").string()},
       env);
    const RunResult first = ok({"compute", "--model", "org/tiny", "--token-ids", "1,2,3,4", "--layer", "1", "--dump",
                                (home / "from-hub").string()},
                               env);
    CHECK(first.err.empty());  // stderr is no terminal: no progress line
    check_same_dump(home / "from-folder", home / "from-hub");
    const fs::path snapshot = home / "hub" / "models--org--tiny" / "snapshots" / commit_a;
    for (const auto& [name, f] : repo.files) CHECK(cli_test::read_all(snapshot / name) == f.bytes);
    CHECK(gets(hub.cdn_log()) == 1);

    // Again: one HEAD per file and nothing downloaded; with the commit, or offline, no request at all.
    hub.clear_logs();
    ok({"compute", "--model", "org/tiny", "--token-ids", "1,2,3,4", "--layer", "1", "--dump",
        (home / "again").string()},
       env);
    check_same_dump(home / "from-folder", home / "again");
    CHECK(gets(hub.hub_log()) + gets(hub.cdn_log()) == 0);
    CHECK(hub.hub_log().size() == 4);
    hub.clear_logs();
    ok({"export", "--model", "org/tiny", "--revision", commit_a, "--token-ids", "1,2,3,4", "--stage", "weights",
        "--out", (home / "weights.svg").string()},
       env);
    CHECK(hub.requests() == 0);
    const std::string svg = cli_test::read_all(home / "weights.svg");
    CHECK(contains(svg, "tiny"));  // titled with the model's name, not its commit
    CHECK_FALSE(contains(svg, commit_a));
    const auto offline = with_var(env, "HF_HUB_OFFLINE=1");
    ok({"bench", "--model", "org/tiny", "--token-ids", "1,2,3", "--repeat", "1", "--json"}, offline);
    const RunResult tokens = ok({"tokens", "--model", "org/tiny", "--text", "ab ab"}, offline);
    CHECK(tokens.out == "0 4 ab\n1 5  ab\n");  // Ġab is " ab"
    CHECK(hub.requests() == 0);
  }

  TEST_CASE("tokens fetches the tokenizer, not the weights") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const RunResult r =
        ok({"tokens", "--model", "org/tiny", "--text", "ab ab", "--json"}, hub_env(home.path(), hub.endpoint()));
    CHECK(r.out == "{\"ids\":[4,5],\"tokens\":[\"ab\",\" ab\"]}\n");
    CHECK(hub.cdn_log().empty());
    for (const auto& l : hub.hub_log()) CHECK_FALSE(contains(l.request.target, "safetensors"));
  }

  TEST_CASE("a folder of that name wins over the Hub id, and asks nothing of the Hub") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    // The folder org/tiny (relative to where attnlab runs) holds other weights than the Hub's.
    HubRepo other = tiny_repo(commit_b);
    other.files = tiny_repo_files({}, 7);
    write_folder(other, home / "work" / "org" / "tiny");
    const RunResult r = cli_test::run_program(
        "/bin/sh",
        {"-c", "cd \"$1\" && exec \"$2\" compute --model org/tiny --token-ids 1,2,3 --dump \"$3\"", "sh",
         (home / "work").string(), ATTNLAB_BIN, (home / "from-relative").string()},
        env);
    CHECK(r.status == 0);
    CHECK(hub.requests() == 0);
    ok({"compute", "--model", (home / "work" / "org" / "tiny").string(), "--token-ids", "1,2,3", "--dump",
        (home / "from-folder").string()},
       env);
    check_same_dump(home / "from-folder", home / "from-relative");
  }

  TEST_CASE("cached and the Hub out of reach: the cache stands in, as huggingface_hub lets it") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    ok({"compute", "--model", "org/tiny", "--token-ids", "1,2", "--dump", (home / "a").string()},
       hub_env(home.path(), hub.endpoint()));
    const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port());
    ok({"compute", "--model", "org/tiny", "--token-ids", "1,2", "--dump", (home / "b").string()},
       hub_env(home.path(), closed));
    check_same_dump(home / "a", home / "b");
  }
}
