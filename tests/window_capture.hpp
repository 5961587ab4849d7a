#pragma once
// What the window tests read back from a scripted run: its screenshot's pixels and where it says the
// heatmap's cells are.
#include <doctest/doctest.h>
#include <stb/stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/colormap/colormap.hpp"

namespace window_capture {

using attnlab::Rgba;

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;
  Rgba at(int x, int y) const {
    const auto* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
    return {p[0], p[1], p[2], p[3]};
  }
};

inline Image load_png(const std::filesystem::path& path) {
  Image image;
  int channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> data(
      stbi_load(path.c_str(), &image.width, &image.height, &channels, 4), stbi_image_free);
  REQUIRE_MESSAGE(data, "cannot decode " << path);
  image.rgba.assign(data.get(), data.get() + static_cast<std::size_t>(image.width) * image.height * 4);
  return image;
}

struct Cells {
  float x = 0, y = 0, size = 0;
  int rows = 0, cols = 0;
};

// "attnlab: heatmap cells at x=… y=… size=… rows=… cols=…", which a scripted run prints.
inline Cells heatmap_cells(const std::string& err) {
  Cells c;
  const auto at = err.find("heatmap cells at");
  REQUIRE_MESSAGE(at != std::string::npos, err);
  REQUIRE(std::sscanf(err.c_str() + at, "heatmap cells at x=%f y=%f size=%f rows=%d cols=%d", &c.x, &c.y, &c.size,
                      &c.rows, &c.cols) == 5);
  return c;
}

inline bool close(Rgba a, Rgba b) {
  return std::abs(a.r - b.r) <= 2 && std::abs(a.g - b.g) <= 2 && std::abs(a.b - b.b) <= 2;
}

}  // namespace window_capture
