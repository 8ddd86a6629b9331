// The storage-level consistency checker: for each invariant it checks, a database file that
// breaks exactly that invariant (written through the MemVfs) and a test that the checker
// names it with its page; healthy files of every shape check clean; a damaged page does not
// stop the checker from reporting the rest.
//
// Two kinds of broken files: files built page by page here (FileBuilder), so that a tree of
// a chosen shape breaks one rule and nothing else; and files the engine wrote, with bytes
// changed afterwards (checksums, page numbers, generations, meta slots, truncation).
#include "engine/check.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/freelist.h"
#include "engine/meta.h"
#include "engine/node.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

constexpr uint32_t kPageSize = 512;
constexpr uint64_t kGeneration = 5;  // the newest meta's generation in built files

// Builds a database file page by page. Every page is sealed with generation kGeneration
// unless told otherwise; both meta slots point at the same tree.
class FileBuilder {
 public:
  void leaf(uint64_t page_no, const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<std::string> cells;
    for (const auto& [k, v] : entries) cells.push_back(node::make_leaf_cell(k, v));
    node_page(page_no, PageType::kLeaf, cells);
  }
  // A leaf cell whose value lives in an overflow chain starting at first_page.
  void overflow_leaf(uint64_t page_no, const std::string& key, uint64_t length,
                     uint64_t first_page) {
    node_page(page_no, PageType::kLeaf,
              {node::make_leaf_overflow_cell(key, length, first_page, kGeneration)});
  }
  // children: (separator, child); the first separator is ignored (minus infinity).
  void branch(uint64_t page_no, const std::vector<std::pair<std::string, uint64_t>>& children) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < children.size(); ++i) {
      cells.push_back(node::make_branch_cell(i == 0 ? "" : children[i].first, children[i].second,
                                             kGeneration));
    }
    node_page(page_no, PageType::kBranch, cells);
  }
  void overflow(uint64_t page_no, uint64_t next, uint32_t bytes) {
    PageBuf page(kPageSize);
    init_page(page.data(), kPageSize, PageType::kOverflow, page_no);
    store_u64(page.data() + kPageHeaderSize, next);
    set_page_aux(page.data(), bytes);
    put(page_no, std::move(page));
  }
  void freelist(uint64_t page_no, uint64_t next, const std::vector<FreeRun>& runs) {
    PageBuf page(kPageSize);
    init_page(page.data(), kPageSize, PageType::kFreelist, page_no);
    store_u64(page.data() + kPageHeaderSize, next);
    set_header_count(page.data(), static_cast<uint16_t>(runs.size()));
    for (size_t r = 0; r < runs.size(); ++r) {
      uint8_t* q = page.data() + Freelist::kRunsOffset + r * Freelist::kRunSize;
      store_u64(q, runs[r].first);
      store_u32(q + 8, runs[r].length);
      store_u64(q + 12, runs[r].generation);
    }
    put(page_no, std::move(page));
  }
  PageBuf& page(uint64_t page_no) { return pages_.at(page_no); }
  void reseal(uint64_t page_no, uint64_t generation = kGeneration) {
    seal_page(pages_.at(page_no).data(), kPageSize, page_no, generation);
  }

  void write(vfs::MemVfs* vfs, const std::string& path, uint64_t root, uint64_t freelist_head,
             uint64_t page_count) {
    std::vector<uint8_t> bytes(page_count * kPageSize, 0);
    for (uint64_t generation : {kGeneration - 1, kGeneration}) {
      Meta meta;
      meta.page_size = kPageSize;
      meta.generation = generation;
      meta.root = root;
      meta.root_generation = root == 0 ? 0 : generation;
      meta.freelist_head = freelist_head;
      meta.page_count = page_count;
      encode_meta(meta, bytes.data() + meta.slot() * kPageSize);
    }
    for (auto& [page_no, page] : pages_) {
      if ((page_no + 1) * kPageSize > bytes.size()) bytes.resize((page_no + 1) * kPageSize);
      std::copy(page.begin(), page.end(), bytes.begin() + page_no * kPageSize);
    }
    vfs->write_file(path, std::move(bytes));
  }

 private:
  void node_page(uint64_t page_no, PageType type, const std::vector<std::string>& cells) {
    PageBuf page(kPageSize);
    node::init(page.data(), kPageSize, type, page_no);
    node::rebuild(page.data(), kPageSize, cells);
    put(page_no, std::move(page));
  }
  void put(uint64_t page_no, PageBuf page) {
    seal_page(page.data(), kPageSize, page_no, kGeneration);
    pages_[page_no] = std::move(page);
  }
  std::map<uint64_t, PageBuf> pages_;
};

