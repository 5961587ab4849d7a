#pragma once
// A Hub model id to a snapshot folder of the cache (hub.md): from the cache when it holds the model
// (HF_HUB_OFFLINE=1: no request at all; a commit revision: none either), else one HEAD per file and a
// download of what the cache lacks. Runs on the caller's thread: the window runs it on a worker thread
// with DownloadControl's progress callback and cancel flag.
#include <filesystem>
#include <functional>
#include <string>

#include "core/hub/blob_download.hpp"
#include "core/hub/hub_settings.hpp"
#include "core/hub/repo_id.hpp"

namespace attnlab {

struct HubModelRequest {
  RepoId repo;
  std::string revision = "main";
  bool weights = true;  // false: config.json and the tokenizer only (attnlab tokens needs no more)
};

struct HubModel {
  std::filesystem::path snapshot;  // snapshots/COMMIT: config.json, the tokenizer, the weights
  std::string commit;
  int requests = 0;  // HTTP requests made (0 when the cache answered alone)
};

struct HubCallbacks : DownloadControl {
  // Once config.json is in the snapshot and before any weights are fetched: throws to refuse the
  // model (an unsupported model_type) before its weights download.
  std::function<void(const std::filesystem::path& snapshot)> check_config;
};

// Throws InputError (exit 2): a revision that cannot be one, no such model/revision/file, gated, a
// refused token, only pytorch_model.bin, offline and not cached. RunError (exit 1): the network,
// timeouts, 5xx, a cut that three resumes did not mend, a SHA-256 or size mismatch, a full disk.
// DownloadCancelled when cancelled. Whatever fails, nothing half-written is under snapshots/.
HubModel open_hub_model(const HubModelRequest& request, const HubSettings& settings,
                        const HubCallbacks& callbacks = {});

}  // namespace attnlab
