// The B+ tree through the store: lookups, overwrites, deletes with rebalancing,
// overflow values, key limits, cursors and bounded ranges in both directions.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine/check.h"
#include "engine/range_scan.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%08d", i);
  return buf;
}

class BTreeTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open(uint32_t page_size = kDefaultPageSize) {
    StoreOptions options;
    options.page_size = page_size;
    auto s = Store::open(&vfs_, "/db", options);
    ASSERT_OK(s);
    store_ = std::move(s).value();
  }
  std::unique_ptr<WriteTx> writer() {
    auto w = store_->begin_write();
    EXPECT_OK(w);
    return std::move(w).value();
  }
  void expect_clean() {
    auto report = check_store(store_.get());
    ASSERT_OK(report);
    EXPECT_TRUE(report->ok()) << report->to_string();
  }

  vfs::MemVfs vfs_;
  std::unique_ptr<Store> store_;
};

TEST_F(BTreeTest, EmptyTreeHasNoKeys) {
  auto r = store_->begin_read();
  ASSERT_OK(r);
  auto v = (*r)->get("missing");
  ASSERT_OK(v);
  EXPECT_FALSE(v->has_value());
  Cursor c = (*r)->cursor();
  ASSERT_OK(c.first());
  EXPECT_FALSE(c.valid());
}

TEST_F(BTreeTest, PutGetOverwriteDeleteAcrossManyPages) {
  auto w = writer();
  for (int i = 0; i < 5000; ++i) ASSERT_OK(w->put(key_of(i), "value-" + std::to_string(i)));
  ASSERT_OK(w->put(key_of(42), "overwritten"));
  auto deleted = w->del(key_of(7));
  ASSERT_OK(deleted);
  EXPECT_TRUE(*deleted);
  auto again = w->del(key_of(7));
  ASSERT_OK(again);
  EXPECT_FALSE(*again);
  ASSERT_OK(w->commit());
  expect_clean();

  auto r = store_->begin_read();
  ASSERT_OK(r);
  EXPECT_EQ(*(*r)->get(key_of(42)).value(), "overwritten");
  EXPECT_FALSE((*r)->get(key_of(7)).value().has_value());
  EXPECT_EQ(*(*r)->get(key_of(4999)).value(), "value-4999");
}

