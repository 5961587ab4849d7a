#pragma once
// A PNG decoded to RGBA pixels: what the figure, window and web tests read their pictures back with.
#include <doctest/doctest.h>
#include <stb/stb_image.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/colormap/colormap.hpp"
#include "tests/cli_run.hpp"

namespace png_test {

using attnlab::Rgba;

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;
  Rgba at(int x, int y) const {
    const auto* p =
        &rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 4];
    return {p[0], p[1], p[2], p[3]};
  }
  // How many colours every 97th pixel shows: a full picture has dozens, a blank or failed one a few.
  std::size_t sampled_colours() const {
    std::set<std::uint32_t> colours;
    for (std::size_t i = 0; i + 3 < rgba.size(); i += 4 * 97)
      colours.insert(rgba[i] | static_cast<std::uint32_t>(rgba[i + 1]) << 8 |
                     static_cast<std::uint32_t>(rgba[i + 2]) << 16);
    return colours.size();
  }
  // How many pixels are exactly `c` (alpha aside).
  std::size_t pixels_of(Rgba c) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 3 < rgba.size(); i += 4)
      n += rgba[i] == c.r && rgba[i + 1] == c.g && rgba[i + 2] == c.b;
    return n;
  }
};

inline Image decode_png(const std::string& bytes) {
  Image image;
  int channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> data(
      stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()),
                            &image.width, &image.height, &channels, 4),
      stbi_image_free);
  REQUIRE_MESSAGE(data, "not a PNG stb_image can read");
  image.rgba.assign(data.get(),
                    data.get() + static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4);
  return image;
}

inline Image load_png(const std::filesystem::path& path) {
  INFO("reading " << path.string());
  return decode_png(cli_test::read_all(path));
}

// Equal within 2 of 255 per channel: what a GPU's or a browser's rounding leaves of the same colour.
inline bool close(Rgba a, Rgba b) {
  return std::abs(a.r - b.r) <= 2 && std::abs(a.g - b.g) <= 2 && std::abs(a.b - b.b) <= 2;
}

}  // namespace png_test
