#include "oracle/md5.h"

#include <openssl/evp.h>

namespace strata::oracle {

Md5::Md5() : ctx_(EVP_MD_CTX_new()) { start(); }

Md5::~Md5() { EVP_MD_CTX_free(ctx_); }

void Md5::start() { failed_ = ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr) != 1; }

void Md5::add(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  failed_ = EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1;
}

Result<std::string> Md5::finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  bool ok = !failed_ && EVP_DigestFinal_ex(ctx_, digest, &length) == 1;
  start();
  if (!ok) return Status::internal("md5: OpenSSL's EVP digest failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Result<std::string> md5_hex(std::string_view bytes) {
  Md5 md5;
  md5.add(bytes);
  return md5.finish();
}

}  // namespace strata::oracle
