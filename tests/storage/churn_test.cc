// Space reuse: once inserts and deletes balance, the file stops growing
// (DESIGN.md §3), and an open reader pins exactly the pages its snapshot can
// reach — they are not reused while it lives, and are reused once it ends.
//
// The workloads are random and seeded: the seed and the replay command are
// printed with every failure; STRATA_SEED=<n> picks the seed, e.g.
//   STRATA_SEED=7 ./build/default/tests/churn_test --gtest_filter=Churn.*
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/check.h"
#include "engine/node.h"
#include "engine/store.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "tests/support/store_scan.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

using Model = std::map<std::string, std::string>;

std::string key_of(uint64_t id) {
  char name[24];
  std::snprintf(name, sizeof name, "churn%010llu", static_cast<unsigned long long>(id));
  return name;
}

std::string value_of(std::mt19937_64& rng) {
  std::string value(40 + rng() % 120, '\0');
  for (char& c : value) c = static_cast<char>('a' + rng() % 26);
  return value;
}

using test::scan_all;

void expect_clean(Store* store) {
  Result<CheckReport> report = check_store(store);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

// Every page a snapshot can reach: its tree pages and their overflow chains.
void collect_reachable(Tx* tx, uint64_t page_no, std::set<uint64_t>* pages) {
  ASSERT_TRUE(pages->insert(page_no).second) << "page " << page_no << " reached twice";
  ASSERT_OK_AND_ASSIGN(PageRef page, tx->read(page_no));
  const uint8_t* p = page->data();
  for (size_t i = 0; i < node::count(p); ++i) {
    if (node::is_leaf(p)) {
      node::LeafValue value = node::leaf_value(p, i);
      if (!value.overflow) continue;
      ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> chain,
                           BTree::overflow_pages(tx, value.overflow_page,
                                                 value.overflow_generation, value.length));
      pages->insert(chain.begin(), chain.end());
    } else {
      ASSERT_NO_FATAL_FAILURE(collect_reachable(tx, node::child(p, i), pages));
    }
  }
}

// Balanced churn: ~5,000 live keys; every commit inserts 100 new keys and
// deletes 100 existing ones, for 200 commits. Pages retired by one commit are
// free for the next (no reader holds them), so after a warm-up the page count
// reaches a plateau.
//   kQueue: new keys ascend at the right edge, the oldest are deleted at the
//     left: every commit does the same amount of work, so the plateau is exact.
//   kRandomOldest / kRandom: new keys land anywhere; the oldest or random keys
//     are deleted. The file then holds the live tree plus the largest set of
//     pages one commit has copied, and both wander a little with the
//     randomness, so a new maximum is still possible now and then; what must
//     not happen is steady growth. Without reuse the second half would add
//     about 100 commits' worth of copied pages; the assertion allows less than
//     a quarter of one commit's.
// The first 50 commits are the warm-up: the initial keys are loaded in
// ascending order into full pages, and churn relaxes them to the usual fill.
enum class Churn { kQueue, kRandomOldest, kRandom };

void run_balanced_churn(Churn mode) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);

  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::open(&vfs, "/churn.db"));
  Model model;
  std::deque<uint64_t> live;  // ids in insertion order
  uint64_t next_id = 0;
  // Ids ascend; in the random modes each new key gets a random id below the
  // current maximum (an unused one), so it lands anywhere in the tree.
  auto new_id = [&]() {
    if (mode == Churn::kQueue || next_id < 1000) return (next_id++) * 1000;
    uint64_t id = (rng() % next_id) * 1000 + 1 + rng() % 999;
    while (model.count(key_of(id))) id = (rng() % next_id) * 1000 + 1 + rng() % 999;
    ++next_id;
    return id;
  };
  auto insert = [&](WriteTx* writer) {
    uint64_t id = new_id();
    // The queue's values all have one size, so that every commit does the same work.
    std::string value = mode == Churn::kQueue ? std::string(100, 'q') : value_of(rng);
    ASSERT_OK(writer->put(key_of(id), value));
    model[key_of(id)] = value;
    live.push_back(id);
  };
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<WriteTx> writer, store->begin_write());
    for (int i = 0; i < 5000; ++i) ASSERT_NO_FATAL_FAILURE(insert(writer.get()));
    ASSERT_OK(writer->commit());
  }

  // The first half settles the tree's shape (the plateau); the second half must not grow.
  constexpr int kCommits = 400;
  std::vector<uint64_t> page_count(kCommits + 1), file_bytes(kCommits + 1);
  size_t most_copied = 0;  // the most pages one commit wrote
  for (int commit = 1; commit <= kCommits; ++commit) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<WriteTx> writer, store->begin_write());
    for (int i = 0; i < 100; ++i) ASSERT_NO_FATAL_FAILURE(insert(writer.get()));
    for (int i = 0; i < 100; ++i) {
      size_t victim = mode == Churn::kRandom ? rng() % live.size() : 0;
      uint64_t id = live[victim];
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(victim));
      ASSERT_OK_AND_ASSIGN(bool existed, writer->del(key_of(id)));
      ASSERT_TRUE(existed) << key_of(id);
      model.erase(key_of(id));
    }
    most_copied = std::max(most_copied, writer->dirty_pages());
    ASSERT_OK(writer->commit());
    page_count[commit] = store->stats().page_count;
    ASSERT_OK_AND_ASSIGN(file_bytes[commit], store->file()->size());
    if (commit % 50 == 0) {
      ASSERT_NO_FATAL_FAILURE(expect_clean(store.get())) << "commit " << commit;
    }
  }
  ASSERT_EQ(model.size(), 5000u);

  std::string series;
  for (int commit = 10; commit <= kCommits; commit += 10) {
    series += " " + std::to_string(page_count[commit]);
  }
  SCOPED_TRACE("page count every 10 commits:" + series + "; at most " +
               std::to_string(most_copied) + " pages copied by one commit");
  auto max_over = [](const std::vector<uint64_t>& v, int from, int to) {
    return *std::max_element(v.begin() + from, v.begin() + to + 1);
  };
  const uint64_t plateau = max_over(page_count, kCommits / 4 + 1, kCommits / 2);
  const uint64_t later = max_over(page_count, kCommits / 2 + 1, kCommits);
  const uint64_t page_size = store->page_size();
  if (mode == Churn::kQueue) {
    EXPECT_EQ(later, plateau);
    EXPECT_EQ(page_count[kCommits], page_count[kCommits / 2]);
    EXPECT_EQ(max_over(file_bytes, kCommits / 2 + 1, kCommits),
              max_over(file_bytes, kCommits / 4 + 1, kCommits / 2));
  } else {
    EXPECT_GE(later, plateau);
    EXPECT_LT(later - plateau, most_copied / 4);
    EXPECT_LT(max_over(file_bytes, kCommits / 2 + 1, kCommits) -
                  max_over(file_bytes, kCommits / 4 + 1, kCommits / 2),
              most_copied / 4 * page_size);
  }
  EXPECT_LE(file_bytes[kCommits], page_count[kCommits] * page_size);

  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store.get()));
  EXPECT_TRUE(report.ok()) << report.to_string();
  // The file holds the live pages plus about one commit's copies (two, to be safe).
  EXPECT_LE(report.page_count - kFirstDataPage, report.leaf_pages + report.branch_pages +
                                                    report.overflow_pages + report.freelist_pages +
                                                    2 * most_copied)
      << report.to_string();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> reader, store->begin_read());
  EXPECT_TRUE(scan_all(reader.get()) == model);
}

