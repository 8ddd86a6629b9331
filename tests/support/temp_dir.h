// TempDir: a fresh directory under /tmp for one test, removed with everything in it when the
// TempDir goes away.
#pragma once

#include <string>
#include <string_view>

namespace strata::test {

class TempDir {
 public:
  // Creates /tmp/strata-<prefix>-XXXXXX; aborts the test binary if it cannot (no test could
  // run meaningfully without it).
  explicit TempDir(std::string_view prefix = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory's absolute path, without a trailing slash.
  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace strata::test