TEST_F(BTreeTest, DeletingEverythingShrinksTheTreeToNothing) {
  std::mt19937 rng(7);
  std::vector<int> order(20000);
  for (int i = 0; i < 20000; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  auto w = writer();
  for (int i : order) ASSERT_OK(w->put(key_of(i), std::string(40, 'x')));
  ASSERT_OK(w->commit());
  auto report = check_store(store_.get());
  ASSERT_OK(report);
  EXPECT_GE(report->depth, 3u);
  std::shuffle(order.begin(), order.end(), rng);
  w = writer();
  for (size_t n = 0; n < order.size(); ++n) {
    auto d = w->del(key_of(order[n]));
    ASSERT_OK(d);
    ASSERT_TRUE(*d);
  }
  ASSERT_OK(w->commit());
  EXPECT_EQ(store_->meta().root, 0u);
  expect_clean();
}

TEST_F(BTreeTest, DeletesRebalanceSoTheTreeStaysShallow) {
  auto w = writer();
  for (int i = 0; i < 30000; ++i) ASSERT_OK(w->put(key_of(i), std::string(30, 'v')));
  ASSERT_OK(w->commit());
  // Delete 29,900 keys from the middle outwards, keeping 100.
  w = writer();
  for (int i = 50; i < 29950; ++i) ASSERT_OK(w->del(key_of(i)));
  ASSERT_OK(w->commit());
  auto report = check_store(store_.get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
  EXPECT_EQ(report->keys, 100u);
  EXPECT_LE(report->depth, 2u);
  EXPECT_LE(report->leaf_pages, 4u);
}

TEST_F(BTreeTest, TenMebibyteValueRoundTripsThroughOverflowPages) {
  std::string big(10 << 20, '\0');
  std::mt19937 rng(3);
  for (auto& c : big) c = static_cast<char>(rng());
  auto w = writer();
  ASSERT_OK(w->put("big", big));
  ASSERT_OK(w->put("small", "s"));
  ASSERT_OK(w->commit());
  expect_clean();
  store_.reset();
  open();
  auto r = store_->begin_read();
  ASSERT_OK(r);
  auto v = (*r)->get("big");
  ASSERT_OK(v);
  ASSERT_TRUE(v->has_value());
  EXPECT_TRUE(**v == big);
  // Replacing and deleting it returns every overflow page to the freelist.
  w = writer();
  ASSERT_OK(w->put("big", "tiny now"));
  ASSERT_OK(w->commit());
  auto report = check_store(store_.get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
  EXPECT_EQ(report->overflow_pages, 0u);
  EXPECT_GE(report->free_pages, 2560u);
}

TEST_F(BTreeTest, KeysUpToTheDocumentedMaximumAreAcceptedAndLongerOnesRejected) {
  size_t max = BTree::max_key_size(store_->page_size());
  EXPECT_EQ(max, 990u);  // documented in node.h for 4 KiB pages
  auto w = writer();
  for (int i = 0; i < 50; ++i) {
    std::string k(max, static_cast<char>('a' + i % 26));
    k[0] = static_cast<char>(0x10 + i);  // distinct leading bytes, clear of the reserved 0x03
    ASSERT_OK(w->put(k, std::string(2000, 'v')));
  }
  Status too_long = w->put(std::string(max + 1, 'z'), "v");
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  ASSERT_OK(w->commit());
  expect_clean();
}

TEST_F(BTreeTest, SmallPagesWorkWithDeepTrees) {
  store_.reset();
  ASSERT_OK(vfs_.remove("/db"));
  open(512);
  auto w = writer();
  for (int i = 0; i < 3000; ++i) ASSERT_OK(w->put(key_of(i * 7 % 3000), std::string(i % 90, 'q')));
  for (int i = 0; i < 3000; i += 3) ASSERT_OK(w->del(key_of(i)));
  ASSERT_OK(w->commit());
  expect_clean();
}

class CursorTest : public BTreeTest {
 protected:
  void SetUp() override {
    BTreeTest::SetUp();
    auto w = writer();
    for (int i = 0; i < 2000; i += 2) ASSERT_OK(w->put(key_of(i), std::to_string(i)));
    ASSERT_OK(w->commit());
    auto r = store_->begin_read();
    ASSERT_OK(r);
    reader_ = std::move(r).value();
  }
  std::unique_ptr<ReadTx> reader_;
};

TEST_F(CursorTest, ForwardAndBackwardVisitEveryKeyInOrder) {
  Cursor c = reader_->cursor();
  ASSERT_OK(c.first());
  int expected = 0;
  while (c.valid()) {
    ASSERT_EQ(c.key(), key_of(expected));
    EXPECT_EQ(c.value().value(), std::to_string(expected));
    expected += 2;
    ASSERT_OK(c.next());
  }
  EXPECT_EQ(expected, 2000);
  ASSERT_OK(c.last());
  expected = 1998;
  while (c.valid()) {
    ASSERT_EQ(c.key(), key_of(expected));
    expected -= 2;
    ASSERT_OK(c.prev());
  }
  EXPECT_EQ(expected, -2);
}

TEST_F(CursorTest, SeekFindsTheNextKeyAndSeekForPrevThePrevious) {
  Cursor c = reader_->cursor();
  ASSERT_OK(c.seek(key_of(101)));
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.key(), key_of(102));
  ASSERT_OK(c.seek_for_prev(key_of(101)));
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.key(), key_of(100));
  ASSERT_OK(c.seek_for_prev(key_of(100)));
  EXPECT_EQ(c.key(), key_of(100));
  ASSERT_OK(c.seek(key_of(5000)));
  EXPECT_FALSE(c.valid());
  ASSERT_OK(c.seek_for_prev("a"));
  EXPECT_FALSE(c.valid());
}

TEST_F(CursorTest, BoundedRangesInBothDirections) {
  auto collect = [&](KeyRange range, Direction d) {
    std::vector<std::string> keys;
    RangeScan scan(reader_->cursor(), "k", std::move(range), d);
    EXPECT_OK(scan.start());
    while (scan.valid()) {
      keys.emplace_back(scan.key());
      EXPECT_OK(scan.next());
    }
    return keys;
  };
  KeyRange r;
  r.lower = key_of(10).substr(1);
  r.lower_inclusive = false;
  r.upper = key_of(20).substr(1);
  r.upper_inclusive = true;
  std::vector<std::string> fwd = collect(r, Direction::kForward);
  ASSERT_EQ(fwd.size(), 5u);
  EXPECT_EQ("k" + fwd.front(), key_of(12));
  EXPECT_EQ("k" + fwd.back(), key_of(20));
  std::vector<std::string> back = collect(r, Direction::kBackward);
  ASSERT_EQ(back.size(), 5u);
  EXPECT_EQ("k" + back.front(), key_of(20));
  EXPECT_EQ("k" + back.back(), key_of(12));
  r.upper_inclusive = false;
  r.lower_inclusive = true;
  EXPECT_EQ(collect(r, Direction::kBackward).size(), 5u);
  EXPECT_EQ(collect(KeyRange::all(), Direction::kBackward).size(), 1000u);
}

TEST_F(BTreeTest, CursorSurvivesWritesDuringIteration) {
  auto w = writer();
  for (int i = 0; i < 3000; ++i) ASSERT_OK(w->put(key_of(i), "v"));
  // Delete every key while iterating, and insert new ones behind the cursor.
  Cursor c = w->cursor();
  ASSERT_OK(c.first());
  int seen = 0;
  while (c.valid()) {
    std::string k(c.key());
    ASSERT_EQ(k, key_of(seen));
    ASSERT_OK(w->del(k));
    ASSERT_OK(w->put("a" + k, "behind"));
    ++seen;
    ASSERT_OK(c.next());
  }
  EXPECT_EQ(seen, 3000);
  ASSERT_OK(w->commit());
  expect_clean();
}

}  // namespace
}  // namespace strata