CheckReport check_path(vfs::MemVfs* vfs, const std::string& path, bool map_pages = false) {
  auto file = vfs->open(path, vfs::OpenOptions{});
  EXPECT_OK(file);
  if (!file.ok()) return {};
  CheckOptions options;
  options.map_pages = map_pages;
  Result<CheckReport> report = check_file(file->get(), options);
  EXPECT_OK(report);
  return report.ok() ? std::move(report).value() : CheckReport{};
}

// True if some violation is on page_no and its text contains `text`.
bool names(const CheckReport& report, uint64_t page_no, const std::string& text) {
  for (const CheckIssue& issue : report.issues) {
    if (issue.page_no == page_no && issue.to_string().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// A healthy two-level tree: root 2 -> leaves 3 ("a".."c") and 4 ("m".."o").
void healthy_two_level(FileBuilder* b) {
  b->leaf(3, {{"a", "1"}, {"b", "2"}, {"c", "3"}});
  b->leaf(4, {{"m", "4"}, {"n", "5"}, {"o", "6"}});
  b->branch(2, {{"", 3}, {"m", 4}});
}

class CheckTest : public ::testing::Test {
 protected:
  vfs::MemVfs vfs_;
};

TEST_F(CheckTest, HandBuiltHealthyTreeChecksClean) {
  FileBuilder b;
  healthy_two_level(&b);
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db", /*map_pages=*/true);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.keys, 6u);
  EXPECT_EQ(report.depth, 2u);
  EXPECT_EQ(report.pages.at(2).role, PageRole::kBranch);
  EXPECT_EQ(report.pages.at(3).role, PageRole::kLeaf);
  EXPECT_EQ(report.pages.at(3).referrer, 2u);
  EXPECT_EQ(report.pages.at(4).depth, 2u);
}

// --- tree shape --------------------------------------------------------------------------

TEST_F(CheckTest, LeavesAtDifferentDepthsAreNamed) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}, {"b", "2"}});
  b.leaf(5, {{"m", "1"}});
  b.leaf(6, {{"p", "1"}});
  b.branch(4, {{"", 5}, {"p", 6}});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 7);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 2u) << report.to_string();
  EXPECT_TRUE(names(report, 5, "leaf at depth 3, others at depth 2")) << report.to_string();
  EXPECT_TRUE(names(report, 6, "leaf at depth 3, others at depth 2")) << report.to_string();
}

TEST_F(CheckTest, KeysOutOfOrderInsideAPageAreNamedAndTheRestIsStillChecked) {
  FileBuilder b;
  b.leaf(3, {{"b", "1"}, {"a", "2"}});
  b.leaf(4, {{"m", "4"}, {"n", "5"}});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 3, "keys out of order at cell 1")) << report.to_string();
  EXPECT_EQ(report.keys, 4u);  // both leaves were still walked
}

TEST_F(CheckTest, KeyAtOrAboveItsSeparatorIsNamedWithTheKey) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}, {"z", "2"}});
  b.leaf(4, {{"m", "4"}, {"n", "5"}});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 3, "key at or above its separator bound \"m\" (key \"z\")"))
      << report.to_string();
}

TEST_F(CheckTest, KeyBelowItsSeparatorIsNamedWithTheKey) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}, {"b", "2"}});
  b.leaf(4, {{"c", "4"}, {"n", "5"}});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 4, "key below its separator bound \"m\" (key \"c\")"))
      << report.to_string();
}

