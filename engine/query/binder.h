// Binder: resolves the names of an AST expression against a Scope and builds the bound
// expression (expr.h) that reads frame slots.
//
// A Scope is one query level: its FROM items, each with its columns at consecutive frame
// slots (a stored table also has its rowid in the slot after its columns), and the scope
// of the query it is nested in. Name resolution follows SQLite's lookupName: a name is
// looked up among this level's FROM items, then among this level's result aliases (where
// the clause allows them), then in the enclosing levels, innermost first. An unqualified
// name found in two items is ambiguous, except for the right-hand copy of a USING or
// NATURAL column, which only a qualified name reaches. A reference to an enclosing level
// makes every level between correlated and records which item it reads (refs_from_inner),
// so that the planner evaluates a correlated subquery only once that item is in the frame.
//
// Aggregate calls are collected (AggregateCall) where the clause allows them; their
// arguments are bound as ordinary per-row expressions and the call itself becomes a
// column reference to the slot where the aggregate operator puts its result.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/query/catalog.h"
#include "engine/query/expr.h"

namespace strata::query {

struct ScopeColumn {
  std::string name;
  exec::OperandAffinity affinity;
  // The right-hand copy of a USING / NATURAL join column: reached by a qualified name
  // only, and left out of `*`.
  bool hidden = false;
};

struct ScopeItem {
  std::string name;                 // the alias, else the table or view name
  const TableDef* table = nullptr;  // a stored table (null for a subquery or view)
  std::vector<ScopeColumn> columns;
  int base = 0;            // the slot of column 0
  int rowid_slot = -1;     // tables: the slot after the columns
  std::optional<uint64_t> as_of;  // tables: FROM t AS OF GENERATION g
  std::vector<bool> used;  // columns some bound expression reads
};

class Scope {
 public:
  // Adds an item, giving it slots; returns its index (its bit in masks).
  int add_item(ScopeItem item);
  // One more slot (an aggregate's result); returns it.
  int add_slot() { return slots++; }

  std::vector<ScopeItem> items;
  Scope* outer = nullptr;
  int slots = 0;
  // Items of this level that expressions of nested subqueries read (bit per item).
  uint64_t refs_from_inner = 0;
  // Something bound in this level, or in a subquery nested in it, reads an enclosing row.
  bool correlated = false;
};

struct RunEnv;  // operators.h

// What the binder and planner share while one statement is planned.
struct PlanEnv {
  const Catalog* catalog = nullptr;
  Store* store = nullptr;  // for tables AS OF GENERATION (time travel)
  // The statement's transaction and parameters, filled in when it runs; subqueries run in it.
  std::shared_ptr<RunEnv> run;
  int max_parameter = 0;
  std::vector<std::string> views_expanding;  // lower-case names, for circular definitions
  // False once the plan holds a subquery (in an expression or in FROM): those keep results
  // between opens (an uncorrelated subquery runs once per statement), so such a plan must
  // not be opened again for another execution.
  bool reusable = true;
};

// Where an expression appears: decides what it may contain.
enum class ExprContext {
  kQuery,    // anything (subqueries when the binder has a PlanEnv)
  kCheck,    // CHECK constraint: no subqueries
  kDefault,  // DEFAULT: no columns, no subqueries
};

// How aggregate calls are treated.
enum class AggregateUse {
  kMisuse,   // "misuse of aggregate: f()" (WHERE, ON, a query without aggregation)
  kGroupBy,  // "aggregate functions are not allowed in the GROUP BY clause"
  kCollect,  // collected into the level's aggregates (result columns, HAVING, ORDER BY)
};

struct AggregateCall {
  std::string name;  // lower case: count sum total avg min max group_concat
  bool distinct = false;
  std::vector<BoundExprPtr> args;  // count(*): none
  std::string key;                 // identical calls share one slot
  int slot = -1;
  std::string text;
};

class Binder {
 public:
  // env may be null: then subqueries are refused.
  Binder(Scope* scope, PlanEnv* env, ExprContext context = ExprContext::kQuery)
      : scope_(scope), env_(env), context_(context) {}

  Result<BoundExprPtr> bind(const sql::Expr& expr);

  // Result-column aliases (SELECT a + 1 AS x ...): WHERE, GROUP BY, HAVING and ORDER BY may
  // name them, as in SQLite, where a name that is no column stands for the aliased
  // expression. REQUIRES: the expressions outlive the binder.
  void set_aliases(std::vector<std::pair<std::string, const sql::Expr*>> aliases) {
    aliases_ = std::move(aliases);
  }
  // Where aggregate calls go. REQUIRES: calls outlives the binder (kCollect).
  void set_aggregates(AggregateUse use, std::vector<AggregateCall>* calls = nullptr) {
    aggregate_use_ = use;
    calls_ = calls;
  }
  // Highest parameter number seen (also recorded in the PlanEnv).
  int max_parameter() const { return max_parameter_; }

 private:
  Result<BoundExprPtr> bind_column(const sql::Expr& expr, const sql::ColumnRef& ref);
  // A name that is no column: a result-column alias, or "no such column".
  Result<BoundExprPtr> bind_alias(const sql::Expr& expr, const sql::ColumnRef& ref,
                                  const std::string& display);
  Result<BoundExprPtr> bind_aggregate(const sql::Expr& expr, const sql::FunctionCall& call,
                                      const std::string& name);
  // Scalar subquery, EXISTS, IN (SELECT ...) or IN table; in_operand for IN.
  Result<BoundExprPtr> bind_subquery(const sql::Expr& expr, const sql::Select& select,
                                     SubqueryKind kind, const sql::In* in);

  Scope* scope_;
  PlanEnv* env_;
  ExprContext context_;
  int max_parameter_ = 0;
  int depth_ = 0;
  std::vector<std::pair<std::string, const sql::Expr*>> aliases_;
  int alias_depth_ = 0;  // aliases being expanded (an alias never names itself)
  AggregateUse aggregate_use_ = AggregateUse::kMisuse;
  std::vector<AggregateCall>* calls_ = nullptr;
  bool in_aggregate_ = false;  // binding an aggregate's arguments
};

// The scope of one table (slots: its columns, then its rowid), for UPDATE, DELETE, CHECK.
Scope table_scope(const TableDef& table, const std::string& alias);
// The frame such a scope evaluates against: the row's values, then the rowid.
std::vector<Value> table_frame(const std::vector<Value>& row, int64_t rowid);
// Binds an expression over one table (or none) without subqueries.
Result<BoundExprPtr> bind_table_expression(const TableDef* table, const sql::Expr& expr,
                                           ExprContext context);

// Whether `name` with this many arguments names an aggregate function.
bool is_aggregate_function(const std::string& lower_name, size_t args, bool star);
// Whether an expression calls an aggregate function at its own level (not inside a subquery).
bool contains_aggregate(const sql::Expr& expr);

}  // namespace strata::query
