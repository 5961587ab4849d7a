// Hub ids, revisions and the cache's names (hub.md, huggingface_hub's validate_repo_id and
// repo_folder_name): what --model takes for a Hub id and the folders it becomes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/hub/repo_cache.hpp"
#include "core/hub/repo_id.hpp"

using namespace attnlab;

TEST_SUITE("hub/repo-id") {
  TEST_CASE("ids the Hub has, and their cache folders") {
    const struct {
      const char* id;
      const char* org;
      const char* name;
      const char* folder;
    } valid[] = {
        {"gpt2", "", "gpt2", "models--gpt2"},
        {"openai-community/gpt2", "openai-community", "gpt2", "models--openai-community--gpt2"},
        {"Qwen/Qwen2.5-0.5B", "Qwen", "Qwen2.5-0.5B", "models--Qwen--Qwen2.5-0.5B"},
        {"HuggingFaceTB/SmolLM2-135M", "HuggingFaceTB", "SmolLM2-135M", "models--HuggingFaceTB--SmolLM2-135M"},
        {"a_b/c_d", "a_b", "c_d", "models--a_b--c_d"},
        {"123", "", "123", "models--123"},
    };
    for (const auto& v : valid) {
      CAPTURE(v.id);
      const auto id = parse_repo_id(v.id);
      REQUIRE(id.has_value());
      CHECK(id->org == v.org);
      CHECK(id->name == v.name);
      CHECK(id->text() == v.id);
      CHECK(id->folder_name() == v.folder);
      const auto back = repo_of_folder_name(v.folder);
      REQUIRE(back.has_value());
      CHECK(back->text() == v.id);
    }
    CHECK(parse_repo_id(std::string(96, 'a')).has_value());
  }

  TEST_CASE("what is no id: paths, three parts, separators the cache uses, lengths") {
    for (const std::string& bad : std::vector<std::string>{"",
                                                           "../x",
                                                           "./x",
                                                           "a/b/c",
                                                           "/abs",
                                                           "a/",
                                                           "/a",
                                                           "a//b",
                                                           "a--b",
                                                           "org/a--b",
                                                           "a..b",
                                                           "-a",
                                                           "a-",
                                                           ".a",
                                                           "a.",
                                                           "a b",
                                                           "a\\b",
                                                           "a:b",
                                                           "ü",
                                                           "x.git",
                                                           "org/x.git",
                                                           std::string(97, 'a'),
                                                           std::string(200, 'a'),
                                                           "org/" + std::string(97, 'n'),
                                                           "a\nb"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_repo_id(bad).has_value());
    }
    CHECK_FALSE(repo_of_folder_name("datasets--org--name").has_value());
    CHECK_FALSE(repo_of_folder_name("models--a--b--c").has_value());
    CHECK_FALSE(repo_of_folder_name(".locks").has_value());
  }

  TEST_CASE("revisions: branches, tags, commits; nothing that escapes refs/") {
    for (const char* good : {"main", "v1.0", "refs/pr/1", "feature_x-2", "0123456789abcdef0123456789abcdef01234567"})
      CHECK_NOTHROW(check_revision(good));
    for (const std::string& bad : std::vector<std::string>{"", "..", "../main", "a/../b", "/main", "main/", "a//b",
                                                           "a b", "main\n", "é", std::string(201, 'a')}) {
      CAPTURE(bad);
      CHECK_THROWS_AS(check_revision(bad), InputError);
    }
    CHECK(is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
    CHECK_FALSE(is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));  // as huggingface_hub: lower case
    CHECK_FALSE(is_commit_hash("0123456789abcdef0123456789abcdef0123456"));
    CHECK_FALSE(is_commit_hash("main"));
  }

  TEST_CASE("a repo's files and blob ids that can live in the cache") {
    for (const char* good : {"config.json", "model-00001-of-00002.safetensors", "onnx/model.onnx"})
      CHECK(safe_repo_file_name(good));
    for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a\\b", "a/", "a\tb"})
      CHECK_FALSE(safe_repo_file_name(bad));
    CHECK(safe_blob_id("0123456789abcdef0123456789abcdef01234567"));
    for (const char* bad : {"", "../x", "a/b", "a.incomplete", "\"quoted\""}) CHECK_FALSE(safe_blob_id(bad));
  }

  TEST_CASE("a snapshot folder names its repo") {
    const std::string commit(40, 'a');
    const auto repo = repo_of_snapshot("/c/hub/models--openai-community--gpt2/snapshots/" + commit);
    REQUIRE(repo.has_value());
    CHECK(repo->name == "gpt2");
    CHECK(repo_of_snapshot("/c/hub/models--gpt2/snapshots/" + commit + "/")->text() == "gpt2");
    CHECK_FALSE(repo_of_snapshot("/c/models/gpt2").has_value());
    CHECK_FALSE(repo_of_snapshot("/c/hub/models--gpt2/blobs/" + commit).has_value());
  }
}
