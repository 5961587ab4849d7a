#pragma once
// What the figure tests share: a PNG decoded to pixels, the weights' expected colours, and
// `attnlab export` run through the real binary, its failures checked to leave nothing behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/colormap/colormap.hpp"
#include "tests/cli_run.hpp"
#include "tests/png_image.hpp"

namespace cli_test {

using attnlab::Rgba;

using png_test::decode_png;
using png_test::Image;

inline std::string rgb(Rgba c) {
  return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b);
}

// Viridis at a weight on [0, 1], worked out here: entry ⌊w·256⌋ of 256, the last for w = 1.
inline Rgba expected_weight_colour(float w) {
  if (std::isinf(w)) return attnlab::masked_colour;
  return attnlab::viridis()[static_cast<std::size_t>(std::clamp(std::floor(w * 256.0f), 0.0f, 255.0f))];
}

inline std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

inline RunResult export_run(std::vector<std::string> args) {
  args.insert(args.begin(), "export");
  args.insert(args.end(), {"--backend", "cpu"});
  return run_attnlab(args);
}

inline Image export_png(const std::vector<std::string>& args, const fs::path& out) {
  std::vector<std::string> full = args;
  full.insert(full.end(), {"--out", out.string()});
  const RunResult r = export_run(full);
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  return decode_png(read_all(out));
}

// A failed export: `status`, one line on stderr starting "attnlab: " and naming each of `mentions`;
// run once towards a fresh name (nothing may appear) and once over a good file (it must keep its
// bytes), with no temporary left in the directory either time.
inline void check_export_error(const std::vector<std::string>& args, const std::string& extension, int status,
                               const std::vector<std::string>& mentions) {
  TempDir dir;
  const fs::path fresh = dir / ("fresh" + extension), good = dir / ("good" + extension);
  const std::string good_bytes = "a good figure from an earlier run\n";
  write_all(good, good_bytes);
  for (const fs::path& out : {fresh, good}) {
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--out", out.string()});
    const RunResult r = export_run(full);
    INFO("command: " << r.command);
    INFO("stderr: " << r.err);
    CHECK(r.status == status);
    CHECK(r.err.starts_with("attnlab: "));
    CHECK(r.err_lines().size() == 1);
    CHECK(r.out.empty());
    for (const auto& m : mentions) CHECK_MESSAGE(r.err.find(m) != std::string::npos, "the message does not name " << m);
  }
  CHECK_FALSE(fs::exists(fresh));
  CHECK(read_all(good) == good_bytes);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  CHECK_MESSAGE(files == 1, "a temporary was left beside the good file");
}

}  // namespace cli_test
