// Where the cache, the endpoint and the token come from (huggingface_hub's constants.py and
// _auth.py): each variable alone and in precedence, read from a given environment.
#include <doctest/doctest.h>

#include <map>

#include "core/base/matrix.hpp"
#include "core/hub/hub_settings.hpp"
#include "tests/cli_run.hpp"

using namespace attnlab;

namespace {

// A made-up environment: HOME is a folder that does not exist unless given, so that no real token file is read.
Environment env_of(std::map<std::string, std::string> variables) {
  variables.emplace("HOME", "/nonexistent-attnlab-home");
  return [variables](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(std::string(name));
    if (found == variables.end() || found->second.empty()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_SUITE("hub/settings") {
  TEST_CASE("the cache root: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, then ~/.cache") {
    const std::map<std::string, std::string> all{{"HOME", "/home/u"},
                                                 {"XDG_CACHE_HOME", "/xdg"},
                                                 {"HF_HOME", "/hf"},
                                                 {"HUGGINGFACE_HUB_CACHE", "/legacy"},
                                                 {"HF_HUB_CACHE", "/hub"}};
    auto env = all;
    CHECK(hub_settings(env_of(env)).cache == "/hub");
    env.erase("HF_HUB_CACHE");
    CHECK(hub_settings(env_of(env)).cache == "/legacy");
    env.erase("HUGGINGFACE_HUB_CACHE");
    CHECK(hub_settings(env_of(env)).cache == "/hf/hub");
    env.erase("HF_HOME");
    CHECK(hub_settings(env_of(env)).cache == "/xdg/huggingface/hub");
    env.erase("XDG_CACHE_HOME");
    CHECK(hub_settings(env_of(env)).cache == "/home/u/.cache/huggingface/hub");
    CHECK(hub_settings(env_of({{"HOME", "/home/u"}, {"HF_HOME", "~/hf"}})).cache == "/home/u/hf/hub");
    CHECK(hub_settings(env_of({{"HOME", "/home/u"}, {"HF_HUB_CACHE", "~"}})).cache == "/home/u");
    // Set but empty is unset (huggingface_hub would take "" as the current folder).
    CHECK(hub_settings(env_of({{"HOME", "/home/u"}, {"HF_HUB_CACHE", ""}})).cache == "/home/u/.cache/huggingface/hub");
  }

  TEST_CASE("the endpoint, offline mode and the timeouts") {
    const auto base = std::map<std::string, std::string>{{"HOME", "/nonexistent-home"}};
    CHECK(hub_settings(env_of(base)).endpoint == "https://huggingface.co");
    auto env = base;
    env["HF_ENDPOINT"] = "http://127.0.0.1:8080//";
    CHECK(hub_settings(env_of(env)).endpoint == "http://127.0.0.1:8080");
    env["HF_ENDPOINT"] = "ftp://mirror";
    CHECK_THROWS_WITH_AS(hub_settings(env_of(env)), doctest::Contains("HF_ENDPOINT 'ftp://mirror'"), InputError);
    for (const char* on : {"1", "ON", "yes", "True"}) {
      CHECK(hub_settings(env_of({{"HF_HUB_OFFLINE", on}})).offline);
      CHECK(hub_settings(env_of({{"TRANSFORMERS_OFFLINE", on}})).offline);
    }
    for (const char* off : {"0", "no", "false", "2", ""})
      CHECK_FALSE(hub_settings(env_of({{"HF_HUB_OFFLINE", off}})).offline);
    CHECK(hub_settings(env_of({{"HF_HUB_ETAG_TIMEOUT", "3"}})).etag_timeout_s == 3);
    CHECK(hub_settings(env_of({{"HF_HUB_DOWNLOAD_TIMEOUT", "25"}})).download_timeout_s == 25);
    for (const char* bad : {"x", "-1", "0", "1.5", "99999999999999999999"})
      CHECK_THROWS_WITH_AS(hub_settings(env_of({{"HF_HUB_ETAG_TIMEOUT", bad}})),
                           doctest::Contains("HF_HUB_ETAG_TIMEOUT"), InputError);
  }

  TEST_CASE("the token: HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH, $HF_HOME/token; cleaned; never shown") {
    cli_test::TempDir home;
    cli_test::write_all(home / "token", "  file-token\r\n");
    cli_test::write_all(home / "other", "other-token\n");
    const std::string hf_home = home.path().string();
    HubSettings s = hub_settings(env_of({{"HF_HOME", hf_home}}));
    CHECK(s.token.authorization_header() == "Authorization: Bearer file-token");
    CHECK(s.token.source() == (home / "token").string());
    s = hub_settings(env_of({{"HF_HOME", hf_home}, {"HF_TOKEN_PATH", (home / "other").string()}}));
    CHECK(s.token.authorization_header() == "Authorization: Bearer other-token");
    s = hub_settings(env_of({{"HF_HOME", hf_home}, {"HUGGING_FACE_HUB_TOKEN", "legacy"}}));
    CHECK(s.token.authorization_header() == "Authorization: Bearer legacy");
    s = hub_settings(env_of({{"HF_HOME", hf_home}, {"HUGGING_FACE_HUB_TOKEN", "legacy"}, {"HF_TOKEN", " env\n"}}));
    CHECK(s.token.authorization_header() == "Authorization: Bearer env");
    CHECK(s.token.source() == "HF_TOKEN");
    CHECK(hub_settings(env_of({{"HF_HOME", hf_home}, {"HF_TOKEN", "x"}, {"HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"}}))
              .token.empty());
    CHECK(hub_settings(env_of({{"HF_HOME", hf_home}, {"HF_HUB_OFFLINE", "1"}})).token.empty());  // nothing is sent
    CHECK(hub_settings(env_of({{"HF_HOME", (home / "none").string()}})).token.empty());
    // A token that would break its header line is refused without being shown.
    try {
      hub_settings(env_of({{"HF_TOKEN", "se cret"}}));
      FAIL("a token with a space was taken");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("HF_TOKEN") != std::string::npos);
      CHECK(std::string(e.what()).find("se cret") == std::string::npos);
    }
  }
}
