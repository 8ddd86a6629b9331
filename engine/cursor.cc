#include "engine/cursor.h"

namespace strata {

Result<PageRef> Cursor::load(uint64_t page_no, uint64_t generation) {
  ++pages_visited_;
  return pages_->read_expected(page_no, generation);
}

void Cursor::set_current() {
  const Frame& leaf = stack_.back();
  key_.assign(node::key(leaf.page->data(), leaf.index));
  valid_ = true;
}

Status Cursor::descend_edge(uint64_t page_no, uint64_t generation, Edge edge) {
  while (true) {
    if (stack_.size() >= kMaxTreeDepth) return Status::corruption("tree too deep (cycle?)");
    STRATA_ASSIGN(PageRef page, load(page_no, generation));
    const uint8_t* p = page->data();
    uint16_t n = node::count(p);
    if (node::is_leaf(p)) {
      stack_.push_back({page, edge == Edge::kFirst ? 0 : (n == 0 ? 0 : n - 1u)});
      if (n == 0) {
        // Only an empty root leaf is legal; treat a damaged empty leaf as a step.
        stack_.back().index = edge == Edge::kFirst ? 0 : 0;
        return step_leaf(edge == Edge::kFirst);
      }
      set_current();
      return Status::ok();
    }
    size_t idx = edge == Edge::kFirst ? 0 : n - 1u;
    stack_.push_back({page, idx});
    page_no = node::child(p, idx);
    generation = node::child_generation(p, idx);
  }
}

Status Cursor::step_leaf(bool forward) {
  // Pop the leaf, then climb until a branch has a neighbour child in that direction.
  stack_.pop_back();
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    uint16_t n = node::count(f.page->data());
    if (forward ? f.index + 1 < n : f.index > 0) {
      f.index = forward ? f.index + 1 : f.index - 1;
      return descend_edge(node::child(f.page->data(), f.index),
                          node::child_generation(f.page->data(), f.index),
                          forward ? Edge::kFirst : Edge::kLast);
    }
    stack_.pop_back();
  }
  valid_ = false;
  return Status::ok();
}

Status Cursor::first() {
  stack_.clear();
  valid_ = false;
  seen_mod_ = *mod_counter_;
  if (*root_ == 0) return Status::ok();
  return descend_edge(*root_, *root_generation_, Edge::kFirst);
}

Status Cursor::last() {
  stack_.clear();
  valid_ = false;
  seen_mod_ = *mod_counter_;
  if (*root_ == 0) return Status::ok();
  return descend_edge(*root_, *root_generation_, Edge::kLast);
}

Status Cursor::seek(std::string_view target) {
  stack_.clear();
  valid_ = false;
  seen_mod_ = *mod_counter_;
  uint64_t page_no = *root_;
  uint64_t generation = *root_generation_;
  if (page_no == 0) return Status::ok();
  while (true) {
    if (stack_.size() >= kMaxTreeDepth) return Status::corruption("tree too deep (cycle?)");
    STRATA_ASSIGN(PageRef page, load(page_no, generation));
    const uint8_t* p = page->data();
    if (node::is_leaf(p)) {
      bool exact = false;
      size_t idx = node::lower_bound(p, target, &exact);
      stack_.push_back({page, idx});
      if (idx < node::count(p)) {
        set_current();
        return Status::ok();
      }
      return step_leaf(true);
    }
    size_t idx = node::child_index(p, target);
    stack_.push_back({page, idx});
    page_no = node::child(p, idx);
    generation = node::child_generation(p, idx);
  }
}

Status Cursor::seek_for_prev(std::string_view target) {
  STRATA_TRY(seek(target));
  if (!valid_) return last();
  if (key_ == target) return Status::ok();
  return prev();
}

Status Cursor::next() {
  if (!valid_) return Status::ok();
  if (*mod_counter_ != seen_mod_) {
    std::string current = key_;
    STRATA_TRY(seek(current));
    // seek landed on the first key >= current; skip current itself if still there.
    if (!valid_ || key_ != current) return Status::ok();
  }
  Frame& leaf = stack_.back();
  if (leaf.index + 1 < node::count(leaf.page->data())) {
    ++leaf.index;
    set_current();
    return Status::ok();
  }
  return step_leaf(true);
}

Status Cursor::prev() {
  if (!valid_) return Status::ok();
  if (*mod_counter_ != seen_mod_) {
    std::string current = key_;
    STRATA_TRY(seek(current));
    // seek landed on the first key >= current (or nothing): step back once.
    if (!valid_) return last();
  }
  Frame& leaf = stack_.back();
  if (leaf.index > 0) {
    --leaf.index;
    set_current();
    return Status::ok();
  }
  return step_leaf(false);
}

Result<std::string> Cursor::value() const {
  const Frame& leaf = stack_.back();
  return BTree::read_value(pages_, leaf.page->data(), leaf.index);
}

uint64_t Cursor::value_size() const {
  const Frame& leaf = stack_.back();
  return node::leaf_value(leaf.page->data(), leaf.index).length;
}

}  // namespace strata
