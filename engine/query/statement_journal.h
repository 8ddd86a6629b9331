// Whether a failed statement inside BEGIN ... COMMIT is undone on its own, as SQLite decides.
//
// SQLite undoes a failed statement (and keeps the rest of the transaction) only if it ran
// with a statement journal, and it opens one only for a statement that may write several
// rows AND may abort: one with a constraint whose conflict action is ABORT, or with a call
// to a (non-inline) SQL function, which may raise an error. Any other statement that fails
// keeps the rows it wrote before the failure. Among what Strata supports, such a failure is
// a rowid that is not an integer, e.g. in BEGIN; INSERT OR IGNORE INTO t(id) VALUES (1), ('x')
// row 1 stays. Outside BEGIN the whole (implicit) transaction is rolled back either way.
// Rules from SQLite 3.40's insert.c/update.c (sqlite3MultiWrite, sqlite3MayAbort), checked
// against the library by tests/query/sql_diff_test.cc.
#pragma once

#include "engine/query/catalog.h"
#include "engine/sql/ast.h"

namespace strata::query {

// True when SQLite keeps the partial writes of `stmt` if it fails inside a transaction.
// REQUIRES: `catalog` is the schema the statement runs against.
bool keeps_partial_writes_on_failure(const sql::Stmt& stmt, const Catalog& catalog);

// True when the expression calls an SQL function that SQLite codes as a call (everything
// but the inline coalesce, ifnull, iif, likely, unlikely and likelihood; LIKE and GLOB
// are calls).
bool calls_function(const sql::Expr& expr);

}  // namespace strata::query
