#pragma once
// Whether an SVG the tests wrote is well-formed XML, by Python's parser when there is one.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli_run.hpp"

namespace cli_test {

inline void check_well_formed(const std::filesystem::path& svg) {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    MESSAGE("no /usr/bin/python3: the SVG's XML is not parsed");
    return;
  }
  const RunResult r = run_program("/usr/bin/python3",
                                  {"-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", svg.string()});
  CHECK_MESSAGE(r.status == 0, "the SVG is not well-formed XML: " << r.err);
}

}  // namespace cli_test
