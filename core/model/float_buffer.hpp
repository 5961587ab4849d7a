#pragma once
// Memory of its own for weights widened at load: not zero-filled first (every value is written by
// the widening), and from a mapping the kernel may back with 2 MiB pages, so that a model's
// hundreds of megabytes cost hundreds of page faults rather than a hundred thousand.
#include <cstddef>

namespace attnlab {

class FloatBuffer {
 public:
  FloatBuffer() = default;
  explicit FloatBuffer(std::size_t count);  // throws std::bad_alloc
  ~FloatBuffer();
  FloatBuffer(FloatBuffer&& other) noexcept;
  FloatBuffer& operator=(FloatBuffer&& other) noexcept;
  FloatBuffer(const FloatBuffer&) = delete;
  FloatBuffer& operator=(const FloatBuffer&) = delete;

  float* data() const { return data_; }
  bool empty() const { return data_ == nullptr; }

 private:
  float* data_ = nullptr;
  std::size_t bytes_ = 0;  // of the mapping; 0 when the buffer came from new[]
};

}  // namespace attnlab
