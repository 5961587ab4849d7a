#pragma once
// SHA-256 through OpenSSL's EVP interface, fed piece by piece as a download arrives.
#include <cstddef>
#include <memory>
#include <string>

namespace attnlab {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  std::string hex();  // the digest in lower-case hex; the hasher starts again afterwards
  void reset();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Whether an id is a SHA-256 as the Hub gives an LFS file's: 64 lower-case hex.
bool is_sha256(const std::string& id);

}  // namespace attnlab
