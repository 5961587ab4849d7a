# cmake -DOUTPUT=file.cpp -DFILES="a.comp|b.glsl" -P embed_shaders.cmake
# Writes every shader file as a raw string literal into one C++ table (core/gl/embedded_shaders.hpp).
string(REPLACE "|" ";" files "${FILES}")
set(delimiter "glsl_")
set(table "")
foreach(path IN LISTS files)
  get_filename_component(name "${path}" NAME)
  file(READ "${path}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw string delimiter )${delimiter}\"")
  endif()
  string(APPEND table "    {\"${name}\", R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()
file(WRITE "${OUTPUT}.new" "// Generated from shaders/ by core/gl/embed_shaders.cmake: edit the shader files, not this.
#include \"core/gl/embedded_shaders.hpp\"

namespace attnlab::gl {

std::span<const EmbeddedShader> embedded_shaders() {
  static constexpr EmbeddedShader table[] = {
${table}  };
  return table;
}

}  // namespace attnlab::gl
")
# Only a changed table touches the output, so an unchanged shader set recompiles nothing.
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
