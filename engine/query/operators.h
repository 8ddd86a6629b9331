// Operators: the executor's iterator tree.
//
// Two kinds of operator, pulled one row at a time:
//   FrameOp  works on one query level's frame (Level): scans, joins, filters and the
//            aggregate write the slots of the FROM items (and of the aggregates) and
//            say whether a row is there. Joins therefore never copy rows: the inner
//            side of a nested loop writes its own slots next to the outer side's.
//   RowOp    produces result rows (vectors of values): the projection of a level, then
//            DISTINCT, ORDER BY, LIMIT, compound operators and VALUES.
// open() (re)starts an operator; the inner side of a nested-loop join is opened once per
// outer row, and counts its loops. Every operator counts what it did, so EXPLAIN ANALYZE
// reports measured rows per operator; scans count the tree pages their own cursors
// visit, which makes the numbers deterministic.
//
// A QueryPlan is a planned SELECT; SubqueryRunner adapts one to the SubqueryEval
// interface of expressions (an uncorrelated subquery runs once per statement).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/query/binder.h"
#include "engine/query/expr.h"
#include "engine/query/plan.h"
#include "engine/store.h"

namespace strata::query {

using Row = std::vector<Value>;

// Orders rows by Value::compare, column by column (SQLite's DISTINCT/UNION equality).
struct RowLess {
  bool operator()(const Row& a, const Row& b) const {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      int c = Value::compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

// A hash consistent with Value::compare equality (1 and 1.0 hash alike).
size_t hash_value(const Value& v);

// Lines of EXPLAIN output.
class Explainer {
 public:
  explicit Explainer(bool analyze) : analyze_(analyze) {}
  void line(int depth, const std::string& text, const std::string& counters = "");
  // The plans of the subqueries in e, each under a "Subquery" line.
  void subqueries(int depth, const BoundExpr& e);
  bool analyze() const { return analyze_; }
  std::vector<std::string> take() { return std::move(lines_); }

 private:
  bool analyze_;
  std::vector<std::string> lines_;
};

// Time travel: the snapshots of retained generations a statement reads (FROM t AS OF
// GENERATION g), each with the catalog it had. Opened while the statement is planned, so
// the plan and its rows come from one snapshot; ended when the statement's run ends.
class PastSnapshots {
 public:
  explicit PastSnapshots(Store* store) : store_(store) {}
  // Opens generation g's snapshot unless already open.
  Result<Tx*> tx(uint64_t generation);
  Result<const Catalog*> catalog(uint64_t generation);

 private:
  struct Entry {
    std::unique_ptr<ReadTx> tx;
    std::unique_ptr<Catalog> catalog;
  };
  Result<Entry*> entry(uint64_t generation);
  Store* store_;
  std::map<uint64_t, Entry> entries_;
};

// One query level's frame and what its expressions evaluate against.
struct Level {
  explicit Level(int slots) : frame(static_cast<size_t>(slots)) {}
  std::vector<Value> frame;
  EvalContext ctx;  // ctx.slots = frame.data() once opened
  Tx* tx = nullptr;
  std::shared_ptr<PastSnapshots> past;  // tables AS OF GENERATION read here
  uint64_t opens = 0;  // top-level opens (ProjectOp::open): each may bring another tx
};

// What opening a plan needs from outside.
struct RunEnv {
  Tx* tx = nullptr;
  const std::vector<Value>* parameters = nullptr;
  const EvalContext* outer = nullptr;  // the enclosing query's row, for a subquery
  std::shared_ptr<PastSnapshots> past;  // set by the planner when a table is read AS OF
};

class FrameOp {
 public:
  explicit FrameOp(Level* level) : level_(level) {}
  virtual ~FrameOp() = default;
  virtual Status open() = 0;
  virtual Result<bool> next() = 0;
  virtual void explain(Explainer* out, int depth) const = 0;
  // Sets the slots this operator writes to NULL (the missing side of a LEFT JOIN).
  virtual void null_row() = 0;

 protected:
  Level* level_;
};

class RowOp {
 public:
  virtual ~RowOp() = default;
  virtual Status open(const RunEnv& env) = 0;
  virtual Result<bool> next(Row* row) = 0;
  virtual void explain(Explainer* out, int depth) const = 0;
};

// ---------------------------------------------------------------- FrameOps

// No FROM: one empty row.
class OneRowOp : public FrameOp {
 public:
  using FrameOp::FrameOp;
  Status open() override {
    done_ = false;
    return Status::ok();
  }
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override {}

 private:
  bool done_ = false;
};

// One table through an access path; writes the item's columns and rowid.
class TableScanOp : public FrameOp {
 public:
  TableScanOp(Level* level, const ScopeItem& item, AccessPath path, bool inner);
  Status open() override;
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override;
  const AccessPath& path() const { return path_; }

 private:
  AccessPath path_;
  std::optional<uint64_t> as_of_;  // read this retained generation, not the level's tx
  int base_, rowid_slot_, columns_;
  std::vector<bool> needed_;
  bool inner_;  // the inner side of a nested loop: report loops
  ScanCounters counters_;
  std::unique_ptr<RowSource> source_;
  uint64_t source_opens_ = 0;  // the level's opens when source_ was made
  bool first_ = false;
};

class QueryPlan;

// A subquery or view in FROM: its rows, written to the item's slots. Materialized when
// it must be read more than once (the inner side of a nested loop) and runs once.
class SubqueryScanOp : public FrameOp {
 public:
  SubqueryScanOp(Level* level, const ScopeItem& item, std::shared_ptr<QueryPlan> plan,
                 bool materialize, std::string label);
  Status open() override;
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override;

 private:
  std::shared_ptr<QueryPlan> plan_;
  int base_, columns_;
  bool materialize_;
  std::string label_;
  bool materialized_ = false;
  std::vector<Row> rows_;
  size_t position_ = 0;
  bool streaming_ = false;
  uint64_t loops_ = 0, produced_ = 0;
};

class FilterOp : public FrameOp {
 public:
  FilterOp(Level* level, std::unique_ptr<FrameOp> child, BoundExprPtr predicate)
      : FrameOp(level), child_(std::move(child)), predicate_(std::move(predicate)) {}
  Status open() override { return child_->open(); }
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override { child_->null_row(); }

 private:
  std::unique_ptr<FrameOp> child_;
  BoundExprPtr predicate_;
  uint64_t in_ = 0, matched_ = 0;
};

// outer x inner: the inner side is opened for every outer row (its access path may be
// keyed by the outer row: an index nested loop). A LEFT join emits the outer row with the
// inner slots NULL when no inner row qualified.
class NestedLoopJoinOp : public FrameOp {
 public:
  NestedLoopJoinOp(Level* level, std::unique_ptr<FrameOp> outer, std::unique_ptr<FrameOp> inner,
                   bool left, std::string label)
      : FrameOp(level),
        outer_(std::move(outer)),
        inner_(std::move(inner)),
        left_(left),
        label_(std::move(label)) {}
  Status open() override;
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override {
    outer_->null_row();
    inner_->null_row();
  }

 private:
  std::unique_ptr<FrameOp> outer_, inner_;
  bool left_;
  std::string label_;
  bool need_outer_ = true, matched_ = false;
  uint64_t produced_ = 0;
};

// Equi-join: reads the build side once into a hash table keyed by its join values (each
// converted by the comparison's affinity), then looks up every outer row's key; `residual`
// is checked on each candidate. NULL keys never match.
class HashJoinOp : public FrameOp {
 public:
  struct Key {
    BoundExprPtr probe;  // over the outer items
    BoundExprPtr build;  // over the build item
    exec::Affinity affinity = exec::Affinity::kNone;
  };
  // `slots`: the build item's slots the rest of the query reads (kept in the table).
  HashJoinOp(Level* level, std::unique_ptr<FrameOp> outer, std::unique_ptr<FrameOp> build,
             std::vector<Key> keys, BoundExprPtr residual, bool left, std::vector<int> slots);
  Status open() override;
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override {
    outer_->null_row();
    build_->null_row();
  }

 private:
  static constexpr uint32_t kNone = 0xffffffff;
  // The key values of the current row (build or probe side) into key_; false if one is NULL.
  Result<bool> compute_key(bool probe);
  uint64_t hash_key() const;

  std::unique_ptr<FrameOp> outer_, build_;
  std::vector<Key> keys_;
  BoundExprPtr residual_;
  bool left_;
  std::vector<int> slots_;
  // The table, flat for locality: entry i's keys at keys_[i * keys_.size()], its slots at
  // values_[i * slots_.size()]; chains through head_ (per bucket) and next_ (per entry).
  std::vector<Value> key_values_, slot_values_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> head_, next_;
  uint32_t entries_ = 0;
  bool need_outer_ = true, matched_ = false;
  uint32_t candidate_ = kNone;
  uint64_t probe_hash_ = 0;
  Row key_;
  uint64_t built_ = 0, produced_ = 0;
};

struct AggregateSpec {
  std::vector<BoundExprPtr> group_by;
  std::vector<AggregateCall> calls;
  int item_slots = 0;  // slots [0, item_slots) are the FROM items' (restored per group)
};

// GROUP BY and aggregate functions: consumes its input when opened, then produces one
// row per group in group-key order (one row for the whole input without GROUP BY, even an
// empty one). Bare columns read the values of the row SQLite would leave in them: the
// group's first row, or, with min() or max(), the row that gave the last such
// aggregate its value.
class AggregateOp : public FrameOp {
 public:
  AggregateOp(Level* level, std::unique_ptr<FrameOp> child, AggregateSpec spec);
  ~AggregateOp() override;
  Status open() override;
  Result<bool> next() override;
  void explain(Explainer* out, int depth) const override;
  void null_row() override {}

  struct Group;

 private:
  std::unique_ptr<FrameOp> child_;
  AggregateSpec spec_;
  std::vector<std::unique_ptr<Group>> groups_;
  size_t position_ = 0;
  uint64_t in_ = 0;
};

// ---------------------------------------------------------------- RowOps

// One SELECT core: opens its level and evaluates the result columns (then the sort
// keys, if any) for every row its FrameOp tree produces.
class ProjectOp : public RowOp {
 public:
  ProjectOp(std::unique_ptr<Level> level, std::unique_ptr<FrameOp> source,
            std::vector<BoundExprPtr> outputs, std::vector<BoundExprPtr> sort_keys,
            std::vector<std::string> names);
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;
  bool counts_returned = true;  // shows returned= (false under a LIMIT, which shows it)

 private:
  std::unique_ptr<Level> level_;
  std::unique_ptr<FrameOp> source_;
  std::vector<BoundExprPtr> outputs_, sort_keys_;
  std::vector<std::string> names_;
  uint64_t returned_ = 0;
};

// Rows that compare equal to an earlier row (on the first `columns` values) are dropped.
class DistinctOp : public RowOp {
 public:
  DistinctOp(std::unique_ptr<RowOp> child, size_t columns)
      : child_(std::move(child)), columns_(columns) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  std::unique_ptr<RowOp> child_;
  size_t columns_;
  std::unique_ptr<std::set<Row, RowLess>> seen_;
};

struct SortKey {
  size_t column = 0;  // position in the row
  bool desc = false;
  bool nulls_first = true;
};

// Reads its input when first pulled, sorts it (stable) and drops the columns past `keep`.
class SortOp : public RowOp {
 public:
  SortOp(std::unique_ptr<RowOp> child, std::vector<SortKey> keys, size_t keep, std::string text)
      : child_(std::move(child)), keys_(std::move(keys)), keep_(keep), text_(std::move(text)) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  std::unique_ptr<RowOp> child_;
  std::vector<SortKey> keys_;
  size_t keep_;
  std::string text_;
  bool sorted_ = false;
  std::vector<Row> rows_;
  size_t position_ = 0;
};

class LimitOp : public RowOp {
 public:
  LimitOp(std::unique_ptr<RowOp> child, BoundExprPtr limit, BoundExprPtr offset)
      : child_(std::move(child)), limit_expr_(std::move(limit)), offset_expr_(std::move(offset)) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  std::unique_ptr<RowOp> child_;
  BoundExprPtr limit_expr_, offset_expr_;
  int64_t limit_ = -1, offset_ = 0, skipped_ = 0, produced_ = 0;
  uint64_t returned_ = 0;
};

// UNION ALL streams; UNION, INTERSECT and EXCEPT work on sets of rows (a later row equal
// to an earlier one replaces it, as in SQLite's ephemeral index) and emit them in order.
class CompoundOp : public RowOp {
 public:
  CompoundOp(sql::CompoundOp op, std::unique_ptr<RowOp> left, std::unique_ptr<RowOp> right)
      : op_(op), left_(std::move(left)), right_(std::move(right)) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  sql::CompoundOp op_;
  std::unique_ptr<RowOp> left_, right_;
  RunEnv right_env_;
  bool on_right_ = false;
  bool computed_ = false;
  std::vector<Row> rows_;
  size_t position_ = 0;
  uint64_t returned_ = 0;
};

// A compound SELECT with ORDER BY, as SQLite runs it (multiSelectOrderBy): both sides come
// sorted by `keys` (for UNION, INTERSECT and EXCEPT extended to every column) and are
// merged; a row equal to the previous output is dropped, and on a tie between the sides
// UNION keeps the right side's row, INTERSECT the left's. The output is in key order.
class MergeCompoundOp : public RowOp {
 public:
  MergeCompoundOp(sql::CompoundOp op, std::unique_ptr<RowOp> left, std::unique_ptr<RowOp> right,
                  std::vector<SortKey> keys)
      : op_(op), left_(std::move(left)), right_(std::move(right)), keys_(std::move(keys)) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  int compare(const Row& a, const Row& b) const;
  Status advance(bool left);
  // Emits `from` unless it equals the previous output (UNION, INTERSECT, EXCEPT).
  bool emit(const Row& from, Row* row);

  sql::CompoundOp op_;
  std::unique_ptr<RowOp> left_, right_;
  std::vector<SortKey> keys_;
  Row a_, b_, previous_;
  bool has_a_ = false, has_b_ = false, has_previous_ = false;
  uint64_t returned_ = 0;
};

// VALUES (..), (..): each row's expressions, evaluated when pulled.
class ValuesOp : public RowOp {
 public:
  ValuesOp(std::unique_ptr<Level> level, std::vector<std::vector<BoundExprPtr>> rows)
      : level_(std::move(level)), rows_(std::move(rows)) {}
  Status open(const RunEnv& env) override;
  Result<bool> next(Row* row) override;
  void explain(Explainer* out, int depth) const override;

 private:
  std::unique_ptr<Level> level_;
  std::vector<std::vector<BoundExprPtr>> rows_;
  size_t position_ = 0;
};

// ---------------------------------------------------------------- plans

// A planned SELECT: its operator tree and what its result looks like.
class QueryPlan {
 public:
  std::unique_ptr<RowOp> root;
  std::vector<std::string> names;
  std::vector<exec::OperandAffinity> affinities;  // per result column
  bool correlated = false;                        // reads an enclosing query's row
  std::vector<std::string> notes;                 // header lines for EXPLAIN (join order)

  Status open(const RunEnv& env) { return root->open(env); }
  Result<bool> next(Row* row) { return root->next(row); }
  std::vector<std::string> explain(bool analyze) const;
};

// Runs a subquery for expressions: once per statement when uncorrelated (the result is
// kept), once per evaluation otherwise.
class SubqueryRunner : public SubqueryEval {
 public:
  SubqueryRunner(std::shared_ptr<QueryPlan> plan, std::shared_ptr<RunEnv> env)
      : plan_(std::move(plan)), env_(std::move(env)) {}
  Result<Value> scalar(const EvalContext& ctx) override;
  Result<bool> exists(const EvalContext& ctx) override;
  Result<Value> contains(const Value& x, exec::Affinity comparison,
                         const EvalContext& ctx) override;
  const QueryPlan& plan() const { return *plan_; }
  uint64_t runs() const { return runs_; }

 private:
  Status run(const EvalContext& ctx, size_t max_rows);

  uint64_t runs_ = 0;
  std::shared_ptr<QueryPlan> plan_;
  std::shared_ptr<RunEnv> env_;  // the statement's transaction and parameters
  bool cached_ = false;
  std::vector<Row> rows_;
  bool complete_ = false;  // rows_ holds every row (not just the first)
  // IN: the rows' values converted by the comparison affinity, sorted; and whether a NULL
  // was among them.
  bool in_ready_ = false;
  exec::Affinity in_affinity_ = exec::Affinity::kNone;
  std::vector<Value> in_values_;
  bool in_has_null_ = false;
};

}  // namespace strata::query
