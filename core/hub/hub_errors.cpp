#include "core/hub/hub_errors.hpp"

namespace attnlab {

bool entry_not_found(const HttpResponse& r) {
  const auto code = r.header("x-error-code");
  return code ? *code == "EntryNotFound" : r.status == 404;
}

void throw_hub_answer(const HttpResponse& r, const HubRequest& q) {
  const std::string model = "Hub model " + q.repo.text();
  const std::string code = r.header("x-error-code").value_or("");
  const std::string status = std::to_string(r.status);
  if (code == "RevisionNotFound")
    throw InputError(model + " has no revision '" + q.revision + "' (--revision: a branch, a tag or a commit)");
  if (code == "EntryNotFound") throw InputError(model + " has no " + q.file + " at revision " + q.revision);
  if (code == "GatedRepo" || r.status == 403)
    throw HubAccessError(model + " is gated: accept its licence on the model page, " + q.endpoint + "/" +
                         q.repo.text() + ", and set HF_TOKEN" +
                         (q.token_source.empty() ? "" : " (the token from " + q.token_source + " has no access)"));
  if (r.status == 401 && !q.token_source.empty() &&
      r.header("x-error-message").value_or("") == "Invalid credentials in Authorization header")
    throw HubAccessError(model + ": the Hub refused the token from " + q.token_source + " (invalid credentials)");
  if (code == "RepoNotFound" || r.status == 401)
    throw HubAccessError(model + ": no such model on " + q.endpoint + ", or it is private (set HF_TOKEN)");
  if (r.status == 404)
    throw HubAccessError(model + ": no such model (or revision '" + q.revision + "') on " + q.endpoint +
                         ", or it is private (set HF_TOKEN)");
  if (r.status >= 500)
    throw RunError(model + ": " + q.endpoint + " answered " + status + " (a server error) for " + q.file +
                   "; try again later");
  throw RunError(model + ": " + q.endpoint + " answered " + status + " for " + q.file);
}

void throw_transfer_failure(const TransferResult& t, const HubRequest& q, const std::string& what) {
  const std::string tail = what.empty() ? "" : "; " + what;
  switch (t.outcome) {
    case Transfer::cancelled: throw DownloadCancelled(q.file + ": cancelled" + tail);
    case Transfer::unreachable:
      throw RunError("cannot reach " + q.endpoint + " for " + q.repo.text() + " (" + q.file + "): " + t.reason + tail);
    case Transfer::cut: throw RunError(q.file + ": the connection broke: " + t.reason + tail);
    default: throw RunError(q.file + ": " + t.reason + tail);
  }
}

}  // namespace attnlab