TEST_F(CheckTest, SeparatorOutsideItsParentsBoundsIsNamed) {
  // Root [ -inf: 2a, "m": 2b ]; branch 2b holds separator "c", below its lower bound "m".
  FileBuilder b;
  b.leaf(4, {{"a", "1"}});
  b.leaf(5, {{"b", "1"}});
  b.leaf(7, {{"m", "1"}});
  b.leaf(8, {{"n", "1"}});
  b.branch(3, {{"", 4}, {"b", 5}});
  b.branch(6, {{"", 7}, {"c", 8}});
  b.branch(2, {{"", 3}, {"m", 6}});
  b.write(&vfs_, "/db", 2, 0, 9);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 6, "key below its separator bound \"m\" (key \"c\")"))
      << report.to_string();
  // Below branch 6, leaf 7's range is [m, c): empty, so its key "m" breaks the upper bound.
  EXPECT_TRUE(names(report, 7, "key at or above its separator bound \"c\" (key \"m\")"))
      << report.to_string();
}

TEST_F(CheckTest, EmptyLeafBelowTheRootIsNamed) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}});
  b.leaf(4, {});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 4, "empty leaf below the root")) << report.to_string();
}

TEST_F(CheckTest, BranchWithOneChildBelowTheRootIsNamed) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}});
  b.leaf(5, {{"m", "1"}});
  b.leaf(6, {{"b", "1"}});
  b.branch(4, {{"", 5}});
  b.branch(7, {{"", 3}, {"b", 6}});
  b.branch(2, {{"", 7}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 8);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 4, "branch with fewer than two children")) << report.to_string();
}

TEST_F(CheckTest, ChildPointerOutOfRangeIsNamed) {
  FileBuilder b;
  b.leaf(3, {{"a", "1"}});
  b.branch(2, {{"", 3}, {"m", 40}});
  b.write(&vfs_, "/db", 2, 0, 4);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 40, "tree page out of range (page count 4), referenced from page 2"))
      << report.to_string();
}

TEST_F(CheckTest, StructurallyBrokenPageIsReportedCellByCellAndTheRestStillChecked) {
  // Leaf 3's second cell points outside the page; leaf 4 breaks a separator bound. Both are
  // reported, and leaf 3's good cell is still counted.
  FileBuilder b;
  healthy_two_level(&b);
  b.leaf(4, {{"m", "4"}, {"zz", "5"}});
  b.leaf(5, {{"x", "6"}});
  b.branch(2, {{"", 3}, {"m", 4}, {"x", 5}});
  store_u16(b.page(3).data() + node::kNodeHeaderSize + 2, kPageSize - 2);  // cell 1's slot
  b.reseal(3);
  b.write(&vfs_, "/db", 2, 0, 6);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 3, "cell 1 offset out of bounds")) << report.to_string();
  EXPECT_TRUE(names(report, 4, "key at or above its separator bound \"x\" (key \"zz\")"))
      << report.to_string();
  EXPECT_EQ(report.issues.size(), 2u) << report.to_string();
  EXPECT_EQ(report.keys, 5u);  // a, c (leaf 3 minus the bad cell), m, zz, x
}

// --- page accounting ---------------------------------------------------------------------

TEST_F(CheckTest, PageReachableAndFreeIsReferencedTwice) {
  FileBuilder b;
  healthy_two_level(&b);
  b.freelist(5, 0, {{4, 1, 0}});
  b.write(&vfs_, "/db", 2, 5, 6);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 4, "referenced twice: as tree page and as free page"))
      << report.to_string();
}

TEST_F(CheckTest, PageWithTwoParentsIsReferencedTwice) {
  // Leaf 5 is a child of branch 3 (where its key fits) and again of branch 6.
  FileBuilder b;
  b.leaf(4, {{"a", "1"}});
  b.leaf(5, {{"d", "1"}});
  b.leaf(7, {{"m", "1"}});
  b.branch(3, {{"", 4}, {"c", 5}});
  b.branch(6, {{"", 7}, {"p", 5}});
  b.branch(2, {{"", 3}, {"m", 6}});
  b.write(&vfs_, "/db", 2, 0, 8);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 5, "referenced twice: as tree page and as tree page (from page 6)"))
      << report.to_string();
}

TEST_F(CheckTest, PageNeitherReachableNorFreeIsLeaked) {
  FileBuilder b;
  healthy_two_level(&b);
  b.leaf(5, {{"x", "1"}});  // written, but nothing points at it
  b.write(&vfs_, "/db", 2, 0, 8);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 5, "leaked: pages 5..7 (3 pages) neither reachable nor free"))
      << report.to_string();
}

// --- overflow chains ---------------------------------------------------------------------

constexpr uint32_t kOverflowCapacity = kPageSize - kOverflowHeaderSize;

