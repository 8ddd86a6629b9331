// SqliteOracle: the real SQLite library as the reference Strata's SQL is diffed against.
//
// It runs one statement at a time on an in-memory sqlite3 database and returns what happened
// as plain data (SqlOutcome): success or the error, the result rows with their storage classes
// kept exactly (INTEGER vs REAL vs TEXT vs BLOB vs NULL; reals by their bits), and the number
// of rows the statement changed. Strata's results are put in the same shape, and
// compare_outcomes() says whether the two agree, allowing exactly the freedom SQLite itself has:
//   - without ORDER BY the rows are a multiset;
//   - with an ORDER BY that covers the output, rows whose sort keys tie (1 and 1.0, 0.0 and
//     -0.0) may come in either order;
//   - DISTINCT keeps one of several rows that compare equal, any one of them (1 or 1.0);
//   - a LIMIT may cut a group of tied rows anywhere, so the last group is compared by
//     equality, not identity.
// Error wording is never compared: both fail or both succeed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"

struct sqlite3;

namespace strata::test {

using Row = std::vector<Value>;

struct SqlOutcome {
  bool ok = true;
  std::string error;         // when !ok
  bool unsupported = false;  // Strata refused the construct (kUnsupported)
  int columns = 0;           // result columns (0 for statements that return none)
  std::vector<Row> rows;
  int64_t changes = 0;  // rows inserted, updated or deleted (not REPLACE's deletions)
};

class SqliteOracle {
 public:
  SqliteOracle();  // a fresh ":memory:" database; aborts if sqlite3 cannot open one
  ~SqliteOracle();
  SqliteOracle(const SqliteOracle&) = delete;
  SqliteOracle& operator=(const SqliteOracle&) = delete;

  // Runs the first statement of sql (the rest is ignored) with parameters bound to ?1, ?2, ...
  SqlOutcome run(std::string_view sql, std::span<const Value> params = {});
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Identity: the same storage class and the same value (reals bit for bit, so -0.0 != 0.0).
bool same_value(const Value& a, const Value& b);
// SQLite's equality under BINARY collation (1 = 1.0, 0.0 = -0.0); NULL equals NULL here, as
// in DISTINCT and ORDER BY.
bool equal_value(const Value& a, const Value& b);

// "INTEGER 1", "REAL 1.5", "TEXT 'a'", "BLOB x'00ff'", "NULL"; reals in the shortest form that
// reads back to the same bits.
std::string describe_value(const Value& v);
std::string describe_row(const Row& row);  // "INTEGER 1 | REAL 1.5 | TEXT 'a' | NULL"
// "ok, 2 rows, 1 change\n  INTEGER 1 | NULL\n  ..." or "error: ..." (at most max_rows rows).
std::string describe_outcome(const SqlOutcome& o, size_t max_rows = 50);

struct CompareOptions {
  bool ordered = false;   // ORDER BY covers every output column
  bool distinct = false;  // SELECT DISTINCT
  bool limited = false;   // LIMIT/OFFSET present (the last tie group may be cut)
  bool compare_changes = true;
};

// Empty when `actual` agrees with `expected`, else what differs (one line).
std::string compare_outcomes(const SqlOutcome& expected, const SqlOutcome& actual,
                             const CompareOptions& options);

}  // namespace strata::test
