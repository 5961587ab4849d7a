#include "core/io/load.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "core/base/memory.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"

namespace attnlab {

Array load_array(const std::filesystem::path& path, const std::string& name) {
  const std::string ext = path.extension().string();
  std::string lower;
  for (const char c : ext) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Checked before reading, so a wrong file type is reported even when the file is huge.
  if (lower != ".npy" && lower != ".csv") {
    if (ext.empty()) throw InputError(name + ": no file extension (use .npy or .csv)");
    throw InputError(name + ": unknown file type '" + excerpt(ext) + "' (use .npy or .csv)");
  }
  FileReader file(path, name);
  std::string bytes;
  // The header first: a .npy file is read only when it holds exactly what its header announces.
  if (lower == ".npy") {
    file.read(bytes, std::min<std::uint64_t>(file.size(), npy_head_most));
    check_npy_size(bytes, file.size(), name);
  }
  // Reading holds the file's bytes, the values decoded from them and, later, the matrix they make.
  check_memory(3 * file.size(), "reading " + name + " (" + human_bytes(file.size()) + ")");
  file.read(bytes, file.size() - bytes.size());
  return lower == ".npy" ? parse_npy(bytes, name) : parse_csv(bytes, name);
}

Matrix to_matrix(const Array& a, const std::string& name) {
  if (a.shape.empty() || a.shape.size() > 3)
    throw InputError(name + " has " + std::to_string(a.shape.size()) + " dimensions; only 2-D matrices are supported");
  if (a.shape.size() == 3)
    throw InputError(name + " has 3 dimensions " + tuple_str(a.shape) + "; only 2-D matrices are supported");
  const Index rows = a.shape.size() == 1 ? 1 : a.shape[0];
  const Index cols = a.shape.back();
  if (rows < 1 || cols < 1) throw InputError(name + " is empty (shape " + tuple_str(a.shape) + ")");
  // The readers guarantee this; an Array built by hand might not.
  const auto r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(cols);
  if (c > a.data.size() / r || r * c != a.data.size())
    throw RunError(name + ": shape " + tuple_str(a.shape) + " does not match its " + std::to_string(a.data.size()) +
                   " values");
  Matrix m = Eigen::Map<const Matrix>(a.data.data(), rows, cols);
  if (a.is_bool) m = (m.array() != 0.0f).cast<float>().matrix();
  return m;
}

std::vector<Matrix> to_heads(const Array& a, const std::string& name) {
  if (a.shape.size() != 3) return {to_matrix(a, name)};
  const Index heads = a.shape[0], rows = a.shape[1], cols = a.shape[2];
  if (heads < 1 || rows < 1 || cols < 1) throw InputError(name + " is empty (shape " + tuple_str(a.shape) + ")");
  const auto per_head = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  if (per_head > a.data.size() / static_cast<std::size_t>(heads) ||
      per_head * static_cast<std::size_t>(heads) != a.data.size())
    throw RunError(name + ": shape " + tuple_str(a.shape) + " does not match its " + std::to_string(a.data.size()) +
                   " values");
  std::vector<Matrix> out;
  for (Index h = 0; h < heads; ++h) {
    Array head{{rows, cols}, a.is_bool, {}};
    const auto first = a.data.begin() + static_cast<std::ptrdiff_t>(per_head * static_cast<std::size_t>(h));
    head.data.assign(first, first + static_cast<std::ptrdiff_t>(per_head));
    out.push_back(to_matrix(head, name));
  }
  return out;
}

}  // namespace attnlab