TEST_F(CheckTest, HealthyOverflowChainChecksClean) {
  FileBuilder b;
  b.overflow_leaf(2, "big", kOverflowCapacity + 10, 3);
  b.overflow(3, 4, kOverflowCapacity);
  b.overflow(4, 0, 10);
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.overflow_pages, 2u);
}

TEST_F(CheckTest, OverflowChainEndingEarlyIsNamed) {
  FileBuilder b;
  b.overflow_leaf(2, "big", kOverflowCapacity + 10, 3);
  b.overflow(3, 0, kOverflowCapacity);
  b.write(&vfs_, "/db", 2, 0, 4);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 2, "overflow chain ends early (key \"big\")")) << report.to_string();
}

TEST_F(CheckTest, OverflowChainLongerThanItsValueIsNamed) {
  FileBuilder b;
  b.overflow_leaf(2, "big", 10, 3);
  b.overflow(3, 4, 10);
  b.overflow(4, 0, 0);
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 2, "overflow chain longer than its value (key \"big\")"))
      << report.to_string();
  EXPECT_TRUE(names(report, 4, "leaked")) << report.to_string();  // the extra page
}

TEST_F(CheckTest, OverflowPageWithWrongLengthIsNamed) {
  FileBuilder b;
  b.overflow_leaf(2, "big", kOverflowCapacity + 10, 3);
  b.overflow(3, 4, kOverflowCapacity);
  b.overflow(4, 0, 11);
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 4, "overflow page holds 11 bytes, expected 10")) << report.to_string();
}

TEST_F(CheckTest, OverflowChainThroughATreePageIsNamed) {
  FileBuilder b;
  b.overflow_leaf(3, "big", kOverflowCapacity + 10, 4);
  b.leaf(4, {{"m", "1"}});
  b.branch(2, {{"", 3}, {"m", 4}});
  b.write(&vfs_, "/db", 2, 0, 5);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 4, "expected an overflow page, found leaf")) << report.to_string();
}

// --- freelist ----------------------------------------------------------------------------

TEST_F(CheckTest, HealthyFreelistWithPendingRunsChecksClean) {
  FileBuilder b;
  healthy_two_level(&b);
  b.freelist(5, 0, {{6, 2, 0}, {8, 1, kGeneration}});
  b.write(&vfs_, "/db", 2, 5, 9);
  CheckReport report = check_path(&vfs_, "/db", /*map_pages=*/true);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.free_pages, 3u);
  EXPECT_EQ(report.pending_pages, 1u);
  EXPECT_EQ(report.pages.at(8).retired_by, kGeneration);
  EXPECT_EQ(report.pages.at(6).referrer, 5u);
}

TEST_F(CheckTest, FreeRunBeyondThePageCountIsNamed) {
  FileBuilder b;
  healthy_two_level(&b);
  b.freelist(5, 0, {{6, 10, 0}});
  b.write(&vfs_, "/db", 2, 5, 7);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 5, "free run 6+10 outside pages 2..6")) << report.to_string();
}

TEST_F(CheckTest, FreeRunRetiredByAFutureGenerationIsNamed) {
  FileBuilder b;
  healthy_two_level(&b);
  b.freelist(5, 0, {{6, 1, kGeneration + 3}});
  b.write(&vfs_, "/db", 2, 5, 7);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 5, "retired by future generation 8")) << report.to_string();
}

TEST_F(CheckTest, FreelistChainThroughATreePageIsNamed) {
  FileBuilder b;
  healthy_two_level(&b);
  b.write(&vfs_, "/db", 2, 3, 5);  // the meta's freelist head is leaf 3
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 3, "referenced twice: as tree page and as freelist page"))
      << report.to_string();
}

TEST_F(CheckTest, FreelistPageOfTheWrongTypeIsNamed) {
  FileBuilder b;
  healthy_two_level(&b);
  b.overflow(5, 0, 0);
  b.write(&vfs_, "/db", 2, 5, 6);
  CheckReport report = check_path(&vfs_, "/db");
  ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
  EXPECT_TRUE(names(report, 5, "expected a freelist page, found overflow")) << report.to_string();
}

