// dir_of: the directory part of a path, used for directory fsyncs and MemVfs::list.
#include "vfs/vfs.h"

#include <gtest/gtest.h>

namespace strata::vfs {
namespace {

TEST(DirOf, BareNameIsInTheCurrentDirectory) { EXPECT_EQ(dir_of("db"), "."); }

TEST(DirOf, EmptyPathIsInTheCurrentDirectory) { EXPECT_EQ(dir_of(""), "."); }

TEST(DirOf, FileAtTheRootIsInSlash) {
  EXPECT_EQ(dir_of("/db"), "/");
  EXPECT_EQ(dir_of("//db"), "/");
}

TEST(DirOf, NestedPathDropsTheLastComponent) {
  EXPECT_EQ(dir_of("/tmp/x.db"), "/tmp");
  EXPECT_EQ(dir_of("/a/b/c"), "/a/b");
  EXPECT_EQ(dir_of("data/x.db"), "data");
  EXPECT_EQ(dir_of("./x.db"), ".");
}

TEST(DirOf, RepeatedSlashesBeforeTheNameAreDropped) { EXPECT_EQ(dir_of("a//b"), "a"); }

}  // namespace
}  // namespace strata::vfs
