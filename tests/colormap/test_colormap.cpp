// The CPU colormap: the tables, the range arithmetic at its edges, and the masked colour.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/base/error.hpp"
#include "core/colormap/colormap.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("colormap/tables");

namespace {
constexpr float inf = std::numeric_limits<float>::infinity();
constexpr Rgba rgb(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return {r, g, b, 255};
}
}  // namespace

TEST_CASE("viridis and the diverging table end where matplotlib's do") {
  CHECK(viridis().front() == rgb(0x44, 0x01, 0x54));
  CHECK(viridis().back() == rgb(0xfd, 0xe7, 0x25));
  CHECK(diverging().front() == rgb(0x05, 0x30, 0x61));  // dark blue
  CHECK(diverging().back() == rgb(0x67, 0x00, 0x1f));   // dark red
  // The middle of a diverging table is near white, for scores near 0.
  for (const Rgba& c : {diverging()[127], diverging()[128]}) CHECK(std::min({c.r, c.g, c.b}) >= 0xf0);
  CHECK(&colormap_table("viridis") == &viridis());
  CHECK(&colormap_table("diverging") == &diverging());
}

TEST_CASE("the masked colour is in no table and is what -inf gets") {
  for (const ColormapTable* table : {&viridis(), &diverging()}) {
    CHECK(std::find(table->begin(), table->end(), masked_colour) == table->end());
    CHECK(colormap(-inf, 0, 1, *table) == masked_colour);
  }
}

TEST_CASE("entry ⌊(value − lo)·256/(hi − lo)⌋, clamped at both ends") {
  const ColormapTable& t = viridis();
  CHECK(colormap(0.0f, 0, 1, t) == t[0]);
  CHECK(colormap(0.5f, 0, 1, t) == t[128]);
  CHECK(colormap(1.0f, 0, 1, t) == t[255]);  // hi itself is the last entry, not past it
  CHECK(colormap(3.0f / 256, 0, 1, t) == t[3]);
  CHECK(colormap(std::nextafter(3.0f / 256, 0.0f), 0, 1, t) == t[2]);
  CHECK(colormap(-5.0f, 0, 1, t) == t[0]);
  CHECK(colormap(7.0f, 0, 1, t) == t[255]);
  CHECK(colormap(inf, 0, 1, t) == t[255]);
  CHECK(colormap(0.0f, -2, 2, t) == t[128]);
  // An empty or inverted range puts every finite value on the first entry.
  CHECK(colormap_steps(1, 1) == 0);
  CHECK(colormap_steps(2, 1) == 0);
  CHECK(colormap(0.3f, 1, 1, t) == t[0]);
}

TEST_CASE("an unknown colormap name lists the known ones") {
  try {
    colormap_table("jet");
    FAIL("an unknown colormap was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("viridis, diverging") != std::string::npos);
  }
}

TEST_CASE("packed colours put red in the lowest byte, as GLSL's unpackUnorm4x8 reads them") {
  CHECK(packed(Rgba{0x11, 0x22, 0x33, 0x44}) == 0x44332211u);
}

TEST_SUITE_END();