TEST(Churn, FileStopsGrowingUnderQueueChurn) { run_balanced_churn(Churn::kQueue); }

TEST(Churn, FileStopsGrowingWhenRandomInsertsReplaceTheOldestKeys) {
  run_balanced_churn(Churn::kRandomOldest);
}

TEST(Churn, FileStopsGrowingWhenRandomInsertsReplaceRandomKeys) {
  run_balanced_churn(Churn::kRandom);
}

// A reader on an old snapshot keeps every page it can reach: 30 commits that
// rewrite every key do not reuse one of them (their bytes on disk are
// unchanged and the reader's scan returns its snapshot). Once the reader ends,
// the pages it pinned are reused and further churn no longer grows the file.
TEST(Churn, OpenReaderPinsItsPagesUntilItEnds) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);

  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::open(&vfs, "/pin.db"));
  constexpr int kKeys = 2000;
  Model model;
  auto rewrite_every_key = [&]() {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<WriteTx> writer, store->begin_write());
    for (int i = 0; i < kKeys; ++i) {
      // Now and then a value long enough for an overflow chain.
      std::string value =
          rng() % 50 == 0 ? std::string(6000, static_cast<char>('A' + rng() % 26)) : value_of(rng);
      ASSERT_OK(writer->put(key_of(i), value));
      model[key_of(i)] = value;
    }
    ASSERT_OK(writer->commit());
  };
  for (int round = 0; round < 3; ++round) ASSERT_NO_FATAL_FAILURE(rewrite_every_key());

  // The reader's snapshot, and the raw bytes of every page it can reach.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> reader, store->begin_read());
  const Model snapshot = model;
  std::set<uint64_t> pinned;
  ASSERT_NO_FATAL_FAILURE(collect_reachable(reader.get(), reader->root(), &pinned));
  std::map<uint64_t, PageBuf> original;
  for (uint64_t page_no : pinned) {
    ASSERT_OK_AND_ASSIGN(original[page_no], store->pager()->read_raw(page_no));
  }
  const uint64_t pages_before = store->stats().page_count;

  for (int commit = 0; commit < 30; ++commit) {
    ASSERT_NO_FATAL_FAILURE(rewrite_every_key());
    ASSERT_NO_FATAL_FAILURE(expect_clean(store.get())) << "commit " << commit;
  }
  for (uint64_t page_no : pinned) {
    ASSERT_OK_AND_ASSIGN(PageBuf now, store->pager()->read_raw(page_no));
    ASSERT_TRUE(now == original[page_no]) << "page " << page_no << " of the reader's snapshot "
                                          << "was overwritten while the reader was open";
  }
  EXPECT_TRUE(scan_all(reader.get()) == snapshot);
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> first, reader->get(key_of(0)));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, snapshot.at(key_of(0)));
  // Pinning costs space: the churn had to grow the file by at least the pinned pages.
  EXPECT_GE(store->stats().page_count, pages_before + pinned.size());

  reader.reset();
  const uint64_t pages_when_reader_ended = store->stats().page_count;
  for (int commit = 0; commit < 30; ++commit) {
    ASSERT_NO_FATAL_FAILURE(rewrite_every_key());
    EXPECT_EQ(store->stats().page_count, pages_when_reader_ended)
        << "commit " << commit << " after the reader ended grew the file";
  }
  // The pinned pages were taken back into use.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> latest, store->begin_read());
  std::set<uint64_t> reachable;
  ASSERT_NO_FATAL_FAILURE(collect_reachable(latest.get(), latest->root(), &reachable));
  size_t reused = 0;
  for (uint64_t page_no : pinned) reused += reachable.count(page_no);
  EXPECT_GT(reused, 0u) << "none of the " << pinned.size() << " formerly pinned pages is in use";
  EXPECT_TRUE(scan_all(latest.get()) == model);
  latest.reset();
  ASSERT_NO_FATAL_FAILURE(expect_clean(store.get()));
}

}  // namespace
}  // namespace strata
