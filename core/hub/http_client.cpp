#include "core/hub/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "core/base/matrix.hpp"

namespace attnlab {
namespace {

std::once_flag curl_ready;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return std::string(text);
}

Transfer outcome_of(CURLcode code) {
  switch (code) {
    case CURLE_OK: return Transfer::done;
    case CURLE_ABORTED_BY_CALLBACK: return Transfer::cancelled;
    case CURLE_WRITE_ERROR: return Transfer::sink_failed;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return Transfer::cut;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_PROXY: return Transfer::unreachable;
    default: return Transfer::failed;
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  const auto found = headers.find(name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

struct HttpClient::Handle {
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  // The request under way.
  HttpResponse response;
  BodySink* sink = nullptr;
  bool started = false;   // the sink has been told of the response
  bool dropping = false;  // a non-2xx body, dropped
  const std::atomic<bool>* cancel = nullptr;

  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* h = static_cast<Handle*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {  // a new response (after a redirect): its headers only
      h->response.headers.clear();
      const std::size_t space = line.find(' ');
      h->response.status =
          space == std::string_view::npos ? 0 : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      h->response.headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
  }

  bool begin_body() {
    started = true;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = status;
    dropping = status < 200 || status > 299;
    return dropping || sink->start(response);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* h = static_cast<Handle*>(user);
    const std::size_t bytes = size * count;
    if (!h->sink) return bytes;
    if (!h->started && !h->begin_body()) return 0;
    if (h->dropping) return bytes;
    return h->sink->write(data, bytes) ? bytes : 0;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* h = static_cast<Handle*>(user);
    return h->cancel && h->cancel->load() ? 1 : 0;  // libcurl calls this at least once a second
  }

  // The options every request shares; the handle keeps its connections from one request to the next.
  void prepare(const std::string& url, const HubSettings& s, bool with_token, curl_slist*& headers,
               const std::atomic<bool>* cancel_flag) {
    curl_easy_reset(curl);
    response = {};
    sink = nullptr, started = false, dropping = false, cancel = cancel_flag;
    error[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // safe on a worker thread
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "attnlab/" ATTNLAB_VERSION);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, s.etag_timeout_s);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Handle::on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Handle::on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Handle::on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
    // Compressed bodies would make the sizes the compressed ones (huggingface_hub asks the same).
    headers = curl_slist_append(headers, "Accept-Encoding: identity");
    if (with_token && !s.token.empty()) headers = curl_slist_append(headers, s.token.authorization_header().c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  }

  TransferResult perform(curl_slist* headers) {
    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);  // the token's copy goes with the list
    if (code == CURLE_OK && sink && !started && !begin_body()) return {Transfer::sink_failed, response, ""};
    long status = 0;
    if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status) response.status = status;
    TransferResult result{outcome_of(code), response, ""};
    // A connection that went silent once an answer had begun is a cut, worth resuming.
    if (code == CURLE_OPERATION_TIMEDOUT && response.status != 0) result.outcome = Transfer::cut;
    if (code != CURLE_OK) result.reason = error[0] ? std::string(error) : curl_easy_strerror(code);
    return result;
  }
};

HttpClient::HttpClient(const HubSettings& settings) : handle_(std::make_unique<Handle>()), settings_(settings) {
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw RunError("libcurl cannot start");
}

HttpClient::~HttpClient() = default;

TransferResult HttpClient::head(const std::string& url, bool with_token, const std::atomic<bool>* cancel) {
  curl_slist* headers = nullptr;
  handle_->prepare(url, settings_, with_token, headers, cancel);
  curl_easy_setopt(handle_->curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(handle_->curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle_->curl, CURLOPT_TIMEOUT, settings_.etag_timeout_s);
  return handle_->perform(headers);
}

TransferResult HttpClient::get(const std::string& url, bool with_token, std::uint64_t offset, BodySink& sink,
                               const std::atomic<bool>* cancel) {
  curl_slist* headers = nullptr;
  handle_->prepare(url, settings_, with_token, headers, cancel);
  handle_->sink = &sink;
  curl_easy_setopt(handle_->curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle_->curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(handle_->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle_->curl, CURLOPT_LOW_SPEED_TIME, settings_.download_timeout_s);
  curl_easy_setopt(handle_->curl, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger writes to the part
  const std::string range = std::to_string(offset) + "-";
  if (offset > 0) curl_easy_setopt(handle_->curl, CURLOPT_RANGE, range.c_str());
  return handle_->perform(headers);
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '.' || c == '-' || c == '~' || (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

namespace {
struct Url {
  CURLU* handle = curl_url();
  ~Url() { curl_url_cleanup(handle); }
  std::string part(CURLUPart which, unsigned flags = 0) const {
    char* text = nullptr;
    if (curl_url_get(handle, which, &text, flags) != CURLUE_OK) return "";
    std::string value = text;
    curl_free(text);
    return value;
  }
};
}  // namespace

std::string resolve_url(const std::string& base, const std::string& location) {
  Url url;
  if (curl_url_set(url.handle, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return "";
  if (curl_url_set(url.handle, CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) return "";
  return url.part(CURLUPART_URL);
}

std::string url_origin(const std::string& text) {
  Url url;
  if (curl_url_set(url.handle, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return "";
  return lower(url.part(CURLUPART_SCHEME)) + "://" + lower(url.part(CURLUPART_HOST)) + ":" +
         url.part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

}  // namespace attnlab
