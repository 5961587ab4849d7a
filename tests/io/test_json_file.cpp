// JSON files read within limits: nesting, the count of values (each costs about a hundred bytes once
// parsed), a key repeated in one object, and a file's size before it is read.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/base/matrix.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json_file.hpp"

using namespace attnlab;
namespace fs = std::filesystem;

namespace {

std::string refusal(std::string_view text, bool unique_keys, std::uint64_t most_values) {
  try {
    parse_json(text, "f.json", unique_keys, most_values);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("io/json") {
  TEST_CASE("values are counted before parsing: objects, arrays, strings that are not keys, numbers, literals") {
    // The object; "a" → an array holding 1, "x", true, null, -2.5e3 and {}; "b" → "c": 9 values, 2 keys.
    const std::string doc = R"({"a": [1, "x", true, null, -2.5e3, {}], "b": "c"})";
    CHECK(parse_json(doc, "f.json", false, 9)["b"] == "c");
    CHECK(refusal(doc, false, 8) ==
          "f.json: more than 8 JSON values (objects, arrays, strings, numbers), the most this file may hold");
    // Brackets and quotes inside strings are text, not values; escaped quotes do not end a string.
    CHECK(parse_json(R"({"k": "[{\"]}", "l": ["[", "{"]})", "f.json", false, 5).size() == 2);
    CHECK_FALSE(refusal(std::string(100, '[') + std::string(100, ']'), false, 1000).empty());  // too deep first
  }

  TEST_CASE("a key repeated in one object is named; in different objects it is not a repeat") {
    CHECK(refusal(R"({"a": {"x": 1, "y": 2}, "b": {"x": 3}, "a": 4})", true, 100) ==
          "f.json: the key 'a' appears twice");
    CHECK(refusal(R"({"a": {"x": 1, "x": 2}})", true, 100) == "f.json: the key 'x' appears twice");
    CHECK(parse_json(R"({"a": {"x": 1}, "b": {"x": 3}})", "f.json", true)["b"]["x"] == 3);
    // Without unique_keys the last one wins, as JSON parsers do.
    CHECK(parse_json(R"({"a": 1, "a": 2})", "f.json")["a"] == 2);
    // A syntax error comes first, with its byte, under either parser.
    CHECK(refusal(R"({"a": 1,, "a": 2})", true, 100).starts_with("f.json: not valid JSON at byte "));
  }

  TEST_CASE("a file larger than its limit is refused by its size before it is read") {
    const fs::path path = fs::temp_directory_path() / ("attnlab-json-size-" + std::to_string(::getpid()));
    write_file_atomic(path, "{}");
    fs::resize_file(path, std::uint64_t{5} << 30);  // sparse: 5 GiB that nobody has to read
    CHECK_THROWS_WITH_AS(read_file(path, "c.json", 16 << 20),
                         "c.json: 5.0 GiB (5368709120 bytes), more than the 16.0 MiB such a file may have", InputError);
    fs::resize_file(path, 2);
    CHECK(read_file(path, "c.json", 2) == "{}");
    fs::remove(path);
  }
}
