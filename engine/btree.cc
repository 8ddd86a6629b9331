#include "engine/btree.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

namespace strata {

namespace {
std::string page_str(uint64_t page_no) { return "page " + std::to_string(page_no); }

std::vector<std::string> all_cells(const uint8_t* page) {
  std::vector<std::string> cells;
  uint16_t n = node::count(page);
  cells.reserve(n + 1);
  for (size_t i = 0; i < n; ++i) cells.emplace_back(node::cell_bytes(page, i));
  return cells;
}

size_t bytes_of(const std::vector<std::string>& cells, size_t from, size_t to) {
  size_t total = 0;
  for (size_t i = from; i < to; ++i) total += cells[i].size() + 2;
  return total;
}
}  // namespace

Status PageAccess::check_generation(uint64_t page_no, uint64_t generation) {
  if (owns(page_no)) return Status::ok();  // unsealed until commit
  STRATA_ASSIGN(PageRef page, read(page_no));
  if (page_generation(page->data()) != generation) {
    return Status::corruption(page_str(page_no) + ": stale page: written by generation " +
                              std::to_string(page_generation(page->data())) +
                              ", but the pointer to it expects generation " +
                              std::to_string(generation) + " (a lost or misdirected write)");
  }
  return Status::ok();
}

Result<PageRef> PageAccess::read_expected(uint64_t page_no, uint64_t generation) {
  STRATA_ASSIGN(PageRef page, read(page_no));
  if (!owns(page_no) && page_generation(page->data()) != generation) {
    return Status::corruption(page_str(page_no) + ": stale page: written by generation " +
                              std::to_string(page_generation(page->data())) +
                              ", but the pointer to it expects generation " +
                              std::to_string(generation) + " (a lost or misdirected write)");
  }
  return page;
}

Result<std::optional<std::string>> BTree::get(std::string_view key) {
  uint64_t page_no = *root_;
  uint64_t generation = *root_generation_;
  if (page_no == 0) return std::optional<std::string>();
  for (size_t depth = 0; depth < kMaxTreeDepth; ++depth) {
    STRATA_ASSIGN(PageRef page, pages_->read_expected(page_no, generation));
    const uint8_t* p = page->data();
    if (node::is_leaf(p)) {
      bool exact = false;
      size_t idx = node::lower_bound(p, key, &exact);
      if (!exact) return std::optional<std::string>();
      STRATA_ASSIGN(std::string value, read_value(pages_, p, idx));
      return std::optional<std::string>(std::move(value));
    }
    size_t idx = node::child_index(p, key);
    page_no = node::child(p, idx);
    generation = node::child_generation(p, idx);
  }
  return Status::corruption("tree deeper than " + std::to_string(kMaxTreeDepth) +
                            " levels (cycle?) below root " + std::to_string(*root_));
}

Result<std::string> BTree::make_cell(std::string_view key, std::string_view value) {
  uint32_t ps = pages_->page_size();
  if (key.size() > node::max_key_size(ps)) {
    return Status::invalid_argument("key of " + std::to_string(key.size()) +
                                    " bytes exceeds the maximum of " +
                                    std::to_string(node::max_key_size(ps)));
  }
  if (value.size() > node::kMaxValueSize) {
    return Status::invalid_argument("value of " + std::to_string(value.size()) +
                                    " bytes exceeds the maximum of 2 GiB - 1");
  }
  if (node::kLeafCellHeader + key.size() + value.size() <= node::max_cell_size(ps)) {
    return node::make_leaf_cell(key, value);
  }
  STRATA_ASSIGN(uint64_t first, write_overflow(value));
  return node::make_leaf_overflow_cell(key, value.size(), first, pages_->write_generation());
}

Status BTree::descend_mutable(std::string_view key, std::vector<Frame>* path) {
  const uint64_t wg = pages_->write_generation();
  uint64_t page_no = *root_;
  STRATA_TRY(pages_->check_generation(page_no, *root_generation_));
  STRATA_ASSIGN(uint8_t* page, pages_->mutable_page(&page_no));
  *root_ = page_no;
  *root_generation_ = wg;
  for (size_t depth = 0;; ++depth) {
    if (depth >= kMaxTreeDepth) return Status::corruption("tree too deep (cycle?)");
    if (node::is_leaf(page)) {
      path->push_back({page_no, page, 0});
      return Status::ok();
    }
    size_t idx = node::child_index(page, key);
    path->push_back({page_no, page, idx});
    uint64_t child_no = node::child(page, idx);
    STRATA_TRY(pages_->check_generation(child_no, node::child_generation(page, idx)));
    STRATA_ASSIGN(uint8_t* child_page, pages_->mutable_page(&child_no));
    node::set_child(page, idx, child_no, wg);
    page_no = child_no;
    page = child_page;
  }
}

Status BTree::put(std::string_view key, std::string_view value) {
  STRATA_ASSIGN(std::string cell, make_cell(key, value));
  ++*mod_counter_;
  if (*root_ == 0) {
    uint64_t page_no = 0;
    STRATA_ASSIGN(uint8_t* page, pages_->allocate(&page_no));
    node::init(page, pages_->page_size(), PageType::kLeaf, page_no);
    node::insert_cell(page, pages_->page_size(), 0, cell);
    *root_ = page_no;
    *root_generation_ = pages_->write_generation();
    return Status::ok();
  }
  std::vector<Frame> path;
  STRATA_TRY(descend_mutable(key, &path));
  Frame& leaf = path.back();
  bool exact = false;
  size_t idx = node::lower_bound(leaf.page, key, &exact);
  if (exact) {
    node::LeafValue old = node::leaf_value(leaf.page, idx);
    if (old.overflow) {
      STRATA_TRY(free_overflow(old.overflow_page, old.overflow_generation, old.length));
    }
    node::remove_cell(leaf.page, idx);
  }
  leaf.index = idx;
  return insert_at(&path, path.size() - 1, idx, std::move(cell));
}

size_t BTree::split_point(const std::vector<std::string>& cells, size_t inserted_at,
                          size_t usable) {
  size_t n = cells.size();
  // Appending at the right edge (sequential keys): keep the left page full.
  if (inserted_at == n - 1 && bytes_of(cells, 0, n - 1) <= usable) return n - 1;
  // Prepending at the left edge (descending keys): keep the right page full.
  if (inserted_at == 0 && bytes_of(cells, 1, n) <= usable) return 1;
  size_t total = bytes_of(cells, 0, n);
  size_t acc = 0, s = 0;
  while (s < n && acc + cells[s].size() + 2 <= total / 2) acc += cells[s++].size() + 2;
  if (s == 0) s = 1;
  if (s >= n) s = n - 1;
  // Both halves must fit; cells are at most a quarter page, so one step fixes it.
  while (s > 1 && bytes_of(cells, 0, s) > usable) --s;
  while (s < n - 1 && bytes_of(cells, s, n) > usable) ++s;
  return s;
}

Status BTree::insert_at(std::vector<Frame>* path, size_t level, size_t index, std::string cell) {
  uint32_t ps = pages_->page_size();
  Frame frame = (*path)[level];
  if (node::insert_cell(frame.page, ps, index, cell)) return Status::ok();

  bool leaf = node::is_leaf(frame.page);
  std::vector<std::string> cells = all_cells(frame.page);
  cells.insert(cells.begin() + static_cast<std::ptrdiff_t>(index), std::move(cell));
  size_t s = split_point(cells, index, node::usable_space(ps));
  // A branch keeps at least two children on each side (an edge split would leave one).
  if (!leaf) s = std::clamp<size_t>(s, 2, cells.size() - 2);

  uint64_t right_no = 0;
  STRATA_ASSIGN(uint8_t* right, pages_->allocate(&right_no));
  node::init(right, ps, leaf ? PageType::kLeaf : PageType::kBranch, right_no);
  std::vector<std::string> right_cells(std::make_move_iterator(cells.begin() + s),
                                       std::make_move_iterator(cells.end()));
  cells.resize(s);
  std::string separator(node::cell_key(right_cells[0], leaf));
  if (!leaf) right_cells[0] = node::with_branch_key(right_cells[0], "");
  node::rebuild(frame.page, ps, cells);
  node::rebuild(right, ps, right_cells);

  if (level == 0) {
    uint64_t root_no = 0;
    STRATA_ASSIGN(uint8_t* root, pages_->allocate(&root_no));
    node::init(root, ps, PageType::kBranch, root_no);
    const uint64_t wg = pages_->write_generation();
    node::rebuild(root, ps,
                  {node::make_branch_cell("", frame.page_no, wg),
                   node::make_branch_cell(separator, right_no, wg)});
    *root_ = root_no;
    *root_generation_ = wg;
    return Status::ok();
  }
  return insert_at(path, level - 1, (*path)[level - 1].index + 1,
                   node::make_branch_cell(separator, right_no, pages_->write_generation()));
}

Result<bool> BTree::del(std::string_view key) {
  STRATA_ASSIGN(std::optional<std::string> existing, get(key));
  if (!existing) return false;
  ++*mod_counter_;
  std::vector<Frame> path;
  STRATA_TRY(descend_mutable(key, &path));
  Frame& leaf = path.back();
  bool exact = false;
  size_t idx = node::lower_bound(leaf.page, key, &exact);
  if (!exact) return Status::internal("key vanished between lookup and delete");
  node::LeafValue old = node::leaf_value(leaf.page, idx);
  if (old.overflow) {
    STRATA_TRY(free_overflow(old.overflow_page, old.overflow_generation, old.length));
  }
  node::remove_cell(leaf.page, idx);
  STRATA_TRY(rebalance(&path, path.size() - 1));
  return true;
}

Status BTree::rebalance(std::vector<Frame>* path, size_t level) {
  uint32_t ps = pages_->page_size();
  size_t usable = node::usable_space(ps);
  Frame frame = (*path)[level];
  bool leaf = node::is_leaf(frame.page);
  uint16_t n = node::count(frame.page);

  if (level == 0) {
    if (leaf && n == 0) {
      STRATA_TRY(pages_->retire(frame.page_no));
      *root_ = 0;
    } else if (!leaf && n == 1) {
      *root_ = node::child(frame.page, 0);
      *root_generation_ = node::child_generation(frame.page, 0);
      STRATA_TRY(pages_->retire(frame.page_no));
    }
    return Status::ok();
  }
  bool underfull = node::used_bytes(frame.page, ps) < usable / 4 || n < (leaf ? 1 : 2);
  if (!underfull) return Status::ok();

  Frame& parent = (*path)[level - 1];
  uint16_t parent_count = node::count(parent.page);
  if (parent_count < 2) return Status::ok();
  size_t left_idx = parent.index > 0 ? parent.index - 1 : parent.index;
  size_t right_idx = left_idx + 1;

  const uint64_t wg = pages_->write_generation();
  uint64_t left_no = node::child(parent.page, left_idx);
  STRATA_TRY(pages_->check_generation(left_no, node::child_generation(parent.page, left_idx)));
  STRATA_ASSIGN(uint8_t* left, pages_->mutable_page(&left_no));
  node::set_child(parent.page, left_idx, left_no, wg);
  uint64_t right_no = node::child(parent.page, right_idx);
  STRATA_TRY(pages_->check_generation(right_no, node::child_generation(parent.page, right_idx)));
  STRATA_ASSIGN(uint8_t* right, pages_->mutable_page(&right_no));
  node::set_child(parent.page, right_idx, right_no, wg);
  if (node::is_leaf(left) != leaf || node::is_leaf(right) != leaf) {
    return Status::corruption(page_str(parent.page_no) + ": children at different depths");
  }

  std::vector<std::string> cells = all_cells(left);
  std::vector<std::string> right_cells = all_cells(right);
  if (!leaf && !right_cells.empty()) {
    right_cells[0] = node::with_branch_key(right_cells[0], node::key(parent.page, right_idx));
  }
  for (auto& c : right_cells) cells.push_back(std::move(c));

  if (bytes_of(cells, 0, cells.size()) <= usable) {
    // Merge right into left and drop right's entry from the parent.
    node::rebuild(left, ps, cells);
    STRATA_TRY(pages_->retire(right_no));
    node::remove_cell(parent.page, right_idx);
    parent.index = left_idx;
    return rebalance(path, level - 1);
  }
  // Borrow: split the cells evenly between the two pages.
  size_t s = split_point(cells, cells.size() / 2, usable);
  std::vector<std::string> new_right(std::make_move_iterator(cells.begin() + s),
                                     std::make_move_iterator(cells.end()));
  cells.resize(s);
  std::string separator(node::cell_key(new_right[0], leaf));
  if (!leaf) new_right[0] = node::with_branch_key(new_right[0], "");
  node::rebuild(left, ps, cells);
  node::rebuild(right, ps, new_right);
  node::remove_cell(parent.page, right_idx);
  return insert_at(path, level - 1, right_idx, node::make_branch_cell(separator, right_no, wg));
}

Result<uint64_t> BTree::write_overflow(std::string_view value) {
  uint32_t ps = pages_->page_size();
  size_t capacity = ps - kOverflowHeaderSize;
  size_t n_pages = (value.size() + capacity - 1) / capacity;
  std::vector<uint64_t> numbers(n_pages);
  std::vector<uint8_t*> buffers(n_pages);
  for (size_t i = 0; i < n_pages; ++i) {
    STRATA_ASSIGN(buffers[i], pages_->allocate(&numbers[i]));
  }
  for (size_t i = 0; i < n_pages; ++i) {
    uint8_t* p = buffers[i];
    init_page(p, ps, PageType::kOverflow, numbers[i]);
    size_t off = i * capacity;
    size_t len = std::min(capacity, value.size() - off);
    set_page_aux(p, static_cast<uint32_t>(len));
    store_u64(p + kPageHeaderSize, i + 1 < n_pages ? numbers[i + 1] : 0);
    std::memcpy(p + kOverflowHeaderSize, value.data() + off, len);
  }
  return numbers.empty() ? 0 : numbers[0];
}

Result<std::vector<uint64_t>> BTree::overflow_pages(PageAccess* pages, uint64_t first,
                                                     uint64_t generation, uint64_t length,
                                                     std::string* data) {
  uint32_t ps = pages->page_size();
  size_t capacity = ps - kOverflowHeaderSize;
  uint64_t expected = (length + capacity - 1) / capacity;
  std::vector<uint64_t> out;
  std::unordered_set<uint64_t> seen;  // a chain that loops back would re-read up to 2 GiB
  uint64_t page_no = first;
  uint64_t remaining = length;
  while (page_no != 0) {
    if (out.size() >= expected) {
      return Status::corruption(page_str(page_no) + ": overflow chain longer than its value (" +
                                std::to_string(length) + " bytes)");
    }
    if (!seen.insert(page_no).second) {
      return Status::corruption(page_str(page_no) + ": overflow chain from page " +
                                std::to_string(first) + " loops back to it");
    }
    STRATA_ASSIGN(PageRef page, pages->read_expected(page_no, generation));
    const uint8_t* p = page->data();
    STRATA_TRY(verify_page_type(p, page_no, PageType::kOverflow));
    uint64_t want = std::min<uint64_t>(capacity, remaining);
    if (page_aux(p) != want) {
      return Status::corruption(page_str(page_no) + ": overflow page holds " +
                                std::to_string(page_aux(p)) + " bytes, expected " +
                                std::to_string(want));
    }
    out.push_back(page_no);
    if (data != nullptr) data->append(reinterpret_cast<const char*>(p + kOverflowHeaderSize), want);
    remaining -= want;
    page_no = load_u64(p + kPageHeaderSize);
  }
  if (out.size() != expected) {
    return Status::corruption("overflow chain from page " + std::to_string(first) +
                              " ends early: " + std::to_string(out.size()) + " of " +
                              std::to_string(expected) + " pages");
  }
  return out;
}

Result<std::string> BTree::read_overflow(PageAccess* pages, uint64_t first, uint64_t generation,
                                         uint64_t length) {
  // The length comes from a leaf cell: reserve no more than a damaged one could make us
  // allocate for nothing; the chain's pages, once read, bound the value.
  constexpr uint64_t kMaxReserve = uint64_t{1} << 20;
  std::string out;
  out.reserve(std::min(length, kMaxReserve));
  STRATA_TRY(overflow_pages(pages, first, generation, length, &out).status_or_ok());
  return out;
}

Result<std::string> BTree::read_value(PageAccess* pages, const uint8_t* leaf, size_t index) {
  node::LeafValue v = node::leaf_value(leaf, index);
  if (!v.overflow) return std::string(v.inline_bytes);
  return read_overflow(pages, v.overflow_page, v.overflow_generation, v.length);
}

Status BTree::free_overflow(uint64_t first, uint64_t generation, uint64_t length) {
  STRATA_ASSIGN(std::vector<uint64_t> chain, overflow_pages(pages_, first, generation, length));
  for (uint64_t page_no : chain) STRATA_TRY(pages_->retire(page_no));
  return Status::ok();
}

}  // namespace strata