TEST_F(CheckTest, FreelistPageClaimingTooManyRunsIsNamed) {
  FileBuilder b;
  healthy_two_level(&b);
  b.freelist(5, 0, {});
  set_header_count(b.page(5).data(), 60000);
  b.reseal(5);
  b.write(&vfs_, "/db", 2, 5, 6);
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 5, "freelist page claims 60000 runs")) << report.to_string();
}

// --- pages the engine wrote, damaged afterwards -------------------------------------------

class DamagedFileTest : public ::testing::Test {
 protected:
  // A store with a three-level tree (512-byte pages), an overflow value and free pages.
  void SetUp() override {
    StoreOptions options;
    options.page_size = kPageSize;
    auto store = Store::open(&vfs_, "/db", options);
    ASSERT_OK(store);
    for (int round = 0; round < 3; ++round) {
      auto w = (*store)->begin_write();
      ASSERT_OK(w);
      for (int i = round * 300; i < (round + 1) * 300; ++i) {
        char key[16];
        std::snprintf(key, sizeof key, "key%06d", i);
        ASSERT_OK((*w)->put(key, std::string(20, 'v')));
      }
      if (round == 2) ASSERT_OK((*w)->put("huge", std::string(3000, 'h')));
      ASSERT_OK((*w)->commit());
    }
    store->reset();
    CheckReport healthy = check_path(&vfs_, "/db", /*map_pages=*/true);
    ASSERT_TRUE(healthy.ok()) << healthy.to_string();
    ASSERT_GE(healthy.depth, 3u);
    ASSERT_GT(healthy.free_pages, 0u);
    generation_ = healthy.generation;
    for (const auto& [page_no, use] : healthy.pages) {
      if (use.role == PageRole::kLeaf) leaves_.push_back(page_no);
      if (use.role == PageRole::kOverflow) overflow_.push_back(page_no);
    }
    ASSERT_GE(leaves_.size(), 4u);
    ASSERT_FALSE(overflow_.empty());
    keys_ = healthy.keys;
    bytes_ = vfs_.read_file("/db").value();
  }
  uint8_t* page(uint64_t page_no) { return bytes_.data() + page_no * kPageSize; }
  void save() { vfs_.write_file("/db", bytes_); }

  vfs::MemVfs vfs_;
  std::vector<uint8_t> bytes_;
  std::vector<uint64_t> leaves_, overflow_;
  uint64_t generation_ = 0;
  uint64_t keys_ = 0;
};

TEST_F(DamagedFileTest, ChecksumMismatchIsNamedForEveryDamagedPageAndTheRestIsChecked) {
  page(leaves_[1])[200] ^= 0x40;
  page(leaves_[3])[300] ^= 0x01;
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, leaves_[1], "checksum mismatch")) << report.to_string();
  EXPECT_TRUE(names(report, leaves_[3], "checksum mismatch")) << report.to_string();
  EXPECT_EQ(report.issues.size(), 2u) << report.to_string();
  EXPECT_LT(report.keys, keys_);
  EXPECT_GT(report.keys, keys_ / 2);  // every other leaf was still walked
}

TEST_F(DamagedFileTest, MisdirectedWriteIsNamed) {
  // Leaf A's bytes land on leaf B's page: B "holds page A".
  std::copy(page(leaves_[0]), page(leaves_[0]) + kPageSize, page(leaves_[2]));
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, leaves_[2],
                    "holds page " + std::to_string(leaves_[0]) + " (misdirected write)"))
      << report.to_string();
}

TEST_F(DamagedFileTest, PageFromAFutureGenerationIsNamed) {
  seal_page(page(leaves_[1]), kPageSize, leaves_[1], generation_ + 2);
  save();
  CheckReport report = check_path(&vfs_, "/db");
  // Two findings, both true: the page is newer than the meta, and it is not the version
  // its parent's pointer records.
  ASSERT_EQ(report.issues.size(), 2u) << report.to_string();
  EXPECT_TRUE(names(report, leaves_[1],
                    "written by generation " + std::to_string(generation_ + 2) +
                        ", newer than the meta's " + std::to_string(generation_)))
      << report.to_string();
  EXPECT_TRUE(names(report, leaves_[1], "stale page: written by generation " +
                                            std::to_string(generation_ + 2)))
      << report.to_string();
}

