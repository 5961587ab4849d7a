#include "core/model/float_buffer.hpp"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace attnlab {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

FloatBuffer::FloatBuffer(std::size_t count) {
  const std::size_t bytes = count * sizeof(float);
  if (bytes < kHugePage) {  // a norm's or a bias's few floats: the heap
    data_ = new float[count];
    return;
  }
  bytes_ = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes_, MADV_HUGEPAGE);  // a hint: where it is refused, ordinary pages serve
  data_ = static_cast<float*>(p);
}

FloatBuffer::~FloatBuffer() {
  if (bytes_ > 0) ::munmap(data_, bytes_);
  else delete[] data_;
}

FloatBuffer::FloatBuffer(FloatBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

FloatBuffer& FloatBuffer::operator=(FloatBuffer&& other) noexcept {
  if (this != &other) {
    FloatBuffer old(std::move(*this));
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace attnlab
