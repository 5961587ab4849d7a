#include "core/hub/repo_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/base/matrix.hpp"

namespace attnlab {
namespace fs = std::filesystem;

namespace {
// huggingface_hub's CACHEDIR_TAG_CONTENT (the Cache Directory Tagging Standard).
constexpr const char* cachedir_tag =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n";

RunError file_error(const std::string& what, const fs::path& path, int error) {
  return RunError("cannot " + what + " " + path.string() + ": " + std::strerror(error));
}
}  // namespace

RepoCache::RepoCache(fs::path root, const RepoId& repo)
    : root_(std::move(root)), folder_(root_ / repo.folder_name()), locks_(root_ / ".locks" / repo.folder_name()) {}

fs::path RepoCache::snapshot(const std::string& commit) const {
  return folder_ / "snapshots" / commit;
}
fs::path RepoCache::pointer(const std::string& commit, const std::string& file) const {
  return snapshot(commit) / file;
}
fs::path RepoCache::blob(const std::string& id) const {
  return folder_ / "blobs" / id;
}
fs::path RepoCache::part(const std::string& id) const {
  return folder_ / "blobs" / (id + ".incomplete");
}
fs::path RepoCache::lock(const std::string& id) const {
  return locks_ / (id + ".lock");
}

std::optional<std::string> RepoCache::read_ref(const std::string& revision) const {
  std::ifstream in(folder_ / "refs" / revision, std::ios::binary);
  if (!in) return std::nullopt;
  std::string commit(64, '\0');
  in.read(commit.data(), static_cast<std::streamsize>(commit.size()));
  commit.resize(static_cast<std::size_t>(in.gcount()));
  while (!commit.empty() && std::isspace(static_cast<unsigned char>(commit.back())))
    commit.pop_back();  // a hand-made ref's newline
  if (!is_commit_hash(commit)) return std::nullopt;
  return commit;
}

void RepoCache::write_ref(const std::string& revision, const std::string& commit) const {
  const fs::path ref = folder_ / "refs" / revision;
  if (read_ref(revision) == commit) return;
  make_folder(ref.parent_path());
  const fs::path temporary = temporary_beside(ref);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << commit;
    if (!out.flush()) {
      const int error = errno;
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw file_error("write", temporary, error);
    }
  }
  std::error_code error;
  fs::rename(temporary, ref, error);
  if (error) {
    fs::remove(temporary, error);
    throw RunError("cannot write " + ref.string() + ": " + error.message());
  }
}

bool RepoCache::has(const std::string& commit, const std::string& file) const {
  std::error_code error;
  return fs::is_regular_file(pointer(commit, file), error);  // through the link: its blob must be there
}

bool RepoCache::marked_missing(const std::string& commit, const std::string& file) const {
  std::error_code error;
  return fs::is_regular_file(folder_ / ".no_exist" / commit / file, error);
}

void RepoCache::mark_missing(const std::string& commit, const std::string& file) const {
  const fs::path marker = folder_ / ".no_exist" / commit / file;
  std::error_code error;
  fs::create_directories(marker.parent_path(), error);
  if (!error) std::ofstream(marker, std::ios::binary | std::ios::app);
}

void RepoCache::link(const std::string& commit, const std::string& file, const std::string& id) const {
  const fs::path pointer_path = pointer(commit, file);
  // Relative, as huggingface_hub's _create_symlink makes them, so that a moved cache still works.
  std::string target = "../../";
  for (const char c : file)
    if (c == '/') target += "../";
  target += "blobs/" + id;
  make_folder(pointer_path.parent_path());
  if (::symlink(target.c_str(), pointer_path.c_str()) == 0) return;  // made in one step, whole
  if (errno != EEXIST) throw file_error("make the link", pointer_path, errno);
  std::error_code unreadable;
  if (fs::read_symlink(pointer_path, unreadable) == fs::path(target)) return;
  // Something else is there (a link to another blob): replaced in one rename.
  const fs::path temporary = temporary_beside(pointer_path);
  if (::symlink(target.c_str(), temporary.c_str()) != 0) throw file_error("make the link", temporary, errno);
  if (::rename(temporary.c_str(), pointer_path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw file_error("make the link", pointer_path, error);
  }
}

void RepoCache::tag_cache_root() const {
  const fs::path tag = root_ / "CACHEDIR.TAG";
  std::error_code error;
  if (fs::exists(tag, error)) return;
  std::ofstream(tag, std::ios::binary) << cachedir_tag;
}

std::optional<RepoId> repo_of_snapshot(const fs::path& folder) {
  fs::path path = folder.lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  if (!is_commit_hash(path.filename().string()) || path.parent_path().filename() != "snapshots") return std::nullopt;
  return repo_of_folder_name(path.parent_path().parent_path().filename().string());
}

bool safe_repo_file_name(std::string_view file) {
  if (file.empty() || file.size() > 1024 || file.front() == '/') return false;
  for (const char c : file)
    if (c < 0x20 || c > 0x7e || c == '\\') return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = file.find('/', start);
    const std::string_view part = file.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

bool safe_blob_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

void make_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw RunError("cannot make the folder " + folder.string() + ": " + error.message());
}

fs::path temporary_beside(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() /
         (path.filename().string() + "." + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".tmp");
}

}  // namespace attnlab
