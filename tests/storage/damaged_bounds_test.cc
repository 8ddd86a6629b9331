// Bounds the decoders keep on checksum-valid but damaged pages, so that no page can make
// the engine write outside a page, allocate more than the file could hold, or loop (each found
// by the fuzz targets of fuzz/; their inputs are in fuzz/regressions/):
//   - a node whose garbage count or cell sizes do not add up to its content area is invalid;
//   - a meta slot decodes only if it re-encodes to the same bytes;
//   - an overflow chain that loops back is corruption, and a huge length reserves nothing;
//   - a page count beyond the file's end is refused at open and is a checker issue, and a
//     commit never leaves one (pages allocated past the end and freed again are trimmed).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/btree.h"
#include "engine/check.h"
#include "engine/meta.h"
#include "engine/node.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

constexpr uint32_t kPageSize = 512;

// A valid leaf with three cells.
PageBuf three_cell_leaf() {
  PageBuf page(kPageSize);
  node::init(page.data(), kPageSize, PageType::kLeaf, 7);
  node::rebuild(page.data(), kPageSize,
                {node::make_leaf_cell("a", "1"), node::make_leaf_cell("b", "22"),
                 node::make_leaf_cell("c", "333")});
  return page;
}

TEST(DamagedNodeTest, GarbageCountBeyondTheDeadCellsIsInvalid) {
  PageBuf page = three_cell_leaf();
  ASSERT_OK(node::validate(page.data(), kPageSize, 7));
  // The content area holds the three live cells only; claim 10 bytes of it are garbage.
  store_u32(page.data() + node::kOffGarbage, 10);
  Status s = node::validate(page.data(), kPageSize, 7);
  EXPECT_STATUS(s, kCorruption);
  EXPECT_NE(s.message().find("do not fill the content area"), std::string::npos) << s.to_string();
  node::NodeAudit audit = node::audit(page.data(), kPageSize);
  ASSERT_EQ(audit.problems.size(), 1u);
  EXPECT_NE(audit.problems[0].find("do not fill the content area"), std::string::npos);
}

TEST(DamagedNodeTest, OverlappingCellsAreInvalid) {
  PageBuf page = three_cell_leaf();
  // Slot 2 points one byte into cell 1's bytes: the cells overlap, and the area no longer adds up.
  uint16_t cell1 = node::slot(page.data(), 1);
  store_u16(page.data() + node::kNodeHeaderSize + 4, static_cast<uint16_t>(cell1 + 1));
  EXPECT_STATUS(node::validate(page.data(), kPageSize, 7), kCorruption);
}

TEST(DamagedNodeTest, RemovingCellsKeepsTheContentAreaAccounted) {
  PageBuf page = three_cell_leaf();
  node::remove_cell(page.data(), 1);  // a cell in the middle of the area: becomes garbage
  ASSERT_OK(node::validate(page.data(), kPageSize, 7));
  node::remove_cell(page.data(), 0);
  ASSERT_OK(node::validate(page.data(), kPageSize, 7));
  ASSERT_TRUE(node::insert_cell(page.data(), kPageSize, 0, node::make_leaf_cell("0", "x")));
  EXPECT_OK(node::validate(page.data(), kPageSize, 7));
}

TEST(DamagedMetaTest, ReservedBytesOrUnusedHeaderFieldsMakeTheSlotInvalid) {
  Meta meta;
  meta.page_size = kPageSize;
  meta.generation = 4;
  PageBuf page(kPageSize);
  encode_meta(meta, page.data());
  ASSERT_OK(decode_meta(page.data(), page.size(), 0, kPageSize).status_or_ok());

  PageBuf reserved = page;
  reserved[kPageSize - 1] = 1;
  store_u64(reserved.data(), page_checksum(reserved.data(), kPageSize));
  Result<Meta> r = decode_meta(reserved.data(), reserved.size(), 0, kPageSize);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("reserved byte at offset 511"), std::string::npos)
      << r.status().to_string();

  PageBuf header = page;
  set_page_aux(header.data(), 3);
  store_u64(header.data(), page_checksum(header.data(), kPageSize));
  EXPECT_STATUS(decode_meta(header.data(), header.size(), 0, kPageSize).status_or_ok(),
                kCorruption);
}

