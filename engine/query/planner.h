// Planner: a SELECT's AST to an operator tree (operators.h).
//
// For each SELECT core: the FROM clause becomes a list of items (tables, views and
// subqueries) in one scope; WHERE and the ON clauses of inner joins form one pool of
// conjuncts, while the ON clause of a LEFT JOIN stays with its right-hand item. The join
// order is the cheapest left-deep order by estimated cost (dynamic programming over
// subsets, greedy beyond 12 items), where each new item joins by
//   - nested loop over an access path (an index nested loop when the path is keyed by
//     the rows already joined: rowid or index equality), or
//   - hash join on equality conjuncts between it and the rows already joined,
// whichever costs less. Estimates come from ANALYZE's statistics (plan.h,
// TableEstimate), or SQLite's defaults before ANALYZE. The right side of a LEFT JOIN
// (and of a CROSS JOIN, as in SQLite) stays after every item to its left. Each conjunct
// is evaluated at the first point where every item it reads is joined; WHERE conjuncts
// on a LEFT JOIN's right side wait until after its NULL row.
//
// Then aggregation (GROUP BY, aggregates, HAVING), the projection, DISTINCT, ORDER BY
// (unless the scan order serves it) and LIMIT. Compound SELECTs combine cores.
#pragma once

#include <memory>

#include "engine/query/binder.h"
#include "engine/query/operators.h"

namespace strata::query {

struct PlannedSubquery {
  std::shared_ptr<SubqueryEval> eval;
  int columns = 0;
  std::vector<exec::OperandAffinity> affinities;
};

// Plans `select`, whose names may refer to `outer` (null for a top-level query).
// REQUIRES: env->catalog is set; env->run is set before the plan runs.
Result<std::shared_ptr<QueryPlan>> plan_select(PlanEnv* env, const sql::Select& select,
                                               Scope* outer);

// A subquery used as an expression (scalar, EXISTS or IN).
Result<PlannedSubquery> plan_subquery(PlanEnv* env, const sql::Select& select, Scope* outer);

// The rows of one table that match a WHERE clause (for UPDATE and DELETE): its scope
// (item 0: the table, every column decoded), its level and the operator that fills it.
struct TableFilterPlan {
  std::unique_ptr<Scope> scope;
  std::unique_ptr<Level> level;
  std::unique_ptr<FrameOp> source;
};
Result<TableFilterPlan> plan_table_filter(PlanEnv* env, const TableDef& table,
                                          const sql::TableName& name, const sql::Expr* where);

}  // namespace strata::query
