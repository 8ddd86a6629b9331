// Statement::Run: the state of one execution of a statement (internal to engine/query).
#pragma once

#include <memory>
#include <vector>

#include "engine/query/database.h"
#include "engine/query/operators.h"

namespace strata::query {

struct Statement::Run {
  std::unique_ptr<ReadTx> read_tx;
  std::shared_ptr<RunEnv> env;      // what the plan and its subqueries run in
  std::shared_ptr<QueryPlan> plan;  // a SELECT's, pulled row by row
  // Rows computed up front (EXPLAIN output).
  bool materialized = false;
  std::vector<Row> buffer;
  size_t position = 0;
};

}  // namespace strata::query
