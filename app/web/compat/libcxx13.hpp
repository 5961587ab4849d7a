#pragma once
// Debian's emscripten 3.1.6 ships libc++ 13, which lacks two C++20/17 pieces the engine uses:
// std::bit_cast, std::from_chars for float and double, and std::jthread. The web build includes this header first in
// every file (CMakeLists.txt); on the desktop (libstdc++) it is never seen. The from_chars below keeps
// the standard's contract: no leading space or '+', no "0x" prefix, the pointer past what was read,
// result_out_of_range (value untouched) when the number does not fit.
#include <version>
#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 14000
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace std {

template <class To, class From>
constexpr To bit_cast(const From& from) noexcept {
  return __builtin_bit_cast(To, from);
}

namespace attnlab_compat {
template <class T>
from_chars_result parse_real(const char* first, const char* last, T& value) {
  const char* p = first;
  if (p != last && *p == '-') ++p;
  if (p == last || *p == ' ' || *p == '\t' || *p == '\n' || *p == '+' || *p == '\v' || *p == '\f' || *p == '\r')
    return {first, errc::invalid_argument};
  const string text(first, last);
  string_view::size_type stop = text.size();
  // strtod reads hexadecimal floats; from_chars in the general format reads the "0" before the 'x'.
  const auto x = static_cast<string::size_type>(p - first) + 1;
  if (x < text.size() && text[x - 1] == '0' && (text[x] == 'x' || text[x] == 'X')) stop = x;
  const string number = text.substr(0, stop);
  char* end = nullptr;
  errno = 0;
  const T parsed = sizeof(T) == sizeof(float) ? static_cast<T>(strtof(number.c_str(), &end))
                                              : static_cast<T>(strtod(number.c_str(), &end));
  if (end == number.c_str()) return {first, errc::invalid_argument};
  const char* ptr = first + (end - number.c_str());
  if (errno == ERANGE) return {ptr, errc::result_out_of_range};
  value = parsed;
  return {ptr, errc{}};
}
}  // namespace attnlab_compat

inline from_chars_result from_chars(const char* first, const char* last, float& value,
                                    chars_format = chars_format::general) {
  return attnlab_compat::parse_real(first, last, value);
}
inline from_chars_result from_chars(const char* first, const char* last, double& value,
                                    chars_format = chars_format::general) {
  return attnlab_compat::parse_real(first, last, value);
}

// The thread that joins when it goes. (The web page starts none: platform::threads_available().)
class jthread {
 public:
  jthread() noexcept = default;
  template <class F>
  explicit jthread(F&& f) : thread_(std::forward<F>(f)) {}
  jthread(jthread&&) noexcept = default;
  jthread& operator=(jthread&& other) noexcept {
    if (thread_.joinable()) thread_.join();
    thread_ = std::move(other.thread_);
    return *this;
  }
  ~jthread() {
    if (thread_.joinable()) thread_.join();
  }
  bool joinable() const noexcept { return thread_.joinable(); }
  void join() { thread_.join(); }

 private:
  thread thread_;
};

}  // namespace std
#endif
