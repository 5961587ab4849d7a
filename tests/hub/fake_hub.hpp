#pragma once
// The Hugging Face Hub as the tests serve it on 127.0.0.1: /ORG/NAME/resolve/REV/FILE answered as the
// Hub answers (X-Repo-Commit, ETag, X-Linked-Etag and X-Linked-Size, X-Error-Code, 401 for a repo it
// will not show, 403 for a gated one), LFS files redirected to a second server on another port, the
// CDN, which serves them with Range. Faults per file: a connection cut, a Range ignored, a wrong
// byte, a 500, a body paced by the test, a metadata request that never gets an answer.
#include <openssl/evp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/hub/fake_http.hpp"

namespace hub_test {

// Where a paced body stops until the test lets it go on: the server's thread waits at reach(), the
// test waits until it has been reached. Shared with the pacing function, opened by its Opener at
// the latest, so that no server thread is left waiting when the hub stops.
class Gate {
 public:
  void reach() {
    std::unique_lock lock(mutex_);
    reached_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return opened_; });
  }
  // False when it was not reached within a minute (a hung test fails rather than waits forever).
  bool wait_reached() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::minutes(1), [this] { return reached_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    opened_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool reached_ = false, opened_ = false;
};

// Opens the gate when it goes out of scope: declared after the hub, it runs before the hub stops.
struct Opener {
  std::shared_ptr<Gate> gate;
  ~Opener() { gate->open(); }
};

// A body that stops at byte `at` until the gate opens, then ends the connection there.
inline std::function<bool(std::size_t)> stop_at(std::size_t at, const std::shared_ptr<Gate>& gate) {
  return [at, gate](std::size_t sent) {
    if (sent < at) return true;
    gate->reach();
    return false;
  };
}

inline std::string hex_digest(const EVP_MD* md, const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, md, nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < size; ++i) text += hex[digest[i] >> 4], text += hex[digest[i] & 15];
  return text;
}
inline std::string sha256_hex(const std::string& bytes) {
  return hex_digest(EVP_sha256(), bytes);
}
// A git blob's id, the ETag the Hub gives a file kept in git.
inline std::string git_blob_id(const std::string& bytes) {
  return hex_digest(EVP_sha1(), "blob " + std::to_string(bytes.size()) + std::string(1, '\0') + bytes);
}

inline std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct HubFile {
  std::string bytes;
  bool lfs = false;  // served through the CDN, its ETag its SHA-256
  std::string id() const { return lfs ? sha256_hex(bytes) : git_blob_id(bytes); }
};

struct HubRepo {
  std::string commit;                           // 40 hex
  std::map<std::string, std::string> branches;  // besides main → commit
  std::map<std::string, HubFile> files;
  enum class Access { open, private_repo, gated } access = Access::open;
  bool licence_accepted = false;  // gated: whether the token's user accepted it
};

// What goes wrong with one file (by its name in the repo).
struct Faults {
  // The next GETs of its bytes close the connection after this many body bytes each, in turn.
  std::vector<std::size_t> cuts;
  bool ignore_range = false;  // answer a Range request with the whole file (200)
  bool corrupt = false;       // serve one byte wrong (the SHA-256 cannot match)
  bool get_fails = false;     // 500 to a GET of its bytes
  bool head_fails = false;    // 500 to a HEAD
  bool head_hangs = false;    // a HEAD that never gets an answer
  bool redirect_get = false;  // a git file whose GET (not its HEAD) the Hub redirects to the CDN
  // Before each piece of its body; false ends the connection.
  std::function<bool(std::size_t sent)> pace;
};

class FakeHub {
 public:
  FakeHub()
      : cdn_([this](const Request& r) { return serve_cdn(r); }),
        hub_([this](const Request& r) { return serve_hub(r); }) {}

  std::string endpoint() const { return hub_.origin(); }
  std::string cdn() const { return cdn_.origin(); }

  void add(const std::string& id, const HubRepo& repo) {
    Stored stored{repo, {}};
    for (const auto& [name, f] : repo.files)
      stored.files[name] = {std::make_shared<const std::string>(f.bytes), f.lfs, f.id()};
    stored.repo.files.clear();  // kept once, shared by every answer
    std::lock_guard lock(mutex_);
    repos_[id] = std::move(stored);
  }
  // A repo renamed: its old id answers with a relative redirect to the new one, as the Hub does.
  void rename(const std::string& old_id, const std::string& new_id) {
    std::lock_guard lock(mutex_);
    renamed_[old_id] = new_id;
  }
  void set_token(std::string token) {
    std::lock_guard lock(mutex_);
    token_ = std::move(token);
  }
  // Faults of a file, changed under the hub's lock.
  template <class Change>
  void fault(const std::string& file, Change change) {
    std::lock_guard lock(mutex_);
    change(faults_[file]);
  }

  std::vector<Logged> hub_log() const { return hub_.log(); }
  std::vector<Logged> cdn_log() const { return cdn_.log(); }
  std::size_t requests() const { return hub_.log().size() + cdn_.log().size(); }
  void clear_logs() {
    hub_.clear_log();
    cdn_.clear_log();
  }

 private:
  // A file as served: its bytes shared by every answer, its ETag worked out once.
  struct File {
    std::shared_ptr<const std::string> bytes;
    bool lfs = false;
    std::string id;
  };
  struct Stored {
    HubRepo repo;  // without its files
    std::map<std::string, File> files;
  };

  Reply error(int status, const std::string& code, const std::string& message = "") {
    Reply r;
    r.status = status;
    if (!code.empty()) r.headers.push_back({"X-Error-Code", code});
    if (!message.empty()) r.headers.push_back({"X-Error-Message", message});
    r.body = "{\"error\":\"" + (message.empty() ? code : message) + "\"}";
    return r;
  }

