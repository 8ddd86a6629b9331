// Meta slots: the commit point. A damaged slot falls back to the other one;
// two damaged slots are a clear error, never a guess.
#include <gtest/gtest.h>

#include "engine/check.h"
#include "engine/meta.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

class MetaTest : public ::testing::Test {
 protected:
  // Builds a database with generations 2 (slot 0) and 3 (slot 1): key "v" = "2" then "3".
  void SetUp() override {
    auto s = Store::open(&vfs_, "/db");
    ASSERT_OK(s);
    for (int v = 2; v <= 3; ++v) {
      auto w = (*s)->begin_write();
      ASSERT_OK(w);
      ASSERT_OK((*w)->put("v", std::to_string(v)));
      ASSERT_OK((*w)->commit());
    }
    EXPECT_EQ((*s)->meta().generation, 3u);
  }

  void damage_slot(int slot, const std::function<void(uint8_t*, size_t)>& how) {
    auto bytes = vfs_.read_file("/db");
    ASSERT_OK(bytes);
    std::vector<uint8_t> file = *bytes;
    how(file.data() + slot * kDefaultPageSize, kDefaultPageSize);
    vfs_.write_file("/db", file);
  }

  // The value of "v" after reopening, or the open error.
  Result<std::string> reopen_value() {
    STRATA_ASSIGN(std::unique_ptr<Store> store, Store::open(&vfs_, "/db"));
    STRATA_ASSIGN(std::unique_ptr<ReadTx> r, store->begin_read());
    STRATA_ASSIGN(std::optional<std::string> v, r->get("v"));
    return v.value_or("<missing>");
  }

  vfs::MemVfs vfs_;
};

TEST_F(MetaTest, HigherGenerationWins) {
  auto v = reopen_value();
  ASSERT_OK(v);
  EXPECT_EQ(*v, "3");
}

TEST_F(MetaTest, BitFlipInNewestSlotFallsBackToOlderCommit) {
  damage_slot(1, [](uint8_t* p, size_t) { p[60] ^= 0x10; });
  auto v = reopen_value();
  ASSERT_OK(v);
  EXPECT_EQ(*v, "2");
}

TEST_F(MetaTest, TornNewestSlotFallsBackToOlderCommit) {
  // Only the first 512-byte sector of the new meta reached the disk.
  damage_slot(1, [](uint8_t* p, size_t n) { std::memset(p + 512, 0xA5, n - 512); });
  auto v = reopen_value();
  ASSERT_OK(v);
  EXPECT_EQ(*v, "2");
}

TEST_F(MetaTest, ZeroedOlderSlotKeepsNewestCommit) {
  damage_slot(0, [](uint8_t* p, size_t n) { std::memset(p, 0, n); });
  auto v = reopen_value();
  ASSERT_OK(v);
  EXPECT_EQ(*v, "3");
}

TEST_F(MetaTest, ZeroedSlotZeroStillFindsSlotOneAtItsPageSize) {
  // Slot 0 also tells the page size; with it gone, slot 1 is found by probing.
  damage_slot(0, [](uint8_t* p, size_t n) { std::memset(p, 0, n); });
  auto bytes = vfs_.read_file("/db");
  ASSERT_OK(bytes);
  MetaSlots slots;
  {
    auto file = vfs_.open("/db", {});
    ASSERT_OK(file);
    slots = read_meta_slots(file->get());
  }
  EXPECT_FALSE(slots.slot[0].ok());
  EXPECT_NE(slots.slot[0].status().message().find("all zeroes"), std::string::npos);
  ASSERT_TRUE(slots.slot[1].ok());
  EXPECT_EQ(slots.active, 1);
}

TEST_F(MetaTest, BothSlotsDamagedIsAClearErrorNamingBoth) {
  damage_slot(0, [](uint8_t* p, size_t) { p[100] ^= 1; });
  damage_slot(1, [](uint8_t* p, size_t n) { std::memset(p, 0, n); });
  auto v = reopen_value();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kCorruption);
  const std::string& m = v.status().message();
  EXPECT_NE(m.find("no valid meta slot"), std::string::npos) << m;
  EXPECT_NE(m.find("meta slot 0: checksum mismatch"), std::string::npos) << m;
  EXPECT_NE(m.find("meta slot 1"), std::string::npos) << m;
}

TEST_F(MetaTest, MetaWrittenIntoTheWrongSlotIsRejected) {
  // A misdirected write: slot 1's bytes land in slot 0.
  auto bytes = vfs_.read_file("/db");
  ASSERT_OK(bytes);
  std::vector<uint8_t> file = *bytes;
  std::memcpy(file.data(), file.data() + kDefaultPageSize, kDefaultPageSize);
  vfs_.write_file("/db", file);
  auto file_handle = vfs_.open("/db", {});
  ASSERT_OK(file_handle);
  MetaSlots slots = read_meta_slots(file_handle->get());
  EXPECT_FALSE(slots.slot[0].ok());
  EXPECT_NE(slots.slot[0].status().message().find("misdirected"), std::string::npos)
      << slots.slot[0].status().message();
}

TEST(MetaCreateTest, NonDatabaseFileIsRejectedWithoutBeingModified) {
  vfs::MemVfs vfs;
  std::vector<uint8_t> junk(8192, 'j');
  vfs.write_file("/junk", junk);
  auto s = Store::open(&vfs, "/junk");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find("not a strata database"), std::string::npos)
      << s.status().message();
  EXPECT_EQ(*vfs.read_file("/junk"), junk);
}

TEST(MetaCreateTest, EmptyFileIsRejected) {
  vfs::MemVfs vfs;
  vfs.write_file("/empty", {});
  auto s = Store::open(&vfs, "/empty");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("empty file"), std::string::npos);
}

TEST(MetaCreateTest, LeftoverCreationFileIsNotADatabaseAndIsReplaced) {
  // A crash during creation leaves "<path>.creating" and no database at all.
  vfs::MemVfs vfs;
  vfs.write_file("/db.creating", std::vector<uint8_t>(100, 7));
  StoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_EQ(Store::open(&vfs, "/db", no_create).status().code(), StatusCode::kNotFound);
  auto s = Store::open(&vfs, "/db");
  ASSERT_OK(s);
  EXPECT_EQ((*s)->meta().generation, 1u);
  EXPECT_FALSE(*vfs.exists("/db.creating"));
  auto report = check_store(s->get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

TEST(MetaCreateTest, EveryPageSizeFromMinToMaxCreatesAndReopens) {
  for (uint32_t ps = kMinPageSize; ps <= kMaxPageSize; ps *= 2) {
    vfs::MemVfs vfs;
    StoreOptions options;
    options.page_size = ps;
    {
      auto s = Store::open(&vfs, "/db", options);
      ASSERT_OK(s);
      auto w = (*s)->begin_write();
      ASSERT_OK(w);
      ASSERT_OK((*w)->put("page size", std::to_string(ps)));
      ASSERT_OK((*w)->commit());
    }
    auto s = Store::open(&vfs, "/db");  // default options: the file's own size wins
    ASSERT_OK(s);
    EXPECT_EQ((*s)->page_size(), ps);
    auto r = (*s)->begin_read();
    EXPECT_EQ(*(*r)->get("page size").value(), std::to_string(ps));
  }
  vfs::MemVfs vfs;
  StoreOptions bad;
  bad.page_size = 1000;
  EXPECT_EQ(Store::open(&vfs, "/db", bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata
