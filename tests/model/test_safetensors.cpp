// The safetensors header, read strictly (models.md): every rule broken by a crafted file, each
// refused with the file's name and what is wrong; valid files, unaligned data included, read right.
#include <doctest/doctest.h>

#include <cstring>

#include "core/base/error.hpp"
#include "core/model/safetensors.hpp"
#include "core/model/widen.hpp"
#include "tests/model/safetensors_writer.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

// The error parse_safetensors gives, or "" when it accepts the file.
std::string refusal(const std::string& file) {
  try {
    parse_safetensors(file, "f.safetensors");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void check_refused(const std::string& file, const std::vector<std::string>& mentions) {
  const std::string message = refusal(file);
  CAPTURE(message);
  REQUIRE(!message.empty());
  CHECK(message.rfind("f.safetensors", 0) == 0);
  CHECK(message.find('\n') == std::string::npos);
  for (const auto& m : mentions) CHECK_MESSAGE(message.find(m) != std::string::npos, "missing: " << m);
}

std::string entry(const std::string& dtype, const std::string& shape, std::uint64_t begin, std::uint64_t end) {
  return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(end) + "]}";
}

}  // namespace

TEST_SUITE("model/safetensors") {
  TEST_CASE("a valid file: tensors by offset whatever the JSON order, metadata kept, unaligned data read") {
    // b before a in the JSON, a first in the data; the header length 61 puts the data at byte 69.
    const std::string json = "{\"b\":" + entry("F32", "[2]", 2, 10) + ",\"a\":" + entry("BF16", "[1]", 0, 2) +
                             ",\"__metadata__\":{\"format\":\"pt\"}}";
    std::string file = le_bytes(json.size(), 8) + json;
    file += le_bytes(to_bf16(-1.5f), 2);
    file += le_bytes(std::bit_cast<std::uint32_t>(0.25f), 4) + le_bytes(std::bit_cast<std::uint32_t>(-3.0f), 4);
    const SafetensorsHeader h = parse_safetensors(file, "f.safetensors");
    REQUIRE(h.tensors.size() == 2);
    CHECK(h.tensors[0].name == "a");
    CHECK(h.tensors[1].name == "b");
    CHECK(h.tensors[1].shape == std::vector<std::uint64_t>{2});
    CHECK(h.metadata.at("format") == "pt");
    CHECK(h.data_start == 8 + json.size());
    CHECK((h.data_start + h.tensors[1].begin) % 4 != 0);  // b's floats sit off a float boundary
    float b[2];
    widen(std::string_view(file).substr(h.data_start + 2, 8), DType::f32, 2, b);
    CHECK(b[0] == 0.25f);
    CHECK(b[1] == -3.0f);
    float a;
    widen(std::string_view(file).substr(h.data_start, 2), DType::bf16, 1, &a);
    CHECK(a == -1.5f);
  }

  TEST_CASE("an empty header and no data; zero-sized tensors; every 16-bit value widened exactly") {
    CHECK(parse_safetensors(raw_safetensors("{}", 0), "f").tensors.empty());
    const std::string json = "{\"e\":" + entry("F16", "[0, 3]", 0, 0) + ",\"x\":" + entry("F16", "[1]", 0, 2) + "}";
    CHECK(parse_safetensors(raw_safetensors(json, 2), "f").tensors.size() == 2);
    // All 65536 bit patterns of F16 and BF16 against the tests' own decoding.
    std::string halves;
    for (std::uint32_t bits = 0; bits < 65536; ++bits) halves += le_bytes(bits, 2);
    std::vector<float> f16(65536), bf16(65536);
    widen(halves, DType::f16, 65536, f16.data());
    widen(halves, DType::bf16, 65536, bf16.data());
    int wrong = 0;
    for (std::uint32_t bits = 0; bits < 65536; ++bits) {
      const double want16 = from_f16(static_cast<std::uint16_t>(bits)),
                   wantb = from_bf16(static_cast<std::uint16_t>(bits));
      if (!(std::isnan(want16) ? std::isnan(f16[bits]) : f16[bits] == want16)) ++wrong;
      if (!(std::isnan(wantb) ? std::isnan(bf16[bits]) : bf16[bits] == wantb)) ++wrong;
    }
    CHECK(wrong == 0);
  }

  TEST_CASE("the header length: too short a file, a length beyond the file") {
    check_refused("", {"0 bytes", "too short"});
    check_refused(std::string("\x02\0\0", 3), {"3 bytes"});
    check_refused(le_bytes(100, 8) + "{}", {"header length 100", "larger than the file (10 bytes)"});
    check_refused(le_bytes(~0ull, 8) + "{}", {"header length 18446744073709551615"});
  }

  TEST_CASE("the header JSON: not JSON (with the byte), not an object, a key twice") {
    check_refused(raw_safetensors("{\"a\": [1, 2", 0), {"not valid JSON at byte"});
    check_refused(raw_safetensors("[1, 2]", 0), {"not a JSON object"});
    check_refused(
        raw_safetensors("{\"a\":" + entry("F32", "[1]", 0, 4) + ",\"a\":" + entry("F32", "[1]", 4, 8) + "}", 8),
        {"'a' appears twice"});
  }

  TEST_CASE("each entry: an object of dtype, shape and data_offsets, each of the right kind") {
    check_refused(raw_safetensors("{\"w\": 3}", 0), {"tensor 'w'", "not an object"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":\"F32\",\"shape\":[1]}}", 4), {"tensor 'w'", "no data_offsets"});
    check_refused(raw_safetensors("{\"w\": {\"shape\":[1],\"data_offsets\":[0,4]}}", 4), {"no dtype"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), {"no shape"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                  {"unknown field 'x'"});
    check_refused(raw_safetensors("{\"w\":" + entry("F33", "[1]", 0, 4) + "}", 4),
                  {"'F33' is not a safetensors dtype"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                  {"dtype is not a string"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[-1]", 0, 4) + "}", 4), {"shape [-1]"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[1.5]", 0, 4) + "}", 4), {"shape [1.5]"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "3", 0, 4) + "}", 4), {"shape is not a list"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8),
                  {"data_offsets [0,4,8]"});
    check_refused(raw_safetensors("{\"w\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
                  {"data_offsets [-4,0]"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[0]", 4, 0) + "}", 4), {"end before they begin"});
    check_refused(raw_safetensors("{\"__metadata__\": {\"a\": 1}}", 0), {"__metadata__ 'a' is not a string"});
    check_refused(raw_safetensors("{\"__metadata__\": [1]}", 0), {"__metadata__ is not an object"});
  }

  TEST_CASE("the offsets: from 0, contiguous, each the size of its shape, the last at the end of the file") {
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[1]", 4, 8) + "}", 8),
                  {"tensor 'w'", "gap", "the first tensor starts at 0"});
    check_refused(
        raw_safetensors("{\"a\":" + entry("F32", "[1]", 0, 4) + ",\"b\":" + entry("F32", "[1]", 8, 12) + "}", 12),
        {"tensor 'b'", "gap after 4"});
    check_refused(
        raw_safetensors("{\"a\":" + entry("F32", "[2]", 0, 8) + ",\"b\":" + entry("F32", "[1]", 4, 8) + "}", 8),
        {"tensor 'b'", "overlap what ends at 8"});
    check_refused(raw_safetensors("{\"w\":" + entry("F16", "[2, 3]", 0, 24) + "}", 24),
                  {"tensor 'w'", "hold 24 bytes", "shape [2, 3] of F16 needs 12"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[4294967296, 4294967296]", 0, 4) + "}", 4),
                  {"tensor 'w'", "more bytes than any file can"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[1]", 0, 4) + "}", 6), {"end at byte 4", "holds 6 bytes"});
    check_refused(raw_safetensors("{\"w\":" + entry("F32", "[2]", 0, 8) + "}", 4), {"end at byte 8", "holds 4 bytes"});
    check_refused(raw_safetensors("{}", 1), {"end at byte 0", "holds 1 bytes"});
  }

  TEST_CASE("a hostile tensor name is quoted safely, on one line") {
    check_refused(raw_safetensors("{\"evil\\nname\\u001b[2J\":" + entry("F32", "[1]", 4, 8) + "}", 8),
                  {"\\x0a", "\\x1b"});
  }
}
