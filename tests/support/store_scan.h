// scan_all: every key and value a transaction sees, in key order, for tests that
// compare the tree with a std::map model. A failing cursor step fails the test and
// ends the scan. put_keys: one committed write transaction of numbered keys.
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

// Commits keys "key<1000+i>" for i in [from, to), each with 40 bytes of one letter.
inline Status put_keys(Store* store, int from, int to) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store->begin_write());
  for (int i = from; i < to; ++i) {
    STRATA_TRY(tx->put("key" + std::to_string(1000 + i), std::string(40, 'a' + i % 26)));
  }
  return tx->commit();
}

}  // namespace strata::test
