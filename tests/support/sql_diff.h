// SqlDiff: one Strata database (on a MemVfs) and one SQLite database side by side; every
// statement runs on both and the outcomes are compared (sqlite_oracle.h says how).
//
//   SqlDiff d;
//   std::string m = d.diff("SELECT a FROM t WHERE a > 2.5 ORDER BY a");
//   EXPECT_EQ(m, "") << ...;   // m names the statement and shows both results
//
// The comparison mode comes from Strata's parse of the statement: a SELECT with ORDER BY is
// compared as an ordered list (the caller promises the ORDER BY covers every output column;
// pass Order::kMultiset otherwise), any other result as a multiset. When the comparison had
// to allow SQLite's freedom of choice (DISTINCT keeping 1 or 1.0, a LIMIT cutting a group of
// tied rows), every row Strata returned must also be, value for value, a row of the same
// query without DISTINCT, ORDER BY, LIMIT and OFFSET as SQLite runs it.
#pragma once

#include <algorithm>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "engine/codec/key_codec.h"
#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "engine/query/plan.h"
#include "engine/range_scan.h"
#include "engine/sql/printer.h"
#include "tests/support/sqlite_oracle.h"
#include "vfs/mem_vfs.h"

namespace strata::test {

// Runs the first statement of sql on a Strata database, in the shape SqliteOracle returns,
// with params bound to ?1, ?2, ...
inline SqlOutcome run_strata(query::Database* db, std::string_view sql,
                             std::span<const Value> params = {}, const sql::Stmt** ast = nullptr,
                             std::unique_ptr<query::Statement>* keep = nullptr) {
  SqlOutcome out;
  int64_t changes_before = db->total_changes();
  auto fail = [&](const Status& s) {
    out.ok = false;
    out.error = s.to_string();
    out.unsupported = s.is(StatusCode::kUnsupported);
    out.rows.clear();
    return out;
  };
  Result<std::unique_ptr<query::Statement>> prepared = db->prepare(sql);
  if (!prepared.ok()) return fail(prepared.status());
  std::unique_ptr<query::Statement> stmt = std::move(prepared).value();
  if (ast != nullptr) *ast = &stmt->ast();
  for (size_t i = 0; i < params.size(); ++i) {
    Status bound = stmt->bind(static_cast<int>(i) + 1, params[i]);
    if (!bound.is_ok()) {
      if (keep != nullptr) *keep = std::move(stmt);
      return fail(bound);
    }
  }
  while (true) {
    Result<bool> has_row = stmt->step();
    if (!has_row.ok()) {
      if (keep != nullptr) *keep = std::move(stmt);
      return fail(has_row.status());
    }
    if (!*has_row) break;
    out.rows.push_back(stmt->row());
  }
  out.columns = stmt->column_count();
  out.changes = db->total_changes() - changes_before;
  if (keep != nullptr) *keep = std::move(stmt);
  return out;
}

// Every index of every table holds exactly one entry per row, made of the row's values and
// rowid, and the rest of the SQL layer's invariants (query::check_database does the work).
// Empty when they hold, else the report. Reads the last committed state.
inline std::string check_indexes(query::Database* db) {
  Result<CheckReport> report = query::check_database(db);
  if (!report.ok()) return "check_database: " + report.status().to_string();
  return report->ok() ? "" : report->to_string();
}

class SqlDiff {
 public:
  enum class Order { kAuto, kMultiset };

  SqlDiff() { open(); }

  // Closes the Strata database and opens it again from its file (SQLite's in-memory
  // database stays): what was committed must all be there. Empty on success.
  // REQUIRES: no transaction is open.
  std::string reopen() {
    db_.reset();
    open();
    return db_ ? "" : "strata database did not reopen: " + open_error_;
  }

  // Empty when Strata agrees with SQLite on sql; else a report naming the statement and
  // showing both results.
  std::string diff(std::string_view sql, Order order = Order::kAuto,
                   std::span<const Value> params = {}) {
    if (!db_) return "strata database did not open: " + open_error_;
    ++statements_;
    const sql::Stmt* ast = nullptr;
    std::unique_ptr<query::Statement> keep;
    SqlOutcome expected = sqlite_.run(sql, params);
    SqlOutcome actual = run_strata(db_.get(), sql, params, &ast, &keep);
    if (actual.ok) ++succeeded_;
    if (actual.ok && !actual.rows.empty()) ++returned_rows_;
    CompareOptions options;
    const sql::Select* select = ast != nullptr ? ast->as<sql::Select>() : nullptr;
    if (select != nullptr) {
      options.ordered = !select->order_by.empty() && order == Order::kAuto;
      options.distinct = !select->cores.empty() && select->cores[0].distinct;
      options.limited = static_cast<bool>(select->limit);
    }
    std::string mismatch = compare_outcomes(expected, actual, options);
    if (mismatch.empty() && expected.ok && select != nullptr &&
        (options.distinct || options.limited) && select->cores.size() == 1) {
      mismatch = check_rows_exist(*select, actual, params);
    }
    if (mismatch.empty()) return "";
    std::string bound;
    for (size_t i = 0; i < params.size(); ++i) {
      bound += (i ? ", " : "\n  parameters: ") + describe_value(params[i]);
    }
    return "statement: " + std::string(sql) + bound + "\n  mismatch: " + mismatch +
           "\n  sqlite: " + describe_outcome(expected) + "\n  strata: " + describe_outcome(actual);
  }

  query::Database* db() { return db_.get(); }
  SqliteOracle& sqlite() { return sqlite_; }
  int64_t statements() const { return statements_; }
  int64_t succeeded() const { return succeeded_; }          // statements Strata ran without error
  int64_t returned_rows() const { return returned_rows_; }  // ... that returned a row or more

 private:
  void open() {
    Result<std::unique_ptr<query::Database>> db = query::Database::open(&vfs_, "/diff.db");
    if (!db.ok()) {
      open_error_ = db.status().to_string();
    } else {
      db_ = std::move(db).value();
    }
  }

  // Every row of `actual` is a row of the query without DISTINCT, ORDER BY and LIMIT.
  std::string check_rows_exist(const sql::Select& select, const SqlOutcome& actual,
                               std::span<const Value> params) {
    sql::Select all = select;
    all.cores[0].distinct = false;
    all.order_by.clear();
    all.limit = nullptr;
    all.offset = nullptr;
    std::string text = sql::to_sql(all);
    // Removing LIMIT may remove parameters: bind only those the query still has.
    Result<std::unique_ptr<query::Statement>> parsed = db_->prepare(text);
    size_t count = parsed.ok() ? static_cast<size_t>((*parsed)->parameter_count()) : 0;
    SqlOutcome candidates = sqlite_.run(text, params.first(std::min(count, params.size())));
    if (!candidates.ok) return "sqlite fails on the unrestricted query " + text;
    for (const Row& row : actual.rows) {
      bool found = false;
      for (const Row& c : candidates.rows) {
        found = c.size() == row.size();
        for (size_t i = 0; found && i < row.size(); ++i) found = same_value(c[i], row[i]);
        if (found) break;
      }
      if (!found) return "strata row " + describe_row(row) + " is no row of " + text;
    }
    return "";
  }

  vfs::MemVfs vfs_;
  std::unique_ptr<query::Database> db_;
  std::string open_error_;
  SqliteOracle sqlite_;
  int64_t statements_ = 0;
  int64_t succeeded_ = 0;
  int64_t returned_rows_ = 0;
};

}  // namespace strata::test
