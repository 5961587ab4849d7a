#include "core/gl/gl_program.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/gl/gl_check.hpp"
#include "core/gl/shader_source.hpp"

namespace attnlab::gl {
namespace {

template <class GetIv, class GetLog>
std::string info_log(GLuint object, GetIv get_iv, GetLog get_log) {
  GLint length = 0;
  get_iv(object, GL_INFO_LOG_LENGTH, &length);
  std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
  get_log(object, length, nullptr, log.data());
  log.resize(log.find_last_not_of(std::string("\n\0", 2)) + 1);
  return log;
}

}  // namespace

GLuint groups(Index n, GLuint per_group) {
  return static_cast<GLuint>(std::min<Index>((n + per_group - 1) / per_group, std::numeric_limits<GLuint>::max()));
}

Program::Program(std::string_view name, std::string_view prelude) {
  const ShaderSource source = shader_source(name, prelude);
  const GLuint shader = glCreateShader(GL_COMPUTE_SHADER);
  const char* text = source.text.c_str();
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint compiled = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &compiled);
  if (!compiled) {
    std::string files;
    for (std::size_t i = 0; i < source.files.size(); ++i)
      files += (i ? ", " : "") + std::to_string(i) + " = " + source.files[i];
    const std::string log = info_log(shader, glGetShaderiv, glGetShaderInfoLog);
    glDeleteShader(shader);
    throw RunError("the shader " + std::string(name) + " does not compile on this driver (files: " + files +
                   "): " + log);
  }
  id_ = glCreateProgram();
  glAttachShader(id_, shader);
  glLinkProgram(id_);
  glDeleteShader(shader);  // freed with the program
  GLint linked = GL_FALSE;
  glGetProgramiv(id_, GL_LINK_STATUS, &linked);
  if (!linked) {
    const std::string log = info_log(id_, glGetProgramiv, glGetProgramInfoLog);
    glDeleteProgram(id_);
    throw RunError("the shader " + std::string(name) + " does not link on this driver: " + log);
  }
  for (GLuint axis : {0u, 1u}) {
    GLint most = 0;
    glGetIntegeri_v(GL_MAX_COMPUTE_WORK_GROUP_COUNT, axis, &most);
    max_groups_[axis] = static_cast<GLuint>(std::max(most, 1));
  }
  check_gl("building a compute program");
}

Program::~Program() {
  glDeleteProgram(id_);
}

void Program::set(const char* uniform, GLuint value) const {
  glProgramUniform1ui(id_, glGetUniformLocation(id_, uniform), value);
}

void Program::set(const char* uniform, GLfloat value) const {
  glProgramUniform1f(id_, glGetUniformLocation(id_, uniform), value);
}

void Program::dispatch(GLuint groups_x, GLuint groups_y) const {
  glUseProgram(id_);
  glDispatchCompute(std::clamp(groups_x, 1u, max_groups_[0]), std::clamp(groups_y, 1u, max_groups_[1]), 1);
  check_gl("a compute dispatch");
}

}  // namespace attnlab::gl
