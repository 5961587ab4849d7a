#include "core/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

#include "core/base/matrix.hpp"

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
void write_temp(const fs::path& dest, const fs::path& tmp, std::string_view bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw write_error(dest, reason(errno));
  const auto give_up = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return write_error(dest, reason(err));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw give_up(errno);
    }
    done += static_cast<std::size_t>(n);
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
  const fs::path tmp = temp_path_for(path);
  write_temp(path, tmp, bytes);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw write_error(path, reason(err));
  }
}

void AtomicBatch::add(fs::path path, std::string bytes) {
  files_.emplace_back(std::move(path), std::move(bytes));
}

void AtomicBatch::commit() {
  const auto files = std::move(files_);
  files_.clear();
  std::vector<fs::path> temps;
  const auto remove_temps = [&](std::size_t from) {
    for (std::size_t i = from; i < temps.size(); ++i) ::unlink(temps[i].c_str());
  };
  try {
    for (const auto& [dest, bytes] : files) {
      const fs::path tmp = temp_path_for(dest);
      write_temp(dest, tmp, bytes);
      temps.push_back(tmp);
    }
  } catch (...) {
    remove_temps(0);
    throw;
  }
  // The one rename failure we can foresee; caught here, before any file of the batch lands.
  for (const auto& [dest, bytes] : files) {
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

std::string read_file(const fs::path& path, const std::string& name) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(name + ": cannot read: " + reason(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw InputError(name + ": cannot read: " + reason(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputError(name + ": cannot read: it is a directory");
  }
  std::string bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
  // Read to the end rather than trusting st_size: pipes have none and files may grow.
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw InputError(name + ": cannot read: " + reason(err));
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace attnlab
