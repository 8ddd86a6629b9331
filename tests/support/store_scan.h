// scan_all: every key and value a transaction sees, in key order, for tests that
// compare the tree with a std::map model. A failing cursor step fails the test and
// ends the scan.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/store.h"
#include "tests/support/status_testing.h"

namespace strata::test {

inline std::map<std::string, std::string> scan_all(Tx* tx) {
  std::map<std::string, std::string> seen;
  Cursor cursor = tx->cursor();
  EXPECT_OK(cursor.first());
  while (cursor.valid()) {
    Result<std::string> value = cursor.value();
    EXPECT_OK(value);
    if (!value.ok()) break;
    seen.emplace(std::string(cursor.key()), *value);
    Status s = cursor.next();
    EXPECT_OK(s);
    if (!s.is_ok()) break;
  }
  return seen;
}

}  // namespace strata::test
