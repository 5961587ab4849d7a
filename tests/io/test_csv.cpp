// The .csv reader: what it accepts and the messages for what it refuses.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/io/csv.hpp"

using namespace attnlab;

namespace {

std::string csv_error(const std::string& text) {
  try {
    parse_csv(text, "Q file q.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("io/csv") {
  TEST_CASE("csv: good files") {
    const std::vector<float> six = {1, 2.5f, -3, 4e-3f, 0.5f, 6};
    for (const std::string& text : std::vector<std::string>{
             "1,2.5,-3\n4e-3,.5,6\n",
             "1,2.5,-3\n4e-3,.5,6",
             "1,2.5,-3\r\n4e-3,.5,6\r\n",
             " 1 ,\t2.5,  -3\t\n\t4E-3 , 0.5,6 \n",
             "1,2.5,-3\n4e-3,.5,6\n\n\n",
             "1,2.5,-3\r\n4e-3,.5,6\r\n\r\n  \n\t\n",
             "\xEF\xBB\xBF"
             "1,2.5,-3\n4e-3,.5,6\n",
             "+1,2.5,-3\n4e-3,+.5,6.\n",
         }) {
      CAPTURE(text);
      const Array a = parse_csv(text, "Q file q.csv");
      CHECK(a.shape == std::vector<Index>{2, 3});
      CHECK_FALSE(a.is_bool);
      CHECK(a.data == six);
    }
  }

  TEST_CASE("csv: one row, one column, one value") {
    Array a = parse_csv("1,2,3,4\n", "x");
    CHECK(a.shape == std::vector<Index>{1, 4});
    a = parse_csv("1\n2\n3\n", "x");
    CHECK(a.shape == std::vector<Index>{3, 1});
    CHECK(a.data == std::vector<float>{1, 2, 3});
    a = parse_csv("42", "x");
    CHECK(a.shape == std::vector<Index>{1, 1});
    CHECK(a.data == std::vector<float>{42});
  }

  TEST_CASE("csv: non-finite spellings are read, the caller judges them") {
    const Array a = parse_csv("inf,-inf,nan\nInfinity,-INF,NaN\n", "mask file m.csv");
    REQUIRE(a.data.size() == 6);
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(a.data[0] == inf);
    CHECK(a.data[1] == -inf);
    CHECK(std::isnan(a.data[2]));
    CHECK(a.data[3] == inf);
    CHECK(a.data[4] == -inf);
    CHECK(std::isnan(a.data[5]));
  }

  TEST_CASE("csv: numbers beyond float32") {
    const Array a = parse_csv("1e-50,-1e-60,1e-40\n", "x");
    CHECK(a.data[0] == 0.0f);
    CHECK(a.data[1] == 0.0f);
    CHECK(a.data[2] > 0.0f);  // a subnormal, kept
    CHECK(csv_error("1,1e50\n") == "Q file q.csv: line 1, value 2: '1e50' is out of range for float32");
    CHECK(csv_error("1,-1e400\n") == "Q file q.csv: line 1, value 2: '-1e400' is out of range for float32");
  }

  TEST_CASE("csv: too small for float32, or even for a double, rounds to zero as strtod's underflow does") {
    const Array a =
        parse_csv("1e-999,-1e-999,0.000001e-400,1000e-1000\n-0.0e-99999999999999999999,1e-45,2e-46,5\n", "x");
    REQUIRE(a.data.size() == 8);
    for (std::size_t i = 0; i < 7; ++i) CHECK(std::fabs(a.data[i]) <= 1.5e-45f);
    CHECK(std::signbit(a.data[1]));
    CHECK(a.data[5] > 0);  // the smallest subnormal
    CHECK(a.data[7] == 5);
    CHECK(csv_error("1,1e999\n") == "Q file q.csv: line 1, value 2: '1e999' is out of range for float32");
    CHECK(csv_error("1,-12345e99999\n") == "Q file q.csv: line 1, value 2: '-12345e99999' is out of range for float32");
  }

  TEST_CASE("csv: ragged rows") {
    CHECK(csv_error("1,2,3,4\n5,6,7,8\n1,2,3,4,5\n") == "Q file q.csv: line 3 has 5 values but line 1 has 4");
    CHECK(csv_error("1,2\n3\n") == "Q file q.csv: line 2 has 1 value but line 1 has 2");
  }

  TEST_CASE("csv: values that are not numbers") {
    CHECK(csv_error("1,2,3\n4,5,abc\n") == "Q file q.csv: line 2, value 3: 'abc' is not a number");
    CHECK(csv_error("1.5abc\n") == "Q file q.csv: line 1, value 1: '1.5abc' is not a number");
    CHECK(csv_error("0x10\n") == "Q file q.csv: line 1, value 1: '0x10' is not a number");
    CHECK(csv_error("1 2\n") == "Q file q.csv: line 1, value 1: '1 2' is not a number");
    CHECK(csv_error("1;2\n") == "Q file q.csv: line 1, value 1: '1;2' is not a number");
    CHECK(csv_error("\"1\",2\n") == "Q file q.csv: line 1, value 1: '\"1\"' is not a number");
    CHECK(csv_error("q,k\n1,2\n") == "Q file q.csv: line 1, value 1: 'q' is not a number");
    CHECK(csv_error("++1\n") == "Q file q.csv: line 1, value 1: '++1' is not a number");
    CHECK(csv_error("+-1\n") == "Q file q.csv: line 1, value 1: '+-1' is not a number");
    CHECK(csv_error("1e\n") == "Q file q.csv: line 1, value 1: '1e' is not a number");
    CHECK(csv_error(std::string("1,\x01\x1b", 4)) == "Q file q.csv: line 1, value 2: '\\x01\\x1b' is not a number");
    CHECK(csv_error("1," + std::string(100, '9') + "x\n").size() < 120);  // long fields are cut short
  }

  TEST_CASE("csv: empty fields, lines and files") {
    CHECK(csv_error("1,,2\n") == "Q file q.csv: line 1, value 2 is empty");
    CHECK(csv_error("1,2,\n") == "Q file q.csv: line 1, value 3 is empty");
    CHECK(csv_error(",1\n") == "Q file q.csv: line 1, value 1 is empty");
    CHECK(csv_error("1, \t,2\n") == "Q file q.csv: line 1, value 2 is empty");
    CHECK(csv_error("1,2\n\n3,4\n") == "Q file q.csv: line 2 is empty (only the end of the file may have empty lines)");
    CHECK(csv_error("\n1,2\n") == "Q file q.csv: line 1 is empty (only the end of the file may have empty lines)");
    CHECK(csv_error("") == "Q file q.csv is empty");
    CHECK(csv_error("\n\r\n  \n") == "Q file q.csv is empty");
    CHECK(csv_error("\xEF\xBB\xBF") == "Q file q.csv is empty");
  }

}  // TEST_SUITE("io/csv")
