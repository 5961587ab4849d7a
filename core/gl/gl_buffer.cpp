#include "core/gl/gl_buffer.hpp"

#include <algorithm>
#include <string>

#include "core/attention/memory.hpp"
#include "core/gl/gl_check.hpp"

namespace attnlab::gl {

Buffer::Buffer() {
  glGenBuffers(1, &id_);
}

Buffer::~Buffer() {
  glDeleteBuffers(1, &id_);
}

void Buffer::reserve(std::size_t bytes) {
  bytes = std::max<std::size_t>(bytes, 4);
  if (bytes <= capacity_) return;
  GLint64 most = 0;
  glGetInteger64v(GL_MAX_SHADER_STORAGE_BLOCK_SIZE, &most);
  if (bytes > static_cast<std::size_t>(most))
    throw RunError("the GPU would need a " + human_bytes(bytes) +
                   " buffer, but this OpenGL driver's storage "
                   "blocks hold at most " +
                   human_bytes(static_cast<std::uint64_t>(most)) + ": use the CPU backend or the output-only mode");
  glBindBuffer(GL_COPY_WRITE_BUFFER, id_);
  glBufferData(GL_COPY_WRITE_BUFFER, static_cast<GLsizeiptr>(bytes), nullptr, GL_DYNAMIC_COPY);
  if (glGetError() == GL_OUT_OF_MEMORY)
    throw RunError("the GPU is out of memory for a " + human_bytes(bytes) + " buffer");
  capacity_ = bytes;
}

void Buffer::release() {
  if (capacity_ == 0) return;
  glBindBuffer(GL_COPY_WRITE_BUFFER, id_);
  glBufferData(GL_COPY_WRITE_BUFFER, 0, nullptr, GL_DYNAMIC_COPY);
  capacity_ = 0;
}

void Buffer::upload(const void* data, std::size_t bytes) {
  reserve(bytes);
  glBindBuffer(GL_COPY_WRITE_BUFFER, id_);
  glBufferSubData(GL_COPY_WRITE_BUFFER, 0, static_cast<GLsizeiptr>(bytes), data);
  check_gl("a buffer upload");
}

void Buffer::download(void* data, std::size_t bytes) const {
  glBindBuffer(GL_COPY_READ_BUFFER, id_);
  glGetBufferSubData(GL_COPY_READ_BUFFER, 0, static_cast<GLsizeiptr>(bytes), data);
  check_gl("a buffer read-back");
}

void Buffer::bind_storage(GLuint binding) const {
  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, binding, id_);
}

void Buffer::bind_uniform(GLuint binding) const {
  glBindBufferBase(GL_UNIFORM_BUFFER, binding, id_);
}

}  // namespace attnlab::gl
