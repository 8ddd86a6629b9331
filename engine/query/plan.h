// Plans: how one single-table statement reaches its rows, and what it does with them.
//
// The planner splits WHERE into AND-ed conjuncts and picks an access path:
// rowid point lookup, rowid range, secondary-index equality on a column prefix
// (plus a range on the next column), index range, or a full scan. Conjuncts
// the access path answers exactly are removed; the rest form the residual
// filter, the only thing evaluated per row. An index or rowid order that
// matches ORDER BY makes the sort unnecessary. Every operator counts what it
// did, so EXPLAIN ANALYZE reports measured numbers, not estimates.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/query/catalog.h"
#include "engine/query/expr.h"
#include "engine/range_scan.h"
#include "engine/store.h"

namespace strata::query {

enum class AccessKind { kNone, kFullScan, kRowidEq, kRowidRange, kIndexEq, kIndexRange };

struct ScanBound {
  BoundExprPtr expr;
  bool inclusive = true;
};

struct AccessPath {
  AccessKind kind = AccessKind::kNone;  // kNone: no table (FROM-less SELECT)
  const TableDef* table = nullptr;
  const IndexDef* index = nullptr;
  std::vector<BoundExprPtr> eq;  // rowid (1) or the index's leading columns
  std::optional<ScanBound> lower, upper;  // rowid, or the index column after the eq prefix
  bool reverse = false;
  std::string describe() const;
};

struct OrderKey {
  BoundExprPtr expr;
  bool desc = false;
  bool nulls_first = true;  // SQLite: NULLs first ascending, last descending
};

// Counters for EXPLAIN ANALYZE.
struct OpStats {
  uint64_t scanned = 0;   // rows read from storage
  uint64_t matched = 0;   // rows that passed the residual filter
  uint64_t returned = 0;  // rows produced by the statement
  uint64_t sorted = 0;
  uint64_t pages = 0;     // page accesses (cache hits included)
};

struct SelectPlan {
  AccessPath access;
  BoundExprPtr residual;  // may be null
  std::vector<BoundExprPtr> outputs;
  std::vector<std::string> names;
  bool distinct = false;
  std::vector<OrderKey> order_by;
  bool sort_needed = false;
  BoundExprPtr limit, offset;
  int parameters = 0;
  OpStats stats;
  // The plan tree, one operator per line, indented. With analyze, each line
  // carries its counters.
  std::vector<std::string> explain(bool analyze) const;
};

// Splits a predicate into its AND-ed conjuncts.
void split_conjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out);

// Chooses the access path for `where` over `table`, binding with `binder`;
// conjuncts not answered by the path are AND-ed into *residual. `order_by`
// (may be empty) lets an index or rowid order stand in for a sort; *order_served
// says whether it did.
Status plan_access(const TableDef* table, const Catalog& catalog, Binder* binder,
                   const sql::Expr* where, const std::vector<OrderKey>* order_by,
                   AccessPath* access, BoundExprPtr* residual, bool* order_served);

// Iterates the rows an access path selects (before the residual filter).
class RowSource {
 public:
  RowSource(Tx* tx, const AccessPath* access, const std::vector<Value>* parameters, OpStats* stats)
      : tx_(tx), access_(access), parameters_(parameters), stats_(stats) {}
  Status start();
  Status next();
  bool valid() const { return valid_; }
  int64_t rowid() const { return rowid_; }
  const std::vector<Value>& columns() const { return columns_; }

 private:
  Status settle();      // loads the row at the cursor or finishes
  Status load_row(std::string_view row_key_suffix, std::string_view row_value);
  Status fetch_by_rowid(int64_t rowid, bool* found);

  Tx* tx_;
  const AccessPath* access_;
  const std::vector<Value>* parameters_;
  OpStats* stats_;
  std::unique_ptr<RangeScan> scan_;
  std::vector<Value> eq_values_;
  std::string eq_last_;     // index paths: the eq values in their highest encodings
  bool eq_one_run_ = true;  // each eq value has one encoding (no 3 vs 3.0)
  std::optional<Value> lower_, upper_;
  bool empty_ = false;
  bool valid_ = false;
  int64_t rowid_ = 0;
  std::vector<Value> columns_;
};

// Reads a row by rowid from the table; nullopt if absent.
Result<std::optional<std::vector<Value>>> read_row(Tx* tx, const TableDef& table, int64_t rowid);
// Decodes a stored row into one value per column (the rowid column filled in).
Result<std::vector<Value>> decode_table_row(const TableDef& table, std::string_view bytes,
                                            int64_t rowid);
std::string row_key(const TableDef& table, int64_t rowid);

}  // namespace strata::query
