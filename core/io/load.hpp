#pragma once
// Matrices from files: choosing the reader by extension, and turning an Array into a Matrix.
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/io/npy.hpp"

namespace attnlab {

// By extension, .npy or .csv (case-insensitive); anything else is an InputError such as
// "Q file q.txt: unknown file type '.txt' (use .npy or .csv)". `name` is how messages name the input.
Array load_array(const std::filesystem::path& path, const std::string& name);

// A 1-D array is one row; 2-D as is; 3-D is refused for now (multi-head inputs are a later
// extension). Bool arrays become 0/1. Throws InputError.
Matrix to_matrix(const Array& a, const std::string& name);
// Heads for multi-head inputs: a 3-D array H × L × d is H matrices of L × d; 1-D or 2-D is one head.
std::vector<Matrix> to_heads(const Array& a, const std::string& name);

}  // namespace attnlab
