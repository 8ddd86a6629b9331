// Schema: what the random SQL generator needs to know of a database right now — its tables
// (columns, declared types, affinities, which columns a UNIQUE or PRIMARY KEY covers, which are
// indexed), their indexes, and the views with their columns.
//
// It is read from SQLite's catalog (sqlite_schema and the table_info / index_list /
// index_info pragmas), never from a model of our own: the oracle always holds exactly the
// schema that the statements run so far left, including DDL that failed, was rolled back or
// was undone by a crash. Objects whose names begin with "sqlite_" (statistics tables) are
// left out.
//
// Naming conventions of the generator that the schema carries: a column named "w" is *wide*
// (it receives values of kilobytes and is never indexed, since index keys have a size limit
// Strata refuses to exceed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "vfs/status.h"

struct sqlite3;

namespace strata::model {

struct ColumnInfo {
  std::string name;
  std::string type;  // declared type as written ("" for none)
  exec::Affinity affinity = exec::Affinity::kNone;
  bool integer_primary_key = false;  // the rowid alias
  bool unique = false;               // covered by a UNIQUE index or the INTEGER PRIMARY KEY
  bool indexed = false;              // in some index (or the rowid)
  bool not_null = false;
  bool wide = false;  // named "w": long values, never indexed

  // Equal values of this column are identical (same storage class): with an affinity other
  // than BLOB, 1 and 1.0 cannot both be stored. min(), max(), GROUP BY keys and DISTINCT
  // aggregates are generated on such columns only, since which of two equal values a scan
  // meets first is a choice SQLite leaves open (docs/sql.md §0).
  bool settled() const { return affinity != exec::Affinity::kNone && !wide; }
};

struct IndexInfo {
  std::string name;
  bool unique = false;
  bool automatic = false;  // made for a PRIMARY KEY or UNIQUE constraint
  std::vector<std::string> columns;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<IndexInfo> indexes;
  bool is_view = false;
  int64_t rows = 0;  // tables: how many rows it holds now
  std::string sql;   // views: the CREATE VIEW text

  // Views: whether the definition names this table (as a whole word).
  bool mentions(const std::string& table) const;

  const ColumnInfo* column(const std::string& name) const;
  bool has_wide() const;
};

struct Schema {
  std::vector<TableInfo> tables;  // by name
  std::vector<TableInfo> views;   // by name; columns as SQLite reports them (empty if broken)

  const TableInfo* table(const std::string& name) const;
  const TableInfo* view(const std::string& name) const;
  bool has_index(const std::string& name) const;
};

// Reads the schema of the main database of db. REQUIRES: db is open.
Result<Schema> read_schema(sqlite3* db);

}  // namespace strata::model
