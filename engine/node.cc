#include "engine/node.h"

#include <cstring>

namespace strata::node {

namespace {
inline uint32_t content_start(const uint8_t* page) { return load_u32(page + kOffContentStart); }
inline uint32_t garbage(const uint8_t* page) { return load_u32(page + kOffGarbage); }

// Size of a cell given its bytes at c, for a leaf or branch page.
inline size_t cell_size_at(const uint8_t* c, bool leaf) {
  size_t key_len = load_u16(c);
  if (!leaf) return kBranchCellHeader + key_len;
  uint32_t field = load_u32(c + 2);
  size_t payload = (field & kOverflowFlag) ? kOverflowRefSize : (field & ~kOverflowFlag);
  return kLeafCellHeader + key_len + payload;
}

void compact(uint8_t* page, uint32_t page_size) {
  std::vector<std::string> cells;
  uint16_t n = count(page);
  cells.reserve(n);
  for (size_t i = 0; i < n; ++i) cells.emplace_back(cell_bytes(page, i));
  rebuild(page, page_size, cells);
}

Status bad(uint64_t page_no, const std::string& why) {
  return Status::corruption("page " + std::to_string(page_no) + ": " + why);
}

std::string content_mismatch(size_t live, size_t garbage_bytes, size_t area) {
  return "cells (" + std::to_string(live) + " bytes) and garbage (" +
         std::to_string(garbage_bytes) + ") do not fill the content area (" + std::to_string(area) +
         " bytes)";
}
}  // namespace

void init(uint8_t* page, uint32_t page_size, PageType type, uint64_t page_no) {
  init_page(page, page_size, type, page_no);
  store_u32(page + kOffContentStart, page_size);
  store_u32(page + kOffGarbage, 0);
}

size_t cell_size(const uint8_t* page, size_t i) { return cell_size_at(cell(page, i), is_leaf(page)); }

std::string_view cell_bytes(const uint8_t* page, size_t i) {
  return {reinterpret_cast<const char*>(cell(page, i)), cell_size(page, i)};
}

LeafValue leaf_value(const uint8_t* page, size_t i) {
  const uint8_t* c = cell(page, i);
  size_t key_len = load_u16(c);
  uint32_t field = load_u32(c + 2);
  LeafValue v;
  v.overflow = (field & kOverflowFlag) != 0;
  v.length = field & ~kOverflowFlag;
  const uint8_t* payload = c + kLeafCellHeader + key_len;
  if (v.overflow) {
    v.overflow_page = load_u64(payload);
    v.overflow_generation = load_u64(payload + 8);
  } else {
    v.inline_bytes = {reinterpret_cast<const char*>(payload), v.length};
  }
  return v;
}

void set_child(uint8_t* page, size_t i, uint64_t child_page, uint64_t generation) {
  store_u64(page + slot(page, i) + 2, child_page);
  store_u64(page + slot(page, i) + 10, generation);
}

size_t lower_bound(const uint8_t* page, std::string_view target, bool* exact) {
  size_t lo = 0, hi = count(page);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (key(page, mid) < target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *exact = lo < count(page) && key(page, lo) == target;
  return lo;
}

size_t child_index(const uint8_t* page, std::string_view target) {
  // Last i >= 1 with key_i <= target, else 0 (cell 0 is minus infinity).
  size_t lo = 1, hi = count(page);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (key(page, mid) <= target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo - 1;
}

size_t used_bytes(const uint8_t* page, uint32_t page_size) {
  return (page_size - content_start(page) - garbage(page)) + 2 * count(page);
}

bool insert_cell(uint8_t* page, uint32_t page_size, size_t index, std::string_view c) {
  uint16_t n = count(page);
  size_t need = c.size() + 2;
  size_t slot_end = kNodeHeaderSize + 2 * n;
  size_t gap = content_start(page) - slot_end;
  if (gap < need) {
    if (gap + garbage(page) < need) return false;
    compact(page, page_size);
  }
  uint32_t start = content_start(page) - static_cast<uint32_t>(c.size());
  std::memcpy(page + start, c.data(), c.size());
  store_u32(page + kOffContentStart, start);
  uint8_t* slots = page + kNodeHeaderSize;
  std::memmove(slots + 2 * (index + 1), slots + 2 * index, 2 * (n - index));
  store_u16(slots + 2 * index, static_cast<uint16_t>(start));
  set_header_count(page, n + 1);
  return true;
}

void remove_cell(uint8_t* page, size_t index) {
  uint16_t n = count(page);
  uint16_t off = slot(page, index);
  uint32_t size = static_cast<uint32_t>(cell_size(page, index));
  if (off == content_start(page)) {
    store_u32(page + kOffContentStart, off + size);
  } else {
    store_u32(page + kOffGarbage, garbage(page) + size);
  }
  uint8_t* slots = page + kNodeHeaderSize;
  std::memmove(slots + 2 * index, slots + 2 * (index + 1), 2 * (n - index - 1));
  set_header_count(page, n - 1);
}

void rebuild(uint8_t* page, uint32_t page_size, const std::vector<std::string>& cells) {
  uint32_t pos = page_size;
  uint8_t* slots = page + kNodeHeaderSize;
  for (size_t i = 0; i < cells.size(); ++i) {
    pos -= static_cast<uint32_t>(cells[i].size());
    std::memcpy(page + pos, cells[i].data(), cells[i].size());
    store_u16(slots + 2 * i, static_cast<uint16_t>(pos));
  }
  // Clear the gap so stale bytes never reach the disk.
  size_t slot_end = kNodeHeaderSize + 2 * cells.size();
  std::memset(page + slot_end, 0, pos - slot_end);
  store_u32(page + kOffContentStart, pos);
  store_u32(page + kOffGarbage, 0);
  set_header_count(page, static_cast<uint16_t>(cells.size()));
}

std::string make_leaf_cell(std::string_view k, std::string_view value) {
  std::string c(kLeafCellHeader + k.size() + value.size(), '\0');
  auto* p = reinterpret_cast<uint8_t*>(c.data());
  store_u16(p, static_cast<uint16_t>(k.size()));
  store_u32(p + 2, static_cast<uint32_t>(value.size()));
  std::memcpy(p + kLeafCellHeader, k.data(), k.size());
  if (!value.empty()) std::memcpy(p + kLeafCellHeader + k.size(), value.data(), value.size());
  return c;
}

std::string make_leaf_overflow_cell(std::string_view k, uint64_t length, uint64_t first_page,
                                    uint64_t generation) {
  std::string c(kLeafCellHeader + k.size() + kOverflowRefSize, '\0');
  auto* p = reinterpret_cast<uint8_t*>(c.data());
  store_u16(p, static_cast<uint16_t>(k.size()));
  store_u32(p + 2, static_cast<uint32_t>(length) | kOverflowFlag);
  std::memcpy(p + kLeafCellHeader, k.data(), k.size());
  store_u64(p + kLeafCellHeader + k.size(), first_page);
  store_u64(p + kLeafCellHeader + k.size() + 8, generation);
  return c;
}

std::string make_branch_cell(std::string_view k, uint64_t child_page, uint64_t generation) {
  std::string c(kBranchCellHeader + k.size(), '\0');
  auto* p = reinterpret_cast<uint8_t*>(c.data());
  store_u16(p, static_cast<uint16_t>(k.size()));
  store_u64(p + 2, child_page);
  store_u64(p + 10, generation);
  if (!k.empty()) std::memcpy(p + kBranchCellHeader, k.data(), k.size());
  return c;
}

std::string with_branch_key(std::string_view branch_cell, std::string_view k) {
  const auto* b = reinterpret_cast<const uint8_t*>(branch_cell.data());
  return make_branch_cell(k, load_u64(b + 2), load_u64(b + 10));
}

std::string_view cell_key(std::string_view cell_view, bool leaf) {
  size_t key_len = load_u16(reinterpret_cast<const uint8_t*>(cell_view.data()));
  return cell_view.substr(leaf ? kLeafCellHeader : kBranchCellHeader, key_len);
}

Status validate(const uint8_t* page, uint32_t page_size, uint64_t page_no) {
  PageType type = page_type(page);
  if (type != PageType::kLeaf && type != PageType::kBranch) {
    return bad(page_no, "not a tree page");
  }
  bool leaf = type == PageType::kLeaf;
  size_t n = count(page);
  size_t slot_end = kNodeHeaderSize + 2 * n;
  uint32_t start = content_start(page);
  if (slot_end > page_size || start < slot_end || start > page_size) {
    return bad(page_no, "cell area out of bounds (count " + std::to_string(n) + ")");
  }
  if (garbage(page) > page_size - start) return bad(page_no, "garbage count out of bounds");
  if (!leaf && n == 0) return bad(page_no, "branch page without children");
  size_t max_key = max_key_size(page_size);
  std::string_view previous;
  size_t live = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t off = slot(page, i);
    size_t header = leaf ? kLeafCellHeader : kBranchCellHeader;
    if (off < start || off + header > page_size) {
      return bad(page_no, "cell " + std::to_string(i) + " offset out of bounds");
    }
    const uint8_t* c = page + off;
    size_t key_len = load_u16(c);
    if (key_len > max_key + 8) return bad(page_no, "cell " + std::to_string(i) + " key too long");
    if (leaf) {
      uint32_t field = load_u32(c + 2);
      if (!(field & kOverflowFlag) && (field & ~kOverflowFlag) > page_size) {
        return bad(page_no, "cell " + std::to_string(i) + " inline value too long");
      }
    }
    if (off + cell_size_at(c, leaf) > page_size) {
      return bad(page_no, "cell " + std::to_string(i) + " runs past the end of the page");
    }
    live += cell_size_at(c, leaf);
    std::string_view k = key(page, i);
    if (i > 0 && !(previous < k) && (leaf || i > 1)) {
      return bad(page_no, "keys out of order at cell " + std::to_string(i));
    }
    if (!leaf && i == 0 && !k.empty()) return bad(page_no, "branch cell 0 has a key");
    if (!leaf) {
      uint64_t ch = load_u64(c + 2);
      if (ch < 2) return bad(page_no, "cell " + std::to_string(i) + " points at meta page");
    }
    previous = k;
  }
  // Every byte of the content area is a live cell or garbage, exactly: compaction relies on
  // the garbage count to know what it frees, so a page that overstates it (or whose cells
  // overlap) would make an insert write outside the page.
  if (live + garbage(page) != page_size - start) {
    return bad(page_no, content_mismatch(live, garbage(page), page_size - start));
  }
  return Status::ok();
}

NodeAudit audit(const uint8_t* page, uint32_t page_size) {
  NodeAudit out;
  PageType type = page_type(page);
  if (type != PageType::kLeaf && type != PageType::kBranch) {
    out.problems.push_back("not a tree page");
    return out;
  }
  bool leaf = type == PageType::kLeaf;
  size_t n = count(page);
  size_t slot_end = kNodeHeaderSize + 2 * n;
  uint32_t start = content_start(page);
  if (slot_end > page_size || start < slot_end || start > page_size) {
    out.problems.push_back("cell area out of bounds (count " + std::to_string(n) + ")");
    return out;
  }
  out.cells_usable = true;
  out.usable.assign(n, false);
  if (garbage(page) > page_size - start) out.problems.push_back("garbage count out of bounds");
  if (!leaf && n == 0) out.problems.push_back("branch page without children");
  size_t max_key = max_key_size(page_size);
  size_t header = leaf ? kLeafCellHeader : kBranchCellHeader;
  bool have_previous = false;
  std::string_view previous;
  size_t live = 0;
  bool all_measured = true;  // every cell's size is known, so the content area can be summed
  for (size_t i = 0; i < n; ++i) {
    std::string cell_name = "cell " + std::to_string(i);
    size_t off = slot(page, i);
    if (off < start || off + header > page_size) {
      out.problems.push_back(cell_name + " offset out of bounds");
      all_measured = false;
      continue;
    }
    const uint8_t* c = page + off;
    if (load_u16(c) > max_key + 8) out.problems.push_back(cell_name + " key too long");
    if (leaf) {
      uint32_t field = load_u32(c + 2);
      if (!(field & kOverflowFlag) && (field & ~kOverflowFlag) > page_size) {
        out.problems.push_back(cell_name + " inline value too long");
        all_measured = false;
        continue;
      }
    }
    if (off + cell_size_at(c, leaf) > page_size) {
      out.problems.push_back(cell_name + " runs past the end of the page");
      all_measured = false;
      continue;
    }
    live += cell_size_at(c, leaf);
    std::string_view k = key(page, i);
    if (!leaf && i == 0 && !k.empty()) out.problems.push_back("branch cell 0 has a key");
    if (have_previous && !(previous < k) && (leaf || i > 1)) {
      out.problems.push_back("keys out of order at cell " + std::to_string(i));
    }
    have_previous = true;
    previous = k;
    if (!leaf && load_u64(c + 2) < 2) {
      out.problems.push_back(cell_name + " points at meta page");
      continue;
    }
    out.usable[i] = true;
  }
  if (all_measured && live + garbage(page) != page_size - start) {
    out.problems.push_back(content_mismatch(live, garbage(page), page_size - start));
  }
  return out;
}

}  // namespace strata::node
