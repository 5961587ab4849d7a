// The .npy reader and writer, and turning arrays into matrices. Files are built byte by byte here,
// independently of the writer, so a bug shared by both cannot hide.
#include <doctest/doctest.h>
#include <unistd.h>

#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/io/atomic_file.hpp"
#include "core/io/load.hpp"
#include "core/io/npy.hpp"

using namespace attnlab;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

std::string le_bytes(std::uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string be_bytes(std::uint64_t v, int n) {
  std::string s;
  for (int i = n - 1; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string f4(float v, bool big = false) {
  const auto u = std::bit_cast<std::uint32_t>(v);
  return big ? be_bytes(u, 4) : le_bytes(u, 4);
}

std::string f8(double v, bool big = false) {
  const auto u = std::bit_cast<std::uint64_t>(v);
  return big ? be_bytes(u, 8) : le_bytes(u, 8);
}

// A .npy file around `header` exactly as given (no padding added), with a length field that
// matches unless `header_len` overrides it.
std::string npy_file(const std::string& header, const std::string& data, int major = 1, std::int64_t header_len = -1) {
  const std::uint64_t len = header_len < 0 ? header.size() : static_cast<std::uint64_t>(header_len);
  std::string s("\x93NUMPY", 6);
  s += static_cast<char>(major);
  s += '\0';
  s += le_bytes(len, major == 1 ? 2 : 4);
  return s + header + data;
}

std::string dict(const std::string& descr, bool fortran, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape +
         ", }\n";
}

// The message of the InputError that parsing throws ("" when it does not throw).
std::string npy_error(const std::string& bytes, const std::string& name = "Q file q.npy") {
  try {
    parse_npy(bytes, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

const std::vector<float> k23 = {1.5f, -2.25f, 3.0f, 0.125f, -0.0f, 1e-3f};

// Debian's python3-numpy, used to check that real numpy agrees with us both ways.
bool have_numpy() {
  return std::filesystem::exists("/usr/bin/python3") &&
         std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

std::string run_python(const std::filesystem::path& dir, const std::string& script) {
  write_file_atomic(dir / "script.py", script);
  const std::string cmd = "cd '" + dir.string() + "' && /usr/bin/python3 script.py 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

std::filesystem::path fresh_dir(const std::string& what) {
  const auto dir = std::filesystem::temp_directory_path() / ("attnlab-" + what + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_SUITE("io/npy") {
  TEST_CASE("npy: written files read back bit for bit, for several shapes") {
    for (const auto& [rows, cols] : std::vector<std::pair<Index, Index>>{{1, 1}, {3, 4}, {7, 1}, {1, 9}, {17, 33}}) {
      Matrix m(rows, cols);
      for (Index i = 0; i < rows; ++i)
        for (Index j = 0; j < cols; ++j) m(i, j) = static_cast<float>(i * 100 + j) * 0.37f - 5.0f;
      m(0, 0) = -0.0f;
      if (m.size() > 4) {
        m(rows - 1, cols - 1) = kInf;
        m.data()[1] = -kInf;
        m.data()[2] = std::numeric_limits<float>::quiet_NaN();
        m.data()[3] = std::numeric_limits<float>::denorm_min();
      }
      const std::string bytes = npy_bytes(m);
      const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
      CHECK((10 + header_len) % 64 == 0);
      CHECK(bytes[9 + header_len] == '\n');
      CHECK(bytes.size() == 10 + header_len + 4 * static_cast<std::size_t>(m.size()));
      const Array a = parse_npy(bytes, "out");
      CHECK(a.shape == std::vector<Index>{rows, cols});
      CHECK_FALSE(a.is_bool);
      REQUIRE(a.data.size() == static_cast<std::size_t>(m.size()));
      for (Index k = 0; k < m.size(); ++k) CHECK(same_bits(a.data[static_cast<std::size_t>(k)], m.data()[k]));
    }
  }

  TEST_CASE("npy: the writer's header is the one numpy writes") {
    Matrix m(2, 3);
    m.setZero();
    const std::string bytes = npy_bytes(m);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    CHECK(contains(bytes, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
  }

  TEST_CASE("npy: every dtype and byte order reads the same values") {
    std::string lf4, bf4, lf8, bf8;
    for (const float v : k23) {
      lf4 += f4(v);
      bf4 += f4(v, true);
      lf8 += f8(v);
      bf8 += f8(v, true);
    }
    for (const auto& dtype :
         std::vector<std::pair<std::string, std::string>>{{"<f4", lf4}, {">f4", bf4}, {"<f8", lf8}, {">f8", bf8}}) {
      const std::string& descr = dtype.first;
      const std::string& data = dtype.second;
      CAPTURE(descr);
      const Array a = parse_npy(npy_file(dict(descr, false, "(2, 3)"), data), "Q file q.npy");
      CHECK(a.shape == std::vector<Index>{2, 3});
      CHECK_FALSE(a.is_bool);
      REQUIRE(a.data.size() == 6);
      for (std::size_t i = 0; i < 6; ++i) CHECK(same_bits(a.data[i], k23[i]));
    }
  }

  TEST_CASE("npy: header versions 1.0, 2.0 and 3.0") {
    std::string data;
    for (const float v : k23) data += f4(v);
    for (const int major : {1, 2, 3}) {
      CAPTURE(major);
      const Array a = parse_npy(npy_file(dict("<f4", false, "(3, 2)"), data, major), "Q file q.npy");
      CHECK(a.shape == std::vector<Index>{3, 2});
      CHECK(a.data == k23);
    }
  }

  TEST_CASE("npy: Fortran order is transposed into C order") {
    // 2×3 matrix [[1 2 3] [4 5 6]] stored column by column.
    std::string data;
    for (const float v : {1.f, 4.f, 2.f, 5.f, 3.f, 6.f}) data += f8(v, true);
    Array a = parse_npy(npy_file(dict(">f8", true, "(2, 3)"), data), "Q file q.npy");
    CHECK(a.shape == std::vector<Index>{2, 3});
    CHECK(a.data == std::vector<float>{1, 2, 3, 4, 5, 6});

    // 3-D (2, 3, 4): element (i, j, k) = 100i + 10j + k, stored with i fastest.
    data.clear();
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 2; ++i) data += f4(static_cast<float>(100 * i + 10 * j + k));
    a = parse_npy(npy_file(dict("<f4", true, "(2, 3, 4)"), data), "Q file q.npy");
    CHECK(a.shape == std::vector<Index>{2, 3, 4});
    std::size_t n = 0;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 4; ++k) CHECK(a.data[n++] == static_cast<float>(100 * i + 10 * j + k));

    // A 1-D array is the same in both orders.
    a = parse_npy(npy_file(dict("<f4", true, "(3,)"), f4(7) + f4(8) + f4(9)), "Q file q.npy");
    CHECK(a.shape == std::vector<Index>{3});
    CHECK(a.data == std::vector<float>{7, 8, 9});
  }

  TEST_CASE("npy: float64 is rounded to float32, non-finite values kept") {
    const std::vector<double> in = {0.1,
                                    1e300,
                                    -1e300,
                                    0x1.fffffe8p127,
                                    std::nextafter(0x1.ffffffp127, 0.0),
                                    1e-50,
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN(),
                                    0x1.ffffffp127};
    std::string data;
    for (const double v : in) data += f8(v);
    const Array a = parse_npy(npy_file(dict("<f8", false, "(10,)"), data), "Q file q.npy");
    REQUIRE(a.data.size() == in.size());
    CHECK(a.data[0] == 0.1f);
    CHECK(a.data[1] == kInf);
    CHECK(a.data[2] == -kInf);
    CHECK(a.data[3] == FLT_MAX);  // above FLT_MAX but nearer to it than to infinity
    CHECK(a.data[4] == FLT_MAX);  // just below halfway to the next power of two
    CHECK(a.data[5] == 0.0f);
    CHECK(a.data[6] == kInf);
    CHECK(a.data[7] == -kInf);
    CHECK(std::isnan(a.data[8]));
    CHECK(a.data[9] == kInf);  // exactly halfway rounds to even, which is infinity
  }

  TEST_CASE("npy: bool arrays") {
    const Array a =
        parse_npy(npy_file(dict("|b1", false, "(2, 2)"), std::string("\x00\x01\x01\x02", 4)), "mask file m.npy");
    CHECK(a.is_bool);
    CHECK(a.shape == std::vector<Index>{2, 2});
    CHECK(a.data == std::vector<float>{0, 1, 1, 1});
    const Array f =
        parse_npy(npy_file(dict("|b1", true, "(2, 2)"), std::string("\x01\x00\x00\x00", 4)), "mask file m.npy");
    CHECK(f.data == std::vector<float>{1, 0, 0, 0});
  }

  TEST_CASE("npy: the header dict in any Python spelling") {
    const std::string data = f4(1) + f4(2) + f4(3) + f4(4) + f4(5) + f4(6);
    for (const std::string& h : std::vector<std::string>{
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
             "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
             "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,3)}",
             "  {  'descr' :'<f4' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , 3 , ) , }  \n",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(40, ' ') + "\n",
         }) {
      CAPTURE(h);
      const Array a = parse_npy(npy_file(h, data), "Q file q.npy");
      CHECK(a.shape == std::vector<Index>{2, 3});
      CHECK(a.data == std::vector<float>{1, 2, 3, 4, 5, 6});
    }
    const Array one = parse_npy(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", f4(5)), "x");
    CHECK(one.shape == std::vector<Index>{1});
  }

  TEST_CASE("npy: files that are not .npy, or are cut short") {
    const std::string magic("\x93NUMPY", 6);
    for (const std::string& bad :
         std::vector<std::string>{std::string(), std::string("abc"), std::string("\x93NUM"),
                                  std::string("\x93numpy\x01\x00") + std::string(60, ' '), std::string("PK\x03\x04")}) {
      CHECK(npy_error(bad) == "Q file q.npy: not a .npy file (no \\x93NUMPY magic)");
    }
    CHECK(contains(npy_error(magic), "Q file q.npy: truncated .npy file (6 bytes"));
    CHECK(contains(npy_error(magic + "\x01"), "truncated .npy file (7 bytes"));
    CHECK(
        contains(npy_error(magic + std::string("\x01\x00\x10", 3)), "truncated .npy file (9 bytes, no header length)"));
    CHECK(contains(npy_error(magic + std::string("\x02\x00\x10\x00\x00", 5)),
                   "truncated .npy file (11 bytes, no header length)"));
  }

  TEST_CASE("npy: unsupported versions") {
    const std::string h = dict("<f4", false, "(1,)");
    CHECK(npy_error(npy_file(h, f4(1), 4)) == "Q file q.npy: unsupported .npy version 4.0 (1.0, 2.0 and 3.0 are read)");
    CHECK(contains(npy_error(npy_file(h, f4(1), 0)), "unsupported .npy version 0.0"));
    std::string minor = npy_file(h, f4(1));
    minor[7] = 1;
    CHECK(contains(npy_error(minor), "unsupported .npy version 1.1"));
  }

  TEST_CASE("npy: header length past the end of the file") {
    const std::string h = dict("<f4", false, "(1,)");
    const std::string f = npy_file(h, f4(1), 1, 500);
    CHECK(npy_error(f) ==
          "Q file q.npy: header length 500 goes past the end of the file (" + std::to_string(f.size()) + " bytes)");
    CHECK(contains(npy_error(npy_file(h, f4(1), 2, 0xffffffff)), "header length 4294967295 goes past the end"));
    CHECK(contains(npy_error(npy_file(h, "", 1, static_cast<std::int64_t>(h.size()) + 1)), "goes past the end"));
  }

  TEST_CASE("npy: malformed header dicts") {
    const std::string data = f4(1) + f4(2);
    const auto err = [&](const std::string& header) { return npy_error(npy_file(header, data)); };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "header ends early, expected '{'"},
        {"'descr': '<f4'", "expected '{' but found '''"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "header ends early, expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,", "header ends early, expected a dimension"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': ", "header ends early, expected '(' to start 'shape'"},
        {"{'descr': '<f4', 'fortran_order': ", "header ends early, expected True or False"},
        {"{'descr': ", "header ends early, expected a quoted dtype"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", "header ends early"},
        {"{'descr: '<f4', 'fortran_order': False, 'shape': (2,)}", "expected ':' after key"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", "unexpected text after the closing '}'"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'"},
        {"{'fortran_order': False, 'shape': (2,)}", "bad header: no 'descr' key"},
        {"{'descr': '<f4', 'shape': (2,)}", "bad header: no 'fortran_order' key"},
        {"{'descr': '<f4', 'fortran_order': False}", "bad header: no 'shape' key"},
        {"{}", "bad header: no 'descr' key"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "key 'descr' given twice"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'"},
        {"{descr: '<f4', 'fortran_order': False, 'shape': (2,)}", "expected a quoted key"},
        {"{'descr': <f4, 'fortran_order': False, 'shape': (2,)}", "expected a quoted dtype"},
        {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,)}", "escape sequences"},
        {"{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", "'fortran_order' must be True or False"},
        {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' must be True or False"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "'shape' must be a tuple, not a list"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': 2}", "expected '(' to start 'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}",
         "'shape' (2) is not a tuple; a 1-tuple is written (2,)"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}", "expected ',' or ')' in 'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,,2)}", "expected a dimension"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (a, 2)}", "expected a dimension"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", "expected ',' or ')' in 'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", "expected a dimension"},
        {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "unsupported dtype (structured arrays"},
    };
    for (const auto& c : cases) {
      const std::string& header = c.first;
      const std::string& expected = c.second;
      CAPTURE(header);
      const std::string e = err(header);
      CHECK(contains(e, expected));
      CHECK(e.rfind("Q file q.npy: ", 0) == 0);
    }
  }

  TEST_CASE("npy: shapes that are refused") {
    const auto err = [](const std::string& shape, const std::string& data) {
      return npy_error(npy_file(dict("<f4", false, shape), data));
    };
    CHECK(err("(0, 4)", "") == "Q file q.npy is empty (shape (0, 4))");
    CHECK(err("(3, 0)", "") == "Q file q.npy is empty (shape (3, 0))");
    CHECK(err("(0,)", "") == "Q file q.npy is empty (shape (0,))");
    CHECK(err("(-3, 4)", "") == "Q file q.npy: negative dimension -3 in shape");
    CHECK(err("()", f4(1)) == "Q file q.npy: 0-d arrays are not supported (shape ()); use 1 to 3 dimensions");
    CHECK(err("(1, 1, 1, 2)", f4(1) + f4(2)) ==
          "Q file q.npy: shape (1, 1, 1, 2) has 4 dimensions; at most 3 are supported");
    CHECK(err("(1, 1, 1, 1, 1)", f4(1)) ==
          "Q file q.npy: shape (1, 1, 1, 1, 1) has 5 dimensions; at most 3 are supported");
    std::string many = "(";
    for (int i = 0; i < 100; ++i) many += "1, ";
    CHECK(contains(err(many + ")", f4(1)), "shape has more than 32 dimensions"));
    CHECK(err("(99999999999999999999, 2)", "") == "Q file q.npy: dimension 99999999999999999999 in shape is too large");
    CHECK(contains(err("(4294967296, 4294967296)", ""),
                   "Q file q.npy: shape (4294967296, 4294967296) has too many elements (at most 17179869184)"));
    CHECK(contains(err("(131072, 131072, 2)", ""), "has too many elements"));
    CHECK(contains(err("(1000000000000000, 1000000000000000, 1000000000000000)", ""), "has too many elements"));
  }

  TEST_CASE("npy: data length must match the header") {
    CHECK(npy_error(npy_file(dict("<f4", false, "(2, 3)"), std::string(20, '\0'))) ==
          "Q file q.npy: header says shape (2, 3) of <f4 = 24 bytes but 20 bytes follow");
    CHECK(npy_error(npy_file(dict("<f8", false, "(2, 3)"), std::string(49, '\0'))) ==
          "Q file q.npy: header says shape (2, 3) of <f8 = 48 bytes but 49 bytes follow");
    CHECK(npy_error(npy_file(dict("<f4", false, "(1000, 1000)"), std::string(1200, '\0'))) ==
          "Q file q.npy: header says shape (1000, 1000) of <f4 = 4000000 bytes but 1200 bytes follow");
    CHECK(npy_error(npy_file(dict("|b1", false, "(3,)"), ""), "mask file m.npy") ==
          "mask file m.npy: header says shape (3,) of |b1 = 3 bytes but 0 bytes follow");
    // A huge claimed shape is refused by the length check, before any allocation.
    CHECK(contains(npy_error(npy_file(dict("<f8", false, "(65536, 65536, 4)"), f8(1))),
                   "= 137438953472 bytes but 8 bytes follow"));
  }

  TEST_CASE("npy: unsupported dtypes") {
    for (const std::string& d :
         std::vector<std::string>{"<i8", "<f2", "|u1", "<c8", "float32", "=f4", "<f4 ", "", "|b2"}) {
      CAPTURE(d);
      CHECK(npy_error(npy_file(dict(d, false, "(1,)"), f4(1))) ==
            "Q file q.npy: unsupported dtype '" + d + "' (use float32, float64 or bool)");
    }
    // Hostile bytes are shown escaped, not sent to the terminal.
    CHECK(contains(npy_error(npy_file(dict("\x1b[2J", false, "(1,)"), f4(1))), "unsupported dtype '\\x1b[2J'"));
  }

  TEST_CASE("load: arrays become matrices") {
    Array a{{3}, false, {1, 2, 3}};
    Matrix m = to_matrix(a, "Q file q.npy");
    CHECK(m.rows() == 1);
    CHECK(m.cols() == 3);
    CHECK(m(0, 2) == 3);
    a = Array{{2, 2}, false, {1, 2, 3, 4}};
    m = to_matrix(a, "Q file q.npy");
    CHECK(m.rows() == 2);
    CHECK(m(1, 0) == 3);
    a = Array{{2, 2}, true, {0, 1, 1, 0}};
    m = to_matrix(a, "mask file m.npy");
    CHECK(m(0, 1) == 1.0f);
    CHECK(m(1, 1) == 0.0f);
    a = Array{{2, 4, 8}, false, std::vector<float>(64)};
    CHECK_THROWS_WITH_AS(to_matrix(a, "Q file q.npy"),
                         "Q file q.npy has 3 dimensions (2, 4, 8); only 2-D matrices are supported", InputError);
    a = Array{{2, 4}, false, std::vector<float>(7)};
    CHECK_THROWS_AS(to_matrix(a, "Q file q.npy"), RunError);
  }

  TEST_CASE("load: the reader is chosen by extension") {
    const auto dir = fresh_dir("load");
    Matrix m(2, 2);
    m << 1, 2, 3, 4;
    write_file_atomic(dir / "q.NPY", npy_bytes(m));
    write_file_atomic(dir / "k.CsV", "5,6\n7,8\n");
    write_file_atomic(dir / "v.txt", "1,2\n");
    CHECK(to_matrix(load_array(dir / "q.NPY", "Q file q.NPY"), "Q") == m);
    const Array k = load_array(dir / "k.CsV", "K file k.CsV");
    CHECK(k.data == std::vector<float>{5, 6, 7, 8});
    CHECK_THROWS_WITH_AS(load_array(dir / "v.txt", "V file v.txt"),
                         "V file v.txt: unknown file type '.txt' (use .npy or .csv)", InputError);
    CHECK_THROWS_WITH_AS(load_array(dir / "noext", "V file noext"),
                         "V file noext: no file extension (use .npy or .csv)", InputError);
    CHECK_THROWS_WITH_AS(load_array(dir / "missing.npy", "Q file missing.npy"),
                         "Q file missing.npy: cannot read: No such file or directory", InputError);
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("npy: numpy.load reads what we write") {
    if (!have_numpy()) {
      MESSAGE("skipped: /usr/bin/python3 with numpy not found");
      return;
    }
    const auto dir = fresh_dir("numpy-read");
    Matrix m(3, 4);
    for (Index k = 0; k < m.size(); ++k) m.data()[k] = static_cast<float>(k) * 0.1f - 0.5f;
    m(1, 2) = -kInf;
    write_file_atomic(dir / "m.npy", npy_bytes(m));
    const std::string out = run_python(dir,
                                       "import numpy as np\n"
                                       "a = np.load('m.npy')\n"
                                       "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'])\n"
                                       "print(' '.join('%.9g' % float(x) for x in a.ravel()))\n");
    CAPTURE(out);
    const std::size_t nl = out.find('\n');
    REQUIRE(nl != std::string::npos);
    CHECK(out.substr(0, nl) == "<f4 (3, 4) True");
    std::vector<float> values;
    const char* p = out.data() + nl + 1;
    const char* end = out.data() + out.size();
    while (p < end && *p != '\n') {
      float v = 0;
      const auto r = std::from_chars(p, end, v);
      REQUIRE(r.ec == std::errc());
      values.push_back(v);
      p = r.ptr;
      while (p < end && *p == ' ') ++p;
    }
    REQUIRE(values.size() == 12);
    for (std::size_t k = 0; k < 12; ++k) CHECK(values[k] == m.data()[k]);
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("npy: we read what numpy writes") {
    if (!have_numpy()) {
      MESSAGE("skipped: /usr/bin/python3 with numpy not found");
      return;
    }
    const auto dir = fresh_dir("numpy-write");
    const std::string out =
        run_python(dir,
                   "import numpy as np\n"
                   "a = np.arange(12).reshape(3, 4) * 0.25 - 0.5\n"
                   "np.save('f8_be_fortran.npy', np.asfortranarray(a.astype('>f8')))\n"
                   "for v in [(1, 0), (2, 0), (3, 0)]:\n"
                   "    with open('v%d.npy' % v[0], 'wb') as f:\n"
                   "        np.lib.format.write_array(f, a.astype('<f4'), version=v)\n"
                   "np.save('mask.npy', np.tril(np.ones((3, 3), dtype=bool)))\n"
                   "np.save('row.npy', np.arange(5, dtype='<f4'))\n"
                   "np.save('cube.npy', np.asfortranarray(np.arange(24).reshape(2, 3, 4).astype('>f4')))\n"
                   "print('done')\n");
    REQUIRE(out == "done\n");
    const auto load = [&](const char* file) { return parse_npy(read_file(dir / file, file), file); };
    std::vector<float> expected;
    for (int k = 0; k < 12; ++k) expected.push_back(static_cast<float>(static_cast<double>(k) * 0.25 - 0.5));

    Array a = load("f8_be_fortran.npy");
    CHECK(a.shape == std::vector<Index>{3, 4});
    CHECK(a.data == expected);
    for (const char* f : {"v1.npy", "v2.npy", "v3.npy"}) {
      CAPTURE(f);
      a = load(f);
      CHECK(a.shape == std::vector<Index>{3, 4});
      CHECK(a.data == expected);
    }
    a = load("mask.npy");
    CHECK(a.is_bool);
    CHECK(a.data == std::vector<float>{1, 0, 0, 1, 1, 0, 1, 1, 1});
    a = load("row.npy");
    CHECK(a.shape == std::vector<Index>{5});
    CHECK(a.data == std::vector<float>{0, 1, 2, 3, 4});
    a = load("cube.npy");
    CHECK(a.shape == std::vector<Index>{2, 3, 4});
    for (std::size_t k = 0; k < 24; ++k) CHECK(a.data[k] == static_cast<float>(k));
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("npy: the header is checked against the file's size before the data is read") {
    const std::string file = npy_file(dict("<f4", false, "(2, 2)"), f4(1) + f4(2) + f4(3) + f4(4));
    const std::string head = file.substr(0, file.size() - 16);  // the header alone
    CHECK_NOTHROW(check_npy_size(head, file.size(), "Q"));
    CHECK_THROWS_WITH_AS(check_npy_size(head, file.size() + 1000, "Q"),
                         "Q: header says shape (2, 2) of <f4 = 16 bytes but 1016 bytes follow", InputError);
    CHECK_THROWS_WITH_AS(check_npy_size(head, 1ull << 40, "Q"), doctest::Contains("bytes follow"), InputError);
    CHECK_THROWS_AS(check_npy_size(head.substr(0, 5), 1ull << 40, "Q"), InputError);
    // What is written piece by piece is what npy_bytes writes.
    const Matrix m = Matrix::Random(3, 5);
    std::string streamed;
    write_npy([&](std::string_view piece) { streamed += piece; }, m);
    CHECK(streamed == npy_bytes(m));
    const std::vector<const Matrix*> stack{&m, &m};
    streamed.clear();
    write_npy([&](std::string_view piece) { streamed += piece; }, stack);
    CHECK(streamed == npy_bytes(std::vector<Matrix>{m, m}));
  }
}  // TEST_SUITE("io/npy")
