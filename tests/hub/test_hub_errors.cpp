// What each answer of the Hub means (hub.md's list, huggingface_hub's hf_raise_for_status): the
// status and X-Error-Code to the error and its exit status, the token's value in no message.
#include <doctest/doctest.h>

#include <string>

#include "core/hub/hub_errors.hpp"

using namespace attnlab;

namespace {

HttpResponse answer(long status, const std::string& code = "", const std::string& message = "") {
  HttpResponse r;
  r.status = status;
  if (!code.empty()) r.headers["x-error-code"] = code;
  if (!message.empty()) r.headers["x-error-message"] = message;
  return r;
}

// The message of what throw_hub_answer throws, and whether it is of type E.
template <class E>
std::string thrown(const HttpResponse& r, const std::string& token_source = "") {
  const RepoId repo{"org", "tiny"};
  const std::string revision = "v2", file = "config.json", endpoint = "https://hub.example";
  try {
    throw_hub_answer(r, {repo, revision, file, endpoint, token_source});
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("the wrong kind of error: ") + e.what();
  }
  return "nothing thrown";
}

}  // namespace

TEST_SUITE("hub/errors") {
  TEST_CASE("the user's to mend (exit 2): no such model, private, gated, a refused token, a revision or file missing") {
    const std::string nothing =
        "Hub model org/tiny: no such model on https://hub.example, or it is private (set HF_TOKEN)";
    CHECK(thrown<HubAccessError>(answer(401, "RepoNotFound")) == nothing);
    CHECK(thrown<HubAccessError>(answer(404, "RepoNotFound")) == nothing);
    CHECK(thrown<HubAccessError>(answer(401)) == nothing);  // the Hub's 401 for a private repo without a token
    CHECK(
        thrown<HubAccessError>(answer(404)) ==
        "Hub model org/tiny: no such model (or revision 'v2') on https://hub.example, or it is private (set HF_TOKEN)");
    const std::string gated =
        "Hub model org/tiny is gated: accept its licence on the model page, "
        "https://hub.example/org/tiny, and set HF_TOKEN";
    CHECK(thrown<HubAccessError>(answer(401, "GatedRepo")) == gated);
    CHECK(thrown<HubAccessError>(answer(403)) == gated);
    CHECK(thrown<HubAccessError>(answer(403, "GatedRepo"), "HF_TOKEN") ==
          gated + " (the token from HF_TOKEN has no access)");
    CHECK(thrown<HubAccessError>(answer(401, "", "Invalid credentials in Authorization header"), "/home/u/token") ==
          "Hub model org/tiny: the Hub refused the token from /home/u/token (invalid credentials)");
    CHECK(thrown<InputError>(answer(404, "RevisionNotFound")) ==
          "Hub model org/tiny has no revision 'v2' (--revision: a branch, a tag or a commit)");
    CHECK(thrown<InputError>(answer(404, "EntryNotFound")) == "Hub model org/tiny has no config.json at revision v2");
  }

  TEST_CASE("the server's (exit 1): 5xx and anything else") {
    CHECK(thrown<RunError>(answer(500)) ==
          "Hub model org/tiny: https://hub.example answered 500 (a server error) for config.json; try again later");
    CHECK(thrown<RunError>(answer(503)).find("answered 503 (a server error)") != std::string::npos);
    CHECK(thrown<RunError>(answer(429)) == "Hub model org/tiny: https://hub.example answered 429 for config.json");
    CHECK(entry_not_found(answer(404, "EntryNotFound")));
    CHECK(entry_not_found(answer(404)));
    CHECK_FALSE(entry_not_found(answer(404, "RevisionNotFound")));
    CHECK_FALSE(entry_not_found(answer(401)));
  }
}
