#include "core/hub/progress_line.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace attnlab {

std::string byte_count(std::uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000.0;
  int unit = 0;
  while (value >= 999.95 && unit < 3) value /= 1000.0, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

std::string duration_text(double seconds) {
  if (!(seconds >= 1)) return "<1 s";
  const auto whole = static_cast<long long>(std::llround(seconds));
  char text[48];
  if (whole < 60) std::snprintf(text, sizeof text, "%lld s", whole);
  else if (whole < 3600) std::snprintf(text, sizeof text, "%lld min %02lld s", whole / 60, whole % 60);
  else std::snprintf(text, sizeof text, "%lld h %02lld min", whole / 3600, whole % 3600 / 60);
  return text;
}

std::string progress_line(const FileProgress& p) {
  const std::uint64_t fresh = p.done > p.resumed_from ? p.done - p.resumed_from : 0;
  const bool known = p.seconds > 0 && fresh > 0;
  const double rate = known ? static_cast<double>(fresh) / p.seconds : 0;
  const std::string speed = known ? byte_count(static_cast<std::uint64_t>(rate)) + "/s" : "-- MB/s";
  if (p.finished) return p.file + "  " + byte_count(p.total) + "  " + speed + "  done in " + duration_text(p.seconds);
  std::string line = p.file + "  " + byte_count(p.done) + " / " + byte_count(p.total) + "  " + speed;
  if (known && p.total >= p.done) line += "  " + duration_text(static_cast<double>(p.total - p.done) / rate) + " left";
  return line;
}

void TerminalProgress::operator()(const FileProgress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!p.finished && p.file == file_ && now - last_ < std::chrono::milliseconds(100))
    return;  // each file's first is shown
  last_ = now;
  file_ = p.file;
  put("\r" + progress_line(p) + "\x1b[K" + (p.finished ? "\n" : ""));
  open_ = !p.finished;
}

void TerminalProgress::close_line() {
  if (open_) put("\n");
  open_ = false;
}

void TerminalProgress::put(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const ssize_t n = ::write(fd_, text.data() + at, text.size() - at);
    if (n <= 0) return;  // a terminal that went away: the download goes on
    at += static_cast<std::size_t>(n);
  }
}

}  // namespace attnlab
