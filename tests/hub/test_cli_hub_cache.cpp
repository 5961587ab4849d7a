// A cache laid out by hand as huggingface_hub lays it out (file_download.py: blobs named by ETag — a
// git file's blob id, an LFS file's SHA-256 — snapshots of relative links, refs holding a commit,
// .no_exist markers, .locks, CACHEDIR.TAG), as `transformers` leaves it: it opens with
// HF_HUB_OFFLINE=1 and not one request; `attnlab models` lists what it holds.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/hub/hub_fixture.hpp"

using namespace hub_test;
using cli_test::RunResult;
using cli_test::TempDir;

namespace {

// One revision of a repo written into the cache by hand: each file's blob, its link, the ref.
void lay_out(const fs::path& cache, const std::string& repo_folder, const std::string& commit,
             const std::map<std::string, HubFile>& files, const std::string& ref = "") {
  const fs::path repo = cache / repo_folder;
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "snapshots" / commit);
  for (const auto& [name, f] : files) {
    cli_test::write_all(repo / "blobs" / f.id(), f.bytes);
    fs::create_symlink("../../blobs/" + f.id(), repo / "snapshots" / commit / name);
    fs::create_directories(cache / ".locks" / repo_folder);
    cli_test::write_all(cache / ".locks" / repo_folder / (f.id() + ".lock"), "");
  }
  if (!ref.empty()) {
    fs::create_directories((repo / "refs" / ref).parent_path());
    cli_test::write_all(repo / "refs" / ref, commit);  // huggingface_hub writes the commit alone, no newline
  }
  cli_test::write_all(cache / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");
}

std::uint64_t total_size(const std::map<std::string, HubFile>& files) {
  std::uint64_t n = 0;
  for (const auto& [name, f] : files) n += f.bytes.size();
  return n;
}

}  // namespace

TEST_SUITE("cli/hub-cache") {
  TEST_CASE("a cache laid out by hand opens offline, by branch, tag or commit, with no request") {
    FakeHub hub;  // no repos: any request would show in its log
    TempDir home;
    const auto files_a = tiny_repo_files({}, 1);
    const auto files_b = tiny_repo_files({}, 2);
    const std::string folder = "models--openai-community--gpt2-tiny";
    lay_out(home / "hub", folder, commit_a, files_a, "main");
    lay_out(home / "hub", folder, commit_b, files_b, "v1");
    cli_test::write_all(home / "hub" / folder / "refs" / "v1", commit_b + "\n");  // as a hand-made ref may end
    fs::create_directories(home / "hub" / folder / ".no_exist" / commit_a);
    cli_test::write_all(home / "hub" / folder / ".no_exist" / commit_a / "tokenizer.json", "");
    for (const auto& [files, name] : {std::pair(files_a, "a"), std::pair(files_b, "b")}) {
      HubRepo r;
      r.files = files;
      write_folder(r, home / (std::string("folder-") + name));
      CHECK(cli_test::run_attnlab({"compute", "--model", (home / ("folder-" + std::string(name))).string(),
                                   "--token-ids", "3,1,4,1", "--dump", (home / ("want-" + std::string(name))).string()})
                .status == 0);
    }
    const auto offline = with_var(hub_env(home.path(), hub.endpoint()), "HF_HUB_OFFLINE=1");
    const auto same = [&](const std::vector<std::string>& more, const std::string& dump, const std::string& want,
                          const cli_test::RunOptions& env) {
      std::vector<std::string> args{"compute", "--model", "openai-community/gpt2-tiny", "--token-ids",
                                    "3,1,4,1", "--dump",  (home / dump).string()};
      args.insert(args.end(), more.begin(), more.end());
      const RunResult r = cli_test::run_attnlab(args, env);
      CAPTURE(r.err);
      REQUIRE(r.status == 0);
      for (const auto& e : fs::directory_iterator(home / want))
        CHECK(cli_test::read_all(e.path()) == cli_test::read_all(home / dump / e.path().filename()));
    };
    same({}, "main", "want-a", offline);
    same({"--revision", "v1"}, "v1", "want-b", offline);
    same({"--revision", commit_b}, "commit-b", "want-b", offline);
    // Online, a commit the cache holds whole (its tokenizer there, tokenizer.json known absent): no request either.
    same({"--revision", commit_a}, "commit-a", "want-a", hub_env(home.path(), hub.endpoint()));
    const RunResult tokens =
        cli_test::run_attnlab({"tokens", "--model", "openai-community/gpt2-tiny", "--text", "ab ab"}, offline);
    CHECK(tokens.out == "0 4 ab\n1 5  ab\n");
    CHECK(hub.requests() == 0);
  }
}

