// Consistency checker: walks a whole database snapshot and reports every
// violation it finds (it keeps going after the first), each with the page and,
// where one applies, the key. The crash testbed runs it on every recovered image.
//
// Checked: both meta slots (an invalid inactive slot is a note, not a
// violation: a torn meta write leaves one); every tree page verifies (checksum,
// own page number, layout) and was written no later than the meta's
// generation; all leaves at one depth; keys ascending inside pages and within
// their separator bounds across levels; overflow chains well-formed; the
// freelist chain and its runs well-formed; every page in [2, page_count) is
// exactly one of tree page, overflow page, freelist page or free — never two,
// never none.
#pragma once

#include <cstdint>
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

struct CheckReport {
  std::vector<CheckIssue> issues;  // violations
  std::vector<std::string> notes;  // facts worth showing that are not violations

  uint64_t generation = 0;
  uint64_t page_count = 0;
  uint64_t depth = 0;
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t freelist_pages = 0;
  uint64_t free_pages = 0;
  uint64_t keys = 0;
  uint64_t used_bytes = 0;  // bytes in use in tree pages (for fill factor)

  bool ok() const { return issues.empty(); }
  std::string to_string() const;
};

// Checks the store's current committed snapshot.
Result<CheckReport> check_store(Store* store);

// Printable form of a key: text as is when printable, else hex.
std::string printable_key(std::string_view key);

}  // namespace strata
