// BTree: a copy-on-write B+ tree of byte keys and byte values.
//
// Invariants (checked by check.h): all leaves are at the same depth; keys are
// strictly ascending within a page and across levels (child i of a branch
// holds keys in [key_i, key_{i+1})); every non-root page is at least a quarter
// full or has been rebalanced with a sibling; a value too large for a quarter
// page lives in a chain of overflow pages. A write never modifies a page that
// the last durable meta can reach: PageAccess::mutable_page hands out a fresh
// copy (with a new page number) the first time a transaction touches a page,
// and the parent is re-pointed at it, so each change copies one root-to-leaf path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/node.h"
#include "engine/page.h"
#include "vfs/status.h"

namespace strata {

// How the tree reaches pages. ReadTx implements read(); WriteTx all of it.
class PageAccess {
 public:
  virtual ~PageAccess() = default;
  virtual uint32_t page_size() const = 0;
  // A verified page (structurally validated for tree pages).
  virtual Result<PageRef> read(uint64_t page_no) = 0;
  // A page the transaction may modify. If *page_no is not yet owned by the
  // transaction, it is copied to a newly allocated page, the old one retired,
  // and *page_no updated. The pointer stays valid until the page is retired.
  virtual Result<uint8_t*> mutable_page(uint64_t* page_no) = 0;
  // A new zeroed page owned by the transaction.
  virtual Result<uint8_t*> allocate(uint64_t* page_no) = 0;
  // The page is no longer part of the tree.
  virtual Status retire(uint64_t page_no) = 0;
  // Whether the transaction wrote the page (it is sealed, with write_generation(), at commit).
  virtual bool owns(uint64_t page_no) const = 0;
  // The generation the transaction's pages will carry; pointers to them record it.
  virtual uint64_t write_generation() const = 0;

  // read(), and the page must be the version the pointer to it expects: its header's
  // generation equals `generation`. A checksum-valid page of another generation is stale (a
  // write that was lost or landed elsewhere): corruption, never a silently old answer.
  Result<PageRef> read_expected(uint64_t page_no, uint64_t generation);
  // The same check, for a page about to be copied by mutable_page().
  Status check_generation(uint64_t page_no, uint64_t generation);
};

inline constexpr size_t kOverflowHeaderSize = 40;  // page header + u64 next page
inline constexpr size_t kMaxTreeDepth = 64;

class BTree {
 public:
  // REQUIRES: pages, root and mod_counter outlive the tree.
  // *root_generation is the generation that wrote *root (kept in the meta).
  BTree(PageAccess* pages, uint64_t* root, uint64_t* root_generation, uint64_t* mod_counter)
      : pages_(pages), root_(root), root_generation_(root_generation), mod_counter_(mod_counter) {}

  static size_t max_key_size(uint32_t page_size) { return node::max_key_size(page_size); }

  Result<std::optional<std::string>> get(std::string_view key);
  Status put(std::string_view key, std::string_view value);
  // True if the key was there.
  Result<bool> del(std::string_view key);

  // The value of cell `index` of a verified leaf page (follows overflow chains).
  static Result<std::string> read_value(PageAccess* pages, const uint8_t* leaf, size_t index);
  // Reads a whole overflow chain, verifying page types, generations (every page of a chain
  // carries the generation that wrote it), lengths, termination and that it never loops.
  static Result<std::string> read_overflow(PageAccess* pages, uint64_t first,
                                           uint64_t generation, uint64_t length);
  // Page numbers of an overflow chain; appends the bytes to *data if given.
  static Result<std::vector<uint64_t>> overflow_pages(PageAccess* pages, uint64_t first,
                                                       uint64_t generation, uint64_t length,
                                                       std::string* data = nullptr);

 private:
  struct Frame {
    uint64_t page_no;
    uint8_t* page;
    size_t index;
  };

  // Copies the root-to-leaf path for key; the last frame is the leaf.
  Status descend_mutable(std::string_view key, std::vector<Frame>* path);
  Status insert_at(std::vector<Frame>* path, size_t level, size_t index, std::string cell);
  Status rebalance(std::vector<Frame>* path, size_t level);
  Result<std::string> make_cell(std::string_view key, std::string_view value);
  Result<uint64_t> write_overflow(std::string_view value);
  Status free_overflow(uint64_t first, uint64_t generation, uint64_t length);
  static size_t split_point(const std::vector<std::string>& cells, size_t inserted_at,
                            size_t usable);

  PageAccess* pages_;
  uint64_t* root_;
  uint64_t* root_generation_;
  uint64_t* mod_counter_;
};

}  // namespace strata
