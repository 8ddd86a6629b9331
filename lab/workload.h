// Workloads the crash testbed runs: a name and a list of SQL statements, executed one at a
// time (autocommit, or inside the BEGIN/COMMIT/ROLLBACK they contain).
//
// Built in (deterministic: the same statements every time):
//   default      a users table with two secondary indexes; inserts, updates and deletes over
//                a dozen commits, one of them rolled back
//   churn        inserts and deletes that free and reuse pages (the freelist at work)
//   big-values   values of several pages (overflow chains), replaced and deleted
//   many-tables  catalog changes: tables and indexes created (with back-fill) and dropped
// Or any .sql file, split into statements.
#pragma once

#include <string>
#include <vector>

#include "vfs/status.h"

namespace strata::lab {

struct Workload {
  std::string name;                     // built-in name, or the file's path
  std::vector<std::string> statements;  // one SQL statement each, no trailing ';'
};

const std::vector<std::string>& builtin_workloads();
// A built-in by name, or a .sql file (by path) split into statements.
Result<Workload> load_workload(const std::string& name_or_path);
// Splits a script into its statements (kSyntax with line:column if it does not parse).
Result<std::vector<std::string>> split_statements(std::string_view script);

}  // namespace strata::lab
