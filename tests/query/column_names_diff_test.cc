// Result column names agree with SQLite's: the alias; a column's declared name (also when
// written in another case, qualified or parenthesized); the INTEGER PRIMARY KEY column for any
// rowid alias, else "rowid"; otherwise the expression's source text as written.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "engine/query/database.h"
#include "tests/support/sqlite_oracle.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

std::vector<std::string> sqlite_names(test::SqliteOracle* oracle, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  std::vector<std::string> names;
  if (sqlite3_prepare_v2(oracle->handle(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "sqlite3 cannot prepare " << sql << ": " << sqlite3_errmsg(oracle->handle());
    return names;
  }
  for (int i = 0; i < sqlite3_column_count(stmt); ++i)
    names.emplace_back(sqlite3_column_name(stmt, i));
  sqlite3_finalize(stmt);
  return names;
}

std::vector<std::string> strata_names(query::Database* db, const std::string& sql) {
  std::vector<std::string> names;
  Result<std::unique_ptr<query::Statement>> stmt = db->prepare(sql);
  if (!stmt.ok()) {
    ADD_FAILURE() << "strata cannot prepare " << sql << ": " << stmt.status().to_string();
    return names;
  }
  Result<bool> stepped = (*stmt)->step();  // names are known once the statement started
  EXPECT_TRUE(stepped.ok()) << sql << ": " << stepped.status().to_string();
  for (int i = 0; i < (*stmt)->column_count(); ++i) names.push_back((*stmt)->column_name(i));
  return names;
}

TEST(ColumnNamesTest, MatchSqliteForColumnsRowidsAndExpressions) {
  vfs::MemVfs vfs;
  auto db = query::Database::open(&vfs, "names.strata").value();
  test::SqliteOracle oracle;
  const std::vector<std::string> setup = {
      "CREATE TABLE t(id INTEGER PRIMARY KEY, a, \"Mixed Case\" TEXT)",
      "CREATE TABLE u(a, b)",
      "INSERT INTO t VALUES (1, 2, 'x')",
      "INSERT INTO u VALUES (1, 2)",
  };
  for (const std::string& sql : setup) {
    ASSERT_TRUE(db->execute(sql).is_ok()) << sql;
    ASSERT_TRUE(oracle.run(sql).ok) << sql;
  }
  const std::vector<std::string> queries = {
      "SELECT * FROM t",
      "SELECT rowid, _rowid_, oid, ROWID FROM t",
      "SELECT rowid, _rowid_, oid, u.rowid FROM u",
      "SELECT A, t.a, (a), (((t.A))), \"mixed case\", [MIXED CASE] FROM t",
      "SELECT a AS x, a x2, 1+1 AS \"y z\" FROM t",
      "SELECT 1+1,  2 * 3 , -5, 'x'||a   , CAST(a AS text), a/*c*/+1 FROM t",
      "SELECT (1+1), - -3, NULL, x'00ff', 1.50, 'it''s' FROM t",
      "SELECT abs(  -a ), coalesce(NULL,a), CASE WHEN a THEN 1 END FROM t",
      "SELECT a IS NOT NULL, a BETWEEN 1 AND 3, a IN (1, 2), a LIKE 'x%' FROM t",
      "SELECT 1+1",
      "SELECT\n  a\n  +\n  1\nFROM t",
  };
  for (const std::string& sql : queries) {
    EXPECT_EQ(strata_names(db.get(), sql), sqlite_names(&oracle, sql)) << sql;
  }
}

}  // namespace
}  // namespace strata
