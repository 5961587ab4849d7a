#include "core/gl/shader_source.hpp"

#include <algorithm>

#include "core/attention/mask.hpp"
#include "core/gl/embedded_shaders.hpp"

namespace attnlab::gl {
namespace {

std::string_view embedded(std::string_view name) {
  for (const EmbeddedShader& file : embedded_shaders())
    if (file.name == name) return file.text;
  throw RunError("the shader file " + std::string(name) + " is not embedded in this build");
}

// The file named by `#include "FILE"` on this line, or "" when the line is no include.
std::string_view included_name(std::string_view line) {
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || !line.substr(first).starts_with("#include")) return {};
  const auto open = line.find('"'), close = line.rfind('"');
  return open < close ? line.substr(open + 1, close - open - 1) : std::string_view{};
}

class Assembler {
 public:
  explicit Assembler(ShaderSource& out) : out_(out) {}

  // Appends `text` from its line `first_line` on, as source-string number `number`.
  void append(std::string_view text, int number, int first_line) {
    out_.text += "#line " + std::to_string(first_line) + " " + std::to_string(number) + "\n";
    int line_number = first_line;
    while (!text.empty()) {
      const auto end = text.find('\n');
      const std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
      ++line_number;
      const std::string_view name = included_name(line);
      if (name.empty()) {
        out_.text.append(line).push_back('\n');
        continue;
      }
      if (std::find(out_.files.begin(), out_.files.end(), name) == out_.files.end()) {
        out_.files.emplace_back(name);
        append(embedded(name), static_cast<int>(out_.files.size()) - 1, 1);
      }
      out_.text += "#line " + std::to_string(line_number) + " " + std::to_string(number) + "\n";
    }
  }

 private:
  ShaderSource& out_;
};

}  // namespace

std::string kernel_prelude() {
  using Kind = MaskSpec::Kind;
  const auto kind = [](const char* name, Kind k) {
    return std::string("#define ") + name + " " + std::to_string(static_cast<int>(k)) + "u\n";
  };
  return "#define TILE " + std::to_string(tile) + "u\n#define ROW_THREADS " + std::to_string(row_threads) + "u\n" +
         kind("MASK_NONE", Kind::none) + kind("MASK_CAUSAL", Kind::causal) +
         kind("MASK_CAUSAL_BOTTOM_RIGHT", Kind::causal_bottom_right) + kind("MASK_WINDOW", Kind::window) +
         kind("MASK_PADDING", Kind::padding) + kind("MASK_MATRIX", Kind::matrix);
}

ShaderSource shader_source(std::string_view name, std::string_view prelude) {
  std::string_view text = embedded(name);
  ShaderSource out;
  out.files.emplace_back(name);
  // #version must come first; the prelude's #defines go right after it.
  int first_line = 1;
  if (text.starts_with("#version")) {
    const auto end = text.find('\n');
    out.text.append(text.substr(0, end)).push_back('\n');
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    first_line = 2;
  }
  out.text.append(prelude);
  if (!prelude.empty() && !prelude.ends_with('\n')) out.text.push_back('\n');
  Assembler(out).append(text, 0, first_line);
  return out;
}

}  // namespace attnlab::gl
