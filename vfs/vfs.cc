#include "vfs/vfs.h"

namespace strata::vfs {

// "a/b" -> "a", "/a/b" -> "/a", "a//b" -> "a", "/x" -> "/", "b" -> ".", "" -> ".".
std::string dir_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  // Skip the whole run of slashes in front of the name, so "a//b" is in "a".
  const size_t dir_end = path.find_last_not_of('/', slash);
  if (dir_end == std::string::npos) return "/";
  return path.substr(0, dir_end + 1);
}

}  // namespace strata::vfs