TEST_F(DamagedFileTest, DamagedOverflowPageNamesTheKeyWhoseValueItHolds) {
  page(overflow_[0])[100] ^= 0xff;
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, overflow_[0], "checksum mismatch (key \"huge\")"))
      << report.to_string();
}

TEST_F(DamagedFileTest, TruncatedFileNamesTheReferencedPagesBeyondItsEnd) {
  uint64_t last_leaf = *std::max_element(leaves_.begin(), leaves_.end());
  bytes_.resize(last_leaf * kPageSize);
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, last_leaf, "beyond the end of the file")) << report.to_string();
}

TEST_F(DamagedFileTest, BothMetaSlotsDamagedIsAViolation) {
  page(0)[40] ^= 1;
  page(1)[40] ^= 1;
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(names(report, 0, "no valid meta slot")) << report.to_string();
  EXPECT_TRUE(names(report, 0, "meta slot 0: checksum mismatch")) << report.to_string();
  EXPECT_TRUE(names(report, 0, "meta slot 1: ")) << report.to_string();
}

TEST_F(DamagedFileTest, DamagedInactiveMetaSlotIsANoteNotAViolation) {
  uint64_t inactive = 1 - generation_ % 2;
  page(inactive)[40] ^= 1;
  save();
  CheckReport report = check_path(&vfs_, "/db");
  EXPECT_TRUE(report.ok()) << report.to_string();
  ASSERT_EQ(report.notes.size(), 1u) << report.to_string();
  EXPECT_EQ(report.notes[0], "meta slot " + std::to_string(inactive) + " invalid: meta slot " +
                                 std::to_string(inactive) + ": checksum mismatch");
}

TEST_F(DamagedFileTest, CheckStoreAndCheckFileAgreeOnAHealthyStore) {
  StoreOptions options;
  options.create_if_missing = false;
  auto store = Store::open(&vfs_, "/db", options);
  ASSERT_OK(store);
  ASSERT_OK_AND_ASSIGN(CheckReport from_store, check_store(store->get()));
  CheckReport from_file = check_path(&vfs_, "/db");
  EXPECT_TRUE(from_store.ok()) << from_store.to_string();
  EXPECT_EQ(from_store.to_string(), from_file.to_string());
  EXPECT_EQ(from_store.free_pages, from_file.free_pages);
}

// --- healthy shapes ----------------------------------------------------------------------

struct Shape {
  const char* name;
  uint32_t page_size;
  int keys;
  size_t value_size;
  int deleted_every;  // 0: delete nothing
};

class HealthyShapeTest : public ::testing::TestWithParam<Shape> {};

TEST_P(HealthyShapeTest, ChecksClean) {
  const Shape& shape = GetParam();
  vfs::MemVfs vfs;
  StoreOptions options;
  options.page_size = shape.page_size;
  auto store = Store::open(&vfs, "/db", options);
  ASSERT_OK(store);
  for (int round = 0; round < 2 && shape.keys > 0; ++round) {
    auto w = (*store)->begin_write();
    ASSERT_OK(w);
    for (int i = 0; i < shape.keys; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "k%07d", i);
      if (round == 0) {
        ASSERT_OK((*w)->put(key, std::string(shape.value_size, static_cast<char>('a' + i % 26))));
      } else if (shape.deleted_every > 0 && i % shape.deleted_every == 0) {
        ASSERT_OK((*w)->del(key));
      }
    }
    ASSERT_OK((*w)->commit());
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store->get()));
  EXPECT_TRUE(report.ok()) << shape.name << "\n" << report.to_string();
  store->reset();
  CheckReport from_file = check_path(&vfs, "/db");
  EXPECT_TRUE(from_file.ok()) << shape.name << "\n" << from_file.to_string();
  EXPECT_EQ(from_file.keys, report.keys);
}

INSTANTIATE_TEST_SUITE_P(Shapes, HealthyShapeTest,
                         ::testing::Values(Shape{"empty", 4096, 0, 0, 0},
                                           Shape{"one_page", 4096, 20, 10, 0},
                                           Shape{"deep_tree", 512, 5000, 30, 0},
                                           Shape{"overflow_values", 1024, 40, 5000, 3},
                                           Shape{"after_deletes", 512, 3000, 16, 2}),
                         [](const ::testing::TestParamInfo<Shape>& shape) {
                           return std::string(shape.param.name);
                         });

}  // namespace
}  // namespace strata
