#pragma once
// HTTP through libcurl: HEAD for a file's metadata, GET for its bytes (resumed with Range), with the
// Hub's rules: bodies uncompressed (Accept-Encoding: identity, so sizes are the files' own), only
// http and https, redirects followed for GET only, and the bearer token sent to the first host of a
// request only (libcurl strips a custom Authorization header on a redirect to another scheme, host
// or port unless CURLOPT_UNRESTRICTED_AUTH, which stays off).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/hub/hub_settings.hpp"

namespace attnlab {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; the last value of each

  std::optional<std::string> header(const std::string& lower_case_name) const;
};

enum class Transfer {
  done,         // a response arrived whole (any status)
  cut,          // the connection broke or stalled once the answer had begun: worth resuming
  unreachable,  // no connection (name, refused, TLS, proxy) or no answer in time
  cancelled,    // the cancel flag was set
  sink_failed,  // the body's sink refused a piece (its own reason)
  failed,       // anything else libcurl refused (too many redirects, a bad address)
};

struct TransferResult {
  Transfer outcome = Transfer::failed;
  HttpResponse response;  // the last response's status and headers, as far as they came
  std::string reason;     // libcurl's words when not done
};

// Where a GET's body goes.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Once, before the first byte of a 2xx answer (after every redirect), or at its end when it has no
  // body; false stops the transfer (sink_failed). A non-2xx answer's body is dropped unseen.
  virtual bool start(const HttpResponse& response) = 0;
  virtual bool write(const char* data, std::size_t size) = 0;  // false stops the transfer (sink_failed)
};

class HttpClient {
 public:
  explicit HttpClient(const HubSettings& settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A HEAD request, redirects not followed (the Hub's metadata are on the redirect itself), within
  // the metadata timeout. The token is sent when `with_token`.
  TransferResult head(const std::string& url, bool with_token, const std::atomic<bool>* cancel);
  // A GET from byte `offset` (a Range request when > 0), redirects followed; a connection silent for
  // the download timeout is cut. The token goes to `url`'s host only, when `with_token`.
  TransferResult get(const std::string& url, bool with_token, std::uint64_t offset, BodySink& sink,
                     const std::atomic<bool>* cancel);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  HubSettings settings_;
};

// Percent-encoding as Python's urllib.parse.quote: letters, digits and "_.-~" kept, and '/' when
// `keep_slash` (huggingface_hub quotes a file name with '/' kept and a revision without).
std::string percent_encode(std::string_view text, bool keep_slash);
// `location` (absolute, or relative as RFC 7231 allows) resolved against `base`; empty when either is no URL.
std::string resolve_url(const std::string& base, const std::string& location);
// "scheme://host:port" of a URL, the port made explicit: two URLs are the same host when these match.
std::string url_origin(const std::string& url);

}  // namespace attnlab