  Reply serve_hub(const Request& r) {
    std::unique_lock lock(mutex_);
    const std::size_t resolve = r.target.find("/resolve/");
    if (resolve == std::string::npos) return error(404, "");
    const std::string repo_id = r.target.substr(1, resolve - 1);
    const std::string rest = r.target.substr(resolve + 9);
    if (const auto renamed = renamed_.find(repo_id); renamed != renamed_.end()) {
      Reply moved;
      moved.status = 307;
      moved.headers.push_back({"Location", "/" + renamed->second + "/resolve/" + rest});
      return moved;
    }
    const std::size_t slash = rest.find('/');
    const std::string revision = percent_decode(rest.substr(0, slash));
    const std::string file = percent_decode(rest.substr(slash + 1));
    const Faults faults = take_faults(file, r.method == "GET");
    if (r.method == "HEAD" && faults.head_hangs) {
      Reply silent;
      silent.hang = true;
      return silent;
    }
    if (r.method == "HEAD" && faults.head_fails) return error(500, "");

    const auto auth = r.header("authorization");
    const bool token_ok = auth && !token_.empty() && *auth == "Bearer " + token_;
    if (auth && !token_ok) return error(401, "", "Invalid credentials in Authorization header");
    const auto found = repos_.find(repo_id);
    if (found == repos_.end()) return error(401, "RepoNotFound", "Repository not found");
    const HubRepo& repo = found->second.repo;
    const std::map<std::string, File>& files = found->second.files;
    if (repo.access == HubRepo::Access::private_repo && !token_ok)
      return error(401, "RepoNotFound", "Repository not found");
    if (repo.access == HubRepo::Access::gated && !token_ok)
      return error(401, "GatedRepo", "Access to model is restricted");
    if (repo.access == HubRepo::Access::gated && !repo.licence_accepted)
      return error(403, "GatedRepo", "Access to model is restricted and you are not in the authorized list");

    std::string commit;
    if (revision == repo.commit || revision == "main") commit = repo.commit;
    else if (const auto branch = repo.branches.find(revision); branch != repo.branches.end()) commit = branch->second;
    else return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
    const auto entry = files.find(file);
    if (entry == files.end()) {
      Reply missing = error(404, "EntryNotFound", "Entry not found");
      missing.headers.push_back({"X-Repo-Commit", commit});
      return missing;
    }
    const File& f = entry->second;
    Reply reply;
    reply.headers.push_back({"X-Repo-Commit", commit});
    const std::string& id = f.id;
    if (f.lfs || (faults.redirect_get && r.method == "GET")) {
      reply.status = 302;
      reply.headers.push_back({"Location", cdn_.origin() + "/blobs/" + id + "?expires=4102444800&signature=fake"});
      if (f.lfs) {
        reply.headers.push_back({"X-Linked-Etag", "\"" + id + "\""});
        reply.headers.push_back({"X-Linked-Size", std::to_string(f.bytes->size())});
        reply.headers.push_back({"ETag", "\"" + git_blob_id("version https://git-lfs.github.com/spec/v1\n") + "\""});
      }
      reply.body = "Found. Redirecting to the CDN";  // its length is the redirect's own, not the file's
      return reply;
    }
    reply.headers.push_back({"ETag", "\"" + id + "\""});
    const auto bytes = f.bytes;
    lock.unlock();
    return body_reply(r, bytes, faults, reply);
  }

  Reply serve_cdn(const Request& r) {
    std::unique_lock lock(mutex_);
    if (r.method != "GET") return error(405, "");
    const std::string id = r.target.substr(7, r.target.find('?') - 7);  // /blobs/ID?…
    for (auto& [name, stored] : repos_)
      for (auto& [file, f] : stored.files)
        if (f.id == id) {
          const Faults now = take_faults(file, true);
          const auto bytes = f.bytes;
          lock.unlock();
          Reply reply;
          reply.headers.push_back({"ETag", "\"" + id + "\""});
          return body_reply(r, bytes, now, reply);
        }
    return error(404, "");
  }

  // The file's faults as they are for this request; a GET uses up one of its cuts.
  Faults take_faults(const std::string& file, bool get) {
    Faults& faults = faults_[file];
    Faults now = faults;
    if (!get) now.cuts.clear();
    else if (!faults.cuts.empty()) faults.cuts.erase(faults.cuts.begin());
    return now;
  }

  // A file's bytes as a GET asks for them: whole, or from a Range's first byte; with its faults.
  Reply body_reply(const Request& r, std::shared_ptr<const std::string> bytes, const Faults& faults, Reply reply) {
    if (faults.get_fails && r.method == "GET") return error(500, "");
    if (faults.corrupt && !bytes->empty()) {
      auto wrong = std::make_shared<std::string>(*bytes);
      (*wrong)[wrong->size() / 2] ^= 0x5a;
      bytes = std::move(wrong);
    }
    const std::size_t size = bytes->size();
    reply.status = 200;
    if (const auto range = r.header("range"); range && !faults.ignore_range && range->starts_with("bytes=")) {
      const std::size_t first = std::stoull(range->substr(6));
      if (first >= size) return error(416, "");
      reply.status = 206;
      reply.headers.push_back({"Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(size - 1) +
                                                    "/" + std::to_string(size)});
      reply.from = first;
    }
    reply.shared = std::move(bytes);
    if (r.method == "GET" && !faults.cuts.empty()) reply.cut_after = faults.cuts.front();
    reply.pace = faults.pace;
    return reply;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Stored> repos_;
  std::map<std::string, Faults> faults_;
  std::map<std::string, std::string> renamed_;
  std::string token_;
  FakeServer cdn_;  // declared after what the handlers read, so that it stops first
  FakeServer hub_;
};

}  // namespace hub_test
