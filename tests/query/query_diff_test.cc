// Joins, aggregates, subqueries, compound SELECTs and views against the real SQLite
// library, statement by statement (tests/support/sql_diff.h: both engines fail or both
// succeed with identical rows, exact about types; ordered when ORDER BY covers the output,
// a multiset otherwise).
//
// Hand-written corpora cover each construct's corner cases (NULLs, mixed storage classes
// and affinities, empty inputs, the bare-column rules, duplicates 1 vs 1.0, errors), each
// run before and after ANALYZE so that different join orders and algorithms must give the
// same rows. query_random_diff_test.cc generates random ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/sql_diff.h"

namespace strata::test {
namespace {

// Runs statements in order; "~ " marks a query compared as a multiset although it has an
// ORDER BY (which then does not cover the output).
void run_corpus(SqlDiff* d, const std::vector<std::string>& statements) {
  for (const std::string& s : statements) {
    bool multiset = s.rfind("~ ", 0) == 0;
    std::string sql = multiset ? s.substr(2) : s;
    std::string mismatch =
        d->diff(sql, multiset ? SqlDiff::Order::kMultiset : SqlDiff::Order::kAuto);
    if (!mismatch.empty()) ADD_FAILURE() << mismatch;
  }
}

// The same queries before and after ANALYZE (statistics change join orders and methods)
// and after reopening the database.
void run_queries_with_and_without_stats(SqlDiff* d, const std::vector<std::string>& queries) {
  run_corpus(d, queries);
  ASSERT_EQ(d->diff("ANALYZE"), "");
  run_corpus(d, queries);
  ASSERT_EQ(d->reopen(), "");
  run_corpus(d, queries);
}

const std::vector<std::string> kMixedTable = {
    "CREATE TABLE t(id INTEGER PRIMARY KEY, g INTEGER, a, b TEXT, c REAL, n NUMERIC)",
    "INSERT INTO t VALUES (1, 1, 1, 'x', 1.5, 10)",
    "INSERT INTO t VALUES (2, 1, 1.0, 'y', 2.25, '10')",
    "INSERT INTO t VALUES (3, 2, '1', 'x', NULL, 'abc')",
    "INSERT INTO t VALUES (4, 2, NULL, NULL, -0.5, NULL)",
    "INSERT INTO t VALUES (5, NULL, 'abc', 'z', 3.0, 2.5)",
    "INSERT INTO t VALUES (6, 3, x'0102', '', 0.0, '12abc')",
    "INSERT INTO t VALUES (7, 3, -7, 'x', -0.0, 7)",
    "INSERT INTO t VALUES (8, 1, 2, 'y', 4.75, ' 3 ')",
    "CREATE TABLE empty(a, b)",
};

TEST(QueryDiffCorpus, AggregatesFollowSqlitesRules) {
  SqlDiff d;
  run_corpus(&d, kMixedTable);
  run_queries_with_and_without_stats(
      &d,
      {
          "SELECT count(*), count(a), count(b), count(c), count(DISTINCT a), count(DISTINCT b) "
          "FROM t",
          "SELECT sum(g), total(g), avg(g), sum(c), total(c), avg(c) FROM t",
          "SELECT sum(a), total(a), avg(a), sum(b), sum(n), total(n), avg(n) FROM t",
          "SELECT sum(DISTINCT a), count(DISTINCT a), total(DISTINCT g), avg(DISTINCT g) FROM t",
          "SELECT min(a), max(a), min(b), max(b), min(c), max(c), min(n), max(n) FROM t",
          "SELECT min(DISTINCT g), max(DISTINCT c) FROM t",
          "SELECT group_concat(b), group_concat(b, '; '), group_concat(a, NULL), group_concat(c) "
          "FROM t",
          "SELECT group_concat(DISTINCT b), group_concat(g, '') FROM t",
          "SELECT group_concat(id, b) FROM t",
          "SELECT typeof(sum(g)), typeof(sum(c)), typeof(avg(g)), typeof(total(g)), typeof(sum(n)) "
          "FROM t",
          "SELECT count(*), sum(a), avg(a), min(a), max(a), total(a), group_concat(a) FROM empty",
          "SELECT count(*), sum(a) FROM t WHERE 0",
          "SELECT a, count(*) FROM empty GROUP BY a",
          "SELECT g, count(*), sum(c), min(b), max(b) FROM t GROUP BY g ORDER BY g",
          "SELECT g, count(*) FROM t GROUP BY g HAVING count(*) > 1 ORDER BY g",
          "SELECT g, sum(id) FROM t GROUP BY g HAVING sum(id) > 5 AND g IS NOT NULL ORDER BY 1",
          "SELECT g % 2 AS parity, count(*) FROM t GROUP BY parity ORDER BY parity",
          "SELECT g % 2, count(*) FROM t GROUP BY 1 ORDER BY 1",
          "SELECT b, count(*) FROM t GROUP BY b ORDER BY count(*) DESC, b",
          "SELECT a, count(*) FROM t GROUP BY a ORDER BY 2, 1",
          "SELECT count(*) + 1, sum(id) * 2, max(id) - min(id), sum(id) / count(*) FROM t",
          "SELECT g, count(*) * 10 + max(id) AS score FROM t GROUP BY g ORDER BY score",
          "SELECT coalesce(g, -1), count(*) FROM t GROUP BY g ORDER BY 1",
          "SELECT DISTINCT count(*) FROM t GROUP BY g",
          "SELECT count(*) FROM t GROUP BY g ORDER BY 1",
          "SELECT g, id FROM t GROUP BY g ORDER BY g",
          "SELECT g, b, min(c) FROM t GROUP BY g ORDER BY g",
          "SELECT g, b, max(id) FROM t GROUP BY g ORDER BY g",
          "SELECT g, b, min(c), max(c) FROM t GROUP BY g ORDER BY g",
          "SELECT b, max(c) FROM t",
          "SELECT b, min(c) FROM t",
          "SELECT b, count(*) FROM t",
          "SELECT b, count(*) FROM t WHERE 0",
          "SELECT count(*) FROM t HAVING count(*) > 3",
          "SELECT count(*) FROM t HAVING count(*) > 30",
          "SELECT 1 FROM t GROUP BY g HAVING max(id) > 4 ORDER BY 1",
          "SELECT max(id) FROM t GROUP BY g HAVING b = 'x' ORDER BY 1",
          "SELECT g, count(*) FROM t WHERE id > 2 GROUP BY g ORDER BY g",
          "SELECT count(*) FROM (SELECT g FROM t GROUP BY g)",
          "SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
          "SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1.0)",
          "SELECT sum(x), total(x) FROM (SELECT -9223372036854775807 AS x UNION ALL SELECT -1)",
          "SELECT total(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
          "SELECT avg(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT "
          "9223372036854775807)",
          "SELECT sum(DISTINCT x) FROM (SELECT 1 AS x UNION ALL SELECT 1.0 UNION ALL SELECT 2)",
          "SELECT count(), count(*) FROM t",
          "SELECT max(a, b), min(a, b, c) FROM t ORDER BY id",
          "SELECT count(*) FROM t WHERE count(*) > 1",
          "SELECT g FROM t GROUP BY count(*)",
          "SELECT sum(count(*)) FROM t",
          "SELECT count(a, b) FROM t",
          "SELECT group_concat(DISTINCT a, ',') FROM t",
          "SELECT sum() FROM t",
          "SELECT g FROM t HAVING g > 1",
          "SELECT g, count(*) FROM t GROUP BY 3",
          "SELECT g, count(*) FROM t GROUP BY 0",
          "SELECT g, count(*) FROM t GROUP BY 2",
          "SELECT a FROM t ORDER BY count(*)",
          "SELECT count(*) AS k FROM t WHERE k > 0",
      });
}

TEST(QueryDiffCorpus, GroupsOfEqualValuesAndTheirBareColumns) {
  SqlDiff d;
  run_corpus(&d, {
                     "CREATE TABLE t(a, b, c INTEGER)",
                     "INSERT INTO t VALUES (1, 'first', 5), (1.0, 'second', 3), (2, 'x', NULL)",
                     "INSERT INTO t VALUES ('1', 'text one', 9), (NULL, 'n1', 1), (NULL, 'n2', 2)",
                     "INSERT INTO t VALUES (2.0, 'y', 7), (x'01', 'blob', 0)",
                 });
  run_queries_with_and_without_stats(
      &d, {
              "SELECT a, typeof(a), b, count(*) FROM t GROUP BY a ORDER BY a",
              "SELECT a, b, min(c) FROM t GROUP BY a ORDER BY a",
              "SELECT a, b, max(c) FROM t GROUP BY a ORDER BY a",
              "SELECT a, b, max(c), min(c) FROM t GROUP BY a ORDER BY a",
              "SELECT a, b, count(c), sum(c) FROM t GROUP BY a, c IS NULL ORDER BY a, 4",
              "SELECT DISTINCT a, typeof(a) FROM t ORDER BY a",
              "SELECT a + 0, count(*) FROM t GROUP BY a + 0 ORDER BY 1",
              "SELECT CAST(a AS TEXT), count(*) FROM t GROUP BY 1 ORDER BY 1",
              "SELECT b, max(c) FROM t WHERE c > 100",
              "SELECT b, min(c) FROM t WHERE c IS NULL",
          });
  // The same with an index, so that grouping may follow index order.
  ASSERT_EQ(d.diff("CREATE INDEX t_a ON t(a)"), "");
  run_corpus(&d, {
                     "SELECT a, b, count(*) FROM t GROUP BY a ORDER BY a",
                     "SELECT a, b, max(c) FROM t GROUP BY a ORDER BY a",
                 });
}

const std::vector<std::string> kJoinTables = {
    "CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER, boss INTEGER, pay REAL)",
    "CREATE TABLE dept(did INTEGER PRIMARY KEY, dname TEXT UNIQUE, city)",
    "CREATE TABLE loc(city TEXT, country TEXT, pop INTEGER)",
    "CREATE TABLE codes(code, label)",
    "INSERT INTO emp VALUES (1, 'ann', 10, NULL, 100.5), (2, 'bob', 10, 1, 80.25)",
    "INSERT INTO emp VALUES (3, 'cy', 20, 1, 90), (4, 'di', NULL, 2, 70.75), (5, 'ed', 30, 3, "
    "NULL)",
    "INSERT INTO emp VALUES (6, 'fay', 20, 3, 60), (7, 'gus', 99, NULL, 50.5)",
    "INSERT INTO dept VALUES (10, 'eng', 'oslo'), (20, 'ops', 'rome'), (30, 'law', NULL)",
    "INSERT INTO dept VALUES (40, 'art', 'oslo')",
    "INSERT INTO loc VALUES ('oslo', 'no', 700), ('rome', 'it', 2800), ('oslo', 'no2', 1)",
    "INSERT INTO loc VALUES (NULL, 'xx', 0)",
    "INSERT INTO codes VALUES (10, 'ten int'), ('10', 'ten text'), (10.0, 'ten real')",
    "INSERT INTO codes VALUES ('20', 'twenty text'), (NULL, 'null'), ('x', 'ex')",
    "CREATE INDEX emp_dept ON emp(dept)",
    "CREATE INDEX loc_city ON loc(city)",
};

TEST(QueryDiffCorpus, JoinsOfEveryKind) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_queries_with_and_without_stats(
      &d,
      {
          "SELECT name, dname FROM emp, dept WHERE dept = did",
          "SELECT name, dname FROM emp JOIN dept ON emp.dept = dept.did",
          "SELECT name, dname FROM emp INNER JOIN dept ON dept = did AND pay > 75",
          "SELECT name, dname FROM emp CROSS JOIN dept WHERE dept = did",
          "SELECT count(*) FROM emp, dept",
          "SELECT count(*) FROM emp CROSS JOIN dept CROSS JOIN loc",
          "SELECT name, dname FROM emp LEFT JOIN dept ON dept = did",
          "SELECT name, dname FROM emp LEFT OUTER JOIN dept ON dept = did AND dname <> 'eng'",
          "SELECT name, dname FROM emp LEFT JOIN dept ON dept = did WHERE dname IS NULL",
          "SELECT name, dname FROM emp LEFT JOIN dept ON dept = did WHERE did > 10",
          "SELECT name, dname FROM emp LEFT JOIN dept ON dept = did AND emp.id > 3",
          "SELECT name, dname FROM emp LEFT JOIN dept ON 0",
          "SELECT name, dname FROM emp LEFT JOIN dept ON 1 WHERE did = 40",
          "SELECT name, dname, country FROM emp LEFT JOIN dept ON dept = did LEFT JOIN loc ON "
          "loc.city = dept.city",
          "SELECT name, dname, country FROM emp JOIN dept ON dept = did LEFT JOIN loc USING (city)",
          "SELECT name, dname, country FROM emp LEFT JOIN dept ON dept = did JOIN loc ON loc.city "
          "= dept.city",
          "SELECT * FROM dept JOIN loc USING (city)",
          "SELECT * FROM dept LEFT JOIN loc USING (city)",
          "SELECT * FROM dept NATURAL JOIN loc",
          "SELECT * FROM dept NATURAL LEFT JOIN loc",
          "SELECT city, dept.city, loc.city FROM dept LEFT JOIN loc USING (city)",
          "SELECT dept.*, loc.* FROM dept JOIN loc USING (city)",
          "SELECT loc.*, dname FROM dept JOIN loc USING (city)",
          "SELECT e.name, b.name FROM emp e JOIN emp b ON e.boss = b.id",
          "SELECT e.name, b.name, bb.name FROM emp e LEFT JOIN emp b ON e.boss = b.id LEFT JOIN "
          "emp bb ON b.boss = bb.id",
          "SELECT e.name FROM emp e WHERE e.boss IN (SELECT id FROM emp WHERE boss IS NULL)",
          "SELECT d.dname, count(e.id), sum(e.pay) FROM dept d LEFT JOIN emp e ON e.dept = d.did "
          "GROUP BY d.dname ORDER BY 1",
          "SELECT d.dname, count(*) FROM dept d JOIN emp e ON e.dept = d.did GROUP BY d.did HAVING "
          "count(*) > 1 ORDER BY 1",
          "SELECT label, name FROM codes JOIN emp ON codes.code = emp.dept",
          "SELECT label, name FROM emp JOIN codes ON codes.code = emp.dept",
          "SELECT label, dname FROM codes JOIN dept ON dept.dname = codes.code",
          "SELECT label, did FROM codes JOIN dept ON did = code",
          "SELECT label, did FROM codes LEFT JOIN dept ON did = code",
          "SELECT c1.label, c2.label FROM codes c1 JOIN codes c2 ON c1.code = c2.code",
          "SELECT c1.label, c2.label FROM codes c1 JOIN codes c2 ON c1.code = +c2.code",
          "SELECT label, name FROM codes, emp WHERE code = dept AND pay IS NOT NULL",
          "SELECT label, city FROM codes JOIN loc ON loc.pop = codes.code",
          "SELECT e.name, d.dname FROM emp e JOIN dept d ON e.dept = d.did AND d.city = 'oslo' "
          "JOIN loc l ON l.city = d.city AND l.pop > 100",
          "SELECT e.name FROM emp e, dept d, loc l WHERE e.dept = d.did AND d.city = l.city AND "
          "l.country = 'it'",
          "SELECT name FROM emp WHERE rowid IN (SELECT boss FROM emp)",
          "SELECT e.name, d.dname FROM emp AS e JOIN dept AS d ON d.rowid = e.dept",
          "SELECT e.id, d.did FROM emp e JOIN dept d ON e.dept > d.did",
          "SELECT e.id, d.did FROM emp e JOIN dept d ON e.dept BETWEEN d.did - 5 AND d.did + 5",
          "SELECT e.id, d.did FROM emp e LEFT JOIN dept d ON e.dept = d.did OR d.did = 40",
          "SELECT x.id, y.id FROM emp x JOIN emp y ON x.pay = y.pay WHERE x.id < y.id",
          "SELECT name, dname FROM emp JOIN dept ON dept = did ORDER BY name LIMIT 3",
          "SELECT name, dname FROM emp JOIN dept ON dept = did ORDER BY dname, name LIMIT 2 OFFSET "
          "1",
          "SELECT DISTINCT dname FROM emp JOIN dept ON dept = did",
          "SELECT DISTINCT d.city FROM dept d JOIN loc l USING (city)",
          "SELECT name, dname FROM emp INDEXED BY emp_dept JOIN dept ON dept = did",
          "SELECT name, dname FROM emp NOT INDEXED JOIN dept ON dept = did",
          "SELECT a FROM emp, dept",
          "SELECT id FROM emp, emp",
          "SELECT emp.id FROM emp, emp",
          "SELECT * FROM emp JOIN dept USING (nope)",
          "SELECT * FROM emp LEFT JOIN dept ON emp.dept = loc.pop JOIN loc ON 1",
          "SELECT * FROM emp NATURAL JOIN dept ON 1",
          "SELECT * FROM emp JOIN dept ON 1 USING (city)",
          "SELECT name FROM emp INDEXED BY loc_city",
          "SELECT name FROM emp INDEXED BY no_such_index",
      });
}

TEST(QueryDiffCorpus, SubqueriesScalarInExistsAndInFrom) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_queries_with_and_without_stats(
      &d,
      {
          "SELECT (SELECT 1), (SELECT NULL), (SELECT 1 WHERE 0)",
          "SELECT name, (SELECT dname FROM dept WHERE did = emp.dept) FROM emp",
          "SELECT name, (SELECT count(*) FROM emp AS e2 WHERE e2.dept = emp.dept) FROM emp",
          "SELECT name, (SELECT name FROM emp b WHERE b.id = emp.boss) AS boss FROM emp",
          "SELECT name FROM emp WHERE pay > (SELECT avg(pay) FROM emp)",
          "SELECT name FROM emp e WHERE pay > (SELECT avg(pay) FROM emp WHERE dept = e.dept)",
          "SELECT name, (SELECT max(did) FROM dept) - dept FROM emp",
          "SELECT (SELECT dname FROM dept ORDER BY did DESC), (SELECT dname FROM dept ORDER BY did "
          "LIMIT 1 OFFSET 2)",
          "SELECT (SELECT did, dname FROM dept)",
          "SELECT name FROM emp WHERE dept IN (SELECT did FROM dept WHERE city = 'oslo')",
          "SELECT name FROM emp WHERE dept NOT IN (SELECT did FROM dept WHERE city = 'oslo')",
          "SELECT name FROM emp WHERE dept NOT IN (SELECT did FROM dept WHERE city IS NULL)",
          "SELECT name FROM emp WHERE boss NOT IN (SELECT boss FROM emp)",
          "SELECT name FROM emp WHERE boss IN (SELECT boss FROM emp)",
          "SELECT name, dept IN (SELECT code FROM codes) FROM emp",
          "SELECT name, dept NOT IN (SELECT code FROM codes) FROM emp",
          "SELECT name, dept IN (SELECT code FROM codes WHERE code IS NOT NULL) FROM emp",
          "SELECT label, code IN (SELECT did FROM dept) FROM codes",
          "SELECT label, code IN (SELECT dname FROM dept) FROM codes",
          "SELECT label, code IN (SELECT CAST(did AS TEXT) FROM dept) FROM codes",
          "SELECT label, code IN (SELECT pop FROM loc) FROM codes",
          "SELECT NULL IN (SELECT 1), NULL IN (SELECT 1 WHERE 0), 1 IN (SELECT NULL), 1 NOT IN "
          "(SELECT NULL)",
          "SELECT 1 IN (), 1 NOT IN (), NULL IN (), NULL NOT IN ()",
          "SELECT 10 IN dept, 11 IN dept, 10 NOT IN dept",
          "SELECT 'oslo' IN loc",
          "SELECT name FROM emp WHERE EXISTS (SELECT 1 FROM emp b WHERE b.boss = emp.id)",
          "SELECT name FROM emp WHERE NOT EXISTS (SELECT 1 FROM emp b WHERE b.boss = emp.id)",
          "SELECT name, EXISTS (SELECT * FROM dept WHERE did = dept) FROM emp",
          "SELECT EXISTS (SELECT 1 WHERE 0), NOT EXISTS (SELECT 1)",
          "SELECT dname FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.did AND "
          "EXISTS (SELECT 1 FROM loc l WHERE l.city = d.city))",
          "SELECT dname FROM dept d WHERE (SELECT count(*) FROM emp e WHERE e.dept = d.did AND "
          "e.pay > (SELECT min(pay) FROM emp WHERE dept = d.did)) > 0",
          "SELECT * FROM (SELECT dept, count(*) AS n FROM emp GROUP BY dept) WHERE n > 1",
          "SELECT s.dept, s.n, d.dname FROM (SELECT dept, count(*) AS n FROM emp GROUP BY dept) AS "
          "s JOIN dept d ON d.did = s.dept",
          "SELECT s.dept, d.dname FROM dept d LEFT JOIN (SELECT DISTINCT dept FROM emp) s ON "
          "s.dept = d.did",
          "SELECT * FROM (SELECT 1 AS x, 2 AS x)",
          "SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2) AS a, (SELECT 3 AS y UNION ALL SELECT "
          "4) AS b",
          "SELECT max(n) FROM (SELECT count(*) AS n FROM emp GROUP BY dept)",
          "SELECT * FROM (SELECT * FROM (SELECT id, name FROM emp WHERE id > 2) WHERE id < 6)",
          "SELECT name FROM emp WHERE id = (SELECT max(id) FROM emp)",
          "SELECT name FROM emp WHERE id > (SELECT max(id) - 2 FROM emp) ORDER BY id",
          "SELECT dept, count(*) FROM emp GROUP BY dept HAVING count(*) >= (SELECT count(*) FROM "
          "dept WHERE city = 'oslo') ORDER BY 1",
          "SELECT dept, (SELECT dname FROM dept WHERE did = emp.dept) FROM emp GROUP BY dept ORDER "
          "BY 1",
          "SELECT name FROM emp ORDER BY (SELECT dname FROM dept WHERE did = dept), name",
          "SELECT sum((SELECT count(*) FROM dept WHERE did = emp.dept)) FROM emp",
          "SELECT e.name FROM emp e WHERE e.dept IN (SELECT d.did FROM dept d WHERE d.city IN "
          "(SELECT city FROM loc WHERE country = 'no'))",
          "SELECT name FROM emp WHERE (SELECT dname FROM dept WHERE did = dept) IS NULL",
          "SELECT name FROM emp e WHERE e.pay = (SELECT max(pay) FROM emp x WHERE x.dept = e.dept)",
          "SELECT (SELECT (SELECT e.name)) FROM emp e",
          "SELECT name FROM emp WHERE dept IN (SELECT did FROM dept UNION SELECT 99)",
          "SELECT name FROM emp WHERE dept IN (10, (SELECT max(did) FROM dept))",
          "SELECT 1 IN (SELECT id, name FROM emp)",
          "SELECT * FROM emp WHERE EXISTS (SELECT nope FROM dept)",
      });
}

