// Masks from files: a float file is added as is, a bool file allows where true, and every other spec
// is parse_mask's.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/inputs/read_mask.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("inputs/read_mask");

namespace {

std::string error_of(const std::string& spec) {
  try {
    read_mask(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "attnlab_test_read_mask";
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("a float mask file is added as is; +inf and NaN in it are refused") {
  TempDir dir;
  const auto path = (dir.path / "mask.csv").string();
  std::ofstream(path) << "0,-inf,-1.5\n0,0,-inf\n";
  const MaskSpec mask = read_mask("file:" + path);
  CHECK(mask.kind == MaskSpec::Kind::matrix);
  CHECK_FALSE(mask.is_bool);
  CHECK(mask.additive(0, 2) == -1.5f);
  CHECK(std::isinf(mask.additive(1, 2)));
  CHECK(mask.text() == "file:" + path);
  CHECK_THROWS_WITH_AS(check_mask(mask, 3, 3), doctest::Contains("2×3"), InputError);
  CHECK_NOTHROW(check_mask(mask, 2, 3));
  std::ofstream(path) << "0,inf\n";
  CHECK(error_of("file:" + path).find("mask file " + path + ": value inf") != std::string::npos);
  std::ofstream(path) << "0,nan\n";
  CHECK(error_of("file:" + path).find("not allowed") != std::string::npos);
}

TEST_CASE("a bool mask file allows where true and blocks with -inf where false") {
  TempDir dir;
  const auto path = (dir.path / "mask.npy").string();
  // A 2×2 |b1 .npy, version 1.0, written byte by byte: the header padded so the data starts at 128.
  std::string header = "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }";
  header.append(128 - 10 - header.size() - 1, ' ').push_back('\n');
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file.push_back(static_cast<char>(header.size()));
  file.push_back(0);
  file += header;
  file += std::string("\x01\x00\x01\x01", 4);
  std::ofstream(path, std::ios::binary) << file;
  const MaskSpec mask = read_mask("file:" + path);
  CHECK(mask.is_bool);
  CHECK(mask.text() == "file:" + path);
  CHECK(mask.additive(0, 0) == 0.0f);
  CHECK(std::isinf(mask.additive(0, 1)));
  CHECK(mask.additive(0, 1) < 0);
  CHECK(mask.additive(1, 0) == 0.0f);
  CHECK(mask.additive(1, 1) == 0.0f);
}

TEST_CASE("other specs are parse_mask's; a missing file is named") {
  CHECK(read_mask("window:3").text() == "window:3");
  CHECK(read_mask("none").kind == MaskSpec::Kind::none);
  CHECK(error_of("file:").find("file:") != std::string::npos);
  CHECK(error_of("file:/no/such/mask.npy").find("/no/such/mask.npy") != std::string::npos);
  CHECK(error_of("causal-top").find("causal-top") != std::string::npos);
}

TEST_SUITE_END();
