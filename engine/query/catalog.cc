#include "engine/query/catalog.h"

#include <algorithm>

#include "engine/codec/row_format.h"
#include "engine/collection.h"
#include "engine/query/binder.h"
#include "engine/sql/parser.h"

namespace strata::query {

namespace {
constexpr std::string_view kSchemaCollection = "__schema";
constexpr char kStatsTag = '\x01';

ViewDef build_view(const sql::CreateView& stmt, std::string sql_text) {
  ViewDef v;
  v.name = stmt.name.name;
  v.columns = stmt.columns;
  v.select = std::make_shared<const sql::Select>(*stmt.select);
  v.sql = std::move(sql_text);
  v.temporary = stmt.temporary;
  return v;
}

std::vector<Value> encode_stats(std::string_view table, const TableStats& stats) {
  std::vector<Value> row{Value::text(std::string(table)), Value::integer(stats.rows)};
  for (const auto& [index, distinct] : stats.index_distinct) {
    std::string counts;
    for (int64_t d : distinct) counts += (counts.empty() ? "" : " ") + std::to_string(d);
    row.push_back(Value::text(index));
    row.push_back(Value::text(counts));
  }
  return row;
}

Result<TableStats> decode_stats(const std::vector<Value>& row) {
  auto bad = [] { return Status::corruption("catalog: statistics entry is malformed"); };
  if (row.size() < 2 || row.size() % 2 != 0 || row[1].type() != ValueType::kInteger) return bad();
  TableStats stats;
  stats.rows = row[1].as_integer();
  for (size_t i = 2; i + 1 < row.size(); i += 2) {
    if (row[i].type() != ValueType::kText || row[i + 1].type() != ValueType::kText) return bad();
    std::vector<int64_t> counts;
    const std::string& text = row[i + 1].as_text();
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find(' ', pos);
      if (end == std::string::npos) end = text.size();
      std::string word = text.substr(pos, end - pos);
      if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos) return bad();
      counts.push_back(std::stoll(word));
      pos = end + 1;
    }
    stats.index_distinct[row[i].as_text()] = std::move(counts);
  }
  return stats;
}
const std::string kNextPrefixKey = std::string(1, '\0') + "next_prefix";

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string prefix_bytes(char tag, uint32_t prefix) {
  std::string k(1, tag);
  for (int i = 0; i < 4; ++i) k += static_cast<char>((prefix >> (24 - 8 * i)) & 0xff);
  return k;
}

Result<Collection> schema_collection(WriteTx* tx) {
  Result<Collection> existing = Collection::open(tx, kSchemaCollection);
  if (existing.ok() || !existing.status().is(StatusCode::kNotFound)) return existing;
  return Collection::create(tx, kSchemaCollection);
}
}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string row_prefix(uint32_t table_prefix) { return prefix_bytes(kTagRow, table_prefix); }
std::string index_prefix(uint32_t prefix) { return prefix_bytes(kTagIndex, prefix); }

