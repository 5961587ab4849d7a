#pragma once
// Built-in examples with token labels: the inputs a class starts from.
#include <string>
#include <string_view>
#include <vector>

#include "core/attention/problem.hpp"

namespace attnlab {

struct Example {
  std::string name;
  std::string description;  // one sentence a teacher can read out
  Problem problem;
};

inline constexpr std::string_view default_example = "sentence";
const std::vector<std::string>& example_names();
Example make_example(std::string_view name);  // throws InputError listing the names

}  // namespace attnlab
