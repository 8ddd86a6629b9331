// Bound expressions: AST expressions with names resolved, ready to evaluate.
//
// The binder resolves column references against one table (or none), checks
// function names and arities, and rejects what Strata does not support yet
// with kUnsupported and the source position. eval() implements SQLite's
// semantics through engine/exec (three-valued logic, affinity in comparisons,
// integer overflow to REAL, division by zero to NULL, ...).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/query/catalog.h"
#include "engine/sql/ast.h"
#include "engine/value.h"

namespace strata::query {

enum class BoundKind {
  kConstant,
  kColumn,     // a column of the current row
  kRowid,      // the current row's rowid (also an INTEGER PRIMARY KEY column)
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
};

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  Value constant;        // kConstant
  int index = -1;        // kColumn: column position; kParameter: parameter number
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
  std::string name;       // kFunction: lower-case name; kCast: type name
  std::vector<std::unique_ptr<BoundExpr>> args;
  sql::SourcePos pos;
  std::string text;  // SQL text for EXPLAIN and column names

  std::unique_ptr<BoundExpr> clone() const;
  exec::OperandAffinity operand_affinity() const { return {affinity, has_affinity}; }
  // No column, rowid or parameter below: the value is the same for every row.
  bool is_row_independent() const;
  // No column or rowid below (parameters allowed): evaluable before the scan.
  bool is_constant_for_scan() const;
};
using BoundExprPtr = std::unique_ptr<BoundExpr>;

// The row an expression is evaluated against.
struct EvalRow {
  const std::vector<Value>* columns = nullptr;
  int64_t rowid = 0;
  const std::vector<Value>* parameters = nullptr;
};

Result<Value> eval(const BoundExpr& e, const EvalRow& row);
// eval() then SQLite truthiness; NULL is "not true".
Result<bool> eval_true(const BoundExpr& e, const EvalRow& row);

class Binder {
 public:
  // table may be null (a FROM-less SELECT); alias is the FROM alias, if any.
  Binder(const TableDef* table, std::string alias) : table_(table), alias_(std::move(alias)) {}
  Result<BoundExprPtr> bind(const sql::Expr& expr);
  // Result-column aliases (SELECT a + 1 AS x ...): WHERE and ORDER BY may name them, as in
  // SQLite, where a name that is no column of the table stands for the aliased expression.
  // REQUIRES: the expressions outlive the binder.
  void set_aliases(std::vector<std::pair<std::string, const sql::Expr*>> aliases) {
    aliases_ = std::move(aliases);
  }
  // Highest parameter number seen.
  int max_parameter() const { return max_parameter_; }

 private:
  Result<BoundExprPtr> bind_column(const sql::Expr& expr, const sql::ColumnRef& ref);
  // A name that is no column: a result-column alias, or "no such column".
  Result<BoundExprPtr> bind_alias(const sql::Expr& expr, const sql::ColumnRef& ref,
                                  const std::string& display);
  const TableDef* table_;
  std::string alias_;
  int max_parameter_ = 0;
  int depth_ = 0;
  std::vector<std::pair<std::string, const sql::Expr*>> aliases_;
  int alias_depth_ = 0;  // aliases being expanded (an alias never names itself)
};

// "LINE:COL: message" when the position is known.
Status at(const sql::SourcePos& pos, Status status);

}  // namespace strata::query