int TableDef::find_column(std::string_view column) const {
  std::string want = lower(column);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (lower(columns[i].name) == want) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Constraint-level conflict clauses (NOT NULL ON CONFLICT IGNORE, UNIQUE ON CONFLICT
// REPLACE, ...) and AUTOINCREMENT change what statements do; Strata does not model them yet.
Status check_conflict_clause(sql::ConflictAction on_conflict, bool autoincrement) {
  if (autoincrement) return Status::unsupported("AUTOINCREMENT");
  if (on_conflict != sql::ConflictAction::kDefault && on_conflict != sql::ConflictAction::kAbort) {
    return Status::unsupported("ON CONFLICT clauses on constraints (other than ABORT)");
  }
  return Status::ok();
}

// A DEFAULT must be constant: SQLite refuses column references and subqueries in it.
bool refers_to_column(const sql::Expr& e) {
  if (e.is<sql::ColumnRef>() || e.is<sql::Subquery>() || e.is<sql::Exists>()) return true;
  if (const auto* in = e.as<sql::In>(); in != nullptr && in->kind != sql::InKind::kList)
    return true;
  bool found = false;
  sql::for_each_child(e, [&](const sql::Expr& child) { found = found || refers_to_column(child); });
  return found;
}

}  // namespace

Result<TableDef> Catalog::build_table(const sql::CreateTable& stmt, std::string sql_text,
                                      std::vector<IndexDef>* auto_indexes) {
  if (stmt.as_select) return Status::unsupported("CREATE TABLE ... AS SELECT");
  if (stmt.without_rowid) return Status::unsupported("WITHOUT ROWID tables");
  if (stmt.temporary) return Status::unsupported("TEMP tables");
  if (stmt.strict) return Status::unsupported("STRICT tables");
  if (!stmt.name.schema.empty() && lower(stmt.name.schema) != "main") {
    return Status::unsupported("schema " + stmt.name.schema);
  }
  TableDef t;
  t.name = stmt.name.name;
  t.sql = std::move(sql_text);
  if (lower(t.name).rfind("sqlite_", 0) == 0) {
    return Status::invalid_argument("object name reserved for internal use: " + t.name);
  }
  if (lower(t.name).rfind("__", 0) == 0) {  // Strata's own reservation, not SQLite's
    return Status::unsupported("table names starting with __ (reserved by Strata): " + t.name);
  }
  std::vector<std::vector<int>> unique_sets;  // in SQLite's autoindex order
  std::vector<int> primary_key;
  bool pk_desc = false;
  int pk_count = 0;
  for (const sql::ColumnDef& c : stmt.columns) {
    if (t.find_column(c.name) >= 0) return Status::invalid_argument("duplicate column name: " + c.name);
    ColumnDef col;
    col.name = c.name;
    col.declared_type = c.type_name;
    col.affinity = exec::affinity_of_type(c.type_name);
    int position = static_cast<int>(t.columns.size());
    for (const sql::ColumnConstraint& cc : c.constraints) {
      STRATA_TRY(check_conflict_clause(cc.kind == sql::ColumnConstraintKind::kNull
                                           ? sql::ConflictAction::kDefault
                                           : cc.on_conflict,
                                       cc.autoincrement));
      if (cc.kind == sql::ColumnConstraintKind::kDefault && cc.expr) {
        if (refers_to_column(*cc.expr)) {
          return Status::invalid_argument("default value of column [" + c.name +
                                          "] is not constant");
        }
        // A DEFAULT Strata cannot evaluate (CURRENT_TIMESTAMP, random()) makes the table
        // unusable: refuse it now. Other errors (no such function) come at INSERT, as in SQLite.
        Result<BoundExprPtr> bound =
            bind_table_expression(nullptr, *cc.expr, ExprContext::kDefault);
        if (!bound.ok() && bound.status().is(StatusCode::kUnsupported)) return bound.status();
      }
      switch (cc.kind) {
        case sql::ColumnConstraintKind::kPrimaryKey:
          ++pk_count;
          primary_key = {position};
          pk_desc = cc.order == sql::SortOrder::kDesc;
          unique_sets.push_back({position});
          break;
        case sql::ColumnConstraintKind::kNotNull: col.not_null = true; break;
        case sql::ColumnConstraintKind::kNull: break;
        case sql::ColumnConstraintKind::kUnique: unique_sets.push_back({position}); break;
        case sql::ColumnConstraintKind::kDefault: col.default_value = cc.expr; break;
        case sql::ColumnConstraintKind::kCheck: t.checks.push_back({cc.name, cc.expr}); break;
        case sql::ColumnConstraintKind::kCollate:
          if (upper(cc.collation) != "BINARY") {
            return Status::unsupported("collation " + cc.collation + " (only BINARY)");
          }
          break;
        case sql::ColumnConstraintKind::kReferences: break;  // foreign keys are not enforced, as in SQLite by default
      }
    }
    t.columns.push_back(std::move(col));
  }
  for (const sql::TableConstraint& tc : stmt.constraints) {
    STRATA_TRY(check_conflict_clause(tc.on_conflict, tc.autoincrement));
    std::vector<int> cols;
    for (const sql::OrderingTerm& term : tc.columns) {
      const sql::ColumnRef* ref = term.expr ? term.expr->as<sql::ColumnRef>() : nullptr;
      if (ref == nullptr) return Status::unsupported("expressions in PRIMARY KEY or UNIQUE constraints");
      int position = t.find_column(ref->column);
      if (position < 0) return Status::invalid_argument("no such column: " + ref->column);
      cols.push_back(position);
    }
    switch (tc.kind) {
      case sql::TableConstraintKind::kPrimaryKey:
        ++pk_count;
        primary_key = cols;
        pk_desc = false;
        unique_sets.push_back(cols);
        break;
      case sql::TableConstraintKind::kUnique: unique_sets.push_back(cols); break;
      case sql::TableConstraintKind::kCheck: t.checks.push_back({tc.name, tc.check}); break;
      case sql::TableConstraintKind::kForeignKey: break;
    }
  }
  if (pk_count > 1) return Status::invalid_argument("table \"" + t.name + "\" has more than one primary key");
  // CHECK expressions are resolved now, as SQLite does: a missing column or function, a
  // subquery or an aggregate fails the CREATE TABLE, not the first INSERT.
  for (const CheckDef& check : t.checks) {
    STRATA_TRY(bind_table_expression(&t, *check.expr, ExprContext::kCheck).status_or_ok());
  }
  // INTEGER PRIMARY KEY (the exact type name, as in SQLite) makes the column the rowid,
  // except for the column-constraint form with DESC (a SQLite quirk kept for fidelity).
  if (primary_key.size() == 1 && upper(t.columns[primary_key[0]].declared_type) == "INTEGER" &&
      !pk_desc) {
    t.rowid_column = primary_key[0];
  }
  int n = 0;
  for (const auto& cols : unique_sets) {
    if (t.rowid_column >= 0 && cols.size() == 1 && cols[0] == t.rowid_column) continue;
    IndexDef idx;
    idx.name = "sqlite_autoindex_" + t.name + "_" + std::to_string(++n);
    idx.table = t.name;
    idx.columns = cols;
    idx.unique = true;
    idx.automatic = true;
    auto_indexes->push_back(std::move(idx));
  }
  return t;
}

Result<IndexDef> Catalog::build_index(const sql::CreateIndex& stmt, const TableDef& table,
                                      std::string sql_text) {
  if (stmt.where) return Status::unsupported("partial indexes (CREATE INDEX ... WHERE)");
  IndexDef idx;
  idx.name = stmt.name.name;
  idx.table = table.name;
  idx.unique = stmt.unique;
  idx.sql = std::move(sql_text);
  for (const sql::OrderingTerm& term : stmt.columns) {
    const sql::ColumnRef* ref = term.expr ? term.expr->as<sql::ColumnRef>() : nullptr;
    if (ref == nullptr) return Status::unsupported("indexes on expressions");
    int position = table.find_column(ref->column);
    if (position < 0) {
      return Status::invalid_argument("no such column: " + ref->column);
    }
    idx.columns.push_back(position);
  }
  return idx;
}

Result<Catalog> Catalog::load(Tx* tx) {
  Catalog catalog;
  Result<Collection> schema = Collection::open(tx, kSchemaCollection);
  if (!schema.ok()) {
    if (schema.status().is(StatusCode::kNotFound)) return catalog;
    return schema.status();
  }
  struct Entry {
    std::string type, name, table, sql;
    uint32_t prefix;
  };
  std::vector<Entry> entries;
  RangeScan scan = schema->scan();
  STRATA_TRY(scan.start());
  while (scan.valid()) {
    if (!scan.key().empty() && scan.key()[0] == kStatsTag) {
      STRATA_ASSIGN(std::string bytes, scan.value());
      STRATA_ASSIGN(std::vector<Value> row, codec::decode_row(bytes));
      STRATA_ASSIGN(TableStats stats, decode_stats(row));
      catalog.stats_[std::string(scan.key().substr(1))] = std::move(stats);
    } else if (!scan.key().empty() && scan.key()[0] != '\0') {
      STRATA_ASSIGN(std::string bytes, scan.value());
      STRATA_ASSIGN(std::vector<Value> row, codec::decode_row(bytes));
      if (row.size() != 5 || row[0].type() != ValueType::kText || row[3].type() != ValueType::kInteger) {
        return Status::corruption("catalog entry " + std::string(scan.key()) + " is malformed");
      }
      entries.push_back({row[0].as_text(), row[1].as_text(), row[2].as_text(),
                         row[4].is_null() ? "" : row[4].as_text(),
                         static_cast<uint32_t>(row[3].as_integer())});
    }
    STRATA_TRY(scan.next());
  }
  std::map<std::string, uint32_t> auto_prefixes;
  for (const Entry& e : entries) {
    if (e.type == "index" && e.sql.empty()) auto_prefixes[lower(e.name)] = e.prefix;
  }
  // Tables first, then the indexes that name them.
  for (const Entry& e : entries) {
    if (e.type != "table") continue;
    STRATA_ASSIGN(sql::StmtPtr stmt, sql::parse_statement(e.sql));
    const sql::CreateTable* create = stmt->as<sql::CreateTable>();
    if (create == nullptr) return Status::corruption("catalog entry " + e.name + " is not CREATE TABLE");
    std::vector<IndexDef> autos;
    STRATA_ASSIGN(TableDef t, build_table(*create, e.sql, &autos));
    t.prefix = e.prefix;
    for (IndexDef& idx : autos) {
      auto it = auto_prefixes.find(lower(idx.name));
      if (it == auto_prefixes.end()) return Status::corruption("catalog lacks index " + idx.name);
      idx.prefix = it->second;
      t.indexes.push_back(lower(idx.name));
      catalog.indexes_[lower(idx.name)] = std::move(idx);
    }
    catalog.tables_[lower(t.name)] = std::move(t);
  }
  for (const Entry& e : entries) {
    if (e.type != "view") continue;
    STRATA_ASSIGN(sql::StmtPtr stmt, sql::parse_statement(e.sql));
    const sql::CreateView* create = stmt->as<sql::CreateView>();
    if (create == nullptr)
      return Status::corruption("catalog entry " + e.name + " is not CREATE VIEW");
    catalog.views_[lower(e.name)] = build_view(*create, e.sql);
  }
  for (const Entry& e : entries) {
    if (e.type != "index" || e.sql.empty()) continue;
    STRATA_ASSIGN(sql::StmtPtr stmt, sql::parse_statement(e.sql));
    const sql::CreateIndex* create = stmt->as<sql::CreateIndex>();
    if (create == nullptr) return Status::corruption("catalog entry " + e.name + " is not CREATE INDEX");
    auto t = catalog.tables_.find(lower(create->table));
    if (t == catalog.tables_.end()) return Status::corruption("index " + e.name + " names a missing table");
    STRATA_ASSIGN(IndexDef idx, build_index(*create, t->second, e.sql));
    idx.prefix = e.prefix;
    t->second.indexes.push_back(lower(idx.name));
    catalog.indexes_[lower(idx.name)] = std::move(idx);
  }
  return catalog;
}

const TableDef* Catalog::table(std::string_view name) const {
  auto it = tables_.find(lower(name));
  return it == tables_.end() ? nullptr : &it->second;
}

const ViewDef* Catalog::view(std::string_view name) const {
  auto it = views_.find(lower(name));
  return it == views_.end() ? nullptr : &it->second;
}

const TableStats* Catalog::stats(std::string_view table) const {
  auto it = stats_.find(lower(table));
  return it == stats_.end() ? nullptr : &it->second;
}

Status Catalog::create_view(WriteTx* tx, const sql::CreateView& stmt, std::string sql_text) {
  if (!stmt.name.schema.empty() && lower(stmt.name.schema) != "main" &&
      !(stmt.temporary && lower(stmt.name.schema) == "temp")) {
    return Status::unsupported("schema " + stmt.name.schema);
  }
  std::string key = lower(stmt.name.name);
  if (table(key) != nullptr || index(key) != nullptr || view(key) != nullptr) {
    const char* kind = view(key) != nullptr ? "view " : index(key) != nullptr ? "index " : "table ";
    return Status::invalid_argument(kind + stmt.name.name + " already exists");
  }
  if (key.rfind("sqlite_", 0) == 0) {
    return Status::invalid_argument("object name reserved for internal use: " + stmt.name.name);
  }
  if (key.rfind("__", 0) == 0) {
    return Status::unsupported("names starting with __ (reserved by Strata): " + stmt.name.name);
  }
  ViewDef v = build_view(stmt, std::move(sql_text));
  if (!v.temporary) STRATA_TRY(write_entry(tx, "view", v.name, v.name, 0, v.sql));
  views_[key] = std::move(v);
  return Status::ok();
}

Status Catalog::drop_view(WriteTx* tx, std::string_view name) {
  auto it = views_.find(lower(name));
  if (it == views_.end()) return Status::not_found("no such view: " + std::string(name));
  if (!it->second.temporary) {
    STRATA_ASSIGN(Collection schema, schema_collection(tx));
    STRATA_TRY(schema.del(lower(name)).status_or_ok());
  }
  views_.erase(it);
  return Status::ok();
}

void Catalog::keep_temporary_views(const Catalog& from) {
  for (const auto& [key, v] : from.views_) {
    if (v.temporary && views_.count(key) == 0 && tables_.count(key) == 0) views_[key] = v;
  }
}

Status Catalog::set_stats(WriteTx* tx, std::string_view table_name, const TableStats& stats) {
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  std::string key = lower(table_name);
  STRATA_TRY(schema.put(std::string(1, kStatsTag) + key,
                        codec::encode_row(encode_stats(table_name, stats))));
  stats_[key] = stats;
  return Status::ok();
}

Status Catalog::drop_stats(WriteTx* tx, std::string_view table_name) {
  std::string key = lower(table_name);
  if (stats_.erase(key) == 0) return Status::ok();
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  return schema.del(std::string(1, kStatsTag) + key).status_or_ok();
}

const IndexDef* Catalog::index(std::string_view name) const {
  auto it = indexes_.find(lower(name));
  return it == indexes_.end() ? nullptr : &it->second;
}

std::vector<const IndexDef*> Catalog::indexes_of(const TableDef& table) const {
  std::vector<const IndexDef*> out;
  for (const std::string& name : table.indexes) {
    if (const IndexDef* idx = index(name)) out.push_back(idx);
  }
  return out;
}

std::vector<const TableDef*> Catalog::tables() const {
  std::vector<const TableDef*> out;
  for (const auto& [name, t] : tables_) out.push_back(&t);
  return out;
}

std::vector<const IndexDef*> Catalog::all_indexes() const {
  std::vector<const IndexDef*> out;
  for (const auto& [name, idx] : indexes_) out.push_back(&idx);
  return out;
}

std::vector<const ViewDef*> Catalog::views() const {
  std::vector<const ViewDef*> out;
  for (const auto& [name, view] : views_) out.push_back(&view);
  return out;
}

Result<uint32_t> Catalog::next_prefix(WriteTx* tx) {
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  STRATA_ASSIGN(std::optional<std::string> current, schema.get(kNextPrefixKey));
  uint32_t prefix = 1;
  if (current) {
    STRATA_ASSIGN(std::vector<Value> row, codec::decode_row(*current));
    if (row.size() != 1 || row[0].type() != ValueType::kInteger) {
      return Status::corruption("catalog: next prefix is malformed");
    }
    prefix = static_cast<uint32_t>(row[0].as_integer());
  }
  Value next = Value::integer(prefix + 1);
  STRATA_TRY(schema.put(kNextPrefixKey, codec::encode_row(std::span<const Value>(&next, 1))));
  return prefix;
}

Status Catalog::write_entry(WriteTx* tx, std::string_view type, std::string_view name,
                            std::string_view table, uint32_t prefix, std::string_view sql_text) {
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  std::vector<Value> row = {Value::text(std::string(type)), Value::text(std::string(name)),
                            Value::text(std::string(table)), Value::integer(prefix),
                            sql_text.empty() ? Value::null() : Value::text(std::string(sql_text))};
  return schema.put(lower(name), codec::encode_row(row));
}

Status Catalog::create_table(WriteTx* tx, const sql::CreateTable& stmt, std::string sql_text) {
  std::vector<IndexDef> autos;
  STRATA_ASSIGN(TableDef t, build_table(stmt, std::move(sql_text), &autos));
  if (table(t.name) != nullptr || index(t.name) != nullptr || view(t.name) != nullptr) {
    return Status::invalid_argument("table " + t.name + " already exists");
  }
  STRATA_ASSIGN(t.prefix, next_prefix(tx));
  STRATA_TRY(write_entry(tx, "table", t.name, t.name, t.prefix, t.sql));
  for (IndexDef& idx : autos) {
    STRATA_ASSIGN(idx.prefix, next_prefix(tx));
    STRATA_TRY(write_entry(tx, "index", idx.name, t.name, idx.prefix, ""));
    t.indexes.push_back(lower(idx.name));
    indexes_[lower(idx.name)] = std::move(idx);
  }
  tables_[lower(t.name)] = std::move(t);
  return Status::ok();
}

Status Catalog::create_index(WriteTx* tx, const sql::CreateIndex& stmt, std::string sql_text,
                             const IndexDef** created) {
  auto t = tables_.find(lower(stmt.table));
  if (t == tables_.end()) return Status::not_found("no such table: " + stmt.table);
  if (index(stmt.name.name) != nullptr || table(stmt.name.name) != nullptr ||
      view(stmt.name.name) != nullptr) {
    return Status::invalid_argument("index " + stmt.name.name + " already exists");
  }
  if (lower(stmt.name.name).rfind("sqlite_", 0) == 0) {
    return Status::invalid_argument("object name reserved for internal use: " + stmt.name.name);
  }
  STRATA_ASSIGN(IndexDef idx, build_index(stmt, t->second, std::move(sql_text)));
  STRATA_ASSIGN(idx.prefix, next_prefix(tx));
  STRATA_TRY(write_entry(tx, "index", idx.name, t->second.name, idx.prefix, idx.sql));
  std::string key = lower(idx.name);
  t->second.indexes.push_back(key);
  indexes_[key] = std::move(idx);
  *created = &indexes_[key];
  return Status::ok();
}

Status Catalog::drop_index(WriteTx* tx, std::string_view name) {
  auto it = indexes_.find(lower(name));
  if (it == indexes_.end()) return Status::not_found("no such index: " + std::string(name));
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  STRATA_TRY(schema.del(lower(name)).status_or_ok());
  auto t = tables_.find(lower(it->second.table));
  if (t != tables_.end()) {
    auto& v = t->second.indexes;
    v.erase(std::remove(v.begin(), v.end(), lower(name)), v.end());
  }
  auto st = stats_.find(lower(it->second.table));
  if (st != stats_.end() && st->second.index_distinct.erase(lower(name)) > 0) {
    TableStats copy = st->second;
    STRATA_TRY(set_stats(tx, it->second.table, copy));
  }
  indexes_.erase(it);
  return Status::ok();
}

Status Catalog::drop_table(WriteTx* tx, std::string_view name) {
  auto it = tables_.find(lower(name));
  if (it == tables_.end()) return Status::not_found("no such table: " + std::string(name));
  STRATA_ASSIGN(Collection schema, schema_collection(tx));
  for (const std::string& idx : it->second.indexes) {
    STRATA_TRY(schema.del(idx).status_or_ok());
    indexes_.erase(idx);
  }
  STRATA_TRY(schema.del(lower(name)).status_or_ok());
  STRATA_TRY(drop_stats(tx, name));
  tables_.erase(it);
  return Status::ok();
}

}  // namespace strata::query
