// Statement execution: SELECT (streamed), EXPLAIN [ANALYZE], INSERT, UPDATE,
// DELETE, DDL and transaction control, with SQLite's constraint semantics.
#include <algorithm>

#include "engine/btree.h"
#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/exec/value_ops.h"
#include "engine/query/database.h"
#include "engine/query/planner.h"
#include "engine/query/run.h"
#include "engine/query/statement_journal.h"
#include "engine/sql/printer.h"

namespace strata::query {

namespace {

std::string index_entry(const IndexDef& idx, const std::vector<Value>& row, int64_t rowid) {
  std::string k = index_prefix(idx.prefix);
  for (int c : idx.columns) codec::encode_key(row[c], &k);
  codec::encode_rowid(rowid, &k);
  return k;
}

// The tree holds keys of at most BTree::max_key_size bytes, so an index entry cannot hold
// values much longer than that; SQLite's can. Refused rather than half done.
Status check_index_key(Database* db, const IndexDef& idx, const std::string& key) {
  size_t max = BTree::max_key_size(db->store()->page_size());
  if (key.size() <= max) return Status::ok();
  return Status::unsupported("index " + idx.name + " entry of " + std::to_string(key.size()) +
                             " bytes (indexed values this long; the maximum is " +
                             std::to_string(max) + " bytes)");
}

std::string stored_row(const TableDef& t, std::vector<Value> values) {
  if (t.rowid_column >= 0) values[t.rowid_column] = Value::null();  // the key holds it
  return codec::encode_row(values);
}

// Values that compare equal to v but encode differently (1 and 1.0).
std::vector<Value> equal_forms(const Value& v) {
  std::vector<Value> out{v};
  if (v.type() == ValueType::kInteger) {
    double d = static_cast<double>(v.as_integer());
    if (d < 9223372036854775808.0 && static_cast<int64_t>(d) == v.as_integer()) out.push_back(Value::real(d));
  } else if (v.type() == ValueType::kReal) {
    double r = v.as_real();
    if (r >= -9223372036854775808.0 && r < 9223372036854775808.0 &&
        static_cast<double>(static_cast<int64_t>(r)) == r) {
      out.push_back(Value::integer(static_cast<int64_t>(r)));
    }
  }
  return out;
}

std::string columns_text(const TableDef& t, const std::vector<int>& cols) {
  std::string out;
  for (int c : cols) out += (out.empty() ? "" : ", ") + t.name + "." + t.columns[c].name;
  return out;
}

// Rowids (other than `self`) whose entries in a unique index equal row's values.
Result<std::vector<int64_t>> unique_conflicts(Tx* tx, const IndexDef& idx, const std::vector<Value>& row,
                                              std::optional<int64_t> self) {
  std::vector<int64_t> out;
  for (int c : idx.columns) {
    if (row[c].is_null()) return out;  // NULLs are distinct in a UNIQUE index
  }
  // Probe every combination of equal encodings (1 vs 1.0) of the indexed values.
  std::vector<std::vector<Value>> combos{{}};
  for (int c : idx.columns) {
    std::vector<std::vector<Value>> next;
    for (const auto& partial : combos) {
      for (const Value& form : equal_forms(row[c])) {
        auto p = partial;
        p.push_back(form);
        next.push_back(std::move(p));
      }
    }
    combos = std::move(next);
  }
  for (const auto& values : combos) {
    std::string prefix = index_prefix(idx.prefix);
    for (const Value& v : values) codec::encode_key(v, &prefix);
    RangeScan scan(tx->cursor(), prefix, KeyRange::all(), Direction::kForward);
    STRATA_TRY(scan.start());
    while (scan.valid()) {
      std::string_view rest = scan.key();
      STRATA_ASSIGN(int64_t rowid, codec::decode_rowid(&rest));
      if (!self || rowid != *self) out.push_back(rowid);
      STRATA_TRY(scan.next());
    }
  }
  return out;
}

}  // namespace

// Writes rows of one table: inserts, deletes, updates with their index entries
// and constraint checks.
class TableWriter {
 public:
  TableWriter(Database* db, WriteTx* tx, const TableDef& table, const std::vector<Value>* params)
      : db_(db),
        tx_(tx),
        table_(table),
        indexes_(db->catalog().indexes_of(table)),
        params_(params) {}

  // The largest rowid in the table plus one, read afresh for every row as SQLite does: a row
  // that OR IGNORE skips, or a REPLACE that deletes the last row, leaves no gap.
  Result<int64_t> next_rowid() {
    std::string prefix = row_prefix(table_.prefix);
    RangeScan last(tx_->cursor(), prefix, KeyRange::all(), Direction::kBackward);
    STRATA_TRY(last.start());
    int64_t max = 0;
    if (last.valid()) {
      std::string_view k = last.key();
      STRATA_ASSIGN(max, codec::decode_rowid(&k));
    }
    if (max == INT64_MAX) {
      // SQLite then tries rowids at random: nothing to be equal to.
      return Status::unsupported(
          "a new rowid after rowid 9223372036854775807 (SQLite picks one "
          "at random)");
    }
    return max + 1;
  }

  Status remove(int64_t rowid, const std::vector<Value>& row) {
    for (const IndexDef* idx : indexes_) STRATA_TRY(tx_->del(index_entry(*idx, row, rowid)).status_or_ok());
    STRATA_TRY(tx_->del(row_key(table_, rowid)).status_or_ok());
    return Status::ok();
  }

