// Catalog: tables, indexes, views and statistics, stored in the tree and cached in memory.
//
// Like SQLite's sqlite_schema, each object is stored as its CREATE text and is
// re-parsed on load, so what `.schema` prints is exactly what defines the
// table. The catalog lives in the collection "__schema" (collection.h):
//   key  lower-case object name
//   value encode_row([type 'table'|'index'|'view', name, table name, prefix, sql])
//         (a view has prefix 0 and names itself as its table)
//   key  "\x00next_prefix" -> the next free 4-byte key prefix
//   key  "\x01" lower-case table name -> the statistics ANALYZE gathered (like SQLite's
//         sqlite_stat1): encode_row([table, row count, index name, "d1 d2 ...", ...])
//         where dk counts the distinct values of the index's first k columns
// Every table is a rowid table, as in SQLite: rows are keyed by
// 0x10 | prefix (4 bytes, big-endian) | rowid (codec::encode_rowid); an
// INTEGER PRIMARY KEY column is the rowid. Any other PRIMARY KEY or UNIQUE
// constraint is a unique index named sqlite_autoindex_<table>_<n>, as SQLite
// names them. Index entries are keyed by
// 0x11 | prefix | codec::encode_key(indexed values) | encode_rowid(rowid)
// with an empty value. Schema changes are ordinary writes, so they are
// transactional.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/sql/ast.h"
#include "engine/store.h"

namespace strata::query {

inline constexpr char kTagRow = 0x10;
inline constexpr char kTagIndex = 0x11;

struct ColumnDef {
  std::string name;
  std::string declared_type;
  exec::Affinity affinity = exec::Affinity::kNone;
  bool not_null = false;
  sql::ExprPtr default_value;  // empty: NULL
};

struct CheckDef {
  std::string name;  // CONSTRAINT name, or empty
  sql::ExprPtr expr;
};

struct IndexDef {
  std::string name;
  std::string table;
  uint32_t prefix = 0;
  std::vector<int> columns;  // positions in the table
  bool unique = false;
  bool automatic = false;  // made for a PRIMARY KEY or UNIQUE constraint
  std::string sql;         // CREATE INDEX text; empty when automatic
};

struct TableDef {
  std::string name;
  uint32_t prefix = 0;
  std::vector<ColumnDef> columns;
  int rowid_column = -1;  // the INTEGER PRIMARY KEY column, or -1
  std::vector<CheckDef> checks;
  std::string sql;
  std::vector<std::string> indexes;  // lower-case index names, in creation order

  // Case-insensitive; -1 if absent.
  int find_column(std::string_view column) const;
};

// CREATE VIEW: a named SELECT, bound when a query uses it (as SQLite does, a view that
// names a missing table is created and fails when used).
struct ViewDef {
  std::string name;
  std::vector<std::string> columns;  // CREATE VIEW v(columns); empty when not given
  std::shared_ptr<const sql::Select> select;
  std::string sql;
  bool temporary = false;  // CREATE TEMP VIEW: this connection only, never stored
};

// What ANALYZE measured of a table (counts when it ran; not maintained by later writes).
struct TableStats {
  int64_t rows = 0;
  // Lower-case index name -> distinct values of its first 1, 2, ... columns.
  std::map<std::string, std::vector<int64_t>> index_distinct;
};

std::string lower(std::string_view s);
// The 5-byte key prefix of a table's rows or an index's entries.
std::string row_prefix(uint32_t table_prefix);
std::string index_prefix(uint32_t index_prefix);

class Catalog {
 public:
  static Result<Catalog> load(Tx* tx);

  const TableDef* table(std::string_view name) const;
  const IndexDef* index(std::string_view name) const;
  const ViewDef* view(std::string_view name) const;
  // Null before ANALYZE (and after the table's statistics were dropped).
  const TableStats* stats(std::string_view table) const;
  std::vector<const IndexDef*> indexes_of(const TableDef& table) const;
  std::vector<const TableDef*> tables() const;  // sorted by name
  std::vector<const IndexDef*> all_indexes() const;
  std::vector<const ViewDef*> views() const;  // sorted by name

  // Each writes through the transaction and updates this in-memory copy.
  // `sql_text` is the statement's source text, stored verbatim.
  Status create_table(WriteTx* tx, const sql::CreateTable& stmt, std::string sql_text);
  Status create_index(WriteTx* tx, const sql::CreateIndex& stmt, std::string sql_text,
                      const IndexDef** created);
  Status drop_table(WriteTx* tx, std::string_view name);
  Status drop_index(WriteTx* tx, std::string_view name);
  // A temporary view is kept in memory only.
  Status create_view(WriteTx* tx, const sql::CreateView& stmt, std::string sql_text);
  Status drop_view(WriteTx* tx, std::string_view name);
  // Replaces the table's statistics.
  Status set_stats(WriteTx* tx, std::string_view table, const TableStats& stats);
  // Temporary views survive a reload of the stored catalog (they are not stored).
  void keep_temporary_views(const Catalog& from);

 private:
  // Builds a TableDef and its automatic indexes from a parsed CREATE TABLE.
  static Result<TableDef> build_table(const sql::CreateTable& stmt, std::string sql_text,
                                      std::vector<IndexDef>* auto_indexes);
  static Result<IndexDef> build_index(const sql::CreateIndex& stmt, const TableDef& table,
                                      std::string sql_text);
  Result<uint32_t> next_prefix(WriteTx* tx);
  Status write_entry(WriteTx* tx, std::string_view type, std::string_view name,
                     std::string_view table, uint32_t prefix, std::string_view sql);

  Status drop_stats(WriteTx* tx, std::string_view table);

  std::map<std::string, TableDef> tables_;   // by lower-case name
  std::map<std::string, IndexDef> indexes_;  // by lower-case name
  std::map<std::string, ViewDef> views_;     // by lower-case name
  std::map<std::string, TableStats> stats_;  // by lower-case table name
};

}  // namespace strata::query
