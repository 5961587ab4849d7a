#pragma once
// A GPU buffer that keeps its storage from one compute to the next and grows only when a bigger one
// is needed: a slider that changes the scale or the mask allocates nothing.
#include <epoxy/gl.h>

#include <cstddef>

namespace attnlab::gl {

class Buffer {
 public:
  Buffer();
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Room for `bytes` (at least 4, so that a kernel can always bind it); the contents are lost when
  // it grows. Throws RunError when the driver's storage blocks are smaller than that.
  void reserve(std::size_t bytes);
  void release();                                    // gives the storage back
  void upload(const void* data, std::size_t bytes);  // reserve + copy to the GPU
  void download(void* data, std::size_t bytes) const;
  void bind_storage(GLuint binding) const;  // a `buffer` block of the shaders
  void bind_uniform(GLuint binding) const;  // a `uniform` block

 private:
  GLuint id_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace attnlab::gl
