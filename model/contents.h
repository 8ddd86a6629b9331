// Contents: one canonical text for what a database holds, the same for Strata and SQLite, so
// the model checker can ask "is the recovered Strata database SQLite's version k?" by
// comparing two strings (or their hashes).
//
//   table t0
//   column id INTEGER
//   column c1 TEXT
//   index sqlite_autoindex_t0_1 unique (c1)
//   index t0_i0 (c1, id)
//   row i1|t1:a|n|
//   view v0
//
// Tables, indexes and views by lower-case name; a table's rows by rowid, every value with its
// storage class and exact value (reals bit for bit). Internal objects ("sqlite_stat1") and
// ANALYZE statistics are not contents. Temporary views are left out (a crash ends them).
//
// The other half: copies of a SQLite database (the backup API), which are the model
// checker's committed versions and what SQLite is rolled back to after a crash.
#pragma once

#include <memory>
#include <string>

#include "engine/query/database.h"
#include "oracle/sqlite.h"
#include "vfs/status.h"

struct sqlite3;

namespace strata::model {

Result<std::string> sqlite_contents(sqlite3* db);
Result<std::string> strata_contents(query::Database* db);
// Retained generation g of the connection's file (time travel): its catalog, and its rows read
// with SELECT ... AS OF GENERATION g. not_found when g is not retained.
Result<std::string> strata_contents_as_of(query::Database* db, uint64_t generation);

// A new in-memory SQLite database with the committed contents of `from`.
// REQUIRES: no write transaction is open on from.
Result<std::unique_ptr<oracle::Sqlite>> copy_sqlite(sqlite3* from);

}  // namespace strata::model
