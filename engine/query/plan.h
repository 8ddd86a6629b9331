// Access paths: how one scan of one table reaches its rows.
//
// Given the conjuncts of a query level that may restrict a table (each bound over the
// level's scope), plan_access picks a rowid point lookup, a rowid range, a
// secondary-index equality on a column prefix (plus a range on the next column), an
// index range, or a full scan. A conjunct qualifies when one side is a column (or the
// rowid) of the table and the other side reads only constants, parameters, enclosing
// queries and the FROM items already in the frame (`available`): the inner side of an
// index nested-loop join is an access path keyed by the outer rows. Conjuncts the path
// answers exactly are reported; the caller evaluates the rest. An index or rowid order
// that matches ORDER BY makes a sort unnecessary.
//
// RowSource runs an access path; its page counts come from its own cursors, so EXPLAIN
// ANALYZE numbers are deterministic.
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

enum class AccessKind { kFullScan, kRowidEq, kRowidRange, kIndexEq, kIndexRange };

struct ScanBound {
  BoundExprPtr expr;
  bool inclusive = true;
  exec::Affinity affinity = exec::Affinity::kNone;  // the comparison's conversion of the value
};

struct AccessPath {
  AccessKind kind = AccessKind::kFullScan;
  const TableDef* table = nullptr;
  const IndexDef* index = nullptr;
  std::vector<BoundExprPtr> eq;  // rowid (1) or the index's leading columns
  std::vector<exec::Affinity> eq_affinity;
  std::optional<ScanBound> lower, upper;  // rowid, or the index column after the eq prefix
  bool reverse = false;
  std::string describe() const;
};

struct OrderKey {
  BoundExprPtr expr;
  bool desc = false;
  bool nulls_first = true;  // SQLite: NULLs first ascending, last descending
};

// What the planner knows of a table's size (ANALYZE's counts, or defaults).
struct TableEstimate {
  double rows = 0;
  const TableStats* stats = nullptr;  // null before ANALYZE
  // Estimated rows per distinct value of an index's first k columns (k >= 1).
  double rows_per_key(const IndexDef& index, size_t k) const;
};
TableEstimate estimate_table(const Catalog& catalog, const TableDef& table);
// SQLite's default before ANALYZE: a million rows, ten rows per index key.
inline constexpr double kDefaultTableRows = 1'000'000;

struct AccessRequest {
  const TableDef* table = nullptr;
  int item = 0;  // the table's FROM item in the level
  const Catalog* catalog = nullptr;
  std::vector<const BoundExpr*> conjuncts;          // candidates (others are left to the caller)
  uint64_t available = 0;                           // FROM items in the frame when the scan starts
  const std::vector<OrderKey>* order_by = nullptr;  // may be null
  sql::IndexHint hint = sql::IndexHint::kNone;
  const IndexDef* forced_index = nullptr;  // INDEXED BY
};

struct AccessChoice {
  AccessPath path;
  std::vector<bool> answered;  // per conjunct of the request
  bool order_served = false;
  double rows = 0;  // estimated rows one scan reads
  double cost = 0;  // estimated cost of one scan (rows and seeks)
};

Status plan_access(const AccessRequest& request, AccessChoice* choice);

// Counters for EXPLAIN ANALYZE.
struct ScanCounters {
  uint64_t loops = 0;    // scans started
  uint64_t scanned = 0;  // rows read from storage
  uint64_t pages = 0;    // tree pages visited
};

// Iterates the rows an access path selects.
class RowSource {
 public:
  RowSource(Tx* tx, const AccessPath* access, ScanCounters* counters)
      : tx_(tx), access_(access), counters_(counters), fetch_(tx->cursor()) {}
  // Decode only these columns (others read as NULL); null: all.
  void set_needed(const std::vector<bool>* needed) { needed_ = needed; }
  // Evaluates the path's keys in ctx and positions on the first row.
  Status start(const EvalContext& ctx);
  Status next();
  bool valid() const { return valid_; }
  int64_t rowid() const { return rowid_; }
  std::vector<Value>& columns() { return columns_; }

 private:
  Status settle();  // loads the row at the cursor or finishes
  Status load_row(std::string_view row_value);
  Status fetch_by_rowid(int64_t rowid, bool* found);
  void count_pages();

  Tx* tx_;
  const AccessPath* access_;
  ScanCounters* counters_;
  const std::vector<bool>* needed_ = nullptr;
  std::unique_ptr<RangeScan> scan_;
  uint64_t scan_pages_counted_ = 0;
  Cursor fetch_;  // row lookups of index paths
  uint64_t fetch_pages_counted_ = 0;
  std::vector<Value> eq_values_;
  std::string eq_last_;     // index paths: the eq values in their highest encodings
  bool eq_one_run_ = true;  // each eq value has one encoding (no 3 vs 3.0)
  std::optional<Value> lower_, upper_;
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

// Whether an index ordered by a column of affinity `column` answers a comparison made
// under `comparison` affinity (the conversion leaves the column's stored values alone).
bool index_can_answer(exec::Affinity column, exec::Affinity comparison);
// The value as a comparison under `comparison` affinity sees it.
Value convert_for_comparison(const Value& v, exec::Affinity comparison);

}  // namespace strata::query
