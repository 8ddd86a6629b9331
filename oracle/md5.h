// Md5: the MD5 digest sqllogictest uses to stand for long results, from OpenSSL (libcrypto).
//
//   Md5 md5;
//   md5.add("1\n");
//   md5.add("2\n");
//   Result<std::string> hex = md5.finish();  // 32 lowercase hex digits
//
// finish() resets the digest, so one Md5 can hash several results in turn.
#pragma once

#include <string>
#include <string_view>

#include "vfs/status.h"

struct evp_md_ctx_st;

namespace strata::oracle {

class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void add(std::string_view bytes);
  // The digest of everything added since construction or the last finish(), in hex.
  Result<std::string> finish();

 private:
  void start();

  evp_md_ctx_st* ctx_;
  bool failed_ = false;
};

// The MD5 of bytes in lowercase hex.
Result<std::string> md5_hex(std::string_view bytes);

}  // namespace strata::oracle
