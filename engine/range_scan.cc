#include "engine/range_scan.h"

namespace strata {

bool KeyRange::contains(std::string_view key) const {
  if (lower) {
    int c = key.compare(*lower);
    if (c < 0 || (c == 0 && !lower_inclusive)) return false;
  }
  if (upper) {
    int c = key.compare(*upper);
    if (c > 0 || (c == 0 && !upper_inclusive)) return false;
  }
  return true;
}

std::string prefix_successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

Status RangeScan::start() {
  if (direction_ == Direction::kForward) {
    STRATA_TRY(cursor_.seek(prefix_ + (range_.lower ? *range_.lower : std::string())));
  } else if (range_.upper) {
    STRATA_TRY(cursor_.seek_for_prev(prefix_ + *range_.upper));
  } else {
    std::string end = prefix_successor(prefix_);
    if (end.empty()) {
      STRATA_TRY(cursor_.last());
    } else {
      STRATA_TRY(cursor_.seek(end));
      if (cursor_.valid()) {
        STRATA_TRY(cursor_.prev());
      } else {
        STRATA_TRY(cursor_.last());
      }
    }
  }
  return settle();
}

Status RangeScan::settle() {
  while (true) {
    valid_ = false;
    if (!cursor_.valid()) return Status::ok();
    std::string_view k = cursor_.key();
    if (k.substr(0, prefix_.size()) != prefix_) return Status::ok();
    std::string_view suffix = k.substr(prefix_.size());
    if (range_.contains(suffix)) {
      valid_ = true;
      return Status::ok();
    }
    // Outside the range: either an excluded bound key at the start (skip it)
    // or past the far end (stop).
    bool before_start = direction_ == Direction::kForward
                            ? (range_.lower && suffix.compare(*range_.lower) <= 0)
                            : (range_.upper && suffix.compare(*range_.upper) >= 0);
    if (!before_start) return Status::ok();
    STRATA_TRY(direction_ == Direction::kForward ? cursor_.next() : cursor_.prev());
  }
}

Status RangeScan::next() {
  if (!valid_) return Status::ok();
  STRATA_TRY(direction_ == Direction::kForward ? cursor_.next() : cursor_.prev());
  return settle();
}

}  // namespace strata
