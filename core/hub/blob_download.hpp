#pragma once
// One file's bytes into blobs/ID, as huggingface_hub brings them: into blobs/ID.incomplete first
// (resumed from its size with a Range request), under the blob's lock, the size always and the
// SHA-256 checked when the ID is one, then renamed into place, so that a blob is whole or absent.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/hub/http_client.hpp"
#include "core/hub/hub_errors.hpp"
#include "core/hub/progress_line.hpp"
#include "core/hub/repo_cache.hpp"

namespace attnlab {

// What a caller on another thread sees and says: progress is called on the downloading thread;
// setting `cancel` (from any thread, or a signal handler) stops the download within a second,
// keeping its part (DownloadCancelled).
struct DownloadControl {
  std::function<void(const FileProgress&)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

struct BlobSource {
  std::string file;         // the repo's file name: messages and progress
  std::string url;          // where the bytes are: the Hub's address, or the CDN it redirected to
  bool with_token = false;  // only when `url` is on the endpoint's host
  std::string id;           // the blob's ID (ETag)
  std::uint64_t size = 0;   // from X-Linked-Size or Content-Length
};

// A cut connection is resumed up to this many times in a row without a new byte (huggingface_hub
// resets its count likewise whenever bytes arrive).
inline constexpr int resume_retries = 3;

// Brings blobs/ID: nothing to do when it is there. Throws RunError: the network, a timeout or 5xx
// (the part kept for the next run), a size or SHA-256 that disagrees with the Hub's (part deleted),
// a disk that is full (part deleted); DownloadCancelled (part kept); InputError for a Hub error code.
void download_blob(HttpClient& http, const RepoCache& cache, const BlobSource& source, const HubRequest& request,
                   const DownloadControl& control);

}  // namespace attnlab
