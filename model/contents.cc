#include "model/contents.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "engine/query/catalog.h"

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

void append_value(std::string* out, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      *out += "n";
      break;
    case ValueType::kInteger:
      *out += "i" + std::to_string(v.as_integer());
      break;
    case ValueType::kReal: {
      uint64_t bits = 0;
      double d = v.as_real();
      std::memcpy(&bits, &d, sizeof bits);
      *out += "r" + std::to_string(bits);
      break;
    }
    case ValueType::kText:
      *out += "t" + std::to_string(v.as_text().size()) + ":" + v.as_text();
      break;
    case ValueType::kBlob:
      *out += "b" + std::to_string(v.as_blob().size()) + ":" + v.as_blob();
      break;
  }
  *out += '|';
}

Value sqlite_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value::integer(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return Value::real(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return Value::text(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      int n = sqlite3_column_bytes(stmt, i);
      return Value::blob(n == 0 ? std::string() : std::string(p, static_cast<size_t>(n)));
    }
    default:
      return Value::null();
  }
}

template <typename OnRow>
Status each_row(sqlite3* db, const std::string& sql, OnRow on_row) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    return Status::invalid_argument("sqlite: " + sql + ": " + message);
  }
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(stmt);
  std::string message = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Status::invalid_argument("sqlite: " + sql + ": " + message);
  return Status::ok();
}

std::string text_of(sqlite3_stmt* stmt, int i) {
  const unsigned char* p = sqlite3_column_text(stmt, i);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}

struct IndexLine {
  std::string name;
  bool unique = false;
  std::vector<std::string> columns;
};

std::string index_line(const IndexLine& index) {
  std::string s = "index " + query::lower(index.name) + (index.unique ? " unique (" : " (");
  for (size_t i = 0; i < index.columns.size(); ++i) {
    s += (i ? ", " : "") + query::lower(index.columns[i]);
  }
  return s + ")\n";
}

}  // namespace

Result<std::string> sqlite_contents(sqlite3* db) {
  std::map<std::string, std::string> tables;  // lower-case name -> name
  std::vector<std::string> views;
  STRATA_TRY(each_row(db, "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view')",
                      [&](sqlite3_stmt* s) {
                        std::string name = text_of(s, 1);
                        if (query::lower(name).rfind("sqlite_", 0) == 0) return;
                        if (text_of(s, 0) == "view") {
                          views.push_back(query::lower(name));
                        } else {
                          tables[query::lower(name)] = name;
                        }
                      }));
  std::string out;
  for (const auto& [key, name] : tables) {
    out += "table " + key + "\n";
    STRATA_TRY(each_row(db, "PRAGMA table_info(" + quote_name(name) + ")", [&](sqlite3_stmt* s) {
      out += "column " + query::lower(text_of(s, 1)) + " " + text_of(s, 2) + "\n";
    }));
    std::vector<IndexLine> indexes;
    STRATA_TRY(each_row(db, "PRAGMA index_list(" + quote_name(name) + ")", [&](sqlite3_stmt* s) {
      indexes.push_back(IndexLine{text_of(s, 1), sqlite3_column_int(s, 2) != 0, {}});
    }));
    std::sort(indexes.begin(), indexes.end(), [](const IndexLine& a, const IndexLine& b) {
      return query::lower(a.name) < query::lower(b.name);
    });
    for (IndexLine& index : indexes) {
      STRATA_TRY(each_row(db, "PRAGMA index_info(" + quote_name(index.name) + ")",
                          [&](sqlite3_stmt* s) { index.columns.push_back(text_of(s, 2)); }));
      out += index_line(index);
    }
    STRATA_TRY(each_row(db, "SELECT rowid, * FROM " + quote_name(name) + " ORDER BY rowid",
                        [&](sqlite3_stmt* s) {
                          out += "row ";
                          int n = sqlite3_column_count(s);
                          for (int i = 0; i < n; ++i) append_value(&out, sqlite_value(s, i));
                          out += "\n";
                        }));
  }
  std::sort(views.begin(), views.end());
  for (const std::string& v : views) out += "view " + v + "\n";
  return out;
}

namespace {
// The contents under `past` (a retained generation's catalog, its rows read AS OF GENERATION
// `as_of`), or the connection's own when past is null.
Result<std::string> contents_of(query::Database* db, const query::Catalog* past,
                                std::optional<uint64_t> as_of) {
  auto catalog = [&]() -> const query::Catalog& { return past ? *past : db->catalog(); };
  const std::string from_suffix =
      as_of ? " AS OF GENERATION " + std::to_string(*as_of) : std::string();
  // Names first: preparing a statement may reload the catalog, which ends the life of every
  // TableDef pointer taken before it (a crash the model checker hit with --faults all).
  std::vector<std::string> names;
  for (const query::TableDef* table : catalog().tables()) names.push_back(table->name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return query::lower(a) < query::lower(b);
  });
  std::string out;
  for (const std::string& name : names) {
    const query::TableDef* table = catalog().table(name);
    if (table == nullptr) return Status::internal("table " + name + " left the catalog");
    out += "table " + query::lower(table->name) + "\n";
    for (const query::ColumnDef& c : table->columns) {
      out += "column " + query::lower(c.name) + " " + c.declared_type + "\n";
    }
    std::vector<IndexLine> indexes;
    for (const query::IndexDef* index : catalog().indexes_of(*table)) {
      IndexLine line{index->name, index->unique, {}};
      for (int position : index->columns) {
        line.columns.push_back(table->columns[static_cast<size_t>(position)].name);
      }
      indexes.push_back(std::move(line));
    }
    std::sort(indexes.begin(), indexes.end(), [](const IndexLine& a, const IndexLine& b) {
      return query::lower(a.name) < query::lower(b.name);
    });
    for (const IndexLine& index : indexes) out += index_line(index);
    STRATA_ASSIGN(
        std::unique_ptr<query::Statement> stmt,
        db->prepare("SELECT rowid, * FROM " + quote_name(name) + from_suffix + " ORDER BY rowid"));
    while (true) {
      STRATA_ASSIGN(bool has_row, stmt->step());
      if (!has_row) break;
      out += "row ";
      for (const Value& v : stmt->row()) append_value(&out, v);
      out += "\n";
    }
  }
  std::vector<std::string> views;
  for (const query::ViewDef* v : catalog().views()) {
    if (!v->temporary) views.push_back(query::lower(v->name));
  }
  std::sort(views.begin(), views.end());
  for (const std::string& v : views) out += "view " + v + "\n";
  return out;
}
}  // namespace

Result<std::string> strata_contents(query::Database* db) {
  return contents_of(db, nullptr, std::nullopt);
}

Result<std::string> strata_contents_as_of(query::Database* db, uint64_t generation) {
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, db->store()->begin_read_at(generation));
  STRATA_ASSIGN(query::Catalog past, query::Catalog::load(tx.get()));
  STRATA_TRY(tx->end());
  return contents_of(db, &past, generation);
}

Result<std::unique_ptr<oracle::Sqlite>> copy_sqlite(sqlite3* from) {
  STRATA_ASSIGN(std::unique_ptr<oracle::Sqlite> to, oracle::Sqlite::open());
  sqlite3_backup* backup = sqlite3_backup_init(to->handle(), "main", from, "main");
  if (backup == nullptr) {
    return Status::internal(std::string("sqlite3_backup_init: ") + sqlite3_errmsg(to->handle()));
  }
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return Status::internal(std::string("sqlite3_backup_step: ") + sqlite3_errstr(rc));
  }
  return to;
}

}  // namespace strata::model
