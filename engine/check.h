// Consistency checker (storage level): walks a whole database snapshot and reports every
// violation it finds, each with the page and, where one applies, the key. It never stops at
// the first: a page that fails its checksum is reported and its subtree skipped; a page whose
// checksum holds but whose layout is damaged has each bad cell reported and the good ones
// still walked. The crash testbed runs it on every recovered image.
//
// Checked: both meta slots (an invalid inactive slot is a note, not a violation: a torn
// meta write leaves one) and the file's length against the page count; every page the
// snapshot references verifies (checksum, own page number, layout) and was written no later
// than the meta's generation; all leaves at one depth; keys ascending inside pages and
// within their separator bounds across levels; no empty leaf or one-child branch below the
// root; overflow chains well-formed (type, lengths, termination); the freelist chain and its
// runs well-formed (inside the page count, retired by no future generation); every page in
// [2, page_count) is exactly one of tree page, overflow page, freelist page or free — never
// two ("referenced twice"), never none ("leaked"); every generation history record (time
// travel, store.h) inside the retained window, and every page a retained generation reaches
// either shared with the current tree or pending since a commit after that generation
// (never free, never a freelist page: the next writer could hand it out).
//
// The SQL layer's invariants (catalog, index <-> rows) are checked on top of this by
// query::check_database (engine/query/integrity.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/store.h"

namespace strata {

struct CheckIssue {
  uint64_t page_no = 0;  // 0 when no single page applies
  std::string key;       // printable, empty when none applies
  std::string message;
  std::string to_string() const;
};

// What a page is to the snapshot, as the checker found it.
enum class PageRole : uint8_t { kMeta, kBranch, kLeaf, kOverflow, kFreelist, kFree };
const char* page_role_name(PageRole role);

struct PageUse {
  PageRole role = PageRole::kFree;
  // The page that refers to this one: the parent branch of a tree page, the leaf (or the
  // previous page) of an overflow page, the previous freelist page, the freelist page that
  // lists a free page. 0 for the meta slots, the root and the freelist head.
  uint64_t referrer = 0;
  uint32_t depth = 0;       // tree pages: 1 for the root
  uint64_t retired_by = 0;  // kFree: the commit that retired it, 0 when free for good
  uint64_t sequence = 0;    // order of discovery; tree pages of one depth come in key order
  std::string key;          // kOverflow: the key whose value the chain holds
};

struct CheckOptions {
  bool map_pages = false;  // fill CheckReport::pages
};

struct CheckReport {
  std::vector<CheckIssue> issues;  // violations
  std::vector<std::string> notes;  // facts worth showing that are not violations

  uint64_t generation = 0;
  uint32_t page_size = 0;
  uint64_t page_count = 0;
  uint64_t file_pages = 0;  // the file's length in pages (rounded down)
  uint64_t depth = 0;
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t freelist_pages = 0;
  uint64_t free_pages = 0;
  uint64_t pending_pages = 0;  // of free_pages, those whose retiring commit is recorded
  uint64_t keys = 0;
  uint64_t used_bytes = 0;  // bytes in use in tree pages (for fill factor)
  uint32_t retain_generations = 0;          // the meta's
  std::vector<RetainedGeneration> retained;  // valid history records, oldest first

  // Every page the snapshot accounts for, when CheckOptions::map_pages; a page in
  // [2, page_count) that is absent is leaked.
  std::map<uint64_t, PageUse> pages;

  bool ok() const { return issues.empty(); }
  std::string to_string() const;
};

// Checks the store's current committed snapshot (pinned while the check runs).
Result<CheckReport> check_store(Store* store, const CheckOptions& options = {});

// Checks a database file without opening it as a Store, so it also reports on files the
// engine refuses to open (a broken freelist, no valid meta slot). The snapshot is the one
// open() would choose: the valid meta slot with the higher generation. Fails only when the
// file cannot be read at all; everything else is a violation in the report.
Result<CheckReport> check_file(vfs::File* file, const CheckOptions& options = {});

// Printable form of a key: text as is when printable, else hex.
std::string printable_key(std::string_view key);

}  // namespace strata
