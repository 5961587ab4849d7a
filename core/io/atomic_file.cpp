#include "core/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/memory.hpp"

namespace attnlab {
namespace fs = std::filesystem;
namespace {

// Temporaries of concurrent writers (threads or processes) must never share a name.
std::atomic<unsigned long> g_temp_counter{0};

std::string reason(int err) {
  return std::generic_category().message(err);
}

RunError write_error(const fs::path& dest, const std::string& why) {
  return RunError("cannot write " + dest.string() + ": " + why);
}

// What a path that is not a regular file is, for the message that refuses it.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode)) return "it is a character device, not a regular file";
  if (S_ISBLK(mode)) return "it is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

// A destination that exists must be a regular file (or a link, which the rename replaces): renamed
// over, a device node, a FIFO or a socket would be replaced by a file. Checked before a byte is written.
void check_destination(const fs::path& dest) {
  struct stat st {};
  if (::lstat(dest.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) return;
  throw write_error(dest, kind_of(st.st_mode));
}

// Beside the destination, so the final rename stays within one file system and is atomic;
// hidden, so a half-written file does not show up in listings.
fs::path temp_path_for(const fs::path& dest) {
  if (dest.filename().empty() || dest.filename() == "." || dest.filename() == "..")
    throw write_error(dest, "not a file name");
  std::string base = dest.filename().string();
  if (base.size() > 200) base.resize(200);  // keep the temporary's name under NAME_MAX
  return dest.parent_path() /
         ("." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_temp_counter.fetch_add(1)));
}

// Writes and syncs `tmp` completely, or removes it and throws naming `dest`.
void write_temp(const fs::path& dest, const fs::path& tmp, const ByteSource& write) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw write_error(dest, reason(errno));
  const auto give_up = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return write_error(dest, reason(err));
  };
  try {
    write([&](std::string_view bytes) {
      for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw write_error(dest, reason(errno));
        done += static_cast<std::size_t>(n);
      }
    });
  } catch (...) {  // a failed write, or the source's own failure: no temporary is left behind
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  // Synced before the rename, so a crash cannot leave an empty file under the final name.
  if (::fsync(fd) != 0) throw give_up(errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw write_error(dest, reason(err));
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  check_destination(path);
  const fs::path tmp = temp_path_for(path);
  write_temp(path, tmp, [bytes](const ByteSink& put) { put(bytes); });
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw write_error(path, reason(err));
  }
}

void AtomicBatch::add(fs::path path, std::string bytes) {
  files_.emplace_back(std::move(path), [bytes = std::move(bytes)](const ByteSink& put) { put(bytes); });
}

void AtomicBatch::add(fs::path path, ByteSource write) {
  files_.emplace_back(std::move(path), std::move(write));
}

void AtomicBatch::commit() {
  const auto files = std::move(files_);
  files_.clear();
  std::vector<fs::path> temps;
  const auto remove_temps = [&](std::size_t from) {
    for (std::size_t i = from; i < temps.size(); ++i) ::unlink(temps[i].c_str());
  };
  for (const auto& [dest, write] : files) check_destination(dest);
  try {
    for (const auto& [dest, write] : files) {
      const fs::path tmp = temp_path_for(dest);
      write_temp(dest, tmp, write);
      temps.push_back(tmp);
    }
  } catch (...) {
    remove_temps(0);
    throw;
  }
  // The one rename failure we can foresee; caught here, before any file of the batch lands.
  for (const auto& [dest, write] : files) {
    std::error_code ec;
    if (fs::is_directory(dest, ec)) {
      remove_temps(0);
      throw write_error(dest, "it is a directory");
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      const int err = errno;
      remove_temps(i);
      std::string landed;
      for (std::size_t j = 0; j < i; ++j) landed += (j > 0 ? ", " : "") + files[j].first.string();
      throw write_error(files[i].first, reason(err) + (landed.empty() ? "" : " (already written: " + landed + ")"));
    }
  }
}

bool same_destination(const fs::path& a, const fs::path& b) {
  const auto landing = [](const fs::path& p) {
    std::error_code error;
    const fs::path absolute = fs::absolute(p, error);
    const fs::path dir = fs::weakly_canonical(absolute.parent_path(), error);
    return (error ? absolute.parent_path().lexically_normal() : dir) / absolute.filename();
  };
  return landing(a) == landing(b);
}

NewDirectories::NewDirectories(const fs::path& dir) {
  std::vector<fs::path> missing;
  std::error_code error;
  fs::path last = dir.lexically_normal();
  if (!last.has_filename()) last = last.parent_path();  // "a/b/" is a/b
  for (fs::path p = last; !p.empty() && !fs::exists(p, error); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, error) && error) {
      remove();
      throw RunError("cannot create directory " + dir.string() + ": " + error.message());
    }
    made_.push_back(*it);
  }
  if (!fs::is_directory(dir, error)) {
    remove();
    throw RunError("cannot create directory " + dir.string() + ": " +
                   (error ? error.message() : std::string("it is not a directory")));
  }
}

void NewDirectories::remove() noexcept {
  std::error_code ignored;
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) fs::remove(*it, ignored);  // only while empty
  made_.clear();
}

int open_regular_file(const fs::path& path, const std::string& name, std::uint64_t& size) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer before fstat could refuse it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) throw InputError(name + ": cannot read: " + reason(errno));
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  if (!stated || !S_ISREG(st.st_mode)) {
    const std::string why = stated ? kind_of(st.st_mode) : reason(errno);
    ::close(fd);
    throw InputError(name + ": cannot read: " + why);
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

FileReader::FileReader(const fs::path& path, std::string name) : name_(std::move(name)) {
  fd_ = open_regular_file(path, name_, size_);
}

FileReader::~FileReader() {
  ::close(fd_);
}

void FileReader::read(std::string& bytes, std::uint64_t count) {
  count = std::min(count, size_ - done_);
  const std::size_t start = bytes.size();
  bytes.resize(start + static_cast<std::size_t>(count));
  for (std::size_t got = 0; got < count;) {
    const ssize_t n = ::read(fd_, bytes.data() + start + got, static_cast<std::size_t>(count) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      bytes.resize(start);
      throw InputError(name_ + ": cannot read: " +
                       (n < 0 ? reason(err) : "the file ended early (it was " + std::to_string(size_) + " bytes)"));
    }
    got += static_cast<std::size_t>(n);
  }
  done_ += count;
}

std::string read_file(const fs::path& path, const std::string& name, std::uint64_t most_bytes) {
  FileReader file(path, name);
  if (file.size() > most_bytes)
    throw InputError(name + ": " + human_bytes(file.size()) + " (" + std::to_string(file.size()) +
                     " bytes), more than the " + human_bytes(most_bytes) + " such a file may have");
  std::string bytes;
  file.read(bytes, file.size());
  return bytes;
}

}  // namespace attnlab