  void apply_affinities(std::vector<Value>* row) {
    for (size_t i = 0; i < row->size(); ++i) {
      (*row)[i] = exec::apply_affinity((*row)[i], table_.columns[i].affinity);
    }
  }

  // NOT NULL, after affinities. *skip for OR IGNORE; OR REPLACE substitutes the default.
  Status check_not_null(std::vector<Value>* row, sql::ConflictAction action, bool* skip) {
    *skip = false;
    for (size_t i = 0; i < row->size(); ++i) {
      const ColumnDef& c = table_.columns[i];
      if (!c.not_null || !(*row)[i].is_null() || static_cast<int>(i) == table_.rowid_column) continue;
      if (action == sql::ConflictAction::kIgnore) {
        *skip = true;
        return Status::ok();
      }
      if (action == sql::ConflictAction::kReplace && c.default_value) {
        STRATA_ASSIGN(BoundExprPtr d,
                      bind_table_expression(nullptr, *c.default_value, ExprContext::kDefault));
        STRATA_ASSIGN(Value v, eval(*d, EvalContext{nullptr, nullptr, params_}));
        (*row)[i] = exec::apply_affinity(v, c.affinity);
        if (!(*row)[i].is_null()) continue;
      }
      return Status::constraint("NOT NULL constraint failed: " + table_.name + "." + c.name);
    }
    return Status::ok();
  }

  Status check_constraints(const std::vector<Value>& row, int64_t rowid, sql::ConflictAction action,
                           bool* skip) {
    std::vector<Value> frame;
    for (const CheckDef& check : table_.checks) {
      STRATA_ASSIGN(BoundExprPtr e,
                    bind_table_expression(&table_, *check.expr, ExprContext::kCheck));
      if (frame.empty()) frame = table_frame(row, rowid);
      STRATA_ASSIGN(Value v, eval(*e, EvalContext{frame.data(), nullptr, params_}));
      std::optional<bool> t = exec::truth(v);
      if (t && !*t) {
        if (action == sql::ConflictAction::kIgnore) {
          *skip = true;
          return Status::ok();
        }
        return Status::constraint("CHECK constraint failed: " +
                                  (check.name.empty() ? sql::to_sql(*check.expr) : check.name));
      }
    }
    return Status::ok();
  }

  // Resolves rowid and unique conflicts for a row about to be written at `rowid`
  // (replacing `self`, for UPDATE). REPLACE deletes the conflicting rows.
  Status resolve_conflicts(const std::vector<Value>& row, int64_t rowid, std::optional<int64_t> self,
                           sql::ConflictAction action, bool* skip) {
    if (!self || *self != rowid) {
      STRATA_ASSIGN(std::optional<std::vector<Value>> existing, read_row(tx_, table_, rowid));
      if (existing) {
        if (action == sql::ConflictAction::kIgnore) {
          *skip = true;
          return Status::ok();
        }
        if (action != sql::ConflictAction::kReplace) {
          std::string col = table_.rowid_column >= 0 ? table_.columns[table_.rowid_column].name : "rowid";
          return Status::constraint("UNIQUE constraint failed: " + table_.name + "." + col);
        }
        STRATA_TRY(remove(rowid, *existing));
        ++replaced_;
      }
    }
    for (const IndexDef* idx : indexes_) {
      if (!idx->unique) continue;
      STRATA_ASSIGN(std::vector<int64_t> conflicts, unique_conflicts(tx_, *idx, row, self));
      if (conflicts.empty()) continue;
      if (action == sql::ConflictAction::kIgnore) {
        *skip = true;
        return Status::ok();
      }
      if (action != sql::ConflictAction::kReplace) {
        return Status::constraint("UNIQUE constraint failed: " + columns_text(table_, idx->columns));
      }
      for (int64_t other : conflicts) {
        STRATA_ASSIGN(std::optional<std::vector<Value>> existing, read_row(tx_, table_, other));
        if (existing) {
          STRATA_TRY(remove(other, *existing));
          ++replaced_;
        }
      }
    }
    return Status::ok();
  }

  Status write(const std::vector<Value>& row, int64_t rowid) {
    std::vector<std::string> entries;
    for (const IndexDef* idx : indexes_) {
      entries.push_back(index_entry(*idx, row, rowid));
      STRATA_TRY(check_index_key(db_, *idx, entries.back()));
    }
    STRATA_TRY(tx_->put(row_key(table_, rowid), stored_row(table_, row)));
    for (const std::string& entry : entries) STRATA_TRY(tx_->put(entry, ""));
    return Status::ok();
  }

  // INSERT of one full row (one value per column, defaults already filled in), at
  // `hidden_rowid` if given (INSERT INTO t(rowid, ...) on a table without INTEGER PRIMARY KEY).
  Result<bool> insert(std::vector<Value> row, sql::ConflictAction action,
                      const std::optional<Value>& hidden_rowid) {
    bool skip = false;
    apply_affinities(&row);
    // The rowid comes first, as in SQLite: one that is not an integer fails the statement
    // even when OR IGNORE would skip the row for a later constraint.
    std::optional<Value> given;
    if (table_.rowid_column >= 0) {
      if (!row[table_.rowid_column].is_null()) given = row[table_.rowid_column];
    } else if (hidden_rowid && !hidden_rowid->is_null()) {
      given = exec::apply_affinity(*hidden_rowid, exec::Affinity::kInteger);
    }
    int64_t rowid;
    if (given) {
      if (given->type() != ValueType::kInteger) return Status::constraint("datatype mismatch");
      rowid = given->as_integer();
    } else {
      STRATA_ASSIGN(rowid, next_rowid());
      if (table_.rowid_column >= 0) row[table_.rowid_column] = Value::integer(rowid);
    }
    STRATA_TRY(check_not_null(&row, action, &skip));
    if (skip) return false;
    STRATA_TRY(check_constraints(row, rowid, action, &skip));
    if (skip) return false;
    STRATA_TRY(resolve_conflicts(row, rowid, std::nullopt, action, &skip));
    if (skip) return false;
    STRATA_TRY(write(row, rowid));
    return true;
  }

