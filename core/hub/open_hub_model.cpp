#include "core/hub/open_hub_model.hpp"

#include <optional>

#include "core/hub/hub_errors.hpp"
#include "core/hub/repo_cache.hpp"
#include "core/hub/snapshot_files.hpp"

namespace attnlab {
namespace fs = std::filesystem;
namespace {

// Whether snapshots/COMMIT can open without asking the Hub: config.json and the weights (when asked
// for); and, when `tokenizer_settled`, the tokenizer there or known to be absent (.no_exist).
bool snapshot_ready(const RepoCache& cache, const std::string& commit, bool weights, bool tokenizer_settled) {
  if (!cache.has(commit, "config.json") || (weights && weights_problem(cache.snapshot(commit)))) return false;
  if (!tokenizer_settled || cache.has(commit, tokenizer_file)) return true;
  const auto known = [&](const char* file) { return cache.has(commit, file) || cache.marked_missing(commit, file); };
  return cache.marked_missing(commit, tokenizer_file) && known(gpt2_vocab_file) && known(gpt2_merges_file);
}

// What the Hub says of one file: the HEAD's X-Repo-Commit, X-Linked-Etag/ETag, X-Linked-Size/Content-Length.
struct FileMetadata {
  std::string commit, id, location;
  std::uint64_t size = 0;
};

std::optional<std::uint64_t> whole_number(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 19 || text->find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(*text);
}

// _normalize_etag: W/ and the quotes gone.
std::string normalize_etag(std::string etag) {
  if (etag.starts_with("W/")) etag.erase(0, 2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

class HubSession {
 public:
  HubSession(const HubModelRequest& request, const HubSettings& settings, const HubCallbacks& callbacks)
      : request_(request),
        settings_(settings),
        callbacks_(callbacks),
        cache_(settings.cache, request.repo),
        http_(settings),
        url_revision_(request.revision) {}

  const RepoCache& cache() const { return cache_; }
  const std::string& commit() const { return commit_; }
  int requests() const { return requests_; }

  // The file's metadata; nothing when the model has no such file (EntryNotFound, remembered in
  // .no_exist) and `optional`. The first answer fixes the commit every later request asks for.
  std::optional<FileMetadata> metadata(const std::string& file, bool optional) {
    if (!commit_.empty() && cache_.marked_missing(commit_, file)) {
      if (optional) return std::nullopt;
      throw InputError("Hub model " + request_.repo.text() + " has no " + file + " at revision " + request_.revision);
    }
    const std::string endpoint_url = settings_.endpoint + "/" + request_.repo.text() + "/resolve/" +
                                     percent_encode(url_revision_, false) + "/" + percent_encode(file, true);
    std::string url = endpoint_url;
    const HubRequest about = describe(file);
    for (int hops = 0;; ++hops) {  // relative redirects (a renamed repo) are followed; a CDN's is not
      ++requests_;
      const TransferResult t = http_.head(url, same_host(url), callbacks_.cancel);
      if (t.outcome != Transfer::done) throw_transfer_failure(t, about);
      const HttpResponse& r = t.response;
      if (r.status >= 300 && r.status <= 399) {
        const std::string location = r.header("location").value_or("");
        if (!location.empty() && !location.starts_with("http://") && !location.starts_with("https://") &&
            !location.starts_with("//") && hops < 10) {
          url = resolve_url(url, location);
          continue;
        }
        return read_metadata(r, url, about);
      }
      if (r.status >= 200 && r.status <= 299) return read_metadata(r, url, about);
      // A file the model lacks: said by the Hub's error code, or by a bare 404 once the repo and its
      // commit have answered (before that, a bare 404 may mean no such model).
      const auto code = r.header("x-error-code");
      if (entry_not_found(r) && (code || !commit_.empty())) {
        const std::string commit = r.header("x-repo-commit").value_or(commit_);
        if (is_commit_hash(commit)) cache_.mark_missing(commit, file);
        if (optional) return std::nullopt;
        throw InputError("Hub model " + request_.repo.text() + " has no " + file + " at revision " + request_.revision);
      }
      throw_hub_answer(r, about);
    }
  }

  // The file into snapshots/COMMIT: linked to its blob, downloaded only when the blob is missing.
  void fetch(const std::string& file, const FileMetadata& m) {
    if (cache_.has(commit_, file)) return;
    std::error_code error;
    if (!fs::is_regular_file(cache_.blob(m.id), error)) {
      cache_.tag_cache_root();
      const BlobSource source{file, m.location, same_host(m.location), m.id, m.size};
      download_blob(http_, cache_, source, describe(file), callbacks_);
      ++requests_;
    }
    cache_.link(commit_, file, m.id);
  }

  // Fetched when the model has it; false when it has not.
  bool fetch_if_present(const std::string& file) {
    const auto m = metadata(file, true);
    if (m) fetch(file, *m);
    return m.has_value();
  }

 private:
  HubRequest describe(const std::string& file) const {
    return {request_.repo, request_.revision, file, settings_.endpoint,
            settings_.token.empty() ? empty_ : settings_.token.source()};
  }

  // The token goes to the endpoint's own host only (scheme, host and port): never to a CDN.
  bool same_host(const std::string& url) const { return url_origin(url) == url_origin(settings_.endpoint); }

  FileMetadata read_metadata(const HttpResponse& r, const std::string& url, const HubRequest& about) {
    const bool redirect = r.status >= 300 && r.status <= 399;
    FileMetadata m;
    m.commit = r.header("x-repo-commit").value_or("");
    m.id = normalize_etag(r.header("x-linked-etag").value_or(r.header("etag").value_or("")));
    // A redirect's Content-Length is its own body's, not the file's.
    const auto size = whole_number(r.header("x-linked-size") ? r.header("x-linked-size")
                                   : redirect                ? std::nullopt
                                                             : r.header("content-length"));
    m.location = redirect ? resolve_url(url, r.header("location").value_or("")) : url;
    const std::string what = settings_.endpoint + " does not answer as a Hugging Face Hub for " + about.file + " of " +
                             request_.repo.text() + ": ";
    if (!is_commit_hash(m.commit)) throw RunError(what + "no commit (X-Repo-Commit) in its answer; check HF_ENDPOINT");
    if (!safe_blob_id(m.id)) throw RunError(what + "no usable ETag in its answer");
    if (!size) throw RunError(what + "no file size (X-Linked-Size or Content-Length) in its answer");
    if (m.location.empty()) throw RunError(what + "a redirect to no address");
    m.size = *size;
    if (commit_.empty()) {
      commit_ = m.commit;
      url_revision_ = m.commit;  // every other file from the same commit, even if the branch moves meanwhile
    } else if (m.commit != commit_) {
      throw RunError(what + "the commit changed from " + commit_ + " to " + m.commit + " meanwhile; try again");
    }
    return m;
  }

  const HubModelRequest& request_;
  const HubSettings& settings_;
  const HubCallbacks& callbacks_;
  RepoCache cache_;
  HttpClient http_;
  std::string url_revision_, commit_;
  int requests_ = 0;
  const std::string empty_;
};

}  // namespace

HubModel open_hub_model(const HubModelRequest& request, const HubSettings& settings, const HubCallbacks& callbacks) {
  check_revision(request.revision);
  const RepoCache cache(settings.cache, request.repo);
  const bool pinned = is_commit_hash(request.revision);
  const std::optional<std::string> cached = pinned ? std::optional(request.revision) : cache.read_ref(request.revision);
  const auto from_cache = [&](bool tokenizer_settled) -> std::optional<HubModel> {
    if (cached && snapshot_ready(cache, *cached, request.weights, tokenizer_settled))
      return HubModel{cache.snapshot(*cached), *cached, 0};
    return std::nullopt;
  };
  if (settings.offline) {
    if (auto model = from_cache(false)) return *model;
    throw InputError("Hub model " + request.repo.text() + " (revision " + request.revision + ") is not in the cache " +
                     settings.cache.string() + " and HF_HUB_OFFLINE is set: unset it to download the model");
  }
  if (pinned)
    if (auto model = from_cache(true)) return *model;  // a commit never changes: no request at all

  HubSession hub(request, settings, callbacks);
  std::optional<FileMetadata> config;
  try {
    config = hub.metadata("config.json", false);
  } catch (const DownloadCancelled&) {
    throw;
  } catch (const HubAccessError&) {                     // as huggingface_hub: what the cache holds stands in for a Hub
    if (auto model = from_cache(false)) return *model;  // that cannot be reached or will not show it
    throw;
  } catch (const RunError&) {
    if (auto model = from_cache(false)) return *model;
    throw;
  }
  hub.fetch("config.json", *config);
  const fs::path snapshot = hub.cache().snapshot(hub.commit());
  if (callbacks.check_config) callbacks.check_config(snapshot);

  if (!hub.fetch_if_present(tokenizer_file)) {
    hub.fetch_if_present(gpt2_vocab_file);
    hub.fetch_if_present(gpt2_merges_file);
  }
  for (const char* file : optional_files) hub.fetch_if_present(file);
  if (request.weights && !hub.fetch_if_present(weights_file)) {
    const std::string model = "Hub model " + request.repo.text();
    if (!hub.fetch_if_present(weights_index_file)) {
      if (hub.metadata(pytorch_weights_file, true))
        throw InputError(model + " has only pytorch_model.bin at revision " + request.revision +
                         ": Attention Lab reads safetensors weights only (model.safetensors)");
      throw InputError(model + " has no model.safetensors (nor model.safetensors.index.json) at revision " +
                       request.revision);
    }
    for (const std::string& shard : index_shards(snapshot / weights_index_file))
      hub.fetch(shard, *hub.metadata(shard, false));
  }
  if (!pinned) hub.cache().write_ref(request.revision, hub.commit());  // last: it names a whole snapshot
  return {snapshot, hub.commit(), hub.requests()};
}

}  // namespace attnlab
