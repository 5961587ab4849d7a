#pragma once
// What the Hugging Face cache holds (attnlab models): every model's revisions, as huggingface_hub's
// scan_cache_dir sees them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hub/repo_id.hpp"

namespace attnlab {

struct CachedModel {
  RepoId repo;
  std::string revision;  // a branch or tag under refs/, or the commit itself when no ref names it
  std::string commit;
  std::filesystem::path snapshot;
  std::uint64_t size_bytes = 0;  // the distinct blobs (or plain files) its snapshot's files lead to
};

// Every snapshot of every models--ORG--NAME folder of the cache, by repo id then revision; nothing
// when the cache does not exist. Folders that are not the cache's own are passed over.
std::vector<CachedModel> cached_models(const std::filesystem::path& cache_root);

}  // namespace attnlab
