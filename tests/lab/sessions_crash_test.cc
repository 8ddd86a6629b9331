// Crashes that span sessions: a commit attempt crashes, open recovers, and the next session
// commits again with the same generation. The crash sweeps run one session each; the model
// checker crosses many, and found both cases here (tests/regressions/model/).
#include <gtest/gtest.h>

#include <string>

#include "engine/meta.h"
#include "engine/store.h"
#include "faults/fault_vfs.h"
#include "tests/support/status_testing.h"
#include "tests/support/store_scan.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

StoreOptions one_sync() {
  StoreOptions o;
  o.page_size = 512;
  o.commit_protocol = CommitProtocol::kOneSync;
  return o;
}

// Leaves in `mem` a file whose newest meta g is one-sync with its root never written, so open
// falls back to g-1 and the refused meta g stays in its slot. Returns g.
uint64_t refused_commit(vfs::MemVfs* mem) {
  uint64_t g = 0;
  uint64_t root = 0;
  {
    auto store = Store::open(mem, "db", one_sync());
    EXPECT_OK(store.status());
    if (!store.ok()) return 0;
    EXPECT_OK(test::put_keys(store->get(), 0, 40));
    EXPECT_OK(test::put_keys(store->get(), 40, 41));  // one-sync: the session's second commit
    g = (*store)->meta().generation;
    root = (*store)->meta().root;
    EXPECT_NE((*store)->meta().flags & kMetaFlagVerifyOnOpen, 0u);
  }
  std::vector<uint8_t> bytes = *mem->read_file("db");
  std::fill(bytes.begin() + root * 512, bytes.begin() + (root + 1) * 512, 0);
  mem->write_file("db", bytes);
  return g;
}

// A one-sync commit g whose meta landed but whose root did not: open falls back to g-1 and
// the stale meta g stays in its slot. The next session's commit g then writes pages of
// generation g on the same page numbers (here: all of them, the same change again). If it
// crashes before its own meta is written, those pages must not make the stale meta verify:
// open must land on g-1, as the protocol's table says.
TEST(Sessions, AStaleMetaNeverVerifiesWithTheRetrysPages) {
  vfs::MemVfs mem;
  const uint64_t g = refused_commit(&mem);
  ASSERT_GT(g, 1u);
  const std::vector<uint8_t> fallen_back = *mem.read_file("db");

  // The retry session, run once to find its meta write, then again crashing at it.
  auto retry = [&](faults::FaultVfs* vfs) -> Status {
    STRATA_ASSIGN(auto store, Store::open(vfs, "db", one_sync()));
    if (store->meta().generation != g - 1) return Status::internal("no fallback");
    // Commit g again: the same change as the refused attempt, so it writes the same pages.
    return test::put_keys(store.get(), 40, 41);
  };
  uint64_t meta_write = 0;
  {
    faults::FaultVfs probe(&mem);
    ASSERT_OK(retry(&probe));
    for (uint64_t i = 0; i < probe.log().size(); ++i) {
      const faults::Op& op = probe.log()[i];
      if (op.kind == faults::OpKind::kWrite &&
          op.label == "commit " + std::to_string(g) + ": meta slot " + std::to_string(g % 2)) {
        meta_write = i;
        break;
      }
    }
    ASSERT_NE(meta_write, 0u) << "the retry's meta write is in the log";
  }
  mem.write_file("db", fallen_back);
  faults::FaultVfs crashing(&mem);
  crashing.crash_at(meta_write);  // every page of the retry written, its meta not
  EXPECT_EQ(retry(&crashing).code(), StatusCode::kCrashed);

  // Process kill: every write the retry issued is in the file.
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&mem, "db", one_sync()));
  EXPECT_EQ(store->meta().generation, g - 1) << store->open_note();
  ASSERT_OK_AND_ASSIGN(auto tx, store->begin_read());
  ASSERT_OK_AND_ASSIGN(auto phantom, tx->get("key1040"));
  EXPECT_FALSE(phantom.has_value()) << "a commit whose meta was never written";
  ASSERT_OK_AND_ASSIGN(auto kept, tx->get("key1039"));
  EXPECT_TRUE(kept.has_value());
}

// The retirement itself: the first commit after a fallback overwrites the refused slot with
// the current meta, synced, before it writes a page; the commit after that is unaffected.
TEST(Sessions, TheFirstCommitAfterAFallbackRetiresTheRefusedSlotFirst) {
  vfs::MemVfs mem;
  const uint64_t g = refused_commit(&mem);
  ASSERT_GT(g, 1u);

  faults::FaultVfs vfs(&mem);
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", one_sync()));
  ASSERT_EQ(store->meta().generation, g - 1);
  ASSERT_FALSE(store->open_note().empty());
  const uint64_t first_op = vfs.log().size();
  ASSERT_OK(test::put_keys(store.get(), 200, 210));
  std::vector<std::string> steps;
  for (uint64_t i = first_op; i < vfs.log().size(); ++i) {
    const faults::Op& op = vfs.log()[i];
    if (op.kind == faults::OpKind::kWrite || op.kind == faults::OpKind::kSync) {
      if (steps.empty() || steps.back() != op.label) steps.push_back(op.label);
    }
  }
  const std::string c = "commit " + std::to_string(g) + ": ";
  ASSERT_GE(steps.size(), 3u);
  EXPECT_EQ(steps[0], c + "retire stale meta slot " + std::to_string(g % 2));
  EXPECT_EQ(steps[1], c + "pages") << "the retirement is written and synced before any page";
  // Pages, sync, meta, sync: the session's first commit is two-sync.
  EXPECT_EQ(steps.back(), c + "sync meta");
  MetaSlots slots = read_meta_slots(store->file());
  ASSERT_TRUE(slots.slot[0].ok() && slots.slot[1].ok());
  EXPECT_EQ(slots.slot[g % 2]->generation, g);
  EXPECT_EQ(slots.slot[1 - g % 2]->generation, g - 1);

  const uint64_t second_op = vfs.log().size();
  ASSERT_OK(test::put_keys(store.get(), 210, 220));
  for (uint64_t i = second_op; i < vfs.log().size(); ++i) {
    EXPECT_EQ(vfs.log()[i].label.find("retire"), std::string::npos) << vfs.log()[i].label;
  }
}

}  // namespace
}  // namespace strata
