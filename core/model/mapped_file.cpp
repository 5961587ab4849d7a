#include "core/model/mapped_file.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "core/base/error.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab {
namespace {

// A file truncated while it is mapped turns a read of its lost pages into SIGBUS, which would kill the
// program without a word. Every mapping is listed here, so that the handler can name the file and end
// the program as an error does: "attnlab: FILE: the file changed while it was read", exit status 1.
// The handler only reads atomics: entries are made once, never freed, and reused by later mappings.
struct Mapping {
  std::atomic<const char*> begin{nullptr};  // null: a free entry
  std::atomic<std::size_t> size{0};
  char path[512] = {};  // the file's path, cut short if longer
  std::size_t path_length = 0;
  std::atomic<bool> taken{false};
  Mapping* next = nullptr;  // set before the entry is published, never changed after
};
std::atomic<Mapping*> g_mappings{nullptr};

void write_all(const char* text, std::size_t length) {
  while (length > 0) {
    const ssize_t n = ::write(STDERR_FILENO, text, length);
    if (n <= 0) return;
    text += n, length -= static_cast<std::size_t>(n);
  }
}

void on_bus_error(int, siginfo_t* info, void*) {
  const auto* at = static_cast<const char*>(info->si_addr);
  for (Mapping* m = g_mappings.load(); m; m = m->next) {
    const char* begin = m->begin.load();
    if (begin && at >= begin && at < begin + m->size.load()) {
      constexpr char prefix[] = "attnlab: ";
      constexpr char what[] = ": the file changed while it was read (it is shorter than when it was opened)\n";
      write_all(prefix, sizeof prefix - 1);
      write_all(m->path, m->path_length);
      write_all(what, sizeof what - 1);
      ::_exit(1);
    }
  }
  // Not a mapped file's page: the default action (a crash), as if there were no handler.
  ::signal(SIGBUS, SIG_DFL);
}

Mapping* remember(const void* data, std::size_t size, const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, nullptr);
  });
  Mapping* m = g_mappings.load();
  while (m && m->taken.exchange(true)) m = m->next;
  if (!m) {
    m = new Mapping;  // listed for the life of the program
    m->taken = true;
    m->next = g_mappings.load();
    while (!g_mappings.compare_exchange_weak(m->next, m)) {
    }
  }
  m->path_length = std::min(path.size(), sizeof m->path);
  std::memcpy(m->path, path.data(), m->path_length);
  m->size = size;
  m->begin = static_cast<const char*>(data);
  return m;
}

void forget(Mapping* m) {
  if (!m) return;
  m->begin = nullptr;
  m->taken = false;
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path) {
  // A FIFO, device or directory is refused before it could block or never end.
  std::uint64_t size = 0;
  const int fd = open_regular_file(path, path.string(), size);
  size_ = static_cast<std::size_t>(size);
  if (size_ > 0) {
    data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data_ == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      data_ = nullptr;
      throw InputError(path.string() + ": cannot map: " + std::strerror(error));
    }
    listed_ = remember(data_, size_, path.string());
  }
  ::close(fd);  // the mapping keeps the file
}

void MappedFile::release(std::string_view range) const {
  if (range.empty()) return;
  // Whole pages only, those inside the range: the pages at its ends may hold tensors read in place.
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(range.data()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(range.data()) + range.size()) / page * page;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  forget(static_cast<Mapping*>(listed_));
  if (data_) ::munmap(data_, size_);
}

}  // namespace attnlab
