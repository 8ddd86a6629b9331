// Bound expressions: AST expressions with names resolved, ready to evaluate.
//
// A query level (one SELECT core) evaluates its expressions against a frame: a flat
// array of slots that holds, for each FROM item, its columns (and, for a table, its
// rowid in the slot after them), then the results of the level's aggregates. The
// operators of the level write the slots; a bound column reference reads one slot,
// `depth` levels out (0: this level; 1: the query this one is a subquery of; ...).
// Subqueries are evaluated through the SubqueryEval interface the executor implements.
//
// eval() implements SQLite's semantics through engine/exec (three-valued logic,
// affinity in comparisons, integer overflow to REAL, division by zero to NULL, ...).
// Binding (names to slots) is binder.h's job.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/sql/ast.h"
#include "engine/value.h"
#include "vfs/status.h"

namespace strata::query {

enum class BoundKind {
  kConstant,
  kColumn,     // a slot of a frame: a column, a rowid or an aggregate's result
  kParameter,  // bind parameter, 1-based index
  kUnary,
  kBinary,
  kLike,
  kBetween,
  kInList,
  kIsNull,
  kCase,
  kCast,
  kFunction,
  kSubquery,  // scalar subquery, EXISTS or IN (SELECT ...) / IN table (sub_kind)
};

// kColumn's `column` for a rowid (also an INTEGER PRIMARY KEY column).
inline constexpr int kRowidColumn = -2;

enum class SubqueryKind { kScalar, kExists, kIn };

// The values an expression is evaluated against: this level's frame, the frames of the
// queries it is nested in, and the bound parameters.
struct EvalContext {
  const Value* slots = nullptr;
  const EvalContext* outer = nullptr;
  const std::vector<Value>* parameters = nullptr;
};

// A subquery as an expression sees it (implemented by the executor, operators.h).
class SubqueryEval {
 public:
  virtual ~SubqueryEval() = default;
  // The first column of the first row, NULL when there is none.
  virtual Result<Value> scalar(const EvalContext& ctx) = 0;
  virtual Result<bool> exists(const EvalContext& ctx) = 0;
  // x IN (subquery) by SQLite's rules: 1 if some row equals x (compared under
  // `comparison` affinity), else NULL if x is NULL or some row is NULL, else 0. An empty
  // subquery gives 0 even for a NULL x.
  virtual Result<Value> contains(const Value& x, exec::Affinity comparison,
                                 const EvalContext& ctx) = 0;
};

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  Value constant;   // kConstant
  int index = -1;   // kColumn: slot; kParameter: parameter number
  int depth = 0;    // kColumn: frames outward (0: this level)
  int item = -1;    // kColumn: the FROM item of its level (-1: an aggregate's result)
  int column = -1;  // kColumn: column of the item, kRowidColumn for the rowid
  exec::Affinity affinity = exec::Affinity::kNone;  // what comparisons see
  // A column reference or CAST: `affinity` is declared, and kNone means BLOB affinity, which
  // (unlike no affinity) keeps a TEXT column's comparison from converting this operand.
  bool has_affinity = false;
  sql::UnaryOp unary_op = sql::UnaryOp::kMinus;
  sql::BinaryOp binary_op = sql::BinaryOp::kAdd;
  sql::LikeOp like_op = sql::LikeOp::kLike;
  bool negated = false;
  bool has_base = false;  // kCase: args[0] is the base
  bool has_else = false;  // kCase: last arg is ELSE
  bool has_escape = false;
  std::string name;  // kFunction: lower-case name; kCast: type name
  std::vector<std::unique_ptr<BoundExpr>> args;
  // kSubquery: the plan (shared by clones), what is asked of it, and which FROM items of
  // this expression's level it refers to (a correlated subquery can run only when they
  // are in the frame). kIn: args[0] is the operand; `affinity` of the node is then the
  // comparison affinity.
  std::shared_ptr<SubqueryEval> subquery;
  SubqueryKind sub_kind = SubqueryKind::kScalar;
  uint64_t outer_mask = 0;
  sql::SourcePos pos;
  std::string text;  // SQL text for EXPLAIN and column names

  std::unique_ptr<BoundExpr> clone() const;
  exec::OperandAffinity operand_affinity() const { return {affinity, has_affinity}; }
  // No slot of this level (depth 0) below, subqueries included: the value is the same
  // for every row of the level, so it can key an access path.
  bool is_constant_for_scan() const;
  // The FROM items of this level the expression reads (bit i: item i), subqueries included.
  uint64_t item_mask() const;
  // Whether it contains a subquery or a reference to an enclosing query's row.
  bool has_subquery() const;
};
using BoundExprPtr = std::unique_ptr<BoundExpr>;

Result<Value> eval(const BoundExpr& e, const EvalContext& ctx);
// eval() then SQLite truthiness; NULL is "not true".
Result<bool> eval_true(const BoundExpr& e, const EvalContext& ctx);

// Conjunction of two predicates (either may be null).
BoundExprPtr and_of(BoundExprPtr a, BoundExprPtr b);

// "LINE:COL: message" when the position is known.
Status at(const sql::SourcePos& pos, Status status);

}  // namespace strata::query
