// Node: the slotted layout of B+ tree pages (leaf and branch).
//
//   0      32     common page header (page.h); count = number of cells
//   32     4      content_start  cells occupy [content_start, page_size)
//   36     4      garbage        bytes of dead cells inside the content area
//   40     2*n    slot[i]        offset of cell i; cells sorted by key via slots
//   ...           free gap
//   content_start cells, packed from the end of the page downwards
//
// Leaf cell:    u16 key_len | u32 value_field | key | payload
//               value_field bit 31 = overflow; bits 0..30 = value length.
//               payload = the value (inline), or u64 first overflow page and u64 the
//               generation that wrote the chain.
// Branch cell:  u16 key_len | u64 child | u64 child_generation | key
//               Cell 0's key is empty and means "minus infinity": child i holds
//               keys in [key_i, key_{i+1}).
// Every pointer carries the generation of the page it points to, and every read through it
// checks the page's header says the same: a page that a lost or misdirected write left in
// an older, checksum-valid state is then corruption, never a silently stale answer.
//
// Limits (so that any page can always be split in two): a cell is at most
// max_cell_size(page_size) bytes, a quarter of the usable space. Keys are at
// most max_key_size(page_size) (990 bytes at 4 KiB pages, 94 at 512); values that would
// make a leaf cell larger go to an overflow chain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/page.h"

namespace strata::node {

inline constexpr size_t kNodeHeaderSize = 40;
inline constexpr size_t kOffContentStart = 32;
inline constexpr size_t kOffGarbage = 36;
inline constexpr size_t kLeafCellHeader = 6;
inline constexpr size_t kBranchCellHeader = 18;
inline constexpr size_t kOverflowRefSize = 16;  // u64 first page | u64 generation
inline constexpr uint32_t kOverflowFlag = 0x80000000u;
inline constexpr uint32_t kMaxValueSize = 0x7fffffffu;

inline size_t usable_space(uint32_t page_size) { return page_size - kNodeHeaderSize; }
inline size_t max_cell_size(uint32_t page_size) { return usable_space(page_size) / 4 - 2; }
inline size_t max_key_size(uint32_t page_size) {
  return max_cell_size(page_size) - kLeafCellHeader - kOverflowRefSize;
}

void init(uint8_t* page, uint32_t page_size, PageType type, uint64_t page_no);

inline uint16_t count(const uint8_t* page) { return header_count(page); }
inline bool is_leaf(const uint8_t* page) { return page_type(page) == PageType::kLeaf; }
inline uint16_t slot(const uint8_t* page, size_t i) {
  return load_u16(page + kNodeHeaderSize + 2 * i);
}
inline const uint8_t* cell(const uint8_t* page, size_t i) { return page + slot(page, i); }

inline std::string_view key(const uint8_t* page, size_t i) {
  const uint8_t* c = cell(page, i);
  size_t header = is_leaf(page) ? kLeafCellHeader : kBranchCellHeader;
  return {reinterpret_cast<const char*>(c + header), load_u16(c)};
}

size_t cell_size(const uint8_t* page, size_t i);
std::string_view cell_bytes(const uint8_t* page, size_t i);

struct LeafValue {
  bool overflow = false;
  uint64_t length = 0;         // full value length
  std::string_view inline_bytes;  // the value, when !overflow
  uint64_t overflow_page = 0;     // first overflow page, when overflow
  uint64_t overflow_generation = 0;  // the generation that wrote the chain, when overflow
};
LeafValue leaf_value(const uint8_t* page, size_t i);

inline uint64_t child(const uint8_t* page, size_t i) { return load_u64(cell(page, i) + 2); }
inline uint64_t child_generation(const uint8_t* page, size_t i) {
  return load_u64(cell(page, i) + 10);
}
void set_child(uint8_t* page, size_t i, uint64_t child_page, uint64_t generation);

// First index whose key is >= key (count if none); *exact if equal.
size_t lower_bound(const uint8_t* page, std::string_view key, bool* exact);
// Branch: the child index whose range holds key (last i with key_i <= key; 0 if none).
size_t child_index(const uint8_t* page, std::string_view key);

// Bytes in use by slots and live cells.
size_t used_bytes(const uint8_t* page, uint32_t page_size);

// Inserts a cell at index. Returns false (page unchanged) if it cannot fit even
// after compaction; the caller then splits.
bool insert_cell(uint8_t* page, uint32_t page_size, size_t index, std::string_view cell);
void remove_cell(uint8_t* page, size_t index);

// Rewrites the page to hold exactly these cells (which must not point into it).
// REQUIRES: they fit (sum of sizes + slots <= usable_space).
void rebuild(uint8_t* page, uint32_t page_size, const std::vector<std::string>& cells);

std::string make_leaf_cell(std::string_view key, std::string_view value);
std::string make_leaf_overflow_cell(std::string_view key, uint64_t length, uint64_t first_page,
                                    uint64_t generation);
std::string make_branch_cell(std::string_view key, uint64_t child_page, uint64_t generation);
// A branch cell's key replaced (keeps the child and its generation).
std::string with_branch_key(std::string_view branch_cell, std::string_view key);
// The key inside a cell's bytes.
std::string_view cell_key(std::string_view cell_bytes, bool leaf);

// Structural validation of a page from disk: slots and cells within bounds,
// keys strictly ascending, sizes within limits, and the live cells plus the garbage count
// fill the content area exactly (so compaction frees what the page says). Never reads out
// of bounds.
Status validate(const uint8_t* page, uint32_t page_size, uint64_t page_no);

// What validate() checks, one finding per problem instead of the first, for tools that
// must keep going on a damaged page (the consistency checker, `strata inspect page`).
// A cell marked usable lies inside the page, so key(), leaf_value() and child() may read
// it (a usable branch cell's child is >= 2); every other cell must not be touched.
struct NodeAudit {
  bool cells_usable = false;  // the slot array lies inside the page
  std::vector<bool> usable;   // per cell, when cells_usable
  std::vector<std::string>
      problems;  // "cell 3 offset out of bounds", "keys out of order at cell 4"
};
NodeAudit audit(const uint8_t* page, uint32_t page_size);

}  // namespace strata::node
