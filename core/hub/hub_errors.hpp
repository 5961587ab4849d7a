#pragma once
// What a Hub answer or a failed transfer means, as hub.md lists it: exit 2 (InputError) for what the
// user can change (the id, the revision, the token, a licence to accept), exit 1 (RunError) for the
// network and the server. Messages name the model, the file or the revision, never the token.
#include <string>

#include "core/base/matrix.hpp"
#include "core/hub/http_client.hpp"
#include "core/hub/repo_id.hpp"

namespace attnlab {

// No such model, a private or gated one, or a token refused: the Hub would not show the repo. An
// InputError, but one that a cached copy may stand in for, as huggingface_hub lets it.
struct HubAccessError : InputError {
  using InputError::InputError;
};

// The download was cancelled (Ctrl-C, the window's button): the .incomplete part stays for the next try.
struct DownloadCancelled : RunError {
  using RunError::RunError;
};

// What one request was about, for messages.
struct HubRequest {
  const RepoId& repo;
  const std::string& revision;
  const std::string& file;
  const std::string& endpoint;
  const std::string& token_source;  // empty when no token was sent
};

// The Hub's X-Error-Code (EntryNotFound) or a 404 on a file of a repo that answered before.
bool entry_not_found(const HttpResponse& response);

// Throws the error that a non-2xx/3xx answer means, from its status and X-Error-Code:
// RevisionNotFound → InputError naming the revision; EntryNotFound → InputError naming the file;
// GatedRepo or 403 → HubAccessError "gated: accept its licence … and set HF_TOKEN"; a refused token
// → HubAccessError naming where it came from; RepoNotFound, 401 or 404 → HubAccessError "no such
// model, or it is private (set HF_TOKEN)"; 5xx and anything else → RunError.
[[noreturn]] void throw_hub_answer(const HttpResponse& response, const HubRequest& request);

// Throws the RunError for a request that got no usable answer (no connection, a timeout, a cut);
// DownloadCancelled when it was cancelled. `what` ends the message ("; the part is kept …").
[[noreturn]] void throw_transfer_failure(const TransferResult& result, const HubRequest& request,
                                         const std::string& what = "");

}  // namespace attnlab
