#include "core/hub/hub_settings.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/base/quote.hpp"
#include "core/base/matrix.hpp"

namespace attnlab {
namespace fs = std::filesystem;
namespace {

fs::path home_folder(const Environment& env) {
  if (const auto home = env("HOME")) return *home;
  if (const passwd* user = getpwuid(getuid()); user && user->pw_dir) return user->pw_dir;
  return "/";
}

// os.path.expanduser: a leading "~" or "~/" is the home folder.
fs::path expand_user(const std::string& path, const Environment& env) {
  if (path == "~") return home_folder(env);
  if (path.starts_with("~/")) return home_folder(env) / path.substr(2);
  return path;
}

// constants.py's _is_true.
bool is_true(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string upper = *value;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper == "1" || upper == "ON" || upper == "YES" || upper == "TRUE";
}

long seconds(const Environment& env, const char* name, long fallback) {
  const auto text = env(name);
  if (!text) return fallback;
  long value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value <= 0 || value > 86400)
    throw InputError(std::string(name) + " '" + excerpt(*text) + "' is not a whole number of seconds (1 to 86400)");
  return value;
}

// _clean_token: line breaks removed, spaces trimmed, empty is none.
std::string clean_token(std::string token) {
  std::erase(token, '\r');
  std::erase(token, '\n');
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  token.erase(token.begin(), std::find_if_not(token.begin(), token.end(), space));
  token.erase(std::find_if_not(token.rbegin(), token.rend(), space).base(), token.end());
  return token;
}

HubToken read_token(const Environment& env) {
  if (is_true(env("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) return {};
  std::string token, source;
  if (const auto value = env("HF_TOKEN")) {
    token = clean_token(*value), source = "HF_TOKEN";
  } else if (const auto legacy = env("HUGGING_FACE_HUB_TOKEN")) {
    token = clean_token(*legacy), source = "HUGGING_FACE_HUB_TOKEN";
  } else {
    const auto given = env("HF_TOKEN_PATH");
    const fs::path path = given ? expand_user(*given, env) : hf_home(env) / "token";
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    token = clean_token({std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
    source = path.string();
  }
  // It goes into a header line: anything but visible ASCII could end the line or forge another.
  for (const char c : token)
    if (c < 0x21 || c > 0x7e)
      throw InputError("the Hub token in " + source +
                       " holds a character a token cannot have (a space or a control "
                       "or non-ASCII character)");
  if (token.empty()) return {};
  return {token, source};
}

}  // namespace

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

fs::path hf_home(const Environment& env) {
  if (const auto home = env("HF_HOME")) return expand_user(*home, env);
  if (const auto xdg = env("XDG_CACHE_HOME")) return expand_user(*xdg, env) / "huggingface";
  return home_folder(env) / ".cache" / "huggingface";
}

fs::path hub_cache_root(const Environment& env) {
  if (const auto cache = env("HF_HUB_CACHE")) return expand_user(*cache, env);
  if (const auto legacy = env("HUGGINGFACE_HUB_CACHE")) return expand_user(*legacy, env);
  return hf_home(env) / "hub";
}

HubSettings hub_settings(const Environment& env) {
  HubSettings s;
  s.cache = hub_cache_root(env);
  if (const auto endpoint = env("HF_ENDPOINT")) {
    if (!endpoint->starts_with("http://") && !endpoint->starts_with("https://"))
      throw InputError("HF_ENDPOINT '" + excerpt(*endpoint) + "' is not an http:// or https:// address");
    s.endpoint = *endpoint;
    while (s.endpoint.ends_with('/')) s.endpoint.pop_back();
  }
  s.offline = is_true(env("HF_HUB_OFFLINE")) || is_true(env("TRANSFORMERS_OFFLINE"));
  s.etag_timeout_s = seconds(env, "HF_HUB_ETAG_TIMEOUT", s.etag_timeout_s);
  s.download_timeout_s = seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT", s.download_timeout_s);
  if (!s.offline) s.token = read_token(env);  // offline sends nothing, so reads no token either
  return s;
}

}  // namespace attnlab
