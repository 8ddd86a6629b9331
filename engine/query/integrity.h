// Integrity check of a whole Strata database: the storage checker (engine/check.h) and, on
// top of it, the invariants of the SQL layer, each violation with the page and key where it
// was found. The crash testbed calls check_database after every crash state; `strata check`
// calls check_database_file.
//
// The SQL layer's invariants:
//   - collections: every collection id is below the next id and unique, and every key of a
//     collection's data belongs to a collection that exists;
//   - catalog: every table's and index's key prefix is allocated (nonzero, below the next
//     prefix the catalog would hand out) and used by no other object; every index names an
//     existing table and existing columns. One tree holds every object, so an object's
//     "root" is its prefix: every row and index key in the tree must belong to an object of
//     the catalog (no orphans), and every key must carry a known tag;
//   - rows: the key holds exactly a rowid, the record decodes to the table's column count,
//     NOT NULL columns hold no NULL;
//   - index <-> rows, both directions: every row has its entry in each index of its table,
//     and every index entry decodes, has an empty value and points at an existing row whose
//     columns encode to exactly the entry's values; a UNIQUE index holds no two entries with
//     equal values (NULLs are distinct, as in SQLite).
// Like check_store, it keeps going: a key range it cannot read is reported and skipped.
#pragma once

#include <string>

#include "engine/check.h"
#include "engine/query/database.h"

namespace strata::query {

// check_store, then the SQL layer's invariants, on the last committed state (an open
// transaction's changes are not seen). REQUIRES: db outlives the call.
Result<CheckReport> check_database(Database* db);

// The same for a database file, without trusting that it opens: the storage check runs on
// the file itself (check_file), and the SQL layer's check runs when the database opens (a
// database that does not open is a violation). kBusy if another process has it open;
// kNotFound if there is no such file. options.map_pages asks for the page map.
Result<CheckReport> check_database_file(vfs::Vfs* vfs, const std::string& path,
                                        const CheckOptions& options = {});

// The SQL layer's checks alone, on one snapshot, appended to *report.
void check_sql_layer(Tx* tx, CheckReport* report);

}  // namespace strata::query
