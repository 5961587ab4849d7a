#include "core/hub/blob_download.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "core/hub/sha256.hpp"

namespace attnlab {
namespace fs = std::filesystem;
namespace {

// The blob's lock file, shared with huggingface_hub (its filelock takes flock on the same path), held
// while the part grows: two downloads of one blob never write one part.
class BlobLock {
 public:
  BlobLock(const fs::path& path, const std::atomic<bool>* cancel) {
    make_folder(path.parent_path());
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw RunError("cannot open the lock " + path.string() + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR)
        return;  // a file system without locks: go on, as huggingface_hub does
      if (cancel && cancel->load()) {
        ::close(fd_);
        throw DownloadCancelled(path.filename().string() + ": cancelled while another download held its lock");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // another process downloads this blob
    }
  }
  ~BlobLock() { ::close(fd_); }
  BlobLock(const BlobLock&) = delete;
  BlobLock& operator=(const BlobLock&) = delete;

 private:
  int fd_ = -1;
};

bool disk_full(int error) {
  return error == ENOSPC || error == EDQUOT || error == EFBIG;
}

// The part on disk, written as the body arrives, hashed on the way when the ID is a SHA-256.
class Part : public BodySink {
 public:
  Part(const fs::path& path, const BlobSource& source, const DownloadControl& control)
      : path_(path), source_(source), control_(control), check_sha_(is_sha256(source.id)) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw RunError("cannot open " + path.string() + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd_, &st);
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (size_ > source.size) restart();  // longer than the file: not a part of it
    if (check_sha_ && size_ > 0) hash_what_is_there();
    resumed_from_ = size_;
  }
  ~Part() override {
    if (fd_ >= 0) ::close(fd_);
  }

  std::uint64_t size() const { return size_; }
  int write_error() const { return write_error_; }
  const std::string& refusal() const { return refusal_; }

  bool start(const HttpResponse& r) override {
    if (r.status == 206) {
      // Content-Range: bytes FIRST-LAST/TOTAL must continue the part.
      const std::string range = r.header("content-range").value_or("");
      const std::string expected = "bytes " + std::to_string(size_) + "-";
      if (!range.starts_with(expected))
        return refuse("answered the range '" + range + "', not from byte " + std::to_string(size_));
      const std::size_t slash = range.rfind('/');
      if (slash != std::string::npos && range.substr(slash + 1) != "*" &&
          range.substr(slash + 1) != std::to_string(source_.size))
        return refuse("says the file has " + range.substr(slash + 1) + " bytes, not " + std::to_string(source_.size));
      return true;
    }
    if (size_ > 0) restart();  // the whole file (a 200 to a Range request): start the part again
    return true;
  }

  bool write(const char* data, std::size_t count) override {
    if (size_ + count > source_.size)
      return refuse("sent more than the " + std::to_string(source_.size) + " bytes the Hub said the file has");
    for (std::size_t at = 0; at < count;) {
      const ssize_t n = ::write(fd_, data + at, count - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        write_error_ = n < 0 ? errno : ENOSPC;
        return false;
      }
      at += static_cast<std::size_t>(n);
    }
    if (check_sha_) sha_.update(data, count);
    size_ += count;
    report(false);
    return true;
  }

  void report(bool finished) const {
    if (!control_.progress) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
    control_.progress({source_.file, size_, source_.size, resumed_from_, seconds, finished});
  }

  // The whole file arrived: its SHA-256 when the ID is one, or nothing.
  std::optional<std::string> digest() { return check_sha_ ? std::optional(sha_.hex()) : std::nullopt; }

  // Flushed to the disk and closed; throws RunError.
  void finish() {
    if (::fsync(fd_) != 0 && disk_full(errno)) throw_full(errno);
    if (::close(fd_) != 0) throw RunError("cannot write " + path_.string() + ": " + std::strerror(errno));
    fd_ = -1;
  }

