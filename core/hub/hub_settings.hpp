#pragma once
// Where the Hub and its cache are, read from the environment as huggingface_hub's constants.py reads
// it: the cache root, the endpoint, offline mode, the token and the timeouts.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace attnlab {

// The bearer token: kept here and given only to the HTTP client's Authorization header. It has no
// way to be printed; messages name where it came from, never its value.
class HubToken {
 public:
  HubToken() = default;
  HubToken(std::string value, std::string source) : value_(std::move(value)), source_(std::move(source)) {}
  bool empty() const { return value_.empty(); }
  const std::string& source() const { return source_; }  // "HF_TOKEN" or the token file's path
  std::string authorization_header() const { return "Authorization: Bearer " + value_; }

 private:
  std::string value_;
  std::string source_;
};

struct HubSettings {
  std::filesystem::path cache;                      // the hub cache: models--ORG--NAME/ folders
  std::string endpoint = "https://huggingface.co";  // no trailing '/'
  bool offline = false;                             // HF_HUB_OFFLINE: the cache only, not one request
  HubToken token;
  long etag_timeout_s = 10;      // a metadata request, whole (HF_HUB_ETAG_TIMEOUT)
  long download_timeout_s = 10;  // a download that receives nothing for this long (HF_HUB_DOWNLOAD_TIMEOUT)
};

// An environment variable's value, or nothing when unset or empty.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
Environment process_environment();

// Cache: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub ('~' expanded). Endpoint: HF_ENDPOINT.
// Offline: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) of 1, ON, YES or TRUE. Token: HF_TOKEN (or
// HUGGING_FACE_HUB_TOKEN), else the file HF_TOKEN_PATH (default $HF_HOME/token), none when
// HF_HUB_DISABLE_IMPLICIT_TOKEN is true. Throws InputError naming the variable for an endpoint that
// is not http(s), a timeout that is not a whole number of seconds, a token that is not printable ASCII.
HubSettings hub_settings(const Environment& environment = process_environment());

// The cache alone, as hub_settings finds it (attnlab models reads nothing else).
std::filesystem::path hub_cache_root(const Environment& environment = process_environment());

// $HF_HOME (default $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface).
std::filesystem::path hf_home(const Environment& environment);

}  // namespace attnlab