TEST_SUITE("cli/models") {
  TEST_CASE("the cache's models: revision, commit, size, model_type, whether they open and why not") {
    TinyHub world;
    auto& [hub, tiny, home, env] = world;
    REQUIRE(cli_test::run_attnlab({"tokens", "--model", "org/tiny", "--token-ids", "1"}, env).status == 0);
    REQUIRE(cli_test::run_attnlab(
                {"compute", "--model", "org/tiny", "--token-ids", "1", "--dump", (home / "dump").string()}, env)
                .status == 0);
    auto bert = tiny_repo_files();
    bert["config.json"] = {R"({"model_type": "bert", "vocab_size": 30522})", false};
    lay_out(home / "hub", "models--google-bert--bert-base-uncased", commit_b, bert, "main");
    auto pytorch = tiny_repo_files();
    pytorch["pytorch_model.bin"] = {pytorch.at("model.safetensors").bytes + "x", true};
    pytorch.erase("model.safetensors");
    lay_out(home / "hub", "models--pt", commit_a, pytorch, "main");
    auto pinned = tiny_repo_files({}, 3);  // fetched by commit: no ref names it
    lay_out(home / "hub", "models--org--pinned", commit_b, pinned);
    auto bare = tiny_repo_files();
    bare.erase("config.json");
    lay_out(home / "hub", "models--org--bare", commit_a, bare, "refs/pr/1");
    fs::create_directories(home / "hub" / "not-a-model");

    const RunResult json = cli_test::run_attnlab({"models", "--json"}, env);
    CAPTURE(json.err);
    REQUIRE(json.status == 0);
    const nlohmann::json want = nlohmann::json::parse(R"J([
      {"repo_id": "google-bert/bert-base-uncased", "revision": "main", "model_type": "bert", "supported": false,
       "why": "model_type 'bert' is not supported (supported: gpt2, llama, mistral, qwen2, qwen3, gemma, gemma2, gemma3_text, olmo2, gpt_neox, phi3, smollm3)"},
      {"repo_id": "org/bare", "revision": "refs/pr/1", "model_type": null, "supported": false,
       "why": "no config.json in the cache"},
      {"repo_id": "org/pinned", "revision": ")J" + commit_b +
                                                      R"J(", "model_type": "gpt2", "supported": true, "why": null},
      {"repo_id": "org/tiny", "revision": "main", "model_type": "gpt2", "supported": true, "why": null},
      {"repo_id": "pt", "revision": "main", "model_type": "gpt2", "supported": false,
       "why": "no safetensors weights (only pytorch_model.bin: only safetensors are read)"}
    ])J");
    nlohmann::json got = nlohmann::json::parse(json.out);
    REQUIRE(got.size() == want.size());
    const std::vector<std::pair<std::string, std::uint64_t>> commits_sizes{{commit_b, total_size(bert)},
                                                                           {commit_a, total_size(bare)},
                                                                           {commit_b, total_size(pinned)},
                                                                           {commit_a, total_size(tiny.files)},
                                                                           {commit_a, total_size(pytorch)}};
    for (std::size_t i = 0; i < want.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i]["commit"] == commits_sizes[i].first);
      CHECK(got[i]["size_bytes"] == commits_sizes[i].second);
      got[i].erase("commit"), got[i].erase("size_bytes");
      CHECK(got[i] == want[i]);
    }

    const RunResult text = cli_test::run_attnlab({"--quiet", "models"}, env);
    REQUIRE(text.status == 0);
    std::vector<std::string> lines;
    for (std::size_t at = 0, end; (end = text.out.find('\n', at)) != std::string::npos; at = end + 1)
      lines.push_back(text.out.substr(at, end - at));
    REQUIRE(lines.size() == 6);
    CHECK(lines[0].starts_with("MODEL"));
    CHECK(contains(lines[4], "org/tiny"));
    CHECK(contains(lines[4], commit_a.substr(0, 12)));
    CHECK(lines[4].ends_with("yes"));
    CHECK(contains(lines[1], "no: model_type 'bert' is not supported"));
  }

  TEST_CASE("an empty cache, and --quiet after the subcommand; the endpoint and the token are not its business") {
    TempDir home;
    const auto env = with_var(hub_env(home.path(), "ftp://not-an-endpoint"), "HF_TOKEN=not a token");
    const RunResult text = cli_test::run_attnlab({"models", "--quiet"}, env);
    CHECK(text.status == 0);
    CHECK(text.out == "no models in the cache " + (home / "hub").string() + "\n");
    CHECK(cli_test::run_attnlab({"models", "--json"}, env).out == "[]\n");
  }
}
