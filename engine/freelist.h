// Freelist: which pages can be reused, and which must wait for readers.
//
// A page retired by commit g (an old copy replaced by copy-on-write, a deleted
// page) stays reachable from snapshots older than g. It is *pending* until
// commit g is durable and no reader holds a snapshot older than g; then it is
// *free* and the allocator may hand it out (lowest page number first, which
// keeps the file compact). The whole freelist is stored in the file at every
// commit as a chain of freelist pages, in runs of consecutive page numbers:
//
//   0    32   common page header (page.h); count = runs on this page
//   32   8    next freelist page, 0 = last
//   40   20*n runs: u64 first_page | u32 length | u64 generation
//             generation 0 = free; g > 0 = pending, retired by commit g
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "engine/btree.h"
#include "engine/page.h"

namespace strata {

struct FreeRun {
  uint64_t first = 0;
  uint32_t length = 0;
  uint64_t generation = 0;  // 0 = free
};

class Freelist {
 public:
  inline static constexpr size_t kRunSize = 20;
  inline static constexpr size_t kRunsOffset = 40;
  static size_t runs_per_page(uint32_t page_size) {
    return (page_size - kRunsOffset) / kRunSize;
  }

  // Lowest free page, removed from the free set.
  std::optional<uint64_t> allocate();
  void add_free(uint64_t page_no) { free_.insert(page_no); }
  void add_pending(uint64_t generation, const std::vector<uint64_t>& pages);
  // Frees pages retired by commits <= generation (no reader can reach them).
  void release_up_to(uint64_t generation);
  void release_all();
  // Drops free pages at the end of the file: while the last page below *page_count is free
  // and at or above `floor`, it leaves the free set and *page_count shrinks by one.
  void trim_free_tail(uint64_t floor, uint64_t* page_count);

  size_t free_count() const { return free_.size(); }
  size_t pending_count() const;
  const std::set<uint64_t>& free_pages() const { return free_; }
  const std::map<uint64_t, std::vector<uint64_t>>& pending() const { return pending_; }

  // Every page the freelist holds, free or pending, as sorted runs.
  std::vector<FreeRun> runs() const;

  // Encodes runs into freelist pages (each page_size bytes, unsealed), chained
  // through `chain` (page numbers, one per page). REQUIRES: enough pages.
  static void encode(const std::vector<FreeRun>& runs, const std::vector<uint64_t>& chain,
                     uint32_t page_size, std::vector<PageBuf>* pages);

  // Reads the chain starting at head. Validates every page and run: runs lie in
  // [2, page_count), do not overlap, and the chain has no cycle. *chain gets
  // the freelist's own page numbers. Every commit writes a new chain, so each of its
  // pages must carry the meta's generation (an older one is a stale page).
  static Result<Freelist> load(PageAccess* pages, uint64_t head, uint64_t generation,
                               uint64_t page_count, std::vector<uint64_t>* chain);

 private:
  std::set<uint64_t> free_;
  std::map<uint64_t, std::vector<uint64_t>> pending_;
};

}  // namespace strata