TEST(QueryDiffCorpus, CompoundSelects) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_queries_with_and_without_stats(
      &d, {
              "SELECT dept FROM emp UNION SELECT did FROM dept",
              "SELECT dept FROM emp UNION ALL SELECT did FROM dept",
              "SELECT dept FROM emp INTERSECT SELECT did FROM dept",
              "SELECT dept FROM emp EXCEPT SELECT did FROM dept",
              "SELECT did FROM dept EXCEPT SELECT dept FROM emp",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY 1",
              "SELECT dept FROM emp UNION ALL SELECT did FROM dept ORDER BY 1 DESC",
              "SELECT dept AS k FROM emp UNION SELECT did FROM dept ORDER BY k DESC LIMIT 3",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY dept LIMIT 2 OFFSET 1",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY did",
              "SELECT name, pay FROM emp UNION SELECT dname, did FROM dept ORDER BY 2, 1",
              "SELECT name, pay FROM emp UNION SELECT dname, did FROM dept ORDER BY 1",
              "SELECT 1 UNION SELECT 1.0",
              "SELECT 1.0 UNION SELECT 1",
              "SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 1",
              "SELECT 2 UNION ALL SELECT 1 UNION SELECT 1.0",
              "SELECT 1.0 INTERSECT SELECT 1",
              "SELECT 1 INTERSECT SELECT 1.0",
              // With ORDER BY SQLite merges sorted sides: other rows of equal values survive.
              "SELECT 1 UNION SELECT 1.0 ORDER BY 1",
              "SELECT 1.0 UNION SELECT 1 ORDER BY 1",
              "SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 2 ORDER BY 1",
              "SELECT 2 UNION ALL SELECT 1.0 UNION SELECT 1 ORDER BY 1",
              "SELECT 1 UNION SELECT 1.0 UNION SELECT 1 ORDER BY 1",
              "SELECT 1 INTERSECT SELECT 1.0 ORDER BY 1",
              "SELECT 1.0 UNION ALL SELECT 1 INTERSECT SELECT 1 ORDER BY 1",
              "SELECT 1 UNION ALL SELECT 1.0 EXCEPT SELECT 2 ORDER BY 1",
              "SELECT 1.0 UNION ALL SELECT 1 EXCEPT SELECT 2 ORDER BY 1 DESC",
              "SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1",
              "SELECT 2 UNION ALL SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 3 ORDER BY 1",
              "SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 2 LIMIT 5",
              "SELECT pay, dept FROM emp UNION SELECT did, did FROM dept ORDER BY 2 DESC",
              "SELECT NULL UNION SELECT NULL UNION SELECT 1",
              "SELECT NULL INTERSECT SELECT NULL",
              "SELECT NULL EXCEPT SELECT NULL",
              "SELECT 'a', 1 UNION SELECT 'a', 1.0 UNION SELECT 'b', 2",
              "SELECT code FROM codes UNION SELECT code FROM codes",
              "SELECT code FROM codes INTERSECT SELECT did FROM dept",
              "SELECT code FROM codes EXCEPT SELECT did FROM dept",
              "SELECT dept FROM emp UNION SELECT did FROM dept INTERSECT SELECT 10 UNION SELECT 5",
              "SELECT dept FROM emp EXCEPT SELECT did FROM dept UNION ALL SELECT 1",
              "SELECT dept FROM emp UNION ALL SELECT did FROM dept LIMIT 4",
              "SELECT * FROM (SELECT dept FROM emp UNION SELECT did FROM dept) WHERE dept > 10",
              "SELECT count(*) FROM (SELECT name FROM emp UNION ALL SELECT dname FROM dept)",
              "SELECT dept, count(*) FROM emp GROUP BY dept UNION SELECT did, 0 FROM dept ORDER BY "
              "1, 2",
              "VALUES (1, 'a'), (2, 'b') UNION SELECT did, dname FROM dept ORDER BY 1",
              "SELECT * FROM (VALUES (3), (1), (2))",
              "SELECT column1 FROM (VALUES (3), (1), (2)) ORDER BY 1",
              "VALUES (1), (NULL), ('x') EXCEPT VALUES (NULL)",
              "SELECT dept FROM emp UNION SELECT did, dname FROM dept",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY 2",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY nope",
              "SELECT dept FROM emp UNION SELECT did FROM dept ORDER BY dept + 1",
          });
}