// The pages a chain decoder may read, verified as the pager does.
class Pages : public PageAccess {
 public:
  uint32_t page_size() const override { return kPageSize; }
  Result<PageRef> read(uint64_t page_no) override {
    auto it = pages_.find(page_no);
    if (it == pages_.end())
      return Status::corruption("page " + std::to_string(page_no) + ": missing");
    STRATA_TRY(verify_page(it->second->data(), kPageSize, page_no));
    return PageRef(it->second);
  }
  Result<uint8_t*> mutable_page(uint64_t*) override { return Status::read_only("read only"); }
  Result<uint8_t*> allocate(uint64_t*) override { return Status::read_only("read only"); }
  Status retire(uint64_t) override { return Status::read_only("read only"); }
  bool owns(uint64_t) const override { return false; }
  uint64_t write_generation() const override { return 1; }

  // An overflow page full of bytes whose next page is `next`.
  void add_overflow(uint64_t page_no, uint64_t next) {
    auto page = std::make_shared<PageBuf>(kPageSize);
    init_page(page->data(), kPageSize, PageType::kOverflow, page_no);
    set_page_aux(page->data(), kPageSize - kOverflowHeaderSize);
    store_u64(page->data() + kPageHeaderSize, next);
    seal_page(page->data(), kPageSize, page_no, 1);
    pages_[page_no] = page;
  }

 private:
  std::map<uint64_t, std::shared_ptr<const PageBuf>> pages_;
};

TEST(DamagedOverflowTest, ChainThatLoopsBackIsCorruptionNotTwoGigabytes) {
  Pages pages;
  pages.add_overflow(5, 6);
  pages.add_overflow(6, 5);  // back to the first page
  Result<std::string> value = BTree::read_overflow(&pages, 5, 1, node::kMaxValueSize);
  ASSERT_FALSE(value.ok());
  EXPECT_STATUS(value.status(), kCorruption);
  EXPECT_NE(value.status().message().find("loops back"), std::string::npos)
      << value.status().to_string();
}

class PageCountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.page_size = kPageSize;
    auto store = Store::open(&vfs_, "/db", options);
    ASSERT_OK(store);
    auto w = (*store)->begin_write();
    ASSERT_OK(w);
    ASSERT_OK((*w)->put("k", std::string(100, 'v')));
    ASSERT_OK((*w)->commit());
  }

  // The file with both meta slots' page count replaced (and resealed), so that open cannot
  // fall back to the other slot.
  void set_page_count(uint64_t page_count) {
    std::vector<uint8_t> file = vfs_.read_file("/db").value();
    for (int s = 0; s < 2; ++s) {
      uint8_t* slot = file.data() + s * kPageSize;
      store_u64(slot + 64, page_count);
      store_u64(slot, page_checksum(slot, kPageSize));
    }
    vfs_.write_file("/db", file);
  }

  vfs::MemVfs vfs_;
};

TEST_F(PageCountTest, PageCountBeyondTheFileIsRefusedAtOpen) {
  set_page_count(uint64_t{1} << 40);
  auto store = Store::open(&vfs_, "/db");
  ASSERT_FALSE(store.ok());
  EXPECT_STATUS(store.status(), kCorruption);
  EXPECT_NE(store.status().message().find("exceeds the file's"), std::string::npos)
      << store.status().to_string();
}

TEST_F(PageCountTest, CheckerReportsAPageCountBeyondTheFileWithoutWalkingIt) {
  set_page_count(uint64_t{1} << 40);
  auto file = vfs_.open("/db", vfs::OpenOptions{});
  ASSERT_OK(file);
  auto report = check_file(file->get());
  ASSERT_OK(report);
  EXPECT_FALSE(report->ok());
  bool named = false;
  for (const CheckIssue& issue : report->issues) {
    named = named || issue.message.find("fewer than the page count") != std::string::npos;
  }
  EXPECT_TRUE(named) << report->to_string();
}

TEST_F(PageCountTest, CommitTrimsPagesItAllocatedPastTheEndAndFreed) {
  StoreOptions options;
  options.page_size = kPageSize;
  auto store = Store::open(&vfs_, "/db", options);
  ASSERT_OK(store);
  {
    // A value of several overflow pages, replaced in the same transaction: its pages were
    // allocated past the end of the file and freed again without ever being written.
    auto w = (*store)->begin_write();
    ASSERT_OK(w);
    ASSERT_OK((*w)->put("big", std::string(8 * kPageSize, 'x')));
    ASSERT_OK((*w)->put("big", "small"));
    ASSERT_OK((*w)->commit());
  }
  uint64_t file_pages = vfs_.read_file("/db").value().size() / kPageSize;
  EXPECT_LE((*store)->meta().page_count, file_pages);
  store->reset();
  ASSERT_OK(Store::open(&vfs_, "/db", options).status_or_ok());
  auto file = vfs_.open("/db", vfs::OpenOptions{});
  ASSERT_OK(file);
  auto report = check_file(file->get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

}  // namespace
}  // namespace strata
