// Strata's SQL against the real SQLite library, statement by statement.
//
// Every statement runs on a Strata database (MemVfs) and on an in-memory sqlite3, and the
// two must agree: both succeed or both fail, and the rows are identical, storage class and
// value (tests/support/sqlite_oracle.h: ordered when ORDER BY covers the output, a multiset
// otherwise). Two sources of statements:
//   - a hand-written corpus, one scenario per test: mixed declared types and affinities,
//     constraint violations and conflict clauses, transactions, every supported expression
//     form, WHERE on indexed and plain columns, ORDER BY / LIMIT / DISTINCT;
//   - random workloads: a random schema and a few hundred random statements per seed,
//     ending with a full dump of every table and check_store().
// A random failure prints its seed and the command that replays it (STRATA_SEED=<seed>);
// STRATA_DIFF_WORKLOADS=<n> runs more workloads, STRATA_DIFF_TRACE=1 prints each statement.
#include "tests/support/sql_diff.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "engine/check.h"
#include "tests/support/replay.h"

namespace strata::test {
namespace {

// Runs statements in order on one SqlDiff. A statement starting with "~ " has an ORDER BY
// that does not cover its output, so its rows are compared as a multiset.
void run_corpus(SqlDiff* d, const std::vector<std::string>& statements) {
  for (const std::string& s : statements) {
    bool multiset = s.rfind("~ ", 0) == 0;
    std::string sql = multiset ? s.substr(2) : s;
    std::string mismatch =
        d->diff(sql, multiset ? SqlDiff::Order::kMultiset : SqlDiff::Order::kAuto);
    if (!mismatch.empty()) ADD_FAILURE() << mismatch;
  }
  std::cout << statements.size() << " statements diffed against sqlite\n";
}

// Selects every row of a table with its rowid, in rowid order.
std::string dump(const std::string& table) {
  return "SELECT rowid, * FROM " + table + " ORDER BY rowid";
}

TEST(SqlDiffCorpus, DeclaredTypesGiveSqliteAffinities) {
  SqlDiff d;
  run_corpus(
      &d,
      {
          "CREATE TABLE m(i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, x, v VARCHAR(10), "
          "d DOUBLE, f FLOAT, c CHAR(3), bi BIGINT, de DECIMAL(10,2), bo BOOLEAN, cl CLOB, "
          "ip INTERPOINT, st STRING)",
          "INSERT INTO m VALUES (1, 'a', 1.5, 1, x'00', 1, 'v', 1, 1, 'c', 1, 1, 1, 'c', 1, 1)",
          "INSERT INTO m VALUES ('12', '12', '12', '12', '12', '12', '12', '12', '12', '12', "
          "'12', '12', '12', '12', '12', '12')",
          "INSERT INTO m VALUES (12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, "
          "12.0, 12.0, 12.0, 12.0, 12.0, 12.0)",
          "INSERT INTO m VALUES (' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', "
          "' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ', ' 12 ')",
          "INSERT INTO m VALUES ('1e3', '1e3', '1e3', '1e3', '1e3', '1e3', '1e3', '1e3', '1e3', "
          "'1e3', '1e3', '1e3', '1e3', '1e3', '1e3', '1e3')",
          "INSERT INTO m VALUES ('0x10', '12abc', '2.50', '2.50', '2.50', '-0.0', '-0.0', "
          "'-0.0', 'abc', '', '9223372036854775807', '9223372036854775808', '1.0e0', '.5', "
          "'5.', '+7')",
          "INSERT INTO m VALUES (x'3132', x'3132', x'3132', x'3132', x'3132', x'3132', x'3132', "
          "x'3132', x'3132', x'3132', x'3132', x'3132', x'3132', x'3132', x'3132', x'3132')",
          "INSERT INTO m VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
          "NULL, NULL, NULL, NULL, NULL, NULL)",
          "INSERT INTO m VALUES (2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, "
          "2.5, 2.5, 2.5, 2.5)",
          "INSERT INTO m VALUES (9223372036854775807, -9223372036854775808, 1e308, -0.0, -0.0, "
          "-0.0, 1e20, 9223372036854775808, 1e-5, 100, 123456789012345678, 0.1, 1e15, 1e16, "
          "-1e300, 3.0)",
          "INSERT INTO m(i, t) VALUES ('  -17  ', 17)",
          "INSERT INTO m(x, b) VALUES (3.0, 3.0)",
          "INSERT INTO m(r, d) VALUES (9223372036854775807, '9223372036854775807')",
          dump("m"),
          "SELECT typeof(i), typeof(t), typeof(r), typeof(n), typeof(b), typeof(x), typeof(v), "
          "typeof(d), typeof(f), typeof(c), typeof(bi), typeof(de), typeof(bo), typeof(cl), "
          "typeof(ip), typeof(st) FROM m ORDER BY rowid",
          // Comparisons against constants of every kind, on columns of every affinity.
          "SELECT rowid FROM m WHERE i = '12' ORDER BY rowid",
          "SELECT rowid FROM m WHERE i = 12 ORDER BY rowid",
          "SELECT rowid FROM m WHERE t = 12 ORDER BY rowid",
          "SELECT rowid FROM m WHERE t = '12' ORDER BY rowid",
          "SELECT rowid FROM m WHERE x = 12 ORDER BY rowid",
          "SELECT rowid FROM m WHERE x = '12' ORDER BY rowid",
          "SELECT rowid FROM m WHERE b = x'3132' ORDER BY rowid",
          "SELECT rowid FROM m WHERE r = 12 ORDER BY rowid",
          "SELECT rowid FROM m WHERE n > 2.5 ORDER BY rowid",
          "SELECT rowid FROM m WHERE i > 2.5 ORDER BY rowid",
          "SELECT rowid FROM m WHERE t > 5 ORDER BY rowid",
          "SELECT rowid FROM m WHERE x > 5 ORDER BY rowid",
          "SELECT rowid FROM m WHERE x < '5' ORDER BY rowid",
          "SELECT rowid FROM m WHERE n BETWEEN 1 AND '20' ORDER BY rowid",
          "SELECT rowid FROM m WHERE t BETWEEN 1 AND 20 ORDER BY rowid",
          "SELECT rowid FROM m WHERE i IN ('12', 1) ORDER BY rowid",
          "SELECT rowid FROM m WHERE t IN (12, 'a') ORDER BY rowid",
          "SELECT rowid FROM m WHERE x IN (12, '1e3') ORDER BY rowid",
          "SELECT rowid FROM m WHERE i NOT IN (1, 12) ORDER BY rowid",
          "SELECT rowid FROM m WHERE i IN (1, NULL) ORDER BY rowid",
          "SELECT rowid FROM m WHERE i NOT IN (1, NULL) ORDER BY rowid",
          "SELECT rowid FROM m WHERE i IS NULL ORDER BY rowid",
          "SELECT rowid FROM m WHERE x IS NOT NULL AND t IS NULL ORDER BY rowid",
          "SELECT rowid FROM m WHERE x IS 3 ORDER BY rowid",
          "SELECT rowid FROM m WHERE i IS NOT '12' ORDER BY rowid",
          // Column against column: affinities on both sides.
          // Regression: a column without a declared type has BLOB affinity, which is not "no
          // affinity": comparing it with a TEXT column converts neither side.
          "SELECT rowid, i = t, t = x, x = t, i = x, t = b, n = r, i < t, t < r, t > x, x >= t "
          "FROM m ORDER BY rowid",
          "SELECT rowid FROM m WHERE t = x ORDER BY rowid",
          "SELECT rowid FROM m WHERE i = t ORDER BY rowid",
          "SELECT rowid FROM m WHERE t = b ORDER BY rowid",
          "SELECT rowid FROM m WHERE t BETWEEN x AND b ORDER BY rowid",
          "SELECT rowid, CASE t WHEN x THEN 'eq' ELSE 'ne' END, CASE x WHEN t THEN 'eq' END, "
          "t IN (x, b), x IN (t), t = CAST(x AS BLOB), t = +x, t = CAST(x AS TEXT) FROM m "
          "ORDER BY rowid",
          // Expressions have no affinity; CAST has one.
          "SELECT rowid, +i = '12', i + 0 = '12', CAST(i AS TEXT) = 12, CAST(t AS INTEGER) = "
          "'12', t || '' = 12, (i) = '12' FROM m ORDER BY rowid",
          "SELECT rowid, i COLLATE BINARY = '12' FROM m ORDER BY rowid",
          "SELECT rowid, CASE i WHEN '12' THEN 'yes' WHEN 1 THEN 'one' ELSE 'no' END FROM m "
          "ORDER BY rowid",
          "SELECT rowid, CASE t WHEN 12 THEN 'yes' ELSE 'no' END, CASE x WHEN '12' THEN 1 END "
          "FROM m ORDER BY rowid",
          "SELECT rowid, i BETWEEN '10' AND '20', t BETWEEN 10 AND 20 FROM m ORDER BY rowid",
          // DISTINCT over values that are equal in SQLite's eyes (12 and 12.0 in x).
          "SELECT DISTINCT x FROM m",
          "SELECT DISTINCT typeof(x) FROM m ORDER BY 1",
          "SELECT DISTINCT i, typeof(i) FROM m ORDER BY 1, 2",
          "SELECT DISTINCT t FROM m ORDER BY t DESC",
          // ORDER BY on columns holding mixed storage classes.
          "SELECT x FROM m ORDER BY x",
          "SELECT t FROM m ORDER BY t DESC",
          "SELECT i, rowid FROM m ORDER BY i NULLS LAST, rowid",
          "SELECT i, rowid FROM m ORDER BY i DESC NULLS FIRST, rowid DESC",
          "SELECT b FROM m ORDER BY b",
          "SELECT r FROM m ORDER BY r LIMIT 3",
          "SELECT r FROM m ORDER BY r DESC LIMIT 3 OFFSET 2",
      });
}

TEST(SqlDiffCorpus, IndexedAndPlainColumnsAnswerWhereAlike) {
  SqlDiff d;
  std::vector<std::string> setup = {
      "CREATE TABLE p(id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, n NUMERIC, x)",
  };
  std::vector<std::string> rows = {
      "(1, 1, 'a', 1.0, 1, 1)",
      "(2, 2, 'b', 2.5, '2', '2')",
      "(3, 3, '3', 3, 3.0, 3.0)",
      "(4, '4', 4, '4.5', '4', x'34')",
      "(5, NULL, NULL, NULL, NULL, NULL)",
      "(6, -6, '-6', -6.5, -6, -6)",
      "(7, 10, '10', 10, 10, '10')",
      "(8, 9223372036854775807, 'z', 1e300, 'abc', 'abc')",
      "(9, -9223372036854775808, '', -1e300, '', '')",
      "(10, 2, 'B', 2.0, 2, 2)",
      "(-3, 0, '0', 0.0, 0, 0)",
      "(11, 5, '5', 5.5, '5.5', 5.5)",
  };
  for (const auto& r : rows) setup.push_back("INSERT INTO p VALUES " + r);
  // The same queries before and after indexing every column.
  std::vector<std::string> queries = {
      "SELECT id FROM p WHERE id = 3",
      "SELECT id FROM p WHERE id = '3'",
      "SELECT id FROM p WHERE id = 3.0",
      "SELECT id FROM p WHERE id = 3.5",
      "SELECT id FROM p WHERE id = 'abc'",
      "SELECT id FROM p WHERE id > 2.5 ORDER BY id",
      "SELECT id FROM p WHERE id >= '4' AND id < 8.5 ORDER BY id",
      "SELECT id FROM p WHERE id < 'abc' ORDER BY id",
      "SELECT id FROM p WHERE id > 'abc' ORDER BY id",
      "SELECT id FROM p WHERE id BETWEEN -5 AND '5' ORDER BY id",
      "SELECT id FROM p WHERE id BETWEEN 9 AND 2 ORDER BY id",
      "SELECT id FROM p WHERE id > NULL",
      "SELECT id FROM p WHERE rowid <= 2 ORDER BY rowid DESC",
      "SELECT id FROM p WHERE id > 1e30 ORDER BY id",
      "SELECT id FROM p WHERE id > -1e30 AND id < 1e30 ORDER BY id",
      "SELECT id FROM p WHERE i = 2 ORDER BY id",
      "SELECT id FROM p WHERE i = '2' ORDER BY id",
      "SELECT id FROM p WHERE i = 2.0 ORDER BY id",
      "SELECT id FROM p WHERE i > 2.5 ORDER BY id",
      "SELECT id FROM p WHERE i < -1e20 ORDER BY id",
      "SELECT id FROM p WHERE i >= 9.3e18 ORDER BY id",
      "SELECT id FROM p WHERE i BETWEEN '2' AND 4 ORDER BY id",
      "SELECT id FROM p WHERE i IN (2, '3', 4.0) ORDER BY id",
      "SELECT id FROM p WHERE i IS NULL ORDER BY id",
      "SELECT id FROM p WHERE i > 2 AND i < 10 ORDER BY i, id",
      "SELECT id FROM p WHERE t = 3 ORDER BY id",
      "SELECT id FROM p WHERE t = '3' ORDER BY id",
      "SELECT id FROM p WHERE t > 3 ORDER BY id",
      "SELECT id FROM p WHERE t >= '' AND t < 'b' ORDER BY id",
      "SELECT id FROM p WHERE t < 5 ORDER BY id",
      "SELECT id FROM p WHERE t BETWEEN 0 AND 5 ORDER BY id",
      "SELECT id FROM p WHERE t = -6 ORDER BY id",
      "SELECT id FROM p WHERE r = 2 ORDER BY id",
      "SELECT id FROM p WHERE r = '2.5' ORDER BY id",
      "SELECT id FROM p WHERE r > 2 AND r <= 5 ORDER BY id",
      "SELECT id FROM p WHERE r < 0 ORDER BY id",
      "SELECT id FROM p WHERE n = 2 ORDER BY id",
      "SELECT id FROM p WHERE n = '5.5' ORDER BY id",
      "SELECT id FROM p WHERE n > 'a' ORDER BY id",
      "SELECT id FROM p WHERE n < 'a' ORDER BY id",
      "SELECT id FROM p WHERE x = 2 ORDER BY id",
      "SELECT id FROM p WHERE x = '2' ORDER BY id",
      "SELECT id FROM p WHERE x > 2 ORDER BY id",
      "SELECT id FROM p WHERE x >= '' ORDER BY id",
      "SELECT id FROM p WHERE x = x'34' ORDER BY id",
      "SELECT id FROM p WHERE x < x'00' ORDER BY id",
      "SELECT id FROM p WHERE i = 2 AND t = 'b' ORDER BY id",
      "SELECT id FROM p WHERE i = 2 AND t > 'a' ORDER BY id",
      "SELECT id FROM p WHERE i = 2 OR t = '3' ORDER BY id",
      "SELECT id FROM p WHERE NOT (i = 2) ORDER BY id",
      "SELECT id FROM p WHERE i = 2 AND id > 5 ORDER BY id",
      "SELECT i FROM p ORDER BY i",
      "SELECT i FROM p ORDER BY i DESC",
      "SELECT t, id FROM p ORDER BY t, id",
      "SELECT t, id FROM p ORDER BY t DESC, id DESC",
      "SELECT i, t FROM p WHERE i > 0 ORDER BY i, t LIMIT 3",
      "SELECT i, t FROM p WHERE i > 0 ORDER BY i DESC, t LIMIT 3 OFFSET 1",
      "SELECT id FROM p WHERE 5 < i ORDER BY id",
      "SELECT id FROM p WHERE '5' < i ORDER BY id",
      "SELECT id FROM p WHERE 2 = i ORDER BY id",
      "SELECT id FROM p WHERE 3 = id",
  };
  std::vector<std::string> all = setup;
  all.insert(all.end(), queries.begin(), queries.end());
  all.push_back("CREATE INDEX p_i ON p(i)");
  all.push_back("CREATE INDEX p_t ON p(t)");
  all.push_back("CREATE INDEX p_r ON p(r)");
  all.push_back("CREATE INDEX p_n ON p(n)");
  all.push_back("CREATE INDEX p_x ON p(x)");
  all.push_back("CREATE INDEX p_it ON p(i, t)");
  all.insert(all.end(), queries.begin(), queries.end());
  all.push_back("DROP INDEX p_i");
  all.push_back("DROP INDEX p_t");
  all.push_back("CREATE INDEX p_ti ON p(t, i)");
  all.insert(all.end(), queries.begin(), queries.end());
  run_corpus(&d, all);
}

// Regression: in a column without affinity 3 and 3.0 are equal but stored (and indexed)
// apart, so the entries equal to an equality prefix form several runs; a range on the next
// index column, or a second equality, must look at every run.
TEST(SqlDiffCorpus, IndexPrefixEqualToIntegerAndRealValues) {
  SqlDiff d;
  std::vector<std::string> queries = {
      "SELECT z FROM e WHERE x = 3 AND y < 5 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 AND y > 1 ORDER BY z",
      "SELECT z FROM e WHERE x = 3.0 AND y BETWEEN 1 AND 2 ORDER BY z",
      "SELECT z FROM e WHERE x = '3' AND y <= 1 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 AND y = 1 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 AND y = 1.0 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 AND y = 1 AND w < 9 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 AND y = 2 AND w > 0 ORDER BY z",
      "SELECT z FROM e WHERE x = 3 ORDER BY y, z",
      "SELECT z FROM e WHERE x = 3.0 ORDER BY y DESC, z",
      "SELECT x, y, w FROM e WHERE x >= 3 AND x <= 3 ORDER BY x, y, w",
      "SELECT z FROM e WHERE y = 1 AND x > 2 ORDER BY z",
      "SELECT z FROM e WHERE y = 1 AND x < 4 ORDER BY z",
      "SELECT x, y FROM e WHERE y = 1 ORDER BY x, y",
  };
  std::vector<std::string> all = {
      "CREATE TABLE e(x, y, w, z TEXT)",
      "INSERT INTO e VALUES (3, 1, 1, 'a'), (3.0, 2, 2, 'b'), (3, 10, 3, 'c'), (3.0, 0, 4, 'd'), "
      "(3, 5, 5, 'e'), (4, 1, 6, 'f'), ('3', 1, 7, 'g'), (3.0, 1.0, 8, 'h'), (3, 1.0, 9, 'i'), "
      "(3.0, 1, 10, 'j'), (-0.0, 0, 11, 'k'), (0, -0.0, 12, 'l')",
  };
  all.insert(all.end(), queries.begin(), queries.end());
  all.push_back("CREATE INDEX e_xy ON e(x, y)");
  all.insert(all.end(), queries.begin(), queries.end());
  all.push_back("CREATE INDEX e_xyw ON e(x, y, w)");
  all.push_back("CREATE INDEX e_yx ON e(y, x)");
  all.insert(all.end(), queries.begin(), queries.end());
  all.push_back("SELECT z FROM e WHERE x = 0 AND y = 0 ORDER BY z");
  all.push_back("SELECT z FROM e WHERE x = -0.0 AND y >= -0.0 ORDER BY z");
  all.push_back("DELETE FROM e WHERE x = 3 AND y < 2");
  all.push_back("UPDATE e SET w = w + 100 WHERE x = 3.0 AND y > 2");
  all.push_back(dump("e"));
  run_corpus(&d, all);
}

// Integers at the int64 edges and beyond 2^53 against REAL bounds, on the rowid and on
// indexed columns of each affinity (seeks and range ends computed from converted values).
TEST(SqlDiffCorpus, NumericEdgesOnRowidAndIndexes) {
  SqlDiff d;
  run_corpus(
      &d,
      {
          "CREATE TABLE n(id INTEGER PRIMARY KEY, i INTEGER, r REAL, x)",
          "INSERT INTO n VALUES (1, 9223372036854775807, 9223372036854775807, "
          "9223372036854775807), (2, 9223372036854775806, 9223372036854775806, "
          "9223372036854775806.0), (3, -9223372036854775808, -9223372036854775808, "
          "-9223372036854775808), (4, 9007199254740993, 9007199254740993, 9007199254740993), (5, "
          "9007199254740992, 9007199254740992.0, 9007199254740992.0), (6, 1e19, 1e19, 1e19), (7, "
          "-1e19, -1e19, '-1e19'), (9223372036854775807, 0, 0.5, -0.0), (-9223372036854775808, 1, "
          "1, 1)",
          "SELECT id, i, typeof(i), r, x FROM n ORDER BY id",
          "CREATE INDEX n_i ON n(i)",
          "CREATE INDEX n_r ON n(r)",
          "CREATE INDEX n_x ON n(x)",
          "SELECT id FROM n WHERE i > 9.2233720368547758e18 ORDER BY id",
          "SELECT id FROM n WHERE i >= 9223372036854775807.0 ORDER BY id",
          "SELECT id FROM n WHERE i = 9223372036854775808.0 ORDER BY id",
          "SELECT id FROM n WHERE i < -9.3e18 ORDER BY id",
          "SELECT id FROM n WHERE i <= -9223372036854775808.0 ORDER BY id",
          "SELECT id FROM n WHERE i = 9007199254740992.0 ORDER BY id",
          "SELECT id FROM n WHERE i > 9007199254740992.0 AND i < 9007199254740994.0 ORDER BY id",
          "SELECT id FROM n WHERE r = 9007199254740993 ORDER BY id",
          "SELECT id FROM n WHERE r = 9007199254740992 ORDER BY id",
          "SELECT id FROM n WHERE r > 9223372036854775806 ORDER BY id",
          "SELECT id FROM n WHERE r BETWEEN -9223372036854775808 AND -9223372036854775807 ORDER BY "
          "id",
          "SELECT id FROM n WHERE x = 9223372036854775806 ORDER BY id",
          "SELECT id FROM n WHERE x = 9223372036854775807.0 ORDER BY id",
          "SELECT id FROM n WHERE x >= 9007199254740992 AND x <= 9007199254740993 ORDER BY id",
          "SELECT id FROM n WHERE x = 0 ORDER BY id",
          "SELECT id FROM n WHERE x = -0.0 ORDER BY id",
          "SELECT id FROM n WHERE id > 9.2233720368547758e18 ORDER BY id",
          "SELECT id FROM n WHERE id >= 9223372036854775807.0 ORDER BY id",
          "SELECT id FROM n WHERE id < -9.2233720368547758e18 ORDER BY id",
          "SELECT id FROM n WHERE id <= -9223372036854775808.0 ORDER BY id",
          "SELECT id FROM n WHERE id = 9223372036854775808.0",
          "SELECT id FROM n WHERE id > 1e300",
          "SELECT id FROM n WHERE id < -1e300",
          "SELECT id FROM n WHERE id BETWEEN 3.5 AND 6.5 ORDER BY id DESC",
          "SELECT id FROM n WHERE id > '5' ORDER BY id",
          "SELECT id FROM n WHERE id < x'00' ORDER BY id",
          "SELECT id FROM n WHERE id > NULL",
          "SELECT i FROM n ORDER BY i",
          "SELECT r FROM n ORDER BY r DESC",
          "SELECT x FROM n ORDER BY x",
          "SELECT i + 1, i - 1, -i, i * 2, r + 0, CAST(r AS INTEGER), CAST(i AS REAL) FROM n ORDER "
          "BY id",
          "UPDATE n SET i = i + 1 WHERE id = 2",
          "SELECT i, typeof(i) FROM n WHERE id = 2",
          "UPDATE n SET i = i + 1 WHERE id = 2",
          "SELECT i, typeof(i) FROM n WHERE id = 2",
      });
}

TEST(SqlDiffCorpus, ConstraintViolationsFailOnBothAndChangeNothing) {
  SqlDiff d;
  run_corpus(
      &d,
      {
          "CREATE TABLE u(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b INTEGER NOT NULL DEFAULT 7, "
          "c REAL CHECK (c >= 0), d, UNIQUE(b, d))",
          "INSERT INTO u VALUES (1, 'x', 1, 1.0, 'd1')",
          "INSERT INTO u(a, c) VALUES ('y', 2)",
          "INSERT INTO u VALUES (1, 'z', 3, 3, 'd3')",     // PRIMARY KEY
          "INSERT INTO u VALUES (5, 'x', 3, 3, 'd3')",     // UNIQUE a
          "INSERT INTO u VALUES (5, 'w', NULL, 3, 'd3')",  // NOT NULL
          "INSERT INTO u VALUES (5, 'w', 3, -1, 'd3')",    // CHECK
          "INSERT INTO u VALUES (5, 'w', 1, 3, 'd1')",     // UNIQUE(b, d)
          "INSERT INTO u VALUES (5, 'w', 1, 3, NULL)",     // NULLs are distinct
          "INSERT INTO u VALUES (6, 'v', 1, 3, NULL)",
          "INSERT INTO u VALUES (7, NULL, 2, NULL, 'n'), (8, NULL, 2, NULL, 'm')",
          "INSERT INTO u VALUES (9, 'q', 9, 9, 9), (10, 'q', 9, 9, 10)",  // second row fails
          dump("u"),
          "INSERT INTO u VALUES ('abc', 'r', 1, 1, 1)",  // rowid must be an integer
          "INSERT INTO u VALUES (2.5, 'r', 1, 1, 1)",
          "INSERT INTO u VALUES ('11', 'r', 1, 1, 'r')",
          "INSERT INTO u VALUES (12.0, 's', 1, 1, 's')",
          "INSERT INTO u VALUES (' 13 ', 't', 1, 1, 't')",
          "INSERT INTO u VALUES (-9223372036854775808, 'min', 1, 1, 'min')",
          "INSERT INTO u(a, c) VALUES ('after', 0)",
          "INSERT INTO u(b) VALUES ('12abc')",
          "INSERT INTO u(c) VALUES ('-1')",
          "INSERT INTO u(c) VALUES ('abc')",  // 'abc' >= 0 is true: text sorts above numbers
          dump("u"),
          // OR IGNORE / OR REPLACE
          "INSERT OR IGNORE INTO u VALUES (1, 'dup', 5, 5, 5)",
          "INSERT OR IGNORE INTO u VALUES (20, 'x', 5, 5, 5), (21, 'fresh', 5, 5, 5)",
          "INSERT OR IGNORE INTO u VALUES (22, 'nn', NULL, 5, 5)",
          "INSERT OR IGNORE INTO u VALUES (23, 'ck', 5, -5, 5)",
          dump("u"),
          "INSERT OR REPLACE INTO u VALUES (1, 'one', 1, 1, 'd1')",
          "INSERT OR REPLACE INTO u VALUES (30, 'y', 30, 30, 30)",   // replaces the row with a='y'
          "INSERT OR REPLACE INTO u VALUES (31, 'p', 7, 1, 'n')",    // replaces via UNIQUE(b, d)
          "INSERT OR REPLACE INTO u VALUES (21, 'one', 7, 1, 'm')",  // replaces three rows
          "INSERT OR REPLACE INTO u(id, a, b, c) VALUES (40, 'nb', NULL, 1)",  // default for b
          "INSERT OR REPLACE INTO u VALUES (41, 'neg', 1, -1, 'x')",           // CHECK still fails
          "REPLACE INTO u VALUES (42, 'rep', 42, 42, 42)",
          dump("u"),
          // Regression: a REPLACE that deletes the row with the largest rowid lowers the next
          // automatic rowid within the same statement.
          "CREATE TABLE rr(k TEXT UNIQUE, v)",
          "INSERT INTO rr VALUES ('a', 1), ('b', 2), ('c', 3)",
          "INSERT OR REPLACE INTO rr(rowid, k, v) VALUES (1, 'c', 4)",
          "INSERT OR REPLACE INTO rr(k, v) VALUES ('b', 5), ('d', 6)",
          "INSERT OR IGNORE INTO rr(k, v) VALUES ('d', 7), ('e', 8)",
          dump("rr"),
          // An explicit rowid on a table without INTEGER PRIMARY KEY, converted like one.
          "INSERT INTO rr(rowid, k) VALUES ('10', 'ten'), (11.0, 'eleven'), (NULL, 'next')",
          "INSERT INTO rr(oid, k) VALUES (2.5, 'bad')",
          "INSERT INTO rr(_rowid_, k) VALUES ('x', 'bad')",
          "INSERT INTO rr(rowid, k) VALUES (10, 'dup')",
          "INSERT OR REPLACE INTO rr(rowid, k) VALUES (10, 'TEN')",
          "INSERT OR IGNORE INTO rr(rowid, k) VALUES (11, 'ignored'), (-1, 'neg')",
          dump("rr"),
          "INSERT INTO rr(rowid, k) SELECT rowid + 100, k || '+' FROM rr WHERE rowid > 10 "
          "ORDER BY rowid",
          dump("rr"),
          // A rowid that is not an integer fails the statement before OR IGNORE looks at NOT
          // NULL; CHECK sees values after the column's affinity.
          "CREATE TABLE nn(id INTEGER PRIMARY KEY, b NOT NULL, c TEXT CHECK (typeof(c) = 'text'))",
          "INSERT OR IGNORE INTO nn VALUES ('x', NULL, 'a')",
          "INSERT OR IGNORE INTO nn VALUES (2.5, 1, 'a')",
          "INSERT OR IGNORE INTO nn VALUES (1, NULL, 'a'), (2, 2, 5), (3, 3, 'c')",
          "UPDATE OR IGNORE nn SET id = 'y', b = NULL WHERE id = 2",
          "UPDATE OR IGNORE nn SET b = NULL WHERE id = 2",
          "UPDATE OR IGNORE nn SET id = NULL WHERE id = 2",
          dump("nn"),
          // UPDATE violations
          "UPDATE u SET a = 'one' WHERE id = 42",
          "UPDATE u SET b = NULL WHERE id = 42",
          "UPDATE u SET c = -2 WHERE id = 42",
          "UPDATE u SET id = 1 WHERE id = 42",
          "UPDATE u SET id = 'x' WHERE id = 42",
          "UPDATE u SET id = NULL WHERE id = 42",
          "UPDATE u SET a = 'same' WHERE id >= 30",  // the second row conflicts
          "UPDATE u SET id = id + 1000 WHERE id = 42",
          "UPDATE u SET id = '2000' WHERE id = 1042",
          "UPDATE u SET a = upper(a), c = c * 2 WHERE c > 1",
          "UPDATE OR IGNORE u SET a = 'one' WHERE id = 2000",
          "UPDATE OR IGNORE u SET b = NULL WHERE id = 2000",
          "UPDATE OR REPLACE u SET a = 'ONE' WHERE id = 2000",
          "UPDATE OR REPLACE u SET b = NULL WHERE id = 2000",
          "UPDATE OR REPLACE u SET id = 30 WHERE id = 2000",
          "UPDATE u SET d = 'q' WHERE b = 2",
          // Regression: of several assignments to one column only the rightmost is evaluated.
          "UPDATE u SET d = abs(-9223372036854775808), d = 'twice' WHERE b = 2",
          "UPDATE u SET d = 'a' LIKE 'b' ESCAPE 'xy', d = d || '!' WHERE b = 2",
          "UPDATE u SET d = nosuchcolumn, d = 1 WHERE b = 2",
          "UPDATE u SET id = 500, rowid = 501, c = 1, c = 2 WHERE id = 30",
          dump("u"),
          "UPDATE u SET nope = 1",
          "UPDATE nope SET a = 1",
          "INSERT INTO u(nope) VALUES (1)",
          "INSERT INTO u VALUES (1, 2)",
          "INSERT INTO u(a, b) VALUES (1, 2, 3)",
          // Regression: a column named twice in INSERT takes the first value.
          "INSERT INTO u(id, a, b, a, c, b) VALUES (60, 'first', 6, 'second', 6, 7)",
          "INSERT INTO u(rowid, id, a, b) VALUES (61, 62, 'r', 8)",
          "SELECT * FROM u WHERE id >= 60 ORDER BY id",
          "INSERT INTO nope VALUES (1)",
          "INSERT INTO u DEFAULT VALUES",
          "CREATE TABLE w(a INTEGER PRIMARY KEY, b TEXT DEFAULT 'dflt', c DEFAULT (1 + 2), "
          "d REAL DEFAULT -1, e DEFAULT NULL, f NUMERIC DEFAULT '12')",
          "INSERT INTO w DEFAULT VALUES",
          "INSERT INTO w(b) VALUES (NULL)",
          "INSERT INTO w(a) SELECT a + 10 FROM w",
          "INSERT INTO w SELECT a + 100, b, c, d, e, f FROM w WHERE a > 1 ORDER BY a",
          dump("w"),
          "DELETE FROM w WHERE a > 100",
          "DELETE FROM w WHERE b IS NULL",
          dump("w"),
          "DELETE FROM w",
          "INSERT INTO w DEFAULT VALUES",  // rowids restart after the table emptied
          dump("w"),
          // Regression (model checker, seed 2099): an omitted INTEGER PRIMARY KEY takes a new
          // rowid whatever its DEFAULT says.
          "CREATE TABLE ipk(k INTEGER PRIMARY KEY DEFAULT 7, v)",
          "INSERT INTO ipk DEFAULT VALUES",
          "INSERT INTO ipk(v) VALUES (11)",
          "INSERT INTO ipk VALUES (NULL, 12)",
          "INSERT OR REPLACE INTO ipk(v) VALUES (13)",
          dump("ipk"),
          "CREATE TABLE w(a)",
          "CREATE TABLE IF NOT EXISTS w(a)",
          "CREATE TABLE k(a TEXT PRIMARY KEY, b INTEGER PRIMARY KEY)",
          "CREATE TABLE k(a TEXT PRIMARY KEY NOT NULL, b)",
          "INSERT INTO k VALUES ('a', 1), ('b', 2)",
          "INSERT INTO k VALUES ('a', 3)",
          "INSERT INTO k VALUES (NULL, 3)",
          "CREATE TABLE k2(a, b, PRIMARY KEY (a, b))",
          "INSERT INTO k2 VALUES (1, 1), (1, 2), (NULL, 1), (NULL, 1)",
          "INSERT INTO k2 VALUES (1, 1.0)",
          "INSERT INTO k2 VALUES ('1', 1)",
          dump("k2"),
          "CREATE UNIQUE INDEX k2_b ON k2(b)",
          "CREATE UNIQUE INDEX k2_ab ON k2(a, b)",
          "CREATE INDEX k2_ab ON k2(b)",
          "CREATE INDEX IF NOT EXISTS k2_ab ON k2(b)",
          "DROP INDEX k2_ab",
          "DROP INDEX k2_ab",
          "DROP INDEX IF EXISTS k2_ab",
          "CREATE INDEX k2_bad ON k2(nope)",
          "CREATE INDEX k2_bad ON nope(a)",
          "DROP TABLE k2",
          "DROP TABLE k2",
          "DROP TABLE IF EXISTS k2",
          "SELECT * FROM k2",
          // UPDATE that moves rowids visits rows in ascending rowid order, as SQLite does.
          "CREATE TABLE mv(id INTEGER PRIMARY KEY, u UNIQUE, w)",
          "INSERT INTO mv VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c'), (5, 50, 'e')",
          "UPDATE mv SET id = id + 1",
          "UPDATE mv SET id = id - 1",
          dump("mv"),
          "UPDATE OR REPLACE mv SET id = id + 1 WHERE w <> 'e'",
          dump("mv"),
          "UPDATE OR IGNORE mv SET id = id + 1",
          dump("mv"),
          "UPDATE OR REPLACE mv SET u = 10 WHERE id > 0",
          dump("mv"),
          "CREATE TABLE i2(a INTEGER PRIMARY KEY, b INTEGER)",
          "INSERT INTO i2 VALUES (9223372036854775807, 1)",
          "INSERT INTO i2(a, b) VALUES (-5, 2)",
          "SELECT a, b FROM i2 ORDER BY a",
          // Regression: DEFAULT must be constant and CHECK must resolve, at CREATE TABLE.
          "CREATE TABLE d2(x DEFAULT (y), y)",
          "CREATE TABLE d3(x DEFAULT (1 + abs(-2)), y DEFAULT ('a' || 'b'))",
          "INSERT INTO d3 DEFAULT VALUES",
          dump("d3"),
          "CREATE TABLE ck4(x CHECK (nosuch(x)))",
          "CREATE TABLE ck5(x CHECK (y > 0))",
          "CREATE TABLE ck6(x CHECK (x > 0), CHECK (ck6.x < 10), CHECK (rowid > 0))",
          "INSERT INTO ck6 VALUES (5)",
          "INSERT INTO ck6 VALUES (50)",
          dump("ck6"),
          "CREATE TABLE ck(a INTEGER CHECK (a > 0 AND a < 100), b TEXT CHECK (length(b) < 3), "
          "CONSTRAINT both CHECK (a IS NOT NULL OR b IS NOT NULL))",
          "INSERT INTO ck VALUES (1, 'ab')",
          "INSERT INTO ck VALUES (0, 'ab')",
          "INSERT INTO ck VALUES (1, 'abc')",
          "INSERT INTO ck VALUES (NULL, NULL)",
          "INSERT INTO ck VALUES (NULL, 'a')",  // a NULL CHECK result passes
          "INSERT INTO ck VALUES ('50', 'a')",
          "INSERT INTO ck VALUES ('abc', 'a')",
          // Regression: a row OR IGNORE skips uses up no rowid; the next row gets max + 1.
          "INSERT OR IGNORE INTO ck VALUES (500, 'a'), (5, 'b')",
          "INSERT OR IGNORE INTO ck VALUES (6, 'abcd'), (NULL, NULL), (7, 'c')",
          "UPDATE ck SET a = a * 10",
          "UPDATE ck SET a = a + 1",
          dump("ck"),
      });
}

TEST(SqlDiffCorpus, TransactionsCommitAndRollBack) {
  SqlDiff d;
  run_corpus(&d, {
                     "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE)",
                     "BEGIN",
                     "INSERT INTO t VALUES (1, 'one')",
                     "INSERT INTO t VALUES (2, 'two')",
                     dump("t"),
                     "ROLLBACK",
                     dump("t"),
                     "BEGIN",
                     "INSERT INTO t VALUES (1, 'one')",
                     "INSERT INTO t VALUES (2, 'one')",                // fails alone
                     "INSERT INTO t VALUES (3, 'three'), (4, 'one')",  // fails as a whole
                     "INSERT INTO t VALUES (5, 'five')",
                     "BEGIN",
                     "COMMIT",
                     dump("t"),
                     "COMMIT",
                     "ROLLBACK",
                     "BEGIN TRANSACTION",
                     "UPDATE t SET b = b || '!'",
                     "DELETE FROM t WHERE a = 1",
                     dump("t"),
                     "END",
                     dump("t"),
                     "BEGIN",
                     "CREATE TABLE t2(x)",
                     "INSERT INTO t2 VALUES (1)",
                     "ROLLBACK",
                     "SELECT * FROM t2",
                     "BEGIN",
                     "CREATE TABLE t2(x)",
                     "CREATE INDEX t2_x ON t2(x)",
                     "INSERT INTO t2 VALUES (1), (2)",
                     "COMMIT",
                     "SELECT x FROM t2 WHERE x = 2",
                     "BEGIN",
                     "DROP TABLE t2",
                     "SELECT * FROM t2",
                     "ROLLBACK",
                     "SELECT x FROM t2 ORDER BY x",
                     "BEGIN",
                     "DELETE FROM t",
                     "INSERT INTO t(b) VALUES ('fresh')",
                     dump("t"),
                     "ROLLBACK",
                     "INSERT INTO t(b) VALUES ('after')",
                     dump("t"),
                     "BEGIN",
                     "INSERT INTO t(b) VALUES ('a1')",
                     "CREATE UNIQUE INDEX t_bad ON t2(x)",
                     "INSERT INTO t2 VALUES (1)",
                     "CREATE UNIQUE INDEX t2_u ON t2(x)",  // fails: 1 twice
                     "DELETE FROM t2 WHERE rowid = 3",
                     "CREATE UNIQUE INDEX t2_u ON t2(x)",
                     "INSERT INTO t2 VALUES (2)",
                     "COMMIT",
                     "SELECT x FROM t2 ORDER BY x",
                     dump("t"),
                     // Regression: a statement that fails after a schema change in the same
                     // transaction must not make ROLLBACK forget to undo the schema change.
                     "CREATE TABLE sc(a TEXT, b)",
                     "INSERT INTO sc VALUES ('4', 1), ('x', 2)",
                     "BEGIN",
                     "CREATE INDEX sc_a ON sc(a)",
                     "INSERT INTO nosuch VALUES (1)",
                     "ROLLBACK",
                     "SELECT rowid FROM sc WHERE a < 7",
                     "UPDATE sc SET b = b + 10 WHERE a = '4'",
                     dump("sc"),
                     "BEGIN",
                     "CREATE TABLE sc2(x)",
                     "INSERT INTO sc VALUES (1, 2, 3)",
                     "ROLLBACK",
                     "SELECT * FROM sc2",
                     "CREATE TABLE sc2(y)",
                     "BEGIN",
                     "DROP TABLE sc",
                     "INSERT INTO sc2 VALUES (1, 2)",
                     "ROLLBACK",
                     dump("sc"),
                 });
}

// Inside BEGIN, SQLite undoes a failed statement on its own only if it ran with a statement
// journal (engine/query/statement_journal.h); otherwise the rows written before the failure
// (a rowid that is not an integer) stay. Each case: schema, statement, then the table.
TEST(SqlDiffCorpus, FailedStatementsInTransactionsKeepWhatSqliteKeeps) {
  struct Case {
    const char* schema;
    const char* statement;
  };
  const Case kCases[] = {
      {"t(a, b)", "INSERT INTO t(rowid, a) VALUES (1, 1), ('x', 2)"},
      {"t(a, b)", "INSERT OR IGNORE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a, b)", "INSERT OR REPLACE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(id INTEGER PRIMARY KEY, a)", "INSERT INTO t VALUES (7, 1), ('x', 2)"},
      {"t(id INTEGER PRIMARY KEY, a)", "INSERT OR IGNORE INTO t VALUES (7, 1), (8, 1), ('x', 2)"},
      {"t(id INTEGER PRIMARY KEY, a)", "INSERT OR REPLACE INTO t VALUES (1, 9), (7, 1), (2.5, 2)"},
      {"t(id INTEGER PRIMARY KEY, a)", "INSERT OR IGNORE INTO t VALUES (7, length('x')), ('x', 2)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "INSERT OR IGNORE INTO t VALUES (7, coalesce(1, 2)), ('x', 2)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "INSERT OR IGNORE INTO t VALUES (7, 'a' LIKE 'b'), ('x', 2)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "INSERT OR IGNORE INTO t(id, a) SELECT CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, a FROM t "
       "ORDER BY id"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "INSERT OR IGNORE INTO t(id, a) SELECT CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, a FROM t "
       "ORDER BY id DESC"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "INSERT OR IGNORE INTO t(id, a) SELECT CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, abs(a) "
       "FROM t ORDER BY id"},
      {"t(a NOT NULL, b)", "INSERT OR IGNORE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a NOT NULL, b)", "INSERT OR REPLACE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a NOT NULL DEFAULT 3, b)", "INSERT OR REPLACE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a UNIQUE, b)", "INSERT OR REPLACE INTO t(rowid, a) VALUES (5, 1), ('x', 6)"},
      {"t(a UNIQUE, b)", "INSERT INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a CHECK (a <> 99), b)", "INSERT OR REPLACE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a CHECK (a <> 99), b)", "INSERT OR IGNORE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(a CHECK (length(a) < 9), b)",
       "INSERT OR IGNORE INTO t(rowid, a) VALUES (5, 5), ('x', 6)"},
      {"t(id INTEGER PRIMARY KEY, a DEFAULT (abs(1)), b)",
       "INSERT OR IGNORE INTO t(id, b) VALUES (5, 5), ('x', 6)"},
      {"t(id INTEGER PRIMARY KEY, a DEFAULT (abs(1)), b)",
       "INSERT OR IGNORE INTO t(id, a, b) VALUES (5, 5, 5), ('x', 6, 6)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END WHERE a > 1"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 1 END"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, a = upper(a)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, a = iif(a, 1, 2)"},
      {"t(id INTEGER PRIMARY KEY, a)",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END WHERE length(a)"},
      {"t(id INTEGER PRIMARY KEY, a CHECK (length(a) < 100))",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a CHECK (a < 100), b NOT NULL DEFAULT 1)",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a, b NOT NULL DEFAULT 1)",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, b = 5"},
      {"t(id INTEGER PRIMARY KEY, a, b CHECK (b > 0))",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END, b = 1"},
      {"t(id INTEGER PRIMARY KEY, a, b CHECK (id > 0))",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a, b CHECK (id > 0))",
       "UPDATE OR IGNORE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a UNIQUE, b)",
       "UPDATE OR REPLACE t SET id = CASE WHEN id = 3 THEN 'x' ELSE id + 10 END"},
      {"t(id INTEGER PRIMARY KEY, a, b)", "UPDATE t SET b = abs(a - 9223372036854775807 - 4)"},
      {"t(id INTEGER PRIMARY KEY, a, b)",
       "UPDATE OR IGNORE t SET b = abs(a - 9223372036854775807 - 4)"},
      {"t(id INTEGER PRIMARY KEY, a, b)", "DELETE FROM t WHERE abs(a - 9223372036854775807 - 4)"},
  };
  SqlDiff d;
  std::vector<std::string> statements;
  for (const Case& c : kCases) {
    statements.push_back("DROP TABLE IF EXISTS t");
    statements.push_back(std::string("CREATE TABLE ") + c.schema);
    statements.push_back("INSERT INTO t(rowid, a) VALUES (1, 1), (2, 2), (3, 3), (4, 4)");
    statements.push_back("BEGIN");
    statements.push_back(c.statement);
    statements.push_back(dump("t"));
    statements.push_back("INSERT INTO t(a) VALUES (50)");
    statements.push_back("COMMIT");
    statements.push_back(dump("t"));
  }
  run_corpus(&d, statements);
}

TEST(SqlDiffCorpus, ExpressionsAndFunctions) {
  SqlDiff d;
  run_corpus(
      &d,
      {
          // Arithmetic, overflow and division.
          "SELECT 1 + 2, 7 / 2, 7 % 3, -7 / 2, -7 % 3, 7.0 / 2, 7 % 2.5, 2 * 3.5",
          "SELECT 9223372036854775807 + 1, -9223372036854775808 - 1, 9223372036854775807 * 2",
          "SELECT -9223372036854775808, -9223372036854775807 - 1, 9223372036854775808",
          "SELECT -9223372036854775808 / -1, -9223372036854775808 % -1, "
          "-(-9223372036854775808)",
          "SELECT - -9223372036854775808, -(9223372036854775807), +-9223372036854775808",
          "SELECT 5 / 0, 5 % 0, 5.0 / 0, 5 / 0.0, 0 / 0, 5 % 0.0, NULL / 0",
          "SELECT '10' / 3, 10 / '3', '10' + '5', 'abc' + 1, x'31' + 1, '1e3' * 1, "
          "'0x10' + 0",
          "SELECT 1e308 * 10, -1e308 * 10, 1e308 * 10 - 1e308 * 10, 1 / 1e-320",
          "SELECT 0.1 + 0.2, 1.0 - 1.0, -0.0, 0.0 * -1, 1e15 + 0.5, 123456789.123456789",
          "SELECT 3 - 2.0, 3 * 1.0, typeof(3 * 1.0), 9007199254740993 + 0.0",
          // Regression: a minus applied to a numeric literal is the negative literal (REAL
          // -0.0), not 0 - x; other operands, even parenthesized minus, are computed.
          "SELECT -0.0, -(0.0), - -0.0, -(-0.0), -0, -0x10, -0xFFFFFFFFFFFFFFFF, -1e400, "
          "-9223372036854775809, -(-9223372036854775808), -'0.0', -x'30'",
          "SELECT 1 / -0.0, -0.0 < 0, -0.0 = 0, quote(-0.0), CAST(-0.0 AS TEXT), -0.0 || ''",
          "SELECT 1 << 63, 1 << 64, -1 >> 70, -1 << -1, 8 >> -2, ~5, 5 & 3, 5 | 3, ~NULL",
          "SELECT 2.7 & 3, '6' | 1, x'35' & 7, 1 << '2', 'a' | 0",
          "SELECT NULL + 1, 1 - NULL, NULL * NULL, NULL || 'a', 'a' || NULL",
          "SELECT 'a' || 1 || 2.5 || x'62', 1 || 2, typeof(1 || 2), 1.0 || '', 1e20 || ''",
          "SELECT 100000000000000000000.0 || '', 1e-7 || '', 0.1 || '', -0.0 || '', 1e15 || ''",
          // Three-valued logic.
          "SELECT NULL AND 0, NULL AND 1, NULL OR 1, NULL OR 0, NOT NULL, NULL AND NULL",
          "SELECT 1 AND 'abc', 1 AND '1abc', 0.5 AND 1, 'x' OR 0, NOT 'x', NOT 0.0, NOT x'00'",
          "SELECT 1 IS 1, NULL IS NULL, 1 IS NOT NULL, NULL IS NOT 1, 'a' IS 'a', 1 IS 1.0, "
          "1 IS '1'",
          "SELECT 1 ISNULL, NULL NOTNULL, NULL IS NULL, 0 IS NOT NULL, NULL NOT NULL",
          // Comparisons across storage classes.
          "SELECT 1 < '1', 1 = '1', '1' = 1, 1 = 1.0, 'a' < x'00', NULL = NULL, 2 > NULL",
          "SELECT 'abc' < 'abd', 'a' < 'A', '' < 'a', x'00' < x'0000', 1e300 > 9223372036854775807",
          "SELECT 9223372036854775807 = 9223372036854775808.0, 9223372036854775807 < 9.3e18, "
          "-9223372036854775808 = -9223372036854775808.0",
          "SELECT 2 BETWEEN 1 AND 3, 2 NOT BETWEEN 1 AND 3, NULL BETWEEN 1 AND 3, "
          "2 BETWEEN NULL AND 1, 2 BETWEEN NULL AND 3, 'b' BETWEEN 'a' AND 'c'",
          "SELECT 1 IN (1, 2), 3 IN (1, 2), NULL IN (1), 1 IN (NULL, 1), 3 IN (NULL, 1), "
          "3 NOT IN (NULL, 1), 1 IN (), NULL IN (), NULL NOT IN ()",
          "SELECT '1' IN (1), 1 IN ('1'), 1.0 IN (1), 'a' IN ('A', 'a'), x'61' IN ('a')",
          // CASE
          "SELECT CASE WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN 0 THEN 'a' END, "
          "CASE WHEN NULL THEN 1 ELSE 2 END",
          "SELECT CASE 1 WHEN 1.0 THEN 'eq' ELSE 'ne' END, CASE '1' WHEN 1 THEN 'eq' ELSE 'ne' "
          "END, CASE NULL WHEN NULL THEN 'n' ELSE 'x' END",
          "SELECT CASE 3 WHEN 1 THEN 'a' WHEN 2 THEN 'b' WHEN 3 THEN 'c' END, "
          "CASE WHEN 'x' THEN 1 WHEN '1x' THEN 2 END",
          // CAST
          "SELECT CAST('12abc' AS INTEGER), CAST('1e3' AS INTEGER), CAST('0x10' AS INTEGER), "
          "CAST('  12  ' AS INTEGER), CAST('-' AS INTEGER), CAST('' AS INTEGER)",
          "SELECT CAST(1e30 AS INTEGER), CAST(-1e30 AS INTEGER), CAST(3.9 AS INTEGER), "
          "CAST(-3.9 AS INTEGER), CAST('9223372036854775808' AS INTEGER), "
          "CAST('-9223372036854775809' AS INTEGER)",
          "SELECT CAST('abc' AS REAL), CAST('1.5e2x' AS REAL), CAST(3 AS REAL), "
          "CAST('-0' AS REAL), CAST(x'3132' AS REAL), CAST('.5' AS REAL)",
          "SELECT CAST(12 AS TEXT), CAST(1.5 AS TEXT), CAST(1e100 AS TEXT), CAST(-0.0 AS TEXT), "
          "CAST(x'616263' AS TEXT), CAST(NULL AS TEXT)",
          "SELECT CAST('  12  ' AS NUMERIC), CAST('12.0' AS NUMERIC), CAST('1e3' AS NUMERIC), "
          "CAST('12abc' AS NUMERIC), CAST('9223372036854775808' AS NUMERIC), "
          "CAST('abc' AS NUMERIC)",
          "SELECT CAST(12 AS BLOB), CAST('ab' AS BLOB), typeof(CAST(1.5 AS BLOB)), "
          "CAST(1 AS VARCHAR(3)), CAST('1.5' AS DECIMAL(4,2)), CAST('7' AS FLOAT), "
          "CAST('7' AS whatever)",
          "SELECT CAST(x'3132' AS INTEGER), CAST(x'' AS NUMERIC), CAST('-0.0' AS NUMERIC), "
          "CAST(9223372036854775807 AS REAL), CAST(1e19 AS NUMERIC)",
          // LIKE and GLOB
          "SELECT 'abc' LIKE 'a%', 'ABC' LIKE 'a%', 'abc' LIKE 'A_C', 'abc' LIKE 'ab', "
          "'' LIKE '%', 'a' LIKE ''",
          "SELECT 'a_c' LIKE 'a\\_c' ESCAPE '\\', 'abc' LIKE 'a\\_c' ESCAPE '\\', "
          "'10%' LIKE '10!%' ESCAPE '!', '100' LIKE '10!%' ESCAPE '!', 'a%' LIKE 'a%%' "
          "ESCAPE '%'",
          "SELECT 'abc' LIKE 'a' ESCAPE 'ab'",
          "SELECT NULL LIKE 'a', 'a' LIKE NULL, 'a' LIKE 'a' ESCAPE NULL, 'abc' NOT LIKE 'a%', "
          "123 LIKE '1%', 1.5 LIKE '1._', x'616263' LIKE 'a%'",
          "SELECT 'abc' GLOB 'a*', 'abc' GLOB 'A*', 'abc' GLOB 'a?c', 'abc' GLOB '[a-c]*', "
          "'*' GLOB '[*]', 'b' GLOB '[^a]', 'abc' NOT GLOB 'a*'",
          "SELECT 'a]' GLOB '[]]*', 'x' GLOB '[!x]', '-' GLOB '[a-]', 'é' LIKE '_', "
          "'é' GLOB '?', 'É' LIKE 'é', NULL GLOB '*'",
          "SELECT 'ab' LIKE 'a_' ESCAPE '_', 'a_' LIKE 'a__' ESCAPE '_', 'Z' LIKE 'z'",
          // Functions
          "SELECT abs(-5), abs(5.5), abs(-0.0), abs('-3'), abs('x'), abs(NULL), abs(x'2d31')",
          "SELECT abs(-9223372036854775808)",
          "CREATE TABLE neg(a, b REAL DEFAULT -0.0, c DEFAULT -0.0, d NUMERIC DEFAULT -0.5)",
          "INSERT INTO neg(a) VALUES (-0.0)",
          "INSERT INTO neg VALUES (-0.0, -0.0, -0.0, -0.0)",
          "SELECT a, b, c, d FROM neg ORDER BY rowid",
          "SELECT DISTINCT a FROM neg",
          "SELECT a FROM neg WHERE a = 0 AND c = -0.0 ORDER BY 1",
          "SELECT abs(-9223372036854775807), abs(-9223372036854775808.0)",
          "SELECT coalesce(NULL, 2, 3), coalesce(NULL, NULL), ifnull(NULL, 'b'), ifnull(1, 2), "
          "nullif(1, 1), nullif(1, 2), nullif(1, 1.0), nullif('1', 1)",
          "SELECT length('héllo'), length(x'0001'), length(123), length(1.5), length(NULL), "
          "length(''), length('a' || x'00' || 'b')",
          "SELECT lower('ÀBC'), upper('àbc'), lower(12), upper(NULL), upper(x'61')",
          "SELECT substr('hello', 2), substr('hello', -3), substr('hello', 0, 2), "
          "substr('hello', 2, -1), substr('hello', 10), substr(x'010203', 2, 1), "
          "substr(12345, 2, 2), substr('héllo', 2, 2)",
          "SELECT substr('hello', -10, 3), substr('hello', 3, 0), substr('hello', NULL), "
          "substring('hello', 1, 1), substr('hello', 1.9, 2.9), substr('hello', '2')",
          "SELECT trim('  a  '), trim('xxaxx', 'x'), ltrim('  a  '), rtrim('  a  '), "
          "ltrim('xyxa', 'yx'), rtrim('a12', '0123456789'), trim(12), trim(NULL)",
          "SELECT replace('aaa', 'a', 'bb'), replace('a', '', 'x'), replace('abc', 'b', NULL), "
          "replace(12312, 1, 9), replace('', 'a', 'b')",
          "SELECT instr('hello', 'l'), instr('hello', 'z'), instr(NULL, 'a'), instr('a', ''), "
          "instr(x'0102', x'02'), instr('héllo', 'l'), instr(12345, 34)",
          "SELECT typeof(1), typeof(1.0), typeof('a'), typeof(x'00'), typeof(NULL), "
          "typeof(1 + 1.0), typeof('1' + 1)",
          "SELECT round(2.5), round(-2.5), round(1.2345, 2), round(1e20), round(1.5, -1), "
          "round('2.7'), round(NULL), round(2, 1), round(0.5), round(-0.4)",
          "SELECT round(1.005, 2), round(12345.6789, 3), round(9.999999999999999, 10), "
          "round(1e300, 2), round(1, 400)",
          "SELECT hex('abc'), hex(12), hex(1.5), hex(x'00ff'), hex(NULL), hex(''), hex('é')",
          "SELECT quote('it''s'), quote(1.5), quote(x'ab'), quote(NULL), quote(12), "
          "quote(1e100), quote(-0.0)",
          "SELECT min(1, 'a', 2.5), max(1, 'a', 2.5), min(1, NULL), max(x'00', 'z'), "
          "min(3, 2.0), max(2, 2.0), typeof(max(2, 2.0))",
          "SELECT iif(1, 2, 3), iif(0, 2, 3), iif(NULL, 2, 3), iif('1x', 'y', 'n')",
          "SELECT char(65, 66), char(), char(233), char(0x1F600), unicode('A'), unicode(''), "
          "unicode('é'), unicode(NULL)",
          "SELECT zeroblob(3), length(zeroblob(5)), typeof(zeroblob(0)), zeroblob(-1), "
          "hex(zeroblob(2))",
          "SELECT sign(-2), sign(0), sign(3.5), sign(-0.5), sign(NULL), sign('x'), sign('-7')",
          "SELECT likely(1), unlikely('a'), typeof(likely(NULL))",
          "SELECT upper('a') || lower('B') || length('abc') || typeof(1)",
          "SELECT abs(1, 2)",
          "SELECT nosuchfunction(1)",
          "SELECT substr('a')",
          // Literals
          "SELECT 0x10, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 1e0, 1E+2, .5, 5., 1_000",
          "SELECT 'a''b', x'', X'AbCd', '', 'multi\nline', TRUE, FALSE",
          "SELECT 00012, 0.0000001, 1e-300, 1e400, -1e400, 123456789012345678901234567890",
          // Result ordering and limits without a table.
          "SELECT 1 WHERE 0",
          "SELECT 1 WHERE NULL",
          "SELECT 1 WHERE '1x'",
          "SELECT 1 LIMIT 0",
          "SELECT 1 LIMIT -1",
          "SELECT 1 LIMIT 1 OFFSET 1",
          "SELECT 1 LIMIT '2'",
          "SELECT 1 LIMIT 2.5",
          "SELECT 1 LIMIT 'x'",
          "SELECT 1 LIMIT NULL",
          "SELECT DISTINCT 1",
          "SELECT 1 ORDER BY 1",
          "SELECT 1 ORDER BY 2",
          "SELECT *",
          "SELECT 1 AS a, 2 AS b ORDER BY b",
      });
}

TEST(SqlDiffCorpus, QueriesOverOneTable) {
  SqlDiff d;
  std::vector<std::string> statements = {
      "CREATE TABLE q(id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept TEXT, salary REAL, "
      "age INTEGER, note)",
      "CREATE INDEX q_dept ON q(dept)",
      "CREATE UNIQUE INDEX q_name ON q(name)",
      "CREATE INDEX q_dept_age ON q(dept, age)",
      "INSERT INTO q(name, dept, salary, age, note) VALUES "
      "('ann', 'eng', 120000, 34, NULL), ('bob', 'eng', 95000.5, 28, 'x'), "
      "('cy', 'ops', 70000, 45, 1), ('dee', NULL, 50000, NULL, 2.5), "
      "('ed', 'ops', NULL, 23, 'Y'), ('fay', 'eng', 120000, 41, x'00'), "
      "('gus', 'sales', 61000, 34, ''), ('hal', 'sales', 61000.0, 29, 'a_b'), "
      "('ivy', 'Eng', 88000, 37, 'a%b'), ('jo', 'eng', 95000.5, 28, -1)",
      "SELECT * FROM q ORDER BY id",
      "SELECT q.* FROM q ORDER BY id DESC",
      "SELECT name, salary FROM q WHERE dept = 'eng' ORDER BY name",
      "SELECT name FROM q WHERE dept = 'eng' AND age > 30 ORDER BY name",
      "SELECT name FROM q WHERE dept = 'eng' AND age BETWEEN 28 AND 34 ORDER BY name",
      "SELECT name FROM q WHERE dept > 'eng' ORDER BY name",
      "SELECT name FROM q WHERE dept IS NULL OR age IS NULL ORDER BY name",
      "SELECT name FROM q WHERE NOT dept = 'eng' ORDER BY name",
      "SELECT name FROM q WHERE dept <> 'eng' ORDER BY name",
      "SELECT name FROM q WHERE dept != 'eng' OR dept IS NULL ORDER BY name",
      "SELECT name FROM q WHERE name = 'cy'",
      "SELECT name FROM q WHERE name > 'd' AND name < 'h' ORDER BY name",
      "SELECT name FROM q WHERE name LIKE '%y' ORDER BY name",
      "SELECT name FROM q WHERE name GLOB '?o*' ORDER BY name",
      "SELECT name FROM q WHERE note LIKE 'a\\_b' ESCAPE '\\' ORDER BY name",
      "SELECT name FROM q WHERE note LIKE 'a_b' ORDER BY name",
      "SELECT name FROM q WHERE note LIKE '%!%%' ESCAPE '!' ORDER BY name",
      "SELECT name FROM q WHERE salary IN (61000, 120000) ORDER BY name",
      "SELECT name FROM q WHERE salary NOT IN (61000, 120000) ORDER BY name",
      "SELECT name FROM q WHERE age IN ('28', 34.0) ORDER BY name",
      "SELECT name FROM q WHERE salary > 60000 AND salary < 100000 ORDER BY name",
      "SELECT name FROM q WHERE salary > '60000' ORDER BY name",
      "SELECT name FROM q WHERE age = '34' ORDER BY name",
      "SELECT name FROM q WHERE age > 30.5 ORDER BY name",
      "SELECT name FROM q WHERE note = 1 OR note = '2.5' ORDER BY name",
      "SELECT name FROM q WHERE note > 0 ORDER BY name",
      "SELECT name, note FROM q WHERE typeof(note) = 'text' ORDER BY name",
      "SELECT name FROM q WHERE id = 3",
      "SELECT name FROM q WHERE id IN (1, 3, 5) ORDER BY id",
      "SELECT name FROM q WHERE id > 8 OR id < 2 ORDER BY id",
      "SELECT name FROM q WHERE rowid = '4'",
      "SELECT name FROM q WHERE _rowid_ BETWEEN 2 AND 4 ORDER BY oid",
      "SELECT id, rowid, oid, _rowid_ FROM q ORDER BY id LIMIT 2",
      "SELECT name, salary * 1.1, salary / 12, age + 0.5, age % 10 FROM q ORDER BY id",
      "SELECT name || ' (' || coalesce(dept, '?') || ')' AS label FROM q ORDER BY label",
      "SELECT upper(name) AS n, length(name) AS l FROM q ORDER BY l DESC, n",
      "SELECT name, CASE WHEN salary >= 100000 THEN 'high' WHEN salary >= 60000 THEN 'mid' "
      "ELSE 'low' END AS band FROM q ORDER BY band, name",
      "SELECT name, iif(age > 30, 'old', 'young') FROM q ORDER BY 1",
      "SELECT name FROM q ORDER BY salary DESC, name",
      "SELECT name FROM q ORDER BY salary DESC NULLS FIRST, name",
      "SELECT name FROM q ORDER BY salary NULLS LAST, name DESC",
      "SELECT name FROM q ORDER BY dept NULLS LAST, age DESC NULLS LAST, name",
      "SELECT name, dept FROM q ORDER BY 2, 1",
      "SELECT name AS who FROM q ORDER BY who DESC",
      "SELECT name FROM q ORDER BY -age, name",
      "SELECT name FROM q ORDER BY length(name), name",
      "SELECT name FROM q ORDER BY name LIMIT 3",
      "SELECT name FROM q ORDER BY name LIMIT 3 OFFSET 3",
      "SELECT name FROM q ORDER BY name LIMIT 3, 2",
      "SELECT name FROM q ORDER BY name LIMIT 100 OFFSET 8",
      "SELECT name FROM q ORDER BY name LIMIT -1 OFFSET 7",
      "SELECT name FROM q ORDER BY name LIMIT 2 OFFSET -3",
      "SELECT name FROM q ORDER BY id DESC LIMIT 4",
      "SELECT name FROM q WHERE dept = 'eng' ORDER BY age, name LIMIT 2",
      "SELECT name FROM q WHERE dept = 'eng' ORDER BY age DESC, name DESC LIMIT 2",
      "SELECT dept, age FROM q WHERE dept = 'eng' ORDER BY dept, age",
      "SELECT DISTINCT dept FROM q",
      "SELECT DISTINCT dept FROM q ORDER BY dept",
      "SELECT DISTINCT dept FROM q ORDER BY dept DESC LIMIT 2",
      "SELECT DISTINCT salary FROM q ORDER BY 1",
      "SELECT DISTINCT dept, age FROM q ORDER BY 1, 2",
      "SELECT DISTINCT age > 30 FROM q ORDER BY 1",
      "SELECT name FROM q WHERE salary = 95000.5 ORDER BY name",
      "~ SELECT name, dept FROM q ORDER BY dept",
      "~ SELECT name, age FROM q WHERE age > 25 ORDER BY age DESC",
      "SELECT name FROM q WHERE dept = 'eng' AND name = 'bob'",
      "SELECT name FROM q WHERE nosuchcolumn = 1",
      "SELECT x.name FROM q AS x WHERE x.id = 2",
      "SELECT q.name FROM q AS x WHERE x.id = 2",
      "SELECT x.* FROM q x WHERE x.dept = 'ops' ORDER BY x.id",
      "SELECT name FROM q ORDER BY nosuch",
      // Regression: WHERE and ORDER BY expressions may name result aliases (columns win);
      // ORDER BY +1, 1 COLLATE BINARY are ordinals, -1 is out of range, 4294967296 a constant.
      "SELECT salary AS pay FROM q WHERE pay > 60000 ORDER BY pay",
      "SELECT age + 1 AS next FROM q WHERE next BETWEEN 30 AND 40 ORDER BY next",
      "SELECT id AS r FROM q WHERE r > 7 ORDER BY r",
      "SELECT upper(name) AS u FROM q ORDER BY lower(u) DESC",
      "SELECT name AS age FROM q WHERE age > 30 ORDER BY 1",
      "SELECT 1 AS x WHERE x = 1",
      "SELECT 1 AS x LIMIT x",
      "SELECT name AS n1, n1 || '!' FROM q",
      "SELECT name FROM q ORDER BY +1",
      "SELECT name FROM q ORDER BY 1 COLLATE BINARY DESC",
      "SELECT name FROM q ORDER BY - -1",
      "SELECT name FROM q ORDER BY -1",
      "~ SELECT name FROM q ORDER BY 4294967296",
      "SELECT name AS who FROM q ORDER BY who COLLATE BINARY",
      "UPDATE q SET salary = salary * 2 WHERE dept = 'ops'",
      "UPDATE q SET dept = 'eng' WHERE dept = 'Eng'",
      "UPDATE q SET age = age + 1 WHERE age IS NOT NULL AND dept = 'eng'",
      "UPDATE q SET note = typeof(note)",
      "UPDATE q SET name = 'ann' WHERE name = 'bob'",
      "UPDATE q SET name = name || '2' WHERE id > 5",
      "SELECT * FROM q ORDER BY id",
      "SELECT name, age FROM q WHERE dept = 'eng' ORDER BY age, name",
      "DELETE FROM q WHERE salary < 70000",
      "DELETE FROM q WHERE dept = 'eng' AND age > 35",
      "SELECT * FROM q ORDER BY id",
      "SELECT name FROM q WHERE dept = 'eng' ORDER BY name",
      "DELETE FROM q WHERE id = 2",
      "INSERT INTO q(name, dept) VALUES ('zed', 'eng')",
      "SELECT * FROM q ORDER BY id",
  };
  run_corpus(&d, statements);
}

// Bound parameters have no affinity: a column's affinity converts them, as it converts
// literals. Each statement runs with every value of a hand-picked list bound to ?1.
TEST(SqlDiffCorpus, BoundParametersCompareLikeLiterals) {
  SqlDiff d;
  run_corpus(&d, {
                     "CREATE TABLE bp(id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, x)",
                     "INSERT INTO bp VALUES (1, 1, '1', 1.0, 1), (2, 2, '2', 2.5, '2'), "
                     "(3, 12, '12', 12, 12.0), (4, NULL, 'a', NULL, x'31'), (5, -3, '', -0.5, '')",
                     "CREATE INDEX bp_t ON bp(t)",
                     "CREATE INDEX bp_x ON bp(x)",
                 });
  const std::vector<Value> values = {
      Value::null(),      Value::integer(1), Value::integer(12),  Value::real(12.0),
      Value::real(2.5),   Value::text("12"), Value::text(" 12 "), Value::text("2.5"),
      Value::text("a"),   Value::text(""),   Value::blob("1"),    Value::blob(""),
      Value::integer(-3), Value::real(-0.0), Value::text("1e1"),  Value::integer(INT64_MIN),
  };
  const char* kStatements[] = {
      "SELECT ?1, typeof(?1), ?1 + 1, ?1 || 'x', -?1, CAST(?1 AS INTEGER), ?1 = 12, ?1 IS NULL",
      "SELECT id FROM bp WHERE id = ?1 ORDER BY id",
      "SELECT id FROM bp WHERE id > ?1 ORDER BY id",
      "SELECT id FROM bp WHERE i = ?1 ORDER BY id",
      "SELECT id FROM bp WHERE i < ?1 ORDER BY id",
      "SELECT id FROM bp WHERE t = ?1 ORDER BY id",
      "SELECT id FROM bp WHERE t >= ?1 ORDER BY id",
      "SELECT id FROM bp WHERE r BETWEEN ?1 AND 100 ORDER BY id",
      "SELECT id FROM bp WHERE x = ?1 ORDER BY id",
      "SELECT id FROM bp WHERE x IN (?1, 2) ORDER BY id",
      "SELECT id FROM bp WHERE ?1 IN (i, t, r, x) ORDER BY id",
      "SELECT id FROM bp ORDER BY id LIMIT ?1",
      "SELECT id, CASE ?1 WHEN i THEN 'i' WHEN t THEN 't' ELSE 'none' END FROM bp ORDER BY id",
  };
  for (const char* sql : kStatements) {
    for (const Value& v : values) {
      std::vector<Value> params{v};
      std::string mismatch = d.diff(sql, SqlDiff::Order::kAuto, params);
      if (!mismatch.empty()) ADD_FAILURE() << mismatch;
    }
  }
  std::string mismatch = d.diff("INSERT INTO bp(i, t, r, x) VALUES (?1, ?1, ?1, ?1)",
                                SqlDiff::Order::kAuto, std::vector<Value>{Value::text(" 7 ")});
  EXPECT_EQ(mismatch, "");
  EXPECT_EQ(d.diff("SELECT * FROM bp ORDER BY id"), "");
}

// Values of kilobytes: rows that overflow their page compare, sort and update like short
// ones. (An indexed column cannot hold them: see the next test.)
TEST(SqlDiffCorpus, LongValuesOverflowTheirPage) {
  SqlDiff d;
  std::string a(3000, 'a'), b(3000, 'a'), c(9000, 'c');
  b.back() = 'b';
  run_corpus(&d, {
                     "CREATE TABLE lv(id INTEGER PRIMARY KEY, k TEXT, v)",
                     "CREATE INDEX lv_k ON lv(k)",
                     "INSERT INTO lv VALUES (1, 'x', '" + a + "'), (2, 'y', '" + b + "')",
                     "INSERT INTO lv VALUES (3, 'z', '" + c + "'), (4, 'w', zeroblob(5000))",
                     "INSERT INTO lv(k, v) SELECT k || '2', v || v FROM lv ORDER BY id",
                     "SELECT id, length(v), substr(v, -3), typeof(v) FROM lv ORDER BY id",
                     "SELECT id FROM lv WHERE v > '" + a + "' ORDER BY id",
                     "SELECT id FROM lv WHERE v = '" + b + "'",
                     "SELECT id, k FROM lv ORDER BY v, id",
                     "UPDATE lv SET v = v || 'tail' WHERE id % 2 = 0",
                     "UPDATE lv SET v = 'short' WHERE id = 3",
                     "SELECT id, length(v), substr(v, -5) FROM lv ORDER BY id",
                     "DELETE FROM lv WHERE length(v) > 8000",
                     dump("lv"),
                 });
  EXPECT_EQ(d.reopen(), "");
  EXPECT_EQ(d.diff(dump("lv")), "");
}

TEST(SqlDiffCorpus, UnsupportedConstructsAreRefusedNotAnswered) {
  SqlDiff d;
  ASSERT_EQ(d.diff("CREATE TABLE t(a, b)"), "");
  ASSERT_EQ(d.diff("CREATE TABLE s(a, b)"), "");
  ASSERT_EQ(d.diff("INSERT INTO t VALUES (1, 2), (3, 4)"), "");
  ASSERT_EQ(d.diff("CREATE INDEX t_b ON t(b)"), "");
  ASSERT_EQ(d.diff("CREATE TABLE big(id INTEGER PRIMARY KEY, x)"), "");
  ASSERT_EQ(d.diff("INSERT INTO big VALUES (9223372036854775807, 1)"), "");
  for (const std::string& sql : std::vector<std::string>{
           "SELECT * FROM t RIGHT JOIN s ON t.a = s.a",
           "SELECT * FROM t FULL OUTER JOIN s ON t.a = s.a",
           "SELECT * FROM t LEFT JOIN (s JOIN s AS s2 ON s.a = s2.a) ON t.a = s.a",
           "SELECT a, row_number() OVER (ORDER BY a) FROM t",
           "SELECT sum(a) OVER () FROM t",
           "SELECT a FROM t WINDOW w AS (ORDER BY a)",
           "WITH q AS (SELECT 1) SELECT * FROM q",
           "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x "
           "FROM c",
           "SELECT (SELECT sum(t.a) FROM s) FROM t",
           "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM s; END",
           "ALTER TABLE t ADD COLUMN c",
           "EXPLAIN QUERY PLAN SELECT * FROM t",
           "SELECT a FROM t WHERE a = 1 COLLATE NOCASE",
           "SELECT a FROM t UNION SELECT a FROM s ORDER BY 1 COLLATE NOCASE",
           "SELECT name FROM sqlite_master",
           "SELECT * FROM sqlite_schema WHERE type = 'table'",
           // Regression: these used to be accepted and then ignored.
           "CREATE TABLE oc1(a NOT NULL ON CONFLICT IGNORE)",
           "CREATE TABLE oc2(a UNIQUE ON CONFLICT REPLACE)",
           "CREATE TABLE oc3(id INTEGER PRIMARY KEY ON CONFLICT IGNORE, x)",
           "CREATE TABLE oc4(x, y, UNIQUE (x) ON CONFLICT IGNORE)",
           "CREATE TABLE oc5(x, y, PRIMARY KEY (x, y) ON CONFLICT FAIL)",
           "CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, x)",
           "CREATE TABLE st(x INTEGER, y TEXT) STRICT",
           // Index keys have a size limit (998 bytes at 4 KiB pages) that SQLite's do not.
           "INSERT INTO t VALUES (1, '" + std::string(1200, 'x') + "')",
           "UPDATE t SET b = zeroblob(2000) WHERE a = 3",
           // After rowid 9223372036854775807 SQLite picks a new rowid at random.
           "INSERT INTO big(x) VALUES (2)",
           // SQLite functions Strata does not have are refused, not reported missing.
           "SELECT random()",
           "SELECT printf('%d', a) FROM t",
           "SELECT date('now')",
           "SELECT json('{}')",
           "SELECT sqrt(4)",
           "SELECT a FROM t WHERE likelihood(a, 0.5)",
           "CREATE TABLE __x(a)",
           "CREATE TABLE dt(a DEFAULT CURRENT_TIMESTAMP)",
           "CREATE TABLE dr(a, b DEFAULT (random()))",
       }) {
    SqlOutcome strata = run_strata(d.db(), sql);
    EXPECT_FALSE(strata.ok) << sql;
    EXPECT_TRUE(strata.unsupported) << sql << ": " << strata.error;
    EXPECT_NE(strata.error.find(':'), std::string::npos) << sql << ": " << strata.error;
  }
  // A refused statement changes nothing, inside a transaction too.
  EXPECT_EQ(d.diff(dump("t")), "");
  EXPECT_EQ(d.diff("BEGIN"), "");
  EXPECT_EQ(d.diff("INSERT INTO t VALUES (5, 6)"), "");
  EXPECT_TRUE(run_strata(d.db(), "INSERT INTO t VALUES (7, 8), (9, zeroblob(3000))").unsupported);
  EXPECT_EQ(d.diff("INSERT INTO t VALUES (10, 11)"), "");
  EXPECT_EQ(d.diff("COMMIT"), "");
  EXPECT_EQ(d.diff(dump("t")), "");
  EXPECT_EQ(d.diff("SELECT a FROM t WHERE b > 5 ORDER BY a"), "");
}

// ------------------------------------------------------------------ random workloads

// A seeded generator of schemas and statements within what Strata supports, avoiding the
// few things whose SQLite result depends on its query plan (the order an UPDATE visits rows
// when it changes a UNIQUE column by an expression; which row an OR IGNORE/REPLACE UPDATE of
// many rows keeps; runtime errors in WHERE).
// A pseudo-statement of random workloads: close the Strata database and open it again.
const std::string kReopen = ".reopen";

class WorkloadGenerator {
 public:
  struct Column {
    std::string name;
    std::string type;
    bool integer_primary_key = false;
    bool unique = false;  // part of a UNIQUE or PRIMARY KEY constraint
    bool wide = false;    // never indexed; may hold values of kilobytes
  };
  struct Table {
    std::string name;
    std::vector<Column> columns;
    // Column lists of the indexes made so far (some may have failed or been dropped): WHERE
    // clauses aim at them so that index lookups and ranges are exercised.
    std::vector<std::vector<size_t>> indexes;
    std::vector<std::vector<size_t>> constraint_indexes;  // PRIMARY KEY and UNIQUE
    std::string create;                                   // the CREATE TABLE statement
  };

  explicit WorkloadGenerator(uint64_t seed) : rng_(seed) {}

  std::vector<std::string> schema() {
    std::vector<std::string> out;
    int tables = uniform(1, 3);
    for (int t = 0; t < tables; ++t) {
      Table table;
      table.name = "t" + std::to_string(t);
      int columns = uniform(2, 5);
      bool ipk = chance(0.5);
      // The last column may be "wide": never indexed, it gets values of kilobytes, which
      // overflow the row's page (index keys have a size limit Strata refuses to exceed).
      bool wide = columns >= 3 && chance(0.5);
      std::vector<std::string> defs;
      for (int c = 0; c < columns; ++c) {
        Column col;
        col.name = std::string(1, static_cast<char>('a' + c));
        col.wide = wide && c == columns - 1;
        static const char* kTypes[] = {"INTEGER", "TEXT",        "REAL",   "NUMERIC", "BLOB",
                                       "",        "VARCHAR(10)", "DOUBLE", "INT",     "BOOLEAN"};
        col.type = pick(kTypes);
        std::string def = col.name + (col.type.empty() ? "" : " " + col.type);
        if (c == 0 && ipk) {
          col.type = "INTEGER";
          col.integer_primary_key = true;
          col.unique = true;
          def = col.name + " INTEGER PRIMARY KEY";
          table.indexes.push_back({0});
        } else if (!col.wide && chance(0.15)) {
          col.unique = true;
          def += " UNIQUE";
          table.indexes.push_back({static_cast<size_t>(c)});
        }
        if (!col.integer_primary_key && chance(0.15)) def += " NOT NULL";
        if (!col.integer_primary_key && chance(0.15)) def += " DEFAULT " + literal();
        if (!col.integer_primary_key && chance(0.1)) {
          def += " CHECK (" + col.name + " IS NULL OR " + col.name + " <> " + literal() + ")";
        }
        defs.push_back(def);
        table.columns.push_back(col);
      }
      if (columns >= 3 && chance(0.2)) {
        int last = wide ? columns - 2 : columns - 1;
        int a = uniform(1, last), b = uniform(1, last);
        if (a != b) {
          defs.push_back("UNIQUE (" + table.columns[a].name + ", " + table.columns[b].name + ")");
          table.columns[a].unique = table.columns[b].unique = true;
          table.indexes.push_back({static_cast<size_t>(a), static_cast<size_t>(b)});
        }
      }
      std::string create = "CREATE TABLE " + table.name + "(";
      for (size_t i = 0; i < defs.size(); ++i) create += (i ? ", " : "") + defs[i];
      table.create = create + ")";
      table.constraint_indexes = table.indexes;
      out.push_back(table.create);
      tables_.push_back(table);
      int indexes = uniform(0, 2);
      for (int i = 0; i < indexes; ++i) out.push_back(create_index(tables_.back()));
    }
    return out;
  }

  std::string statement() {
    if (!pending_.empty()) {
      std::string next = pending_.front();
      pending_.erase(pending_.begin());
      return next;
    }
    int kind = uniform(0, 199);
    Table& t = tables_[static_cast<size_t>(uniform(0, static_cast<int>(tables_.size()) - 1))];
    if (kind == 199) {
      // Drop the table and make it again, empty, with the indexes of its constraints.
      pending_.push_back(t.create);
      t.indexes = t.constraint_indexes;
      return "DROP TABLE " + t.name;
    }
    if (kind >= 196) return kReopen;
    kind /= 2;
    if (kind < 30) return insert(t);
    if (kind < 40) return update(t);
    if (kind < 46) return remove(t);
    if (kind < 51) return transaction();
    if (kind < 53) return create_index(t);
    if (kind < 54) return "DROP INDEX IF EXISTS " + t.name + "_i" + std::to_string(uniform(0, 5));
    if (kind < 56) return insert_select(t);
    return select(t);
  }

  const std::vector<Table>& tables() const { return tables_; }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T, size_t N>
  T pick(T (&items)[N]) {
    return items[static_cast<size_t>(uniform(0, static_cast<int>(N) - 1))];
  }

  // A literal of any storage class, biased to small values so that they collide.
  std::string literal() {
    switch (uniform(0, 15)) {
      case 0:
        return "NULL";
      case 1:
      case 2:
      case 3:
        return std::to_string(uniform(-3, 10));
      case 4:
        return std::to_string(uniform(-3, 10)) + ".0";
      case 5:
        return std::to_string(uniform(-30, 100)) + ".5";
      case 6:
        return "'" + std::to_string(uniform(-3, 10)) + "'";
      case 7: {
        static const char* kTexts[] = {"'a'",   "'b'",  "'abc'", "'B'",  "''",    "'a_c'",
                                       "'%'",   "' 7'", "'1e1'", "'x1'", "'2.0'", "'-0'",
                                       "'0x1'", "'Ab'", "'é'",   "'10'", "'a%'",  "'zz'"};
        return pick(kTexts);
      }
      case 8: {
        static const char* kBlobs[] = {"x''", "x'00'", "x'61'", "x'31'", "x'0102'", "x'ff'"};
        return pick(kBlobs);
      }
      case 9: {
        static const char* kEdges[] = {"9223372036854775807",
                                       "-9223372036854775808",
                                       "9223372036854775806",
                                       "1e300",
                                       "-1e300",
                                       "1e18",
                                       "-0.0",
                                       "0.1",
                                       "4611686018427387904",
                                       "1e-5",
                                       "-2.5"};
        return pick(kEdges);
      }
      case 10:
        return "'" + std::string(1, static_cast<char>('a' + uniform(0, 4))) + "'";
      case 11:
        return std::to_string(uniform(0, 6)) + ".0";
      default:
        return std::to_string(uniform(0, 6));
    }
  }

  // A text or blob of a few kilobytes (rows and index keys that overflow a page), with a
  // varying start and end so that such values still compare in different ways.
  std::string long_literal() {
    size_t n = static_cast<size_t>(uniform(500, 6000));
    char head = static_cast<char>('a' + uniform(0, 3));
    char tail = static_cast<char>('a' + uniform(0, 3));
    if (chance(0.3)) {
      static const char* kHex = "0123456789abcdef";
      std::string out = "x'";
      for (size_t i = 0; i < n; ++i) {
        out += kHex[(i + static_cast<size_t>(head)) % 16];
        out += kHex[i % 16];
      }
      return out + "'";
    }
    return "'" + std::string(1, head) + std::string(n, 'x') + std::string(1, tail) + "'";
  }

  const Column& column(const Table& t) {
    int n = static_cast<int>(t.columns.size());
    if (avoid_wide_ && t.columns.back().wide) --n;
    return t.columns[static_cast<size_t>(uniform(0, n - 1))];
  }

  // Generates with fn() while column() leaves out wide columns if `avoid`: a value bound
  // for a column that may be indexed must not be kilobytes long.
  template <typename Fn>
  std::string narrow_if(bool avoid, Fn fn) {
    bool saved = avoid_wide_;
    avoid_wide_ = avoid;
    std::string out = fn();
    avoid_wide_ = saved;
    return out;
  }

  // A value for an INTEGER PRIMARY KEY: mostly small integers, sometimes something that
  // converts ('5', 5.0) or fails (2.5, 'x').
  std::string rowid_literal() {
    switch (uniform(0, 9)) {
      case 0:
        return "NULL";
      case 1:
        return "'" + std::to_string(uniform(1, 12)) + "'";
      case 2:
        return std::to_string(uniform(1, 12)) + ".0";
      case 3:
        return chance(0.5) ? "2.5" : "'x'";
      case 4:
        return std::to_string(uniform(-5, 0));
      default:
        return std::to_string(uniform(1, 12));
    }
  }

  std::string value_for(const Column& c) {
    if (c.integer_primary_key) return rowid_literal();
    if (c.wide && chance(0.3)) return long_literal();
    if (chance(0.1)) return scalar_expr(nullptr, 1);
    return literal();
  }

  std::string insert(const Table& t) {
    std::string verb = "INSERT";
    int r = uniform(0, 9);
    if (r == 0) verb = "INSERT OR IGNORE";
    if (r == 1) verb = "INSERT OR REPLACE";
    if (r == 2) verb = "REPLACE";
    std::vector<const Column*> cols;
    bool all = chance(0.5);
    for (const Column& c : t.columns) {
      if (all || chance(0.6)) cols.push_back(&c);
    }
    if (cols.empty()) return verb + " INTO " + t.name + " DEFAULT VALUES";
    std::string s = verb + " INTO " + t.name;
    if (!all) {
      s += "(";
      for (size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + cols[i]->name;
      s += ")";
    }
    s += " VALUES ";
    int rows = uniform(1, 4);
    for (int row = 0; row < rows; ++row) {
      s += row ? ", (" : "(";
      for (size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + value_for(*cols[i]);
      s += ")";
    }
    return s;
  }

  std::string insert_select(const Table& t) {
    const Table& src =
        tables_[static_cast<size_t>(uniform(0, static_cast<int>(tables_.size()) - 1))];
    std::string s =
        std::string(chance(0.3) ? "INSERT OR IGNORE" : "INSERT") + " INTO " + t.name + "(";
    std::string sel;
    bool any = false;
    for (const Column& c : t.columns) {
      if (c.integer_primary_key) continue;
      s += std::string(any ? ", " : "") + c.name;
      sel += std::string(any ? ", " : "") + narrow_if(!c.wide, [&] {
               return chance(0.3) ? scalar_expr(&src, 1) : column(src).name;
             });
      any = true;
    }
    if (!any) return select(t);
    // A total order on the source rows, so both engines insert in the same order.
    return s + ") SELECT " + sel + " FROM " + src.name + " WHERE " + predicate(src, 2) +
           " ORDER BY rowid";
  }

  std::string update(const Table& t) {
    std::string where = chance(0.15) ? "" : " WHERE " + predicate(t, 2);
    bool single_row = false;
    if (chance(0.3)) {
      where = " WHERE rowid = " + std::to_string(uniform(1, 12));
      single_row = true;
    }
    std::string verb = "UPDATE";
    if (single_row && chance(0.4)) verb = chance(0.5) ? "UPDATE OR IGNORE" : "UPDATE OR REPLACE";
    std::string sets;
    int n = uniform(1, 2);
    for (int i = 0; i < n; ++i) {
      const Column& c = column(t);
      std::string value;
      if (c.unique && !single_row) {
        // Any expression would make the outcome depend on the order rows are visited.
        value = c.integer_primary_key ? rowid_literal() : literal();
      } else if (c.integer_primary_key) {
        value = chance(0.5) ? rowid_literal() : c.name + " + " + std::to_string(uniform(-3, 20));
      } else {
        value = narrow_if(!c.wide, [&] {
          if (c.wide && chance(0.3)) return long_literal();
          return chance(0.5) ? literal() : chance(0.8) ? scalar_expr(&t, 2) : risky_expr(t);
        });
      }
      sets += (i ? ", " : "") + c.name + " = " + value;
    }
    return verb + " " + t.name + " SET " + sets + where;
  }

  std::string remove(const Table& t) {
    if (chance(0.05)) return "DELETE FROM " + t.name;
    return "DELETE FROM " + t.name + " WHERE " + predicate(t, 2);
  }

  std::string transaction() {
    static const char* kStatements[] = {
        "BEGIN", "BEGIN", "COMMIT", "ROLLBACK", "END", "BEGIN TRANSACTION", "COMMIT TRANSACTION"};
    return pick(kStatements);
  }

  std::string create_index(Table& t) {
    std::string name = t.name + "_i" + std::to_string(uniform(0, 5));
    std::vector<size_t> positions;
    int n = std::min(uniform(1, 3), static_cast<int>(t.columns.size()));
    int indexable = static_cast<int>(t.columns.size()) - (t.columns.back().wide ? 1 : 0);
    n = std::min(n, indexable);
    while (static_cast<int>(positions.size()) < n) {
      size_t c = static_cast<size_t>(uniform(0, indexable - 1));
      if (std::find(positions.begin(), positions.end(), c) == positions.end()) {
        positions.push_back(c);
      }
    }
    bool unique = chance(0.25);
    std::string cols;
    for (size_t c : positions) {
      cols += (cols.empty() ? "" : ", ") + t.columns[c].name;
      // Even if it fails now, an UPDATE must not rely on the column being free of it.
      if (unique) t.columns[c].unique = true;
    }
    t.indexes.push_back(positions);
    return std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + name +
           " ON " + t.name + "(" + cols + ")";
  }

  // Equalities on a prefix of an index's columns, then maybe a range on the next one.
  std::string index_predicate(const Table& t) {
    const auto& idx =
        t.indexes[static_cast<size_t>(uniform(0, static_cast<int>(t.indexes.size()) - 1))];
    size_t eq = static_cast<size_t>(uniform(0, static_cast<int>(idx.size())));
    std::string s;
    auto add = [&](const std::string& term) { s += (s.empty() ? "" : " AND ") + term; };
    for (size_t i = 0; i < eq; ++i) {
      add(chance(0.8) ? t.columns[idx[i]].name + " = " + literal()
                      : literal() + " = " + t.columns[idx[i]].name);
    }
    if (eq < idx.size() && chance(0.8)) {
      const std::string& c = t.columns[idx[eq]].name;
      static const char* kRange[] = {"<", "<=", ">", ">="};
      switch (uniform(0, 3)) {
        case 0:
          add(c + " BETWEEN " + literal() + " AND " + literal());
          break;
        case 1:
          add(c + " > " + literal());
          add(c + " < " + literal());
          break;
        default:
          add(c + " " + pick(kRange) + " " + literal());
          break;
      }
    }
    if (s.empty()) s = t.columns[idx[0]].name + " IS NOT NULL";
    if (chance(0.3)) s += " AND " + predicate_of(&t, 0);
    return s;
  }

  // An expression that cannot fail at run time.
  std::string scalar_expr(const Table* t, int depth) {
    int r = uniform(0, depth <= 0 ? 2 : 16);
    auto col = [&]() { return t != nullptr ? column(*t).name : literal(); };
    switch (r) {
      case 0:
      case 1:
        return col();
      case 2:
        return literal();
      case 3: {
        static const char* kOps[] = {"+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>"};
        return "(" + scalar_expr(t, depth - 1) + " " + pick(kOps) + " " +
               scalar_expr(t, depth - 1) + ")";
      }
      case 4: {
        static const char* kFns[] = {"length", "lower", "upper", "typeof",  "hex",
                                     "quote",  "trim",  "sign",  "unicode", "round"};
        return std::string(pick(kFns)) + "(" + scalar_expr(t, depth - 1) + ")";
      }
      case 5:
        return "coalesce(" + scalar_expr(t, depth - 1) + ", " + scalar_expr(t, depth - 1) + ")";
      case 6: {
        static const char* kTypes[] = {"INTEGER", "TEXT", "REAL", "NUMERIC", "BLOB"};
        return "CAST(" + scalar_expr(t, depth - 1) + " AS " + pick(kTypes) + ")";
      }
      case 7:
        return "CASE WHEN " + predicate_of(t, depth - 1) + " THEN " + scalar_expr(t, depth - 1) +
               " ELSE " + scalar_expr(t, depth - 1) + " END";
      case 8:
        return "-" + col();
      case 9:
        return "substr(" + scalar_expr(t, depth - 1) + ", " + std::to_string(uniform(-2, 3)) + ")";
      case 10:
        return std::string(chance(0.5) ? "min(" : "max(") + scalar_expr(t, depth - 1) + ", " +
               scalar_expr(t, depth - 1) + ")";
      case 11:
        return "(" + predicate_of(t, depth - 1) + ")";
      case 12:
        return "nullif(" + scalar_expr(t, depth - 1) + ", " + scalar_expr(t, depth - 1) + ")";
      case 13: {
        std::string s = "CASE " + col();
        int n = uniform(1, 3);
        for (int i = 0; i < n; ++i) {
          s += " WHEN " + (chance(0.7) ? literal() : col()) + " THEN " + scalar_expr(t, depth - 1);
        }
        return s + (chance(0.5) ? " ELSE " + scalar_expr(t, depth - 1) : "") + " END";
      }
      case 14: {
        static const char* kUnary[] = {"~", "+", "- ", "NOT "};
        return std::string(pick(kUnary)) + col();
      }
      case 15: {
        static const char* kInline[] = {"ifnull", "likely", "unlikely"};
        std::string f = pick(kInline);
        if (f == "ifnull") {
          return "ifnull(" + scalar_expr(t, depth - 1) + ", " + scalar_expr(t, depth - 1) + ")";
        }
        return f + "(" + scalar_expr(t, depth - 1) + ")";
      }
      default:
        return "iif(" + predicate_of(t, depth - 1) + ", " + col() + ", " + literal() + ")";
    }
  }

  std::string predicate(const Table& t, int depth) { return predicate_of(&t, depth); }

  std::string predicate_of(const Table* t, int depth) {
    if (t != nullptr && !t->indexes.empty() && depth >= 2 && chance(0.3)) {
      return index_predicate(*t);
    }
    int r = uniform(0, depth <= 0 ? 5 : 14);
    auto col = [&]() {
      if (t == nullptr) return literal();
      return chance(0.1) ? std::string("rowid") : column(*t).name;
    };
    auto operand = [&]() { return chance(0.6) ? literal() : col(); };
    static const char* kCmp[] = {"=", "<>", "<", "<=", ">", ">=", "==", "!=", "IS", "IS NOT"};
    switch (r) {
      case 0:
      case 1:
      case 2:
        return col() + " " + pick(kCmp) + " " + literal();
      case 3:
        return literal() + " " + pick(kCmp) + " " + col();
      case 4:
        return col() + (chance(0.5) ? " IS NULL" : " IS NOT NULL");
      case 5:
        return col() + " " + pick(kCmp) + " " + col();
      case 6:
        return predicate_of(t, depth - 1) + (chance(0.5) ? " AND " : " OR ") +
               predicate_of(t, depth - 1);
      case 7:
        return "NOT (" + predicate_of(t, depth - 1) + ")";
      case 8:
        return col() + (chance(0.3) ? " NOT" : "") + " BETWEEN " + literal() + " AND " + literal();
      case 9: {
        std::string s = col() + (chance(0.3) ? " NOT IN (" : " IN (");
        int n = uniform(0, 4);
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + literal();
        return s + ")";
      }
      case 10: {
        static const char* kPatterns[] = {"'a%'", "'%b%'", "'_'", "'%'",     "'A_C'",
                                          "'1%'", "'%0'",  "''",  "'a\\_c'", "'é'"};
        std::string p = pick(kPatterns);
        std::string s =
            col() + (chance(0.2) ? " NOT" : "") + (chance(0.2) ? " GLOB " : " LIKE ") + p;
        return s;
      }
      case 11: {
        std::string s = col() + (chance(0.3) ? " NOT IN (" : " IN (");
        int n = uniform(1, 3);
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + operand();
        return s + ")";
      }
      case 12:
        return col() + (chance(0.3) ? " NOT" : "") + " BETWEEN " + operand() + " AND " + operand();
      case 13: {
        static const char* kEscaped[] = {"'a!%'", "'!_%'", "'%!!%'", "'1!%'", "'%'"};
        return col() + (chance(0.2) ? " NOT" : "") + " LIKE " + pick(kEscaped) + " ESCAPE '!'";
      }
      default:
        return "(" + scalar_expr(t, depth - 1) + ") " + pick(kCmp) + " " + literal();
    }
  }

  // An expression that may fail at run time (abs(-9223372036854775808), a LIKE escape that
  // is not one character). Only where every engine evaluates it on the same rows: the
  // result columns of a query without LIMIT, and SET.
  std::string risky_expr(const Table& t) {
    auto x = [&]() { return scalar_expr(&t, 1); };
    switch (uniform(0, 11)) {
      case 0:
        return "abs(" + x() + ")";
      case 1:
        return "instr(" + x() + ", " + x() + ")";
      case 2:
        return "replace(" + x() + ", " + x() + ", " + x() + ")";
      case 3:
        return std::string(chance(0.5) ? "ltrim(" : "rtrim(") + x() + ", " + x() + ")";
      case 4:
        return "trim(" + x() + ", " + literal() + ")";
      case 5:
        return "char(" + std::to_string(uniform(0, 300)) + ", " + x() + ")";
      case 6:
        return "hex(zeroblob(" + std::to_string(uniform(-1, 3)) + "))";
      case 7:
        return x() + " LIKE " + x() + " ESCAPE " + x();
      case 8:
        return "like(" + x() + ", " + x() + ")";
      case 9:
        return x() + (chance(0.5) ? " GLOB " : " NOT GLOB ") + x();
      case 10:
        return "substr(" + x() + ", " + x() + ", " + x() + ")";
      default:
        return "round(" + x() + ", " + x() + ")";
    }
  }

  std::string select(const Table& t) {
    bool ordered = chance(0.6);
    bool limited = ordered && chance(0.4);
    std::vector<std::string> outputs;
    std::vector<std::string> aliases;  // of outputs that cannot fail
    if (chance(0.3)) {
      outputs.push_back("*");
    } else {
      int n = uniform(1, 3);
      for (int i = 0; i < n; ++i) {
        std::string o;
        bool risky = !limited && chance(0.15);
        o = risky ? risky_expr(t) : chance(0.6) ? column(t).name : scalar_expr(&t, 2);
        if (chance(0.2)) {
          std::string alias = "o" + std::to_string(i);
          o += " AS " + alias;
          if (!risky) aliases.push_back(alias);
        }
        outputs.push_back(o);
      }
      if (chance(0.3)) outputs.push_back("rowid");
    }
    bool distinct = chance(0.15);
    std::string s = std::string("SELECT ") + (distinct ? "DISTINCT " : "");
    for (size_t i = 0; i < outputs.size(); ++i) s += (i ? ", " : "") + outputs[i];
    s += " FROM " + t.name;
    if (chance(0.8)) {
      s += " WHERE " + predicate(t, 3);
      static const char* kCmp[] = {"=", "<>", "<", ">=", "IS NOT"};
      if (!aliases.empty() && chance(0.3)) {
        s += " AND " +
             aliases[static_cast<size_t>(uniform(0, static_cast<int>(aliases.size()) - 1))] + " " +
             pick(kCmp) + " " + literal();
      }
    }
    if (ordered) {
      // ORDER BY every output column, so the order is fully determined.
      size_t n = outputs[0] == "*" ? t.columns.size() : outputs.size();
      std::vector<size_t> order(n);
      for (size_t i = 0; i < n; ++i) order[i] = i + 1;
      std::shuffle(order.begin(), order.end(), rng_);
      s += " ORDER BY ";
      for (size_t i = 0; i < n; ++i) {
        s += (i ? ", " : "") + std::to_string(order[i]);
        if (chance(0.3)) s += " DESC";
        if (chance(0.1)) s += chance(0.5) ? " NULLS FIRST" : " NULLS LAST";
      }
      if (limited) {
        s += " LIMIT " + std::to_string(uniform(0, 5));
        if (chance(0.4)) s += " OFFSET " + std::to_string(uniform(0, 3));
      }
    }
    return s;
  }

  std::mt19937_64 rng_;
  std::vector<Table> tables_;
  std::vector<std::string> pending_;  // statements to return next
  bool avoid_wide_ = false;           // column() leaves out wide columns
};

struct WorkloadResult {
  int64_t statements = 0;
  int64_t succeeded = 0;
  int64_t returned_rows = 0;
  bool failed = false;
};

int64_t env_int(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoll(text, nullptr, 10) : fallback;
}

// Runs one statement of a script on both engines; kReopen reopens the Strata database
// (skipped inside a transaction, which closing would end).
std::string run_step(SqlDiff* d, const std::string& sql) {
  if (sql != kReopen) return d->diff(sql);
  bool sqlite_in_tx = sqlite3_get_autocommit(d->sqlite().handle()) == 0;
  if (sqlite_in_tx != d->db()->in_transaction()) return "transaction state differs at " + sql;
  return sqlite_in_tx ? "" : d->reopen();
}

// Runs a script on a fresh pair of databases: the index of the first statement on which
// they disagree (its report in *mismatch), or -1.
int first_mismatch(const std::vector<std::string>& script, std::string* mismatch) {
  SqlDiff d;
  for (size_t i = 0; i < script.size(); ++i) {
    *mismatch = run_step(&d, script[i]);
    if (!mismatch->empty()) return static_cast<int>(i);
  }
  return -1;
}

// A shorter script whose first disagreement is still on its last statement (the one the
// whole script disagreed on): drops chunks of statements, halving the chunk size down to
// one, for as long as that holds.
std::vector<std::string> shrink(std::vector<std::string> script) {
  std::string mismatch;
  int failing = first_mismatch(script, &mismatch);
  if (failing < 0) return script;
  script.resize(static_cast<size_t>(failing) + 1);
  const std::string last = script.back();
  for (size_t chunk = script.size() / 2; chunk >= 1; chunk /= 2) {
    for (size_t begin = 0; begin + chunk < script.size();) {
      std::vector<std::string> candidate(script.begin(), script.begin() + begin);
      candidate.insert(candidate.end(), script.begin() + begin + chunk, script.end());
      if (first_mismatch(candidate, &mismatch) + 1 == static_cast<int>(candidate.size()) &&
          candidate.back() == last) {
        script = std::move(candidate);
      } else {
        begin += chunk;
      }
    }
  }
  return script;
}

// One random workload: schema, statements, then every table dumped and the store checked.
WorkloadResult run_workload(uint64_t seed, int statements) {
  WorkloadResult result;
  SCOPED_TRACE(replay_command(seed));
  bool trace = env_int("STRATA_DIFF_TRACE", 0) != 0;
  WorkloadGenerator gen(seed);
  SqlDiff d;
  std::vector<std::string> history;
  auto step = [&](const std::string& sql) {
    history.push_back(sql);
    if (trace) std::cout << sql << ";\n";
    std::string mismatch = run_step(&d, sql);
    ++result.statements;
    if (!mismatch.empty()) {
      std::string script;
      for (const std::string& h : shrink(history)) script += "    " + h + ";\n";
      ADD_FAILURE() << mismatch << "\n  a shorter script that disagrees too:\n" << script;
      result.failed = true;
    }
  };
  for (const std::string& sql : gen.schema()) {
    step(sql);
    if (result.failed) return result;
  }
  for (int i = 0; i < statements && !result.failed; ++i) step(gen.statement());
  if (result.failed) return result;
  if (d.db()->in_transaction()) step("COMMIT");
  // Every table, then again from a reopened file.
  for (const std::string& s : {std::string(""), kReopen}) {
    if (!s.empty()) step(s);
    for (const auto& t : gen.tables()) {
      if (result.failed) return result;
      step(dump(t.name));
    }
  }
  result.succeeded = d.succeeded();
  result.returned_rows = d.returned_rows();
  std::string indexes = check_indexes(d.db());
  EXPECT_EQ(indexes, "");
  if (!indexes.empty()) result.failed = true;
  Result<CheckReport> report = check_store(d.db()->store());
  EXPECT_TRUE(report.ok()) << report.status().to_string();
  if (report.ok()) {
    EXPECT_TRUE(report->ok()) << report->to_string();
    if (!report->ok()) result.failed = true;
  }
  return result;
}

TEST(SqlDiffRandom, RandomWorkloadsMatchSqlite) {
  const int kStatementsPerWorkload = 150;
  WorkloadResult total;
  auto add = [&](const WorkloadResult& r) {
    total.statements += r.statements;
    total.succeeded += r.succeeded;
    total.returned_rows += r.returned_rows;
    total.failed = total.failed || r.failed;
  };
  int64_t workloads = 1;
  if (const char* seed = std::getenv("STRATA_SEED"); seed != nullptr && *seed != '\0') {
    add(run_workload(test_seed(), kStatementsPerWorkload));
  } else {
    workloads = env_int("STRATA_DIFF_WORKLOADS", 200);
    uint64_t base = test_seed();
    for (int64_t w = 0; w < workloads; ++w) {
      WorkloadResult r = run_workload(base + static_cast<uint64_t>(w), kStatementsPerWorkload);
      add(r);
      if (r.failed) break;
    }
  }
  std::cout << "random workloads: " << workloads << " workloads, " << total.statements
            << " statements diffed against sqlite (" << total.succeeded << " succeeded, "
            << total.returned_rows << " returned rows)\n";
  if (!total.failed) {
    EXPECT_GE(total.statements, 500);
  }
}

// A debugging aid: when STRATA_DIFF_SCRIPT names a file of statements, one per line (as a
// failure prints them), a test is registered that runs them on both engines and prints each
// with "same" or what differs (both results). Without the variable no test exists, so CI
// never reports it as skipped.
void run_diff_script(const std::string& path) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  SqlDiff d;
  int differing = 0;
  for (std::string line; std::getline(in, line);) {
    size_t begin = line.find_first_not_of(" \t");
    if (begin == std::string::npos) continue;
    std::string sql = line.substr(begin);
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ')) sql.pop_back();
    std::string mismatch = run_step(&d, sql);
    if (!mismatch.empty()) ++differing;
    std::cout << sql << "\n  " << (mismatch.empty() ? "same" : mismatch) << "\n";
  }
  std::cout << differing << " statement(s) differ\n";
  EXPECT_EQ(differing, 0);
}

class DiffScriptTest : public ::testing::Test {
 public:
  explicit DiffScriptTest(std::string path) : path_(std::move(path)) {}
  void TestBody() override { run_diff_script(path_); }

 private:
  std::string path_;
};

[[maybe_unused]] const bool kDiffScriptRegistered = [] {
  const char* path = std::getenv("STRATA_DIFF_SCRIPT");
  if (path == nullptr || *path == '\0') return false;
  std::string p(path);
  ::testing::RegisterTest("SqlDiffScript", "RunsTheScriptNamedByStrataDiffScript", nullptr, nullptr,
                          __FILE__, __LINE__, [p]() -> ::testing::Test* { return new DiffScriptTest(p); });
  return true;
}();

}  // namespace
}  // namespace strata::test