TEST(QueryDiffCorpus, ViewsAreNamedSelects) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_corpus(&d, {
                     "CREATE VIEW staff AS SELECT id, name, dept FROM emp WHERE pay IS NOT NULL",
                     "CREATE VIEW IF NOT EXISTS staff AS SELECT 1",
                     "CREATE VIEW staff AS SELECT 1",
                     "CREATE VIEW per_dept(d, n, total) AS SELECT dept, count(*), sum(pay) FROM "
                     "emp GROUP BY dept",
                     "CREATE VIEW bad_cols(a, b) AS SELECT 1",
                     "CREATE VIEW staff_dept AS SELECT s.name, d.dname FROM staff s JOIN dept d ON "
                     "d.did = s.dept",
                     "CREATE VIEW later AS SELECT * FROM not_yet",
                     "CREATE VIEW loop1 AS SELECT * FROM loop2",
                     "CREATE VIEW loop2 AS SELECT * FROM loop1",
                     "CREATE TABLE staff(x)",
                     "CREATE INDEX staff ON emp(name)",
                 });
  run_queries_with_and_without_stats(
      &d, {
              "SELECT * FROM staff",
              "SELECT name FROM staff WHERE dept = 20",
              "SELECT * FROM per_dept ORDER BY d",
              "SELECT d, n FROM per_dept WHERE n > 1",
              "SELECT * FROM staff_dept",
              "SELECT s.name, p.n FROM staff s JOIN per_dept p ON p.d = s.dept",
              "SELECT name FROM emp WHERE id IN (SELECT id FROM staff)",
              "SELECT (SELECT count(*) FROM staff_dept)",
              "SELECT * FROM staff AS x WHERE x.id > 3",
              "SELECT * FROM bad_cols",
              "SELECT * FROM later",
              "SELECT * FROM loop1",
              "INSERT INTO staff VALUES (9, 'zed', 10)",
              "UPDATE staff SET name = 'x'",
              "DELETE FROM staff",
              "DROP TABLE staff",
          });
  run_corpus(&d, {
                     "CREATE TABLE not_yet(q)",
                     "INSERT INTO not_yet VALUES (1), (2)",
                     "SELECT * FROM later",
                     "DROP VIEW staff_dept",
                     "DROP VIEW staff_dept",
                     "DROP VIEW IF EXISTS staff_dept",
                     "DROP VIEW emp",
                     "DROP VIEW IF EXISTS emp",
                     "SELECT * FROM staff_dept",
                     "BEGIN",
                     "CREATE VIEW in_tx AS SELECT 42",
                     "SELECT * FROM in_tx",
                     "ROLLBACK",
                     "SELECT * FROM in_tx",
                     "BEGIN",
                     "DROP VIEW staff",
                     "SELECT * FROM staff",
                     "ROLLBACK",
                     "SELECT * FROM staff",
                 });
  ASSERT_EQ(d.reopen(), "");
  run_corpus(&d, {
                     "SELECT * FROM staff",
                     "SELECT * FROM per_dept ORDER BY d",
                     "CREATE TEMP VIEW tv AS SELECT name FROM emp WHERE id < 3",
                     "SELECT * FROM tv",
                     "SELECT * FROM temp.tv",
                     "DROP VIEW tv",
                     "SELECT * FROM tv",
                 });
  // Views live in the catalog beside tables: the SQL layer's invariants still hold.
  EXPECT_EQ(check_indexes(d.db()), "");
}

