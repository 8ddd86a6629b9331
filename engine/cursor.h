// Cursor: ordered iteration over a B+ tree, both directions, with seeks.
//
// A cursor holds the path from the root to its current leaf cell. If the tree
// is modified while the cursor lives (a write transaction iterating and
// writing), the cursor notices through the tree's modification counter and
// re-seeks from its current key before moving, so iteration stays correct:
// next() returns the smallest key greater than the current one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/btree.h"

namespace strata {

class Cursor {
 public:
  // REQUIRES: pages, root, root_generation and mod_counter outlive the cursor.
  Cursor(PageAccess* pages, const uint64_t* root, const uint64_t* root_generation,
         const uint64_t* mod_counter)
      : pages_(pages), root_(root), root_generation_(root_generation), mod_counter_(mod_counter) {}

  Status first();
  Status last();
  // First key >= key.
  Status seek(std::string_view key);
  // Last key <= key.
  Status seek_for_prev(std::string_view key);
  Status next();
  Status prev();

  bool valid() const { return valid_; }
  // REQUIRES: valid().
  std::string_view key() const { return key_; }
  Result<std::string> value() const;
  // Value length without reading overflow pages. REQUIRES: valid().
  uint64_t value_size() const;
  // The leaf page holding the current key (for reports that name pages). REQUIRES: valid().
  uint64_t page_no() const { return page_no_of(stack_.back().page->data()); }

  // Pages read from the tree by this cursor's moves (for EXPLAIN ANALYZE).
  uint64_t pages_visited() const { return pages_visited_; }

 private:
  struct Frame {
    PageRef page;
    size_t index;
  };
  enum class Edge { kFirst, kLast };

  Status descend_edge(uint64_t page_no, uint64_t generation, Edge edge);
  // After the leaf frame moved off its end, climb and descend to the neighbour leaf.
  Status step_leaf(bool forward);
  void set_current();
  Result<PageRef> load(uint64_t page_no, uint64_t generation);

  PageAccess* pages_;
  const uint64_t* root_;
  const uint64_t* root_generation_;
  const uint64_t* mod_counter_;
  uint64_t seen_mod_ = 0;
  std::vector<Frame> stack_;
  std::string key_;
  bool valid_ = false;
  uint64_t pages_visited_ = 0;
};

}  // namespace strata