  [[noreturn]] void throw_full(int error) {
    remove();
    throw RunError("cannot write " + source_.file + " into the cache " + path_.parent_path().string() + ": " +
                   std::strerror(error) + " (nothing of it is kept)");
  }

  void remove() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
  }

 private:
  bool refuse(const std::string& why) {
    refusal_ = why;
    return false;
  }

  void restart() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0)
      throw RunError("cannot start " + path_.string() + " again: " + std::strerror(errno));
    size_ = 0;
    sha_.reset();
  }

  void hash_what_is_there() {
    std::string buffer(1 << 20, '\0');
    for (std::uint64_t at = 0; at < size_;) {
      const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(at));
      if (n <= 0) throw RunError("cannot read " + path_.string() + ": " + std::strerror(errno));
      sha_.update(buffer.data(), static_cast<std::size_t>(n));
      at += static_cast<std::uint64_t>(n);
    }
    ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
  }

  fs::path path_;
  const BlobSource& source_;
  const DownloadControl& control_;
  bool check_sha_;
  Sha256 sha_;
  int fd_ = -1;
  std::uint64_t size_ = 0, resumed_from_ = 0;
  int write_error_ = 0;
  std::string refusal_;
  std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
};

}  // namespace

void download_blob(HttpClient& http, const RepoCache& cache, const BlobSource& source, const HubRequest& request,
                   const DownloadControl& control) {
  const fs::path blob = cache.blob(source.id);
  std::error_code error;
  if (fs::is_regular_file(blob, error)) return;
  const BlobLock lock(cache.lock(source.id), control.cancel);
  if (fs::is_regular_file(blob, error)) return;  // another process brought it while we waited

  const fs::path part_path = cache.part(source.id);
  make_folder(part_path.parent_path());
  Part part(part_path, source, control);
  const std::string kept = "the part is kept for the next try (" + part_path.string() + ")";
  int quiet_tries = 0;  // attempts in a row that brought no byte
  while (part.size() < source.size) {
    const std::uint64_t before = part.size();
    const TransferResult t = http.get(source.url, source.with_token, before, part, control.cancel);
    if (t.outcome == Transfer::sink_failed) {
      if (part.write_error()) part.throw_full(part.write_error());
      part.remove();
      throw RunError(source.file + ": the server " + part.refusal() + " (the download is deleted; try again)");
    }
    if (t.outcome == Transfer::done && t.response.status == 416) {  // the part is no prefix of the file
      part.remove();
      throw RunError(source.file + ": the server refused to resume from byte " + std::to_string(before) +
                     " (the part is deleted; try again)");
    }
    if (t.outcome == Transfer::done && (t.response.status < 200 || t.response.status > 299)) {
      if (t.response.header("x-error-code")) throw_hub_answer(t.response, request);
      throw RunError(source.file + ": the server answered " + std::to_string(t.response.status) + "; " + kept);
    }
    if (t.outcome != Transfer::done && t.outcome != Transfer::cut) throw_transfer_failure(t, request, kept);
    if (part.size() >= source.size) break;
    // Cut short (an error, or an answer that ended early): resume where the part ends.
    quiet_tries = part.size() > before ? 0 : quiet_tries + 1;
    if (quiet_tries > resume_retries)
      throw RunError(source.file + ": the connection was cut at byte " + std::to_string(part.size()) + " of " +
                     std::to_string(source.size) + " (" + std::to_string(resume_retries) + " tries to resume failed" +
                     (t.reason.empty() ? "" : ": " + t.reason) + "); " + kept);
  }
  if (const auto digest = part.digest(); digest && *digest != source.id) {
    part.remove();
    throw RunError(source.file + ": its SHA-256 is " + *digest + " but the Hub says " + source.id +
                   " (the download is deleted; try again)");
  }
  part.finish();
  part.report(true);
  if (::rename(part_path.c_str(), blob.c_str()) != 0)
    throw RunError("cannot move " + part_path.string() + " to " + blob.string() + ": " + std::strerror(errno));
}

}  // namespace attnlab