  Result<bool> update(int64_t rowid, const std::vector<Value>& old_row, std::vector<Value> row,
                      sql::ConflictAction action) {
    bool skip = false;
    apply_affinities(&row);
    int64_t new_rowid = rowid;
    if (table_.rowid_column >= 0) {
      // Checked before NOT NULL, as in SQLite (OR IGNORE does not skip a bad rowid).
      const Value& r = row[table_.rowid_column];
      if (r.type() != ValueType::kInteger) return Status::constraint("datatype mismatch");
      new_rowid = r.as_integer();
    }
    STRATA_TRY(check_not_null(&row, action, &skip));
    if (skip) return false;
    STRATA_TRY(check_constraints(row, new_rowid, action, &skip));
    if (skip) return false;
    STRATA_TRY(remove(rowid, old_row));
    Status s = resolve_conflicts(row, new_rowid, rowid, action, &skip);
    if (!s.is_ok() || skip) {
      // Put the old row back: the statement is skipped or fails as a whole.
      STRATA_TRY(write(old_row, rowid));
      STRATA_TRY(s);
      return false;
    }
    STRATA_TRY(write(row, new_rowid));
    return true;
  }

  int64_t replaced() const { return replaced_; }

 private:
  Database* db_;
  WriteTx* tx_;
  const TableDef& table_;
  std::vector<const IndexDef*> indexes_;
  const std::vector<Value>* params_;
  int64_t replaced_ = 0;
};

// ------------------------------------------------------------------ step

Result<bool> Statement::step() {
  if (done_) return false;
  if (!run_) {
    Status s = start();
    if (!s.is_ok()) {
      done_ = true;
      run_.reset();
      return s;
    }
    if (!run_) {
      done_ = true;
      return false;
    }
  }
  Run& r = *run_;
  if (r.materialized) {
    if (r.position >= r.buffer.size()) {
      done_ = true;
      run_.reset();
      return false;
    }
    row_ = std::move(r.buffer[r.position++]);
    return true;
  }
  Result<bool> got = r.plan->next(&row_);
  if (!got.ok() || !*got) {
    done_ = true;
    // An autocommit read ends here, and says so if ending it failed (it unlocks a byte).
    Status ended = r.read_tx ? r.read_tx->end() : Status::ok();
    run_.reset();
    if (!got.ok()) return got.status();
    STRATA_TRY(ended);
    return false;
  }
  return true;
}

namespace {
// Plans a SELECT for this database (unless run->plan already holds a plan to reuse) and
// points it at the transaction it reads in. *reusable: the plan may be opened again.
// The transaction comes first (Database::read_view): it may bring another handle's newer
// catalog, which moves the plan epoch.
Status start_select(Database* db, Tx* tx, const sql::Select& select,
                    const std::vector<Value>* params, Statement::Run* run, bool* reusable = nullptr) {
  if (run->plan == nullptr) {
    PlanEnv env;
    env.catalog = &db->catalog();
    env.store = db->store();
    env.run = std::make_shared<RunEnv>();
    STRATA_ASSIGN(run->plan, plan_select(&env, select, nullptr));
    run->env = env.run;
    if (reusable != nullptr) *reusable = env.reusable;
  }
  run->env->tx = tx;
  run->env->parameters = params;
  return Status::ok();
}
}  // namespace

Status Statement::start() {
  changes_ = 0;
  row_.clear();
  names_.clear();
  const sql::Stmt& stmt = *stmt_;

  if (const auto* select = stmt.as<sql::Select>()) {
    auto run = std::make_unique<Run>();
    STRATA_ASSIGN(Tx* tx, db_->read_view(&run->read_tx));
    // Planning costs as much as a point lookup: a prepared SELECT keeps its plan while the
    // catalog stays as it was planned against.
    if (cached_plan_ != nullptr && cached_epoch_ == db_->plan_epoch_) {
      run->plan = cached_plan_;
      run->env = cached_env_;
    }
    cached_plan_.reset();
    cached_env_.reset();
    bool reusable = run->plan != nullptr;  // a cached plan stays reusable
    STRATA_TRY(start_select(db_, tx, *select, &params_, run.get(), &reusable));
    if (reusable) {
      cached_plan_ = run->plan;
      cached_env_ = run->env;
      cached_epoch_ = db_->plan_epoch_;
    }
    names_ = run->plan->names;
    STRATA_TRY(run->plan->open(*run->env));
    run_ = std::move(run);
    return Status::ok();
  }

  if (const auto* explain = stmt.as<sql::Explain>()) {
    const sql::Select* inner = explain->stmt ? explain->stmt->as<sql::Select>() : nullptr;
    if (inner == nullptr) return at(stmt.pos, Status::unsupported("EXPLAIN of statements other than SELECT"));
    if (explain->mode == sql::ExplainMode::kQueryPlan) {
      return at(stmt.pos, Status::unsupported("EXPLAIN QUERY PLAN (use EXPLAIN)"));
    }
    auto run = std::make_unique<Run>();
    STRATA_ASSIGN(Tx* tx, db_->read_view(&run->read_tx));
    STRATA_TRY(start_select(db_, tx, *inner, &params_, run.get()));
    bool analyze = explain->mode == sql::ExplainMode::kAnalyze;
    if (analyze) {
      STRATA_TRY(run->plan->open(*run->env));
      Row row;
      while (true) {
        STRATA_ASSIGN(bool got, run->plan->next(&row));
        if (!got) break;
      }
    }
    std::vector<std::string> lines = run->plan->explain(analyze);
    auto out = std::make_unique<Run>();
    out->materialized = true;
    for (auto& line : lines) out->buffer.push_back({Value::text(line)});
    names_ = {"plan"};
    run_ = std::move(out);
    return Status::ok();
  }

  // Anything but row changes may change the catalog (or reload it): plans made before are
  // made again.
  if (!stmt.is<sql::Insert>() && !stmt.is<sql::Update>() && !stmt.is<sql::Delete>()) ++db_->plan_epoch_;

  if (const auto* begin = stmt.as<sql::Begin>()) {
    if (db_->explicit_tx_) return Status::invalid_argument("cannot start a transaction within a transaction");
    // DEFERRED (the default) takes nothing yet; IMMEDIATE and EXCLUSIVE take the write lock.
    // (EXCLUSIVE keeps readers of other handles reading, as in SQLite's WAL mode.)
    if (begin->kind == sql::TransactionKind::kImmediate ||
        begin->kind == sql::TransactionKind::kExclusive) {
      STRATA_TRY(db_->write_tx().status_or_ok());
    }
    db_->explicit_tx_ = true;
    return Status::ok();
  }
  if (stmt.is<sql::Commit>()) {
    if (!db_->explicit_tx_) return Status::invalid_argument("cannot commit - no transaction is active");
    db_->explicit_tx_ = false;
    if (db_->read_tx_) {  // read only
      Status ended = db_->read_tx_->end();
      db_->read_tx_.reset();
      return ended;
    }
    if (!db_->tx_) return Status::ok();  // nothing at all
    Status s = db_->tx_->commit();
    db_->tx_.reset();
    if (s.is_ok()) db_->catalog_generation_ = db_->store_->meta().generation;
    if (!s.is_ok() && db_->schema_changed_) STRATA_TRY(db_->reload_catalog());
    db_->schema_changed_ = false;
    return s;
  }
  if (stmt.is<sql::Rollback>()) {
    if (!db_->explicit_tx_) return Status::invalid_argument("cannot rollback - no transaction is active");
    db_->explicit_tx_ = false;
    if (db_->read_tx_) {
      Status ended = db_->read_tx_->end();
      db_->read_tx_.reset();
      return ended;
    }
    if (!db_->tx_) return Status::ok();
    db_->tx_->rollback();
    db_->tx_.reset();
    if (db_->schema_changed_) STRATA_TRY(db_->reload_catalog());
    db_->schema_changed_ = false;
    return Status::ok();
  }
  if (const auto* pragma = stmt.as<sql::Pragma>()) return db_->run_pragma(*pragma, this);

  // Everything else writes: run it in the transaction, atomically unless SQLite would keep
  // the writes of a failed statement (statement_journal.h; a constraint error is the only
  // failure such a statement can have).
  STRATA_ASSIGN(WriteTx* tx, db_->write_tx());
  bool explicit_tx = db_->explicit_tx_;
  bool keep_partial = explicit_tx && keeps_partial_writes_on_failure(stmt, db_->catalog());
  if (explicit_tx) tx->begin_statement();
  Status s = execute_write(tx);
  if (explicit_tx) {
    if (!s.is_ok() && !(keep_partial && s.is(StatusCode::kConstraint))) {
      Status undone = tx->undo_statement();
      if (!undone.is_ok()) {
        // Cannot restore the statement's start: give up the whole transaction.
        db_->explicit_tx_ = false;
        db_->tx_->rollback();
        db_->tx_.reset();
        db_->schema_changed_ = false;
        STRATA_TRY(db_->reload_catalog());
        return s.with_context("statement failed and could not be undone; transaction rolled back");
      }
      if (db_->schema_changed_) STRATA_TRY(db_->reload_catalog());
    }
    tx->end_statement();
  } else {
    Status finished = db_->finish_statement(s.is_ok());
    if (s.is_ok()) s = finished;
  }
  if (s.is_ok()) db_->total_changes_ += changes_;
  return s;
}

}  // namespace strata::query

