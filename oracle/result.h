// SqlResult: what one SQL statement did on one engine, as plain data.
//
// Both engines' answers take this one shape (oracle::Sqlite and oracle::StrataRunner fill
// it), so the differential runner, the sqllogictest runner and the model checker compare
// and print them alike. A result is success or failure; on success it holds the result
// columns' names, the rows with every value's storage class kept (INTEGER, REAL, TEXT,
// BLOB, NULL) and the number of rows the statement changed.
//
// Normalization is exact about types: a value's normal form names its storage class and
// its value, with reals as SQLite prints them ("%!.15g", engine/exec/real_format.h), so
// INTEGER 1 and REAL 1.0 differ while two reals that print alike are the same:
//   NULL   INTEGER 1   REAL 1.0   REAL 1.5e-07   TEXT 'it''s'   BLOB x'00ff'
// Text bytes outside printable ASCII appear as \xNN; nothing else is escaped but the quote.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::oracle {

using Row = std::vector<Value>;

struct SqlResult {
  bool ok = true;
  StatusCode code = StatusCode::kOk;  // why it failed: Strata's code; SQLite maps to a close one
  std::string error;                  // the engine's own message, when !ok
  std::vector<std::string> column_names;  // result columns (none for most non-SELECTs)
  std::vector<Row> rows;  // on failure: the rows produced before it (see during_execution)
  // Failed while producing rows, after the statement compiled (SQLite: sqlite3_step failed
  // after sqlite3_prepare succeeded; Strata: step failed once the result columns were
  // known, never for kUnsupported). rows then holds the rows produced before the failure;
  // the sqllogictest reference counts those as the query's result.
  bool during_execution = false;
  int64_t changes = 0;  // rows inserted, updated or deleted (not REPLACE's deletions)

  static SqlResult failure(StatusCode code, std::string error);
  int column_count() const { return static_cast<int>(column_names.size()); }
  // Strata refused a construct it does not implement (code kUnsupported).
  bool unsupported() const { return !ok && code == StatusCode::kUnsupported; }
};

// "INTEGER 1", "REAL 1.0", "TEXT 'a'", "BLOB x'00ff'", "NULL" (see the header comment).
std::string normal_form(const Value& v);
// The normal form under SQLite's equality instead of identity: INTEGER 1 and REAL 1.0 (and
// 0.0 and -0.0) share "NUMBER 1"; other numbers are "NUMBER <as printed>"; text, blobs and
// NULL as in normal_form. What DISTINCT, GROUP BY and ties in ORDER BY cannot tell apart.
std::string equality_form(const Value& v);

std::string describe_row(const Row& row);  // "INTEGER 1 | REAL 1.5 | TEXT 'a' | NULL"
// "ok: 2 rows, 1 change\n  INTEGER 1 | NULL\n  ..." or "error: <message>"; at most max_rows rows.
std::string describe_result(const SqlResult& r, size_t max_rows = 20);

}  // namespace strata::oracle
