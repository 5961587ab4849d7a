#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the tests: a thread per connection, keep-alive, HEAD and
// GET, and the faults a real network has — a connection cut after some bytes of a body, a body paced
// by the test, an answer that never comes. It logs every request and the body bytes it sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hub_test {

struct Request {
  std::string method, target;                  // target: path and query, as sent
  std::map<std::string, std::string> headers;  // names in lower case

  std::optional<std::string> header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::nullopt : std::optional(found->second);
  }
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // a HEAD sends only its length
  // A large body shared rather than copied (a file of the fake Hub), from byte `from` on; replaces `body`.
  std::shared_ptr<const std::string> shared;
  std::size_t from = 0;
  std::optional<std::size_t> cut_after;  // close the connection after this many body bytes
  bool hang = false;                     // send nothing until the client goes away
  // Called before each piece of the body with the bytes sent so far; false ends the connection there.
  std::function<bool(std::size_t sent)> pace;

  std::string_view payload() const { return shared ? std::string_view(*shared).substr(from) : std::string_view(body); }
};

struct Logged {
  Request request;
  int status = 0;
  std::size_t body_bytes = 0;  // body bytes given to the socket
};

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

class FakeServer {
 public:
  explicit FakeServer(std::function<Reply(const Request&)> handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // any free port
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 64) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      throw std::runtime_error("the fake server cannot listen on 127.0.0.1");
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~FakeServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (const int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(connections_);
    }
    for (auto& t : threads) t.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Logged> log() const {
    std::lock_guard lock(mutex_);
    std::vector<Logged> copy;
    for (const auto& entry : log_) copy.push_back(*entry);
    return copy;
  }
  void clear_log() {
    std::lock_guard lock(mutex_);
    log_.clear();
  }

 private:
  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;  // shut down
      std::lock_guard lock(mutex_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      open_.insert(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  bool send_all(int fd, const char* data, std::size_t size) {
    for (std::size_t at = 0; at < size;) {
      const ssize_t n = ::send(fd, data + at, size - at, MSG_NOSIGNAL);
      if (n <= 0) return false;
      at += static_cast<std::size_t>(n);
    }
    return true;
  }

  // One request's head, or nothing when the client closed the connection.
  std::optional<Request> read_request(int fd, std::string& buffer) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    Request r;
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const std::size_t a = first.find(' '), b = first.rfind(' ');
    r.method = first.substr(0, a);
    r.target = first.substr(a + 1, b - a - 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::size_t value = colon + 1;
      while (value < line.size() && line[value] == ' ') ++value;
      r.headers[lower(line.substr(0, colon))] = line.substr(value);
    }
    return r;
  }

  void serve(int fd) {
    std::string buffer;
    while (const auto request = read_request(fd, buffer)) {
      const Reply reply = handler_(*request);
      // Logged before the answer goes out, and its bytes counted before they do: a client that has
      // the answer finds it in the log.
      const auto entry = std::make_shared<Logged>(Logged{*request, reply.status, 0});
      {
        std::lock_guard lock(mutex_);
        log_.push_back(entry);
      }
      if (!respond(fd, *request, reply, *entry)) break;
    }
    std::lock_guard lock(mutex_);
    open_.erase(fd);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }

  // False when the connection must end (a cut, a hang, a client gone).
  bool respond(int fd, const Request& request, const Reply& reply, Logged& entry) {
    std::size_t sent = 0;
    if (reply.hang) {
      char ignored[256];
      while (::recv(fd, ignored, sizeof ignored, 0) > 0) {
      }
      return false;
    }
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : reply.headers) {
      head += name + ": " + value + "\r\n";
      has_length = has_length || lower(name) == "content-length";
    }
    const std::string_view body = reply.payload();
    if (!has_length) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    // As the Hub and its CDN answer: a web page of any site may read the files (app/web/hub.js).
    head += "Access-Control-Allow-Origin: *\r\n\r\n";
    if (!send_all(fd, head.data(), head.size())) return false;
    if (request.method == "HEAD") return true;
    const std::size_t limit = std::min(body.size(), reply.cut_after.value_or(body.size()));
    constexpr std::size_t piece = 64 * 1024;
    while (sent < limit) {
      if (reply.pace && !reply.pace(sent)) return false;
      const std::size_t n = std::min(piece, limit - sent);
      {
        std::lock_guard lock(mutex_);
        entry.body_bytes += n;
      }
      if (!send_all(fd, body.data() + sent, n)) return false;  // a client gone: counted all the same
      sent += n;
    }
    return sent == body.size();
  }

  static std::string reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 206: return "Partial Content";
      case 302: return "Found";
      case 307: return "Temporary Redirect";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 416: return "Range Not Satisfiable";
      case 500: return "Internal Server Error";
      default: return "Status";
    }
  }

  std::function<Reply(const Request&)> handler_;
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::set<int> open_;
  std::vector<std::thread> connections_;
  std::vector<std::shared_ptr<Logged>> log_;
};

// A port on 127.0.0.1 where nothing listens: "no network" for the client.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace hub_test
