#pragma once
// One repo's folder of the Hugging Face cache, laid out as huggingface_hub lays it out:
//   models--ORG--NAME/refs/REV                 the commit a branch or tag resolved to
//   models--ORG--NAME/blobs/ID                 a file's bytes, ID its ETag (an LFS file's SHA-256)
//   models--ORG--NAME/blobs/ID.incomplete      a download under way, resumed with a Range request
//   models--ORG--NAME/snapshots/COMMIT/FILE    a relative symlink ../../blobs/ID
//   models--ORG--NAME/.no_exist/COMMIT/FILE    an empty file: FILE is not in that commit
//   .locks/models--ORG--NAME/ID.lock           held while ID downloads (huggingface_hub's filelock)
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/hub/repo_id.hpp"

namespace attnlab {

class RepoCache {
 public:
  RepoCache(std::filesystem::path root, const RepoId& repo);

  const std::filesystem::path& root() const { return root_; }
  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path snapshot(const std::string& commit) const;
  std::filesystem::path pointer(const std::string& commit, const std::string& file) const;
  std::filesystem::path blob(const std::string& id) const;
  std::filesystem::path part(const std::string& id) const;  // blobs/ID.incomplete
  std::filesystem::path lock(const std::string& id) const;

  // refs/REVISION's commit, when the file is there and holds one (40 hex).
  std::optional<std::string> read_ref(const std::string& revision) const;
  // Written beside and renamed over refs/REVISION, so that a reader never sees half a commit; not
  // rewritten when it already says `commit`. Throws RunError.
  void write_ref(const std::string& revision, const std::string& commit) const;

  // Whether snapshots/COMMIT/FILE leads to a file (a symlink to a blob that is there, or a file).
  bool has(const std::string& commit, const std::string& file) const;
  // .no_exist/COMMIT/FILE: FILE is known to be absent from the commit; marking is best effort.
  bool marked_missing(const std::string& commit, const std::string& file) const;
  void mark_missing(const std::string& commit, const std::string& file) const;
  // snapshots/COMMIT/FILE → ../../blobs/ID (one more ../ per folder in FILE), made in one step; a
  // link to another blob there is replaced by a rename. Throws RunError.
  void link(const std::string& commit, const std::string& file, const std::string& id) const;

  // CACHEDIR.TAG in the root, as huggingface_hub writes it (backup tools skip the cache); best effort.
  void tag_cache_root() const;

 private:
  std::filesystem::path root_, folder_, locks_;
};

// The repo whose snapshot `folder` is (CACHE/models--ORG--NAME/snapshots/COMMIT), or nothing.
std::optional<RepoId> repo_of_snapshot(const std::filesystem::path& folder);

// A file name of a repo that can live under snapshots/: relative, '/'-separated, no empty, "." or
// ".." part, no backslash, printable ASCII (a shard name read from an index file is checked here).
bool safe_repo_file_name(std::string_view file);

// An ETag that can name a blob: letters, digits, '-' and '_' only, 1 to 128 of them.
bool safe_blob_id(std::string_view id);

// The folder made with whatever parents are missing; throws RunError naming it.
void make_folder(const std::filesystem::path& folder);

// A name beside `path` for a file to rename over it: PATH.PID-N.tmp.
std::filesystem::path temporary_beside(const std::filesystem::path& path);

}  // namespace attnlab
