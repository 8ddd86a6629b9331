#include "model/schema.h"

#include <sqlite3.h>
#include <strings.h>

#include <algorithm>
#include <cctype>

namespace strata::model {

namespace {

std::string quote_name(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string column_text(sqlite3_stmt* stmt, int i) {
  const unsigned char* p = sqlite3_column_text(stmt, i);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}

// Runs sql and calls on_row for every row; an error ends with kInvalidArgument naming sql.
template <typename OnRow>
Status each_row(sqlite3* db, const std::string& sql, OnRow on_row) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    return Status::invalid_argument(sql + ": " + message);
  }
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(stmt);
  std::string message = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Status::invalid_argument(sql + ": " + message);
  return Status::ok();
}

bool is_internal(const std::string& name) { return strncasecmp(name.c_str(), "sqlite_", 7) == 0; }

Status read_columns(sqlite3* db, TableInfo* t) {
  int pk_columns = 0;
  STRATA_TRY(each_row(db, "PRAGMA table_info(" + quote_name(t->name) + ")", [&](sqlite3_stmt* s) {
    ColumnInfo c;
    c.name = column_text(s, 1);
    c.type = column_text(s, 2);
    c.affinity = exec::affinity_of_type(c.type);
    c.not_null = sqlite3_column_int(s, 3) != 0;
    c.integer_primary_key = sqlite3_column_int(s, 5) == 1;  // narrowed below
    pk_columns += sqlite3_column_int(s, 5) > 0;
    c.wide = c.name == "w";
    t->columns.push_back(std::move(c));
  }));
  for (ColumnInfo& c : t->columns) {
    c.integer_primary_key = c.integer_primary_key && pk_columns == 1 && !t->is_view &&
                            strcasecmp(c.type.c_str(), "INTEGER") == 0;
    c.unique = c.integer_primary_key;
    c.indexed = c.integer_primary_key;
  }
  return Status::ok();
}

Status read_indexes(sqlite3* db, TableInfo* t) {
  STRATA_TRY(each_row(db, "PRAGMA index_list(" + quote_name(t->name) + ")", [&](sqlite3_stmt* s) {
    IndexInfo index;
    index.name = column_text(s, 1);
    index.unique = sqlite3_column_int(s, 2) != 0;
    index.automatic = column_text(s, 3) != "c";
    t->indexes.push_back(std::move(index));
  }));
  for (IndexInfo& index : t->indexes) {
    STRATA_TRY(each_row(db, "PRAGMA index_info(" + quote_name(index.name) + ")",
                        [&](sqlite3_stmt* s) { index.columns.push_back(column_text(s, 2)); }));
    for (ColumnInfo& c : t->columns) {
      bool in =
          std::find(index.columns.begin(), index.columns.end(), c.name) != index.columns.end();
      c.indexed = c.indexed || in;
      c.unique = c.unique || (in && index.unique);
    }
  }
  std::sort(t->indexes.begin(), t->indexes.end(),
            [](const IndexInfo& a, const IndexInfo& b) { return a.name < b.name; });
  return Status::ok();
}

}  // namespace

const ColumnInfo* TableInfo::column(const std::string& column_name) const {
  for (const ColumnInfo& c : columns) {
    if (strcasecmp(c.name.c_str(), column_name.c_str()) == 0) return &c;
  }
  return nullptr;
}

bool TableInfo::mentions(const std::string& table) const {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = sql.find(table); at != std::string::npos; at = sql.find(table, at + 1)) {
    bool starts = at == 0 || !word(sql[at - 1]);
    bool ends = at + table.size() == sql.size() || !word(sql[at + table.size()]);
    if (starts && ends) return true;
  }
  return false;
}

bool TableInfo::has_wide() const {
  return std::any_of(columns.begin(), columns.end(), [](const ColumnInfo& c) { return c.wide; });
}

const TableInfo* Schema::table(const std::string& name) const {
  for (const TableInfo& t : tables) {
    if (strcasecmp(t.name.c_str(), name.c_str()) == 0) return &t;
  }
  return nullptr;
}

const TableInfo* Schema::view(const std::string& name) const {
  for (const TableInfo& v : views) {
    if (strcasecmp(v.name.c_str(), name.c_str()) == 0) return &v;
  }
  return nullptr;
}

bool Schema::has_index(const std::string& name) const {
  for (const TableInfo& t : tables) {
    for (const IndexInfo& i : t.indexes) {
      if (strcasecmp(i.name.c_str(), name.c_str()) == 0) return true;
    }
  }
  return false;
}

Result<Schema> read_schema(sqlite3* db) {
  Schema schema;
  STRATA_TRY(each_row(db,
                      "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table', 'view') "
                      "ORDER BY name",
                      [&](sqlite3_stmt* s) {
                        TableInfo t;
                        t.name = column_text(s, 1);
                        t.sql = column_text(s, 2);
                        if (is_internal(t.name)) return;
                        t.is_view = column_text(s, 0) == "view";
                        (t.is_view ? schema.views : schema.tables).push_back(std::move(t));
                      }));
  for (TableInfo& t : schema.tables) {
    STRATA_TRY(read_columns(db, &t));
    STRATA_TRY(read_indexes(db, &t));
    STRATA_TRY(each_row(db, "SELECT count(*) FROM " + quote_name(t.name),
                        [&](sqlite3_stmt* s) { t.rows = sqlite3_column_int64(s, 0); }));
  }
  for (TableInfo& v : schema.views) {
    // A view over a dropped table has no columns until the table is back; it stays listed.
    if (!read_columns(db, &v).is_ok()) v.columns.clear();
  }
  return schema;
}

}  // namespace strata::model
