#include "core/hub/cached_models.hpp"

#include <algorithm>
#include <set>

#include "core/hub/repo_cache.hpp"

namespace attnlab {
namespace fs = std::filesystem;
namespace {

std::uint64_t size_on_disk(const fs::path& snapshot) {
  std::error_code error;
  std::set<fs::path> counted;
  std::uint64_t bytes = 0;
  for (fs::recursive_directory_iterator it(snapshot, error), end; !error && it != end; it.increment(error)) {
    if (!it->is_regular_file(error)) continue;  // through links: a link to a missing blob counts nothing
    const fs::path target = fs::canonical(it->path(), error);
    if (error || !counted.insert(target).second) continue;
    bytes += fs::file_size(target, error);
  }
  return bytes;
}

}  // namespace

std::vector<CachedModel> cached_models(const fs::path& root) {
  std::vector<CachedModel> models;
  std::error_code error;
  for (const fs::directory_entry& folder : fs::directory_iterator(root, error)) {
    const auto repo = repo_of_folder_name(folder.path().filename().string());
    if (!repo || !folder.is_directory(error)) continue;
    const RepoCache cache(root, *repo);
    std::set<std::string> named;  // commits a ref names
    const fs::path refs = folder.path() / "refs";
    for (fs::recursive_directory_iterator it(refs, error), end; !error && it != end; it.increment(error)) {
      if (!it->is_regular_file(error) || it->path().extension() == ".tmp") continue;  // a ref being written
      const std::string revision = it->path().lexically_relative(refs).generic_string();
      const auto commit = cache.read_ref(revision);
      if (!commit || !fs::is_directory(cache.snapshot(*commit), error)) continue;
      named.insert(*commit);
      models.push_back({*repo, revision, *commit, cache.snapshot(*commit), size_on_disk(cache.snapshot(*commit))});
    }
    error.clear();
    for (const fs::directory_entry& snapshot : fs::directory_iterator(folder.path() / "snapshots", error)) {
      const std::string commit = snapshot.path().filename().string();
      if (!is_commit_hash(commit) || named.contains(commit) || !snapshot.is_directory(error)) continue;
      models.push_back({*repo, commit, commit, snapshot.path(), size_on_disk(snapshot.path())});
    }
    error.clear();
  }
  std::sort(models.begin(), models.end(), [](const CachedModel& a, const CachedModel& b) {
    return std::pair(a.repo.text(), a.revision) < std::pair(b.repo.text(), b.revision);
  });
  return models;
}

}  // namespace attnlab
