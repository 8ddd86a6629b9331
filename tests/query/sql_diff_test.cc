// Strata's SQL against the real SQLite library, statement by statement.
//
// Every statement runs on a Strata database (MemVfs) and on an in-memory sqlite3, and the
// two must agree: both succeed or both fail, and the rows are identical, storage class and
// value (tests/support/sqlite_oracle.h: ordered when ORDER BY covers the output, a multiset
// otherwise). Two sources of statements:
//   - a hand-written corpus, one scenario per test: mixed declared types and affinities,
//     constraint violations and conflict clauses, transactions, every supported expression
//     form, WHERE on indexed and plain columns, ORDER BY / LIMIT / DISTINCT.
#include "tests/support/sql_diff.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>


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
          dump("u"),
          "UPDATE u SET nope = 1",
          "UPDATE nope SET a = 1",
          "INSERT INTO u(nope) VALUES (1)",
          "INSERT INTO u VALUES (1, 2)",
          "INSERT INTO u(a, b) VALUES (1, 2, 3)",
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
          "CREATE TABLE i2(a INTEGER PRIMARY KEY, b INTEGER)",
          "INSERT INTO i2 VALUES (9223372036854775807, 1)",
          "INSERT INTO i2(a, b) VALUES (-5, 2)",
          "SELECT a, b FROM i2 ORDER BY a",
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

TEST(SqlDiffCorpus, UnsupportedConstructsAreRefusedNotAnswered) {
  SqlDiff d;
  ASSERT_EQ(d.diff("CREATE TABLE t(a, b)"), "");
  ASSERT_EQ(d.diff("CREATE TABLE s(a, b)"), "");
  ASSERT_EQ(d.diff("INSERT INTO t VALUES (1, 2), (3, 4)"), "");
  for (const char* sql : {
           "SELECT count(*) FROM t",
           "SELECT sum(a) FROM t",
           "SELECT max(a) FROM t",
           "SELECT a FROM t GROUP BY a",
           "SELECT * FROM t, s",
           "SELECT * FROM t JOIN s ON t.a = s.a",
           "SELECT (SELECT 1)",
           "SELECT a FROM t WHERE a IN (SELECT a FROM s)",
           "SELECT EXISTS (SELECT 1 FROM s)",
           "SELECT a FROM t UNION SELECT a FROM s",
           "SELECT * FROM (SELECT a FROM t)",
           "CREATE VIEW v AS SELECT a FROM t",
           "VALUES (1, 2)",
           "SELECT a FROM t WHERE a = 1 COLLATE NOCASE",
       }) {
    SqlOutcome strata = run_strata(d.db(), sql);
    EXPECT_FALSE(strata.ok) << sql;
    EXPECT_TRUE(strata.unsupported) << sql << ": " << strata.error;
    EXPECT_NE(strata.error.find(':'), std::string::npos) << sql << ": " << strata.error;
  }
}

}  // namespace
}  // namespace strata::test
