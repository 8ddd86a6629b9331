// Database: Strata's public SQL API.
//
//   auto db = Database::open(&vfs, "app.strata");
//   db->execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
//   auto stmt = db->prepare("SELECT b FROM t WHERE a = ?");
//   stmt->bind(1, Value::integer(7));
//   while (*stmt->step()) use(stmt->column(0));
//
// Outside BEGIN each statement is its own transaction (autocommit). Inside
// BEGIN ... COMMIT all statements share one transaction, as in SQLite's WAL mode:
// BEGIN [DEFERRED] takes its snapshot at the first read and the write lock at the
// first write (kBusy "database is locked" if another handle committed since the
// snapshot: the transaction then stays a read transaction); BEGIN IMMEDIATE and
// BEGIN EXCLUSIVE take the write lock at once. Another handle's write lock makes
// a write wait up to PRAGMA busy_timeout milliseconds, then fail with kBusy
// ("database is locked"). Readers never wait. A statement

// that fails is undone on its own (its writes are reverted from an undo log)
// and the transaction goes on, as in SQLite. SELECT results stream: rows are
// produced as step() pulls them through the plan's operators (operators.h), except
// where an operator needs its input first (a sort, aggregation, a hash join's build
// side, UNION/INTERSECT/EXCEPT).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/query/catalog.h"
#include "engine/query/plan.h"
#include "engine/sql/parser.h"
#include "engine/store.h"
#include "vfs/vfs.h"

namespace strata::query {

class Database;
class QueryPlan;  // operators.h
struct RunEnv;    // operators.h

class Statement {
 public:
  ~Statement();
  // 1-based, as in SQLite. Unbound parameters are NULL.
  Status bind(int index, Value value);
  Status bind(std::string_view name, Value value);  // ":a", "@a", "$a", "?3"
  int parameter_count() const { return static_cast<int>(param_names_.size()); }
  // True when a row is ready; false when the statement is done.
  Result<bool> step();
  Status reset();  // back to the start; bindings stay

  int column_count() const { return static_cast<int>(names_.size()); }
  const std::string& column_name(int i) const { return names_[i]; }
  // REQUIRES: the last step() returned true.
  const Value& column(int i) const { return row_[i]; }
  const std::vector<Value>& row() const { return row_; }
  // Rows inserted, updated or deleted by the last run.
  int64_t changes() const { return changes_; }
  const sql::Stmt& ast() const { return *stmt_; }
  const std::string& sql() const { return sql_; }

 public:
  struct Run;  // the state of one execution (defined in database.cc)

 private:
  friend class Database;
  Status execute_write(WriteTx* tx);
  Status create_table_as(WriteTx* tx, const sql::CreateTable& stmt);
  Statement(Database* db, sql::StmtPtr stmt, std::string sql, std::vector<std::string> params);
  Status start();

  Database* db_;
  sql::StmtPtr stmt_;
  std::string sql_;
  std::vector<std::string> param_names_;
  std::vector<Value> params_;
  std::vector<std::string> names_;
  std::vector<Value> row_;
  int64_t changes_ = 0;
  std::unique_ptr<Run> run_;
  bool done_ = false;
  // A SELECT's plan, kept for the next execution while db_->plan_epoch_ stays
  // cached_epoch_ (only plans without subqueries, see PlanEnv::reusable).
  std::shared_ptr<QueryPlan> cached_plan_;
  std::shared_ptr<RunEnv> cached_env_;
  uint64_t cached_epoch_ = 0;
};

struct DatabaseOptions {
  StoreOptions store;
};

class Database {
 public:
  // REQUIRES: vfs outlives the database.
  static Result<std::unique_ptr<Database>> open(vfs::Vfs* vfs, const std::string& path,
                                                const DatabaseOptions& options = {});
  ~Database();

  // Prepares the first statement of sql (the rest, if any, is ignored; see execute()).
  Result<std::unique_ptr<Statement>> prepare(std::string_view sql);

  using RowCallback = std::function<void(const Statement&)>;
  // Runs every statement of a script; calls on_row for each result row.
  // Stops at the first error, which carries line:column.
  Status execute(std::string_view sql, const RowCallback& on_row = nullptr);

  bool in_transaction() const { return explicit_tx_; }
  // The generation the open transaction reads (its snapshot, or a write transaction's base);
  // none outside a transaction and before a deferred transaction's first read.
  std::optional<uint64_t> snapshot_generation() const;
  Store* store() { return store_.get(); }
  const Catalog& catalog() const { return catalog_; }
  int64_t total_changes() const { return total_changes_; }

 private:
  friend class Statement;
  Database() = default;

  // The transaction a statement runs in (opening one in autocommit mode).
  Result<WriteTx*> write_tx();
  // The transaction a SELECT reads in: the open write transaction, the explicit
  // transaction's snapshot (taken now if this is its first read), or a new snapshot
  // owned by *holder (autocommit).
  Result<Tx*> read_view(std::unique_ptr<ReadTx>* holder);
  // Reloads the catalog if `tx` sees another generation than the one it was loaded from
  // (another handle committed since).
  Status sync_catalog(Tx* tx);
  Status run_pragma(const sql::Pragma& pragma, Statement* stmt);
  Status finish_statement(bool ok);  // commits or rolls back an autocommit write
  Status reload_catalog();

  vfs::Vfs* vfs_ = nullptr;
  std::unique_ptr<Store> store_;
  Catalog catalog_;
  std::unique_ptr<WriteTx> tx_;  // the open write transaction, if any
  std::unique_ptr<ReadTx> read_tx_;  // a deferred explicit transaction's snapshot, until it writes
  uint64_t catalog_generation_ = 0;  // the generation catalog_ was loaded from
  bool explicit_tx_ = false;
  bool schema_changed_ = false;
  int64_t total_changes_ = 0;
  // Moves on whenever the catalog may have changed (DDL, ANALYZE, transaction control, a
  // reload): a prepared SELECT re-plans when its plan is from an older epoch.
  uint64_t plan_epoch_ = 0;
};

}  // namespace strata::query
