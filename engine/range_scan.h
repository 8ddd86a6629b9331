// RangeScan: a bounded, prefix-confined walk over a cursor, in either direction.
//
// Keys are the tree's keys with `prefix` stripped; only keys that start with
// the prefix and lie within [lower, upper] (each bound optional, inclusive or
// exclusive) are visited. Used by collections and by the SQL layer's scans.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/cursor.h"

namespace strata {

struct KeyRange {
  std::optional<std::string> lower;
  bool lower_inclusive = true;
  std::optional<std::string> upper;
  bool upper_inclusive = true;

  static KeyRange all() { return {}; }
  bool contains(std::string_view key) const;
};

enum class Direction { kForward, kBackward };

class RangeScan {
 public:
  RangeScan(Cursor cursor, std::string prefix, KeyRange range, Direction direction)
      : cursor_(std::move(cursor)),
        prefix_(std::move(prefix)),
        range_(std::move(range)),
        direction_(direction) {}

  // Positions on the first key of the range (in scan direction).
  Status start();
  Status next();
  bool valid() const { return valid_; }
  // The key without the prefix. REQUIRES: valid().
  std::string_view key() const { return cursor_.key().substr(prefix_.size()); }
  Result<std::string> value() const { return cursor_.value(); }
  const Cursor& cursor() const { return cursor_; }

 private:
  Status settle();  // checks bounds at the cursor, skipping an excluded edge key

  Cursor cursor_;
  std::string prefix_;
  KeyRange range_;
  Direction direction_;
  bool valid_ = false;
};

// The smallest key greater than every key starting with prefix (empty if none).
std::string prefix_successor(std::string_view prefix);

}  // namespace strata