namespace strata::query {

namespace {
// A PlanEnv for the expressions of a write statement (subqueries run in its transaction).
PlanEnv write_env(Database* db, WriteTx* tx, const std::vector<Value>* params) {
  PlanEnv env;
  env.catalog = &db->catalog();
  env.store = db->store();
  env.run = std::make_shared<RunEnv>();
  env.run->tx = tx;
  env.run->parameters = params;
  return env;
}

// Rows (rowid and values) of `table` that match WHERE, collected before any write
// so a statement never sees its own changes.
Status collect_matches(PlanEnv* env, Tx* tx, const TableDef& table, const sql::TableName& name,
                       const sql::Expr* where, const std::vector<Value>* params,
                       std::vector<std::pair<int64_t, std::vector<Value>>>* out) {
  STRATA_ASSIGN(TableFilterPlan plan, plan_table_filter(env, table, name, where));
  Level& level = *plan.level;
  level.tx = tx;
  level.ctx.slots = level.frame.data();
  level.ctx.parameters = params;
  STRATA_TRY(plan.source->open());
  size_t n = table.columns.size();
  while (true) {
    STRATA_ASSIGN(bool got, plan.source->next());
    if (!got) break;
    std::vector<Value> row(level.frame.begin(),
                           level.frame.begin() + static_cast<std::ptrdiff_t>(n));
    out->emplace_back(level.frame[n].as_integer(), std::move(row));
  }
  return Status::ok();
}

// One index entry of CREATE INDEX's back-fill: its key, and for a UNIQUE index the rowid and
// the indexed values (to check uniqueness as inserts do).
struct IndexBuildEntry {
  std::string key;
  int64_t rowid = 0;
  std::vector<Value> values;
};

// Every entry `idx` needs for the rows of `table`, in rowid order, each checked against the
// tree's key size limit.
Result<std::vector<IndexBuildEntry>> build_index_entries(Database* db, WriteTx* tx, const TableDef& table,
                                                         const IndexDef& idx, const std::vector<Value>* params) {
  PlanEnv env = write_env(db, tx, params);
  STRATA_ASSIGN(TableFilterPlan plan, plan_table_filter(&env, table, sql::TableName{}, nullptr));
  Level& level = *plan.level;
  level.tx = tx;
  level.ctx.slots = level.frame.data();
  level.ctx.parameters = params;
  STRATA_TRY(plan.source->open());
  const size_t n = table.columns.size();
  std::vector<IndexBuildEntry> out;
  while (true) {
    STRATA_ASSIGN(bool got, plan.source->next());
    if (!got) break;
    IndexBuildEntry entry;
    entry.rowid = level.frame[n].as_integer();
    entry.key = index_entry(idx, level.frame, entry.rowid);  // the bytes an INSERT writes
    STRATA_TRY(check_index_key(db, idx, entry.key));
    if (idx.unique) {
      for (int c : idx.columns) entry.values.push_back(level.frame[static_cast<size_t>(c)]);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<const TableDef*> find_table(Database* db, const sql::QualifiedName& name, const sql::SourcePos& pos) {
  const TableDef* t = db->catalog().table(name.name);
  if (t == nullptr || (!name.schema.empty() && lower(name.schema) != "main")) {
    if (db->catalog().view(name.name) != nullptr) {
      return at(pos,
                Status::invalid_argument("cannot modify " + name.name + " because it is a view"));
    }
    return at(pos, Status::not_found("no such table: " + name.name));
  }
  return t;
}

// ANALYZE of one table: its row count and, per index, the distinct values of each prefix
// of its columns (counted on the encoded entries, which sort equal values together).
Result<TableStats> analyze_table(Database* db, Tx* tx, const TableDef& table) {
  TableStats stats;
  {
    RangeScan scan(tx->cursor(), row_prefix(table.prefix), KeyRange::all(), Direction::kForward);
    STRATA_TRY(scan.start());
    while (scan.valid()) {
      ++stats.rows;
      STRATA_TRY(scan.next());
    }
  }
  for (const IndexDef* idx : db->catalog().indexes_of(table)) {
    size_t k = idx->columns.size();
    std::vector<int64_t> distinct(k, 0);
    std::vector<std::string> previous(k);
    bool first = true;
    RangeScan scan(tx->cursor(), index_prefix(idx->prefix), KeyRange::all(), Direction::kForward);
    STRATA_TRY(scan.start());
    while (scan.valid()) {
      std::string_view key = scan.key();
      std::string_view rest = key;
      bool changed = first;
      for (size_t i = 0; i < k; ++i) {
        STRATA_TRY(codec::decode_key(&rest).status_or_ok());
        std::string_view prefix = key.substr(0, key.size() - rest.size());
        if (changed || prefix != previous[i]) {
          changed = true;
          ++distinct[i];
          previous[i] = std::string(prefix);
        }
      }
      first = false;
      STRATA_TRY(scan.next());
    }
    stats.index_distinct[lower(idx->name)] = std::move(distinct);
  }
  return stats;
}

// An INSERT target naming the rowid of a table without INTEGER PRIMARY KEY.
constexpr int kHiddenRowid = -2;

sql::ConflictAction effective(sql::ConflictAction a) {
  // ABORT, FAIL and ROLLBACK all fail the statement here; FAIL's partial
  // effects and ROLLBACK's whole-transaction undo are not modelled.
  return a;
}
}  // namespace

// CREATE TABLE t AS SELECT: a table whose columns are the query's result columns (named as
// SQLite names them, duplicates made unique with ":N"), typed by their affinity as SQLite
// types them (INT, REAL, TEXT, NUM, or none), holding the query's rows.
Status Statement::create_table_as(WriteTx* tx, const sql::CreateTable& ct) {
  Database* db = db_;
  if (db->catalog().view(ct.name.name) != nullptr || db->catalog().index(ct.name.name) != nullptr) {
    return at(stmt_->pos, Status::invalid_argument("table " + ct.name.name + " already exists"));
  }
  // The rows first: the query may read the catalog as it is now.
  PlanEnv env = write_env(db, tx, &params_);
  STRATA_ASSIGN(std::shared_ptr<QueryPlan> plan, plan_select(&env, *ct.as_select, nullptr));
  STRATA_TRY(plan->open(*env.run));
  std::vector<std::vector<Value>> rows;
  while (true) {
    Row row;
    STRATA_ASSIGN(bool got, plan->next(&row));
    if (!got) break;
    rows.push_back(std::move(row));
  }
  auto quoted = [](const std::string& name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string text = "CREATE TABLE " + quoted(ct.name.name) + "(";
  std::vector<std::string> names;
  for (size_t i = 0; i < plan->names.size(); ++i) {
    std::string name = plan->names[i];
    for (int n = 1;; ++n) {
      bool clash = false;
      for (const std::string& other : names) clash = clash || lower(other) == lower(name);
      if (!clash) break;
      name = plan->names[i] + ":" + std::to_string(n);
    }
    names.push_back(name);
    const exec::OperandAffinity& a = plan->affinities[i];
    const char* type = "";
    if (a.declared) {
      switch (a.affinity) {
        case exec::Affinity::kText:
          type = " TEXT";
          break;
        case exec::Affinity::kNumeric:
          type = " NUM";
          break;
        case exec::Affinity::kInteger:
          type = " INT";
          break;
        case exec::Affinity::kReal:
          type = " REAL";
          break;
        case exec::Affinity::kNone:
          break;
      }
    }
    text += (i ? ", " : "") + quoted(name) + type;
  }
  text += ")";
  STRATA_ASSIGN(sql::StmtPtr parsed, sql::parse_statement(text));
  db->schema_changed_ = true;
  STRATA_TRY(at(stmt_->pos, db->catalog_.create_table(tx, *parsed->as<sql::CreateTable>(), text)));
  const TableDef* table = db->catalog().table(ct.name.name);
  TableWriter writer(db, tx, *table, &params_);
  for (auto& row : rows) {
    STRATA_ASSIGN(bool inserted,
                  writer.insert(std::move(row), sql::ConflictAction::kDefault, std::nullopt));
    (void)inserted;
  }
  return Status::ok();
}

Status Statement::execute_write(WriteTx* tx) {
  const sql::Stmt& stmt = *stmt_;
  Database* db = db_;

  if (const auto* ins = stmt.as<sql::Insert>()) {
    STRATA_ASSIGN(const TableDef* table, find_table(db, ins->table, stmt.pos));
    sql::ConflictAction action = effective(ins->or_action);
    if (action == sql::ConflictAction::kFail || action == sql::ConflictAction::kRollback) {
      return at(stmt.pos, Status::unsupported("INSERT OR FAIL / OR ROLLBACK"));
    }
    std::vector<int> targets;
    if (ins->columns.empty()) {
      for (size_t i = 0; i < table->columns.size(); ++i) targets.push_back(static_cast<int>(i));
    } else {
      for (const std::string& name : ins->columns) {
        int c = table->find_column(name);
        if (c < 0) {
          std::string n = lower(name);
          if (n == "rowid" || n == "oid" || n == "_rowid_") {
            c = table->rowid_column >= 0 ? table->rowid_column : kHiddenRowid;
          } else {
            return at(stmt.pos, Status::not_found("table " + table->name + " has no column named " + name));
          }
        }
        targets.push_back(c);
      }
    }
    // The source rows, materialized first (INSERT INTO t SELECT ... FROM t is legal).
    std::vector<std::vector<Value>> rows;
    if (!ins->select) {
      rows.emplace_back();  // DEFAULT VALUES
      targets.clear();
    } else {
      const sql::Select& sel = *ins->select;
      if (sel.cores.size() == 1 && sel.cores[0].kind == sql::SelectCoreKind::kValues &&
          sel.order_by.empty() && !sel.limit) {
        PlanEnv env = write_env(db, tx, &params_);
        Scope scope;
        Binder b(&scope, &env);
        for (const auto& values : sel.cores[0].values) {
          std::vector<Value> row;
          for (const auto& e : values) {
            STRATA_ASSIGN(BoundExprPtr be, b.bind(*e));
            STRATA_ASSIGN(Value v, eval(*be, EvalContext{nullptr, nullptr, &params_}));
            row.push_back(std::move(v));
          }
          rows.push_back(std::move(row));
        }
      } else {
        Statement inner(db, sql::make_box<sql::Stmt>(), "", param_names_);
        inner.stmt_->node = sel;
        inner.params_ = params_;
        while (true) {
          STRATA_ASSIGN(bool has, inner.step());
          if (!has) break;
          rows.push_back(inner.row());
        }
      }
    }
    TableWriter writer(db, tx, *table, &params_);
    for (auto& values : rows) {
      if (ins->select && values.size() != targets.size()) {
        if (ins->columns.empty()) {
          return Status::invalid_argument("table " + table->name + " has " +
                                          std::to_string(table->columns.size()) + " columns but " +
                                          std::to_string(values.size()) + " values were supplied");
        }
        return Status::invalid_argument(std::to_string(values.size()) + " values for " +
                                        std::to_string(targets.size()) + " columns");
      }
      std::vector<Value> row(table->columns.size());
      std::vector<bool> given(table->columns.size(), false);
      std::optional<Value> hidden_rowid;
      for (size_t i = 0; i < targets.size(); ++i) {
        // INSERT INTO t(a, a): the first value counts, as in SQLite.
        if (targets[i] == kHiddenRowid) {
          if (!hidden_rowid) hidden_rowid = std::move(values[i]);
          continue;
        }
        if (given[targets[i]]) continue;
        row[targets[i]] = std::move(values[i]);
        given[targets[i]] = true;
      }
      for (size_t i = 0; i < row.size(); ++i) {
        // An omitted INTEGER PRIMARY KEY takes a new rowid: SQLite ignores its DEFAULT.
        if (given[i] || !table->columns[i].default_value ||
            static_cast<int>(i) == table->rowid_column) {
          continue;
        }
        STRATA_ASSIGN(BoundExprPtr d,
                      bind_table_expression(nullptr, *table->columns[i].default_value,
                                            ExprContext::kDefault));
        STRATA_ASSIGN(row[i], eval(*d, EvalContext{nullptr, nullptr, &params_}));
      }
      STRATA_ASSIGN(bool inserted, writer.insert(std::move(row), action, hidden_rowid));
      if (inserted) ++changes_;
    }
    return Status::ok();
  }

  if (const auto* upd = stmt.as<sql::Update>()) {
    STRATA_ASSIGN(const TableDef* table, find_table(db, upd->table.name, stmt.pos));
    sql::ConflictAction action = effective(upd->or_action);
    if (action == sql::ConflictAction::kFail || action == sql::ConflictAction::kRollback) {
      return at(stmt.pos, Status::unsupported("UPDATE OR FAIL / OR ROLLBACK"));
    }
    PlanEnv env = write_env(db, tx, &params_);
    Scope scope = table_scope(*table, upd->table.alias);
    Binder binder(&scope, &env);
    std::vector<std::pair<int, BoundExprPtr>> sets;
    for (const sql::Assignment& a : upd->assignments) {
      int c = table->find_column(a.column);
      if (c < 0) {
        std::string n = lower(a.column);
        if ((n == "rowid" || n == "oid" || n == "_rowid_") && table->rowid_column >= 0) {
          c = table->rowid_column;
        } else if (n == "rowid" || n == "oid" || n == "_rowid_") {
          return at(a.pos, Status::unsupported("assigning the hidden rowid"));
        } else {
          return at(a.pos, Status::not_found("no such column: " + a.column));
        }
      }
      STRATA_ASSIGN(BoundExprPtr e, binder.bind(*a.value));
      // SET a = x, a = y: only the rightmost is evaluated (the others are still resolved).
      std::erase_if(sets, [c](const auto& set) { return set.first == c; });
      sets.emplace_back(c, std::move(e));
    }
    std::vector<std::pair<int64_t, std::vector<Value>>> matches;
    STRATA_TRY(collect_matches(&env, tx, *table, upd->table, upd->where.get(), &params_, &matches));
    // SQLite updates in one pass, in its scan order, unless the rowid changes or conflicts
    // may REPLACE rows: then it collects the rowids first and visits them in ascending order.
    bool rowid_changes = false;
    for (const auto& set : sets) rowid_changes = rowid_changes || set.first == table->rowid_column;
    if (rowid_changes || action == sql::ConflictAction::kReplace) {
      std::stable_sort(matches.begin(), matches.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    TableWriter writer(db, tx, *table, &params_);
    for (auto& [rowid, old_row] : matches) {
      // A REPLACE earlier in this statement may have deleted this row.
      STRATA_ASSIGN(std::optional<std::vector<Value>> current, read_row(tx, *table, rowid));
      if (!current) continue;
      std::vector<Value> row = *current;
      std::vector<Value> frame = table_frame(*current, rowid);
      EvalContext er{frame.data(), nullptr, &params_};
      for (auto& [c, e] : sets) {
        STRATA_ASSIGN(row[c], eval(*e, er));
      }
      STRATA_ASSIGN(bool updated, writer.update(rowid, *current, std::move(row), action));
      if (updated) ++changes_;
    }
    return Status::ok();
  }

  if (const auto* del = stmt.as<sql::Delete>()) {
    STRATA_ASSIGN(const TableDef* table, find_table(db, del->table.name, stmt.pos));
    std::vector<std::pair<int64_t, std::vector<Value>>> matches;
    PlanEnv env = write_env(db, tx, &params_);
    STRATA_TRY(collect_matches(&env, tx, *table, del->table, del->where.get(), &params_, &matches));
    TableWriter writer(db, tx, *table, &params_);
    for (auto& [rowid, row] : matches) {
      STRATA_TRY(writer.remove(rowid, row));
      ++changes_;
    }
    return Status::ok();
  }

  if (const auto* ct = stmt.as<sql::CreateTable>()) {
    if (db->catalog().table(ct->name.name) != nullptr) {
      if (ct->if_not_exists) return Status::ok();
      return at(stmt.pos, Status::invalid_argument("table " + ct->name.name + " already exists"));
    }
    if (ct->as_select && !ct->temporary && !ct->without_rowid && !ct->strict) {
      return create_table_as(tx, *ct);
    }
    db->schema_changed_ = true;
    return at(stmt.pos, db->catalog_.create_table(tx, *ct, sql_));
  }

  if (const auto* dt = stmt.as<sql::DropTable>()) {
    const TableDef* table = db->catalog().table(dt->name.name);
    if (table == nullptr && db->catalog().view(dt->name.name) != nullptr) {
      return at(stmt.pos,
                Status::invalid_argument("use DROP VIEW to delete view " + dt->name.name));
    }
    if (table == nullptr) {
      if (dt->if_exists) return Status::ok();
      return at(stmt.pos, Status::not_found("no such table: " + dt->name.name));
    }
    db->schema_changed_ = true;
    // Delete every row and index entry, then the catalog entries.
    std::vector<std::string> prefixes{row_prefix(table->prefix)};
    for (const IndexDef* idx : db->catalog().indexes_of(*table)) prefixes.push_back(index_prefix(idx->prefix));
    for (const std::string& prefix : prefixes) {
      RangeScan scan(tx->cursor(), prefix, KeyRange::all(), Direction::kForward);
      STRATA_TRY(scan.start());
      while (scan.valid()) {
        std::string key = prefix + std::string(scan.key());
        STRATA_TRY(tx->del(key).status_or_ok());
        STRATA_TRY(scan.next());
      }
    }
    return db->catalog_.drop_table(tx, table->name);
  }

  if (const auto* ci = stmt.as<sql::CreateIndex>()) {
    if (db->catalog().index(ci->name.name) != nullptr) {
      if (ci->if_not_exists) return Status::ok();
      return at(stmt.pos, Status::invalid_argument("index " + ci->name.name + " already exists"));
    }
    db->schema_changed_ = true;
    const IndexDef* idx = nullptr;
    STRATA_TRY(at(stmt.pos, db->catalog_.create_index(tx, *ci, sql_, &idx)));
    // Back-fill in the same transaction: every entry is built during one scan of the table,
    // then the entries are inserted in key order, so that each lands at the right edge of
    // the leaf the previous one filled (the append split keeps leaves full) and touches the
    // same root-to-leaf path as the last: fewer, fuller pages than inserting in rowid
    // order, and only the entries, not the rows, are held in memory.
    const TableDef* table = db->catalog().table(idx->table);
    STRATA_ASSIGN(std::vector<IndexBuildEntry> entries, build_index_entries(db, tx, *table, *idx, &params_));
    std::sort(entries.begin(), entries.end(),
              [](const IndexBuildEntry& a, const IndexBuildEntry& b) { return a.key < b.key; });
    std::vector<Value> row(idx->unique ? table->columns.size() : 0);
    for (const IndexBuildEntry& entry : entries) {
      if (idx->unique) {
        // Uniqueness is checked against the entries inserted so far, as row-by-row did.
        for (size_t i = 0; i < idx->columns.size(); ++i) row[idx->columns[i]] = entry.values[i];
        STRATA_ASSIGN(std::vector<int64_t> conflicts, unique_conflicts(tx, *idx, row, entry.rowid));
        if (!conflicts.empty()) {
          return Status::constraint("UNIQUE constraint failed: " + columns_text(*table, idx->columns));
        }
      }
      STRATA_TRY(tx->put(entry.key, ""));
    }
    return Status::ok();
  }

  if (const auto* di = stmt.as<sql::DropIndex>()) {
    const IndexDef* idx = db->catalog().index(di->name.name);
    if (idx == nullptr) {
      if (di->if_exists) return Status::ok();
      return at(stmt.pos, Status::not_found("no such index: " + di->name.name));
    }
    if (idx->automatic) {
      return at(stmt.pos, Status::invalid_argument(
                              "index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped"));
    }
    db->schema_changed_ = true;
    std::string prefix = index_prefix(idx->prefix);
    RangeScan scan(tx->cursor(), prefix, KeyRange::all(), Direction::kForward);
    STRATA_TRY(scan.start());
    while (scan.valid()) {
      STRATA_TRY(tx->del(prefix + std::string(scan.key())).status_or_ok());
      STRATA_TRY(scan.next());
    }
    return db->catalog_.drop_index(tx, idx->name);
  }

  if (const auto* cv = stmt.as<sql::CreateView>()) {
    if (db->catalog().view(cv->name.name) != nullptr) {
      if (cv->if_not_exists) return Status::ok();
      return at(stmt.pos, Status::invalid_argument("view " + cv->name.name + " already exists"));
    }
    if (cv->temporary && db->explicit_tx_) {
      return at(stmt.pos, Status::unsupported("CREATE TEMP VIEW inside a transaction"));
    }
    if (!cv->temporary) db->schema_changed_ = true;
    return at(stmt.pos, db->catalog_.create_view(tx, *cv, sql_));
  }

  if (const auto* dv = stmt.as<sql::DropView>()) {
    const ViewDef* view = db->catalog().view(dv->name.name);
    if (view == nullptr) {
      if (db->catalog().table(dv->name.name) != nullptr) {
        return at(stmt.pos,
                  Status::invalid_argument("use DROP TABLE to delete table " + dv->name.name));
      }
      if (dv->if_exists) return Status::ok();
      return at(stmt.pos, Status::not_found("no such view: " + dv->name.name));
    }
    if (view->temporary && db->explicit_tx_) {
      return at(stmt.pos,
                Status::unsupported("DROP VIEW of a temporary view inside a transaction"));
    }
    if (!view->temporary) db->schema_changed_ = true;
    return db->catalog_.drop_view(tx, view->name);
  }

  if (const auto* an = stmt.as<sql::Analyze>()) {
    std::vector<const TableDef*> tables;
    const std::string& target = an->target.name;
    if (target.empty() || (an->target.schema.empty() && lower(target) == "main")) {
      tables = db->catalog().tables();
    } else if (!an->target.schema.empty() && lower(an->target.schema) != "main") {
      return at(stmt.pos, Status::not_found("no such table: " + an->target.schema + "." + target));
    } else if (const TableDef* t = db->catalog().table(target)) {
      tables.push_back(t);
    } else if (const IndexDef* idx = db->catalog().index(target)) {
      tables.push_back(db->catalog().table(idx->table));
    } else {
      return at(stmt.pos, Status::not_found("no such table: " + target));
    }
    db->schema_changed_ = true;
    for (const TableDef* t : tables) {
      STRATA_ASSIGN(TableStats stats, analyze_table(db, tx, *t));
      STRATA_TRY(db->catalog_.set_stats(tx, t->name, stats));
    }
    return Status::ok();
  }

  return at(stmt.pos, Status::unsupported(std::string(sql::statement_name(stmt))));
}

}  // namespace strata::query
