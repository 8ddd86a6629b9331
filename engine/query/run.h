// Statement::Run: the state of one execution of a statement (internal to engine/query).
#pragma once

#include <memory>
#include <set>
#include <vector>

#include "engine/query/database.h"

namespace strata::query {

struct RowLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      int c = Value::compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

struct Statement::Run {
  std::unique_ptr<ReadTx> read_tx;
  Tx* tx = nullptr;
  SelectPlan plan;
  std::unique_ptr<RowSource> source;
  bool no_table_done = false;
  bool advance_pending = false;  // move the source before reading (so LIMIT reads no extra row)
  std::set<std::vector<Value>, RowLess> seen;  // DISTINCT
  // Materialized output (sorting, EXPLAIN); streamed otherwise.
  bool materialized = false;
  std::vector<std::vector<Value>> buffer;
  size_t position = 0;
  int64_t limit = -1, offset = 0, skipped = 0, produced = 0;
  uint64_t pages_at_start = 0;
  bool analyze = false;

  // The next projected row (after filter and DISTINCT, before LIMIT), with its sort keys.
  Result<bool> pull(std::vector<Value>* out, std::vector<Value>* keys, const std::vector<Value>* params) {
    while (true) {
      const std::vector<Value>* columns = nullptr;
      int64_t rowid = 0;
      static const std::vector<Value> kNoColumns;
      if (plan.access.kind == AccessKind::kNone) {
        if (no_table_done) return false;
        no_table_done = true;
        columns = &kNoColumns;
      } else {
        if (advance_pending) {
          advance_pending = false;
          STRATA_TRY(source->next());
        }
        if (!source->valid()) return false;
        columns = &source->columns();
        rowid = source->rowid();
      }
      EvalRow row{columns, rowid, params};
      bool pass = true;
      if (plan.residual) {
        STRATA_ASSIGN(pass, eval_true(*plan.residual, row));
      }
      std::vector<Value> projected;
      std::vector<Value> sort_keys;
      if (pass) {
        ++plan.stats.matched;
        projected.reserve(plan.outputs.size());
        for (const auto& o : plan.outputs) {
          STRATA_ASSIGN(Value v, eval(*o, row));
          projected.push_back(std::move(v));
        }
        if (plan.sort_needed) {
          for (const auto& k : plan.order_by) {
            STRATA_ASSIGN(Value v, eval(*k.expr, row));
            sort_keys.push_back(std::move(v));
          }
        }
      }
      if (plan.access.kind != AccessKind::kNone) advance_pending = true;
      if (!pass) continue;
      if (plan.distinct && !seen.insert(projected).second) continue;
      *out = std::move(projected);
      *keys = std::move(sort_keys);
      return true;
    }
  }
};


}  // namespace strata::query
