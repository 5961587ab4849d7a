#include "core/hub/sha256.hpp"

#include <openssl/evp.h>

#include "core/base/matrix.hpp"

namespace attnlab {

struct Sha256::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (!context_->md) throw RunError("SHA-256: OpenSSL cannot make a digest context");
  reset();
}

Sha256::~Sha256() = default;

void Sha256::reset() {
  if (EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) throw RunError("SHA-256: OpenSSL cannot start");
}

void Sha256::update(const void* data, std::size_t size) {
  if (EVP_DigestUpdate(context_->md, data, size) != 1) throw RunError("SHA-256: OpenSSL failed");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->md, digest, &length) != 1) throw RunError("SHA-256: OpenSSL failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += digits[digest[i] >> 4];
    text += digits[digest[i] & 15];
  }
  reset();
  return text;
}

bool is_sha256(const std::string& id) {
  if (id.size() != 64) return false;
  for (const char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace attnlab