TEST(QueryDiffCorpus, SubqueriesAndAggregatesInWriteStatements) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_corpus(
      &d,
      {
          "UPDATE emp SET pay = (SELECT max(pay) FROM emp) WHERE pay IS NULL",
          "SELECT * FROM emp ORDER BY id",
          "UPDATE emp SET boss = (SELECT min(id) FROM emp) WHERE dept IN (SELECT did FROM dept "
          "WHERE city = 'rome')",
          "SELECT * FROM emp ORDER BY id",
          "DELETE FROM emp WHERE dept NOT IN (SELECT did FROM dept)",
          "SELECT * FROM emp ORDER BY id",
          "DELETE FROM loc WHERE NOT EXISTS (SELECT 1 FROM dept WHERE dept.city = loc.city)",
          "SELECT * FROM loc ORDER BY pop",
          "INSERT INTO codes SELECT did, dname FROM dept WHERE did > (SELECT avg(did) FROM dept)",
          "INSERT INTO codes VALUES ((SELECT count(*) FROM emp), 'count')",
          "INSERT INTO codes SELECT e.id, d.dname FROM emp e JOIN dept d ON d.did = e.dept ORDER "
          "BY e.id",
          "INSERT INTO codes SELECT dept, count(*) FROM emp GROUP BY dept",
          "INSERT INTO codes SELECT 1 UNION SELECT 2",
          "SELECT * FROM codes ORDER BY rowid",
          "CREATE TABLE seq(id INTEGER PRIMARY KEY, a INTEGER, b)",
          "INSERT INTO seq VALUES (1, 5, 'x'), (2, 3, 'y'), (3, 9, 'x'), (4, 1, 'z')",
          "UPDATE seq SET a = (SELECT count(*) FROM seq AS s WHERE s.a < seq.a)",
          "SELECT * FROM seq ORDER BY id",
          "UPDATE seq SET b = (SELECT max(b) FROM seq) WHERE a = (SELECT min(a) FROM seq)",
          "SELECT * FROM seq ORDER BY id",
          "DELETE FROM seq WHERE EXISTS (SELECT 1 FROM seq AS s WHERE s.a > seq.a AND s.b = seq.b)",
          "SELECT * FROM seq ORDER BY id",
          "CREATE TABLE ct AS SELECT dept, count(*) AS n, sum(pay), max(name) || '!' FROM emp "
          "GROUP BY dept",
          "SELECT * FROM ct ORDER BY dept",
          "SELECT typeof(dept), typeof(n), typeof(\"sum(pay)\") FROM ct ORDER BY dept",
          "INSERT INTO ct VALUES ('7', '8', '9.5', 10)",
          "SELECT * FROM ct WHERE dept = 7 AND n = 8",
          "CREATE TABLE ct2 AS SELECT e.name, d.dname, e.name, CAST(e.pay AS TEXT) FROM emp e JOIN "
          "dept d ON d.did = e.dept",
          "SELECT * FROM ct2 ORDER BY 1, 2",
          "SELECT \"name:1\" FROM ct2 ORDER BY 1",
          "CREATE TABLE ct AS SELECT 1",
          "CREATE TABLE IF NOT EXISTS ct AS SELECT 1",
          "CREATE TABLE ct3 AS SELECT * FROM emp WHERE 0",
          "INSERT INTO ct3 SELECT * FROM emp",
          "SELECT * FROM ct3 ORDER BY id",
          "CREATE TABLE chk(a CHECK (a > (SELECT 1)))",
          "CREATE TABLE dflt(a DEFAULT ((SELECT 1)))",
          "UPDATE emp SET pay = count(*)",
          "DELETE FROM emp WHERE max(id) > 1",
      });
}

TEST(QueryDiffCorpus, StatisticsSurviveReopenAndDrop) {
  SqlDiff d;
  run_corpus(&d, kJoinTables);
  run_corpus(&d, {
                     "ANALYZE emp",
                     "ANALYZE emp_dept",
                     "ANALYZE main",
                     "ANALYZE nope",
                     "ANALYZE",
                     "DROP INDEX emp_dept",
                     "SELECT name, dname FROM emp JOIN dept ON dept = did",
                     "DROP TABLE loc",
                     "CREATE TABLE loc(city TEXT, country TEXT, pop INTEGER)",
                     "SELECT count(*) FROM dept JOIN loc USING (city)",
                 });
  ASSERT_EQ(d.reopen(), "");
  run_corpus(&d, {
                     "SELECT name, dname FROM emp JOIN dept ON dept = did",
                     "ANALYZE",
                     "SELECT name, dname FROM emp JOIN dept ON dept = did",
                 });
  EXPECT_EQ(check_indexes(d.db()), "");
}

}  // namespace
}  // namespace strata::test
