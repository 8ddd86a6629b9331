// Random joins, aggregates, subqueries, compound SELECTs and views, diffed against the real
// SQLite library (tests/support/sql_diff.h).
//
// Each workload makes a random schema (tables whose columns mix every affinity, rows full
// of duplicates, NULLs and values that compare equal across storage classes, random
// indexes and views), then runs random queries, with ANALYZE and new indexes in between so
// that the same queries are planned with other join orders and algorithms. Queries avoid
// what SQLite leaves unspecified (row order without ORDER BY is compared as a multiset;
// no LIMIT without an ORDER BY over every column; no bare columns in aggregates; group_concat
// only under length(); real values are multiples of 1/4 so sums are exact in any order, and
// never integral, since which of 1 and 1.0 comes first in an index differs from SQLite's
// order, and min() keeps the first of equal values). Where SQLite's optimizer is wrong, the
// reference is SQLite with its optimizations off (run_step).
// A failure prints the seed, the replay command and a shortened script.
// STRATA_QUERY_WORKLOADS=<n> runs more workloads; STRATA_SEED=<seed> replays one.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/replay.h"
#include "tests/support/sql_diff.h"

namespace strata::test {
namespace {

struct Column {
  std::string name;
  std::string type;  // declared type ("" for none)
};

struct Source {
  std::string name;  // table, view or alias
  std::vector<Column> columns;
};

class QueryGenerator {
 public:
  explicit QueryGenerator(uint64_t seed) : rng_(seed) {}

  std::vector<std::string> schema() {
    std::vector<std::string> out;
    static const char* kTypes[] = {"INTEGER", "TEXT", "REAL", "NUMERIC", ""};
    int tables = 2 + pick(3);
    for (int t = 0; t < tables; ++t) {
      Source s;
      s.name = "t" + std::to_string(t);
      std::string ddl = "CREATE TABLE " + s.name + "(";
      bool ipk = chance(2);
      if (ipk) {
        s.columns.push_back({"id", "INTEGER"});
        ddl += "id INTEGER PRIMARY KEY";
      }
      int n = 2 + pick(3);
      for (int c = 0; c < n; ++c) {
        // Shared names across tables, so that USING and NATURAL find columns.
        Column col{"c" + std::to_string(pick(5)), kTypes[pick(5)]};
        bool dup = false;
        for (const Column& e : s.columns) dup = dup || e.name == col.name;
        if (dup) continue;
        s.columns.push_back(col);
        ddl +=
            (ddl.back() == '(' ? "" : ", ") + col.name + (col.type.empty() ? "" : " " + col.type);
      }
      out.push_back(ddl + ")");
      int rows = pick(22);
      for (int r = 0; r < rows; ++r) {
        std::string values;
        for (const Column& c : s.columns) {
          values +=
              (values.empty() ? "" : ", ") +
              (c.name == "id" ? (chance(6) ? "NULL" : std::to_string(r * 2 + pick(2))) : value());
        }
        out.push_back("INSERT OR IGNORE INTO " + s.name + " VALUES (" + values + ")");
      }
      tables_.push_back(s);
    }
    for (int i = 0; i < 1 + pick(4); ++i) out.push_back(create_index());
    // Views: a filter, an aggregate, a join.
    {
      const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
      const Column& c = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
      Source v{"v0", {}};
      std::string cols;
      for (const Column& col : t.columns) {
        cols += (cols.empty() ? "" : ", ") + col.name;
        v.columns.push_back(col);
      }
      out.push_back("CREATE VIEW v0 AS SELECT " + cols + " FROM " + t.name + " WHERE " + c.name +
                    " IS NOT NULL");
      views_.push_back(v);
    }
    {
      const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
      const Column& c = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
      out.push_back("CREATE VIEW v1(g, n, m) AS SELECT " + c.name + ", count(*), max(" + c.name +
                    ") FROM " + t.name + " GROUP BY " + c.name);
      views_.push_back({"v1", {{"g", c.type}, {"n", "INTEGER"}, {"m", c.type}}});
    }
    return out;
  }

  std::string create_index() {
    const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
    std::string cols;
    int n = 1 + pick(2);
    for (int i = 0; i < n; ++i) {
      const Column& c = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
      if (cols.find(c.name) != std::string::npos) continue;
      cols += (cols.empty() ? "" : ", ") + c.name;
    }
    return std::string("CREATE ") + (chance(5) ? "UNIQUE " : "") + "INDEX IF NOT EXISTS i" +
           std::to_string(index_count_++) + " ON " + t.name + "(" + cols + ")";
  }

  // A statement between queries: ANALYZE, a new index, or a query.
  std::string statement() {
    int r = pick(40);
    if (r == 0) return "ANALYZE";
    if (r == 1) return create_index();
    return query();
  }

  std::string query() {
    int kind = pick(10);
    if (kind < 4) return join_query();
    if (kind < 7) return aggregate_query();
    if (kind < 9) return compound_query();
    return subquery_query();
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool chance(int one_in) { return pick(one_in) == 0; }

  std::string value() {
    switch (pick(12)) {
      case 0:
      case 1:
        return "NULL";
      case 2:
      case 3:
      case 4:
        return std::to_string(pick(8) - 2);
      case 5:
        return std::to_string(pick(6));
      case 6:
        return std::to_string(pick(12) - 4) + "." + std::to_string(25 + 25 * pick(3));
      case 7:
        return "'" + std::to_string(pick(6)) + "'";
      case 8:
        return "'" + std::string(1, static_cast<char>('a' + pick(3))) + "'";
      case 9:
        return "' 2'";
      case 10:
        return "x'3" + std::to_string(pick(3)) + "'";
      default:
        return "''";
    }
  }

  // A FROM clause of 1-3 items; *sources gets each item's alias and columns.
  std::string from_clause(std::vector<Source>* sources, int max_items = 3) {
    int n = 1 + pick(max_items);
    std::string out;
    for (int i = 0; i < n; ++i) {
      Source s;
      std::string item;
      int what = pick(10);
      if (what < 7 || views_.empty()) {
        s = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
        item = s.name;
      } else if (what < 9) {
        s = views_[static_cast<size_t>(pick(static_cast<int>(views_.size())))];
        item = s.name;
      } else {
        // A subquery in FROM.
        const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
        const Column& c = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
        s = {"", {c, {"k", "INTEGER"}}};
        item = "(SELECT " + c.name + ", count(*) AS k FROM " + t.name + " GROUP BY " + c.name + ")";
      }
      std::string alias = "s" + std::to_string(i);
      s.name = alias;
      item += " AS " + alias;
      if (i == 0) {
        out = item;
      } else {
        int join = pick(8);
        std::string cond = join_condition(*sources, s);
        if (join == 0) {
          out += ", " + item;
          pending_where_.push_back(cond);
        } else if (join == 1) {
          out += " CROSS JOIN " + item;
          pending_where_.push_back(cond);
        } else if (join <= 4) {
          out += " JOIN " + item + " ON " + cond;
        } else {
          out += " LEFT JOIN " + item + " ON " + cond;
        }
        if (join == 7) {
          // USING on a shared column name, when there is one.
          for (const Column& c : s.columns) {
            bool left_has = false;
            for (const Source& l : *sources) {
              for (const Column& lc : l.columns) left_has = left_has || lc.name == c.name;
            }
            if (left_has) {
              out = out.substr(0, out.rfind(" ON "));
              out += " USING (" + c.name + ")";
              break;
            }
          }
        }
      }
      sources->push_back(s);
    }
    return out;
  }

  std::string column_of(const std::vector<Source>& sources) {
    const Source& s = sources[static_cast<size_t>(pick(static_cast<int>(sources.size())))];
    const Column& c = s.columns[static_cast<size_t>(pick(static_cast<int>(s.columns.size())))];
    return s.name + "." + c.name;
  }

  std::string join_condition(const std::vector<Source>& left, const Source& right) {
    const Column& rc =
        right.columns[static_cast<size_t>(pick(static_cast<int>(right.columns.size())))];
    std::string r = right.name + "." + rc.name;
    std::string l = column_of(left);
    std::string cond;
    switch (pick(6)) {
      case 0:
        cond = l + " < " + r;
        break;
      case 1:
        cond = l + " = " + r + " + 0";
        break;
      default:
        cond = l + " = " + r;
    }
    if (chance(4)) cond += " AND " + predicate(left, right);
    return cond;
  }

  std::string predicate(const std::vector<Source>& sources, const Source& extra) {
    std::vector<Source> all = sources;
    all.push_back(extra);
    return predicate(all);
  }

  std::string predicate(const std::vector<Source>& sources) {
    std::string c = column_of(sources);
    switch (pick(9)) {
      case 0:
        return c + " IS NULL";
      case 1:
        return c + " IS NOT NULL";
      case 2:
        return c + " > " + value();
      case 3:
        return c + " = " + value();
      case 4:
        return c + " IN (" + value() + ", " + value() + ")";
      case 5:
        return c + " BETWEEN " + value() + " AND " + value();
      case 6:
        return c + " <> " + column_of(sources);
      case 7:
        return "(" + c + " = " + value() + " OR " + column_of(sources) + " < " + value() + ")";
      default:
        return "NOT (" + c + " >= " + value() + ")";
    }
  }

  std::string where_clause(const std::vector<Source>& sources) {
    std::vector<std::string> parts = pending_where_;
    pending_where_.clear();
    if (chance(2)) parts.push_back(predicate(sources));
    if (chance(4)) parts.push_back(subquery_predicate(sources));
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? " WHERE " : " AND ") + p;
    return out;
  }

  std::string subquery_predicate(const std::vector<Source>& sources) {
    const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
    const Column& tc = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
    std::string outer = column_of(sources);
    std::string inner = "q." + tc.name;
    const Column& tc2 = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
    switch (pick(8)) {
      case 0:
        return outer + (chance(2) ? " NOT" : "") + " IN (SELECT " + tc.name + " FROM " + t.name +
               ")";
      case 5:
        // Correlated IN: the set depends on the outer row.
        return outer + (chance(2) ? " NOT" : "") + " IN (SELECT " + inner + " FROM " + t.name +
               " AS q WHERE q." + tc2.name + " >= " + column_of(sources) + ")";
      case 6:
        // A scalar subquery over a grouped subquery in FROM, correlated.
        return "(SELECT max(n) FROM (SELECT " + tc.name + " AS k, count(*) AS n FROM " + t.name +
               " GROUP BY " + tc.name + ") AS g WHERE g.k <> " + outer + ") >= 1";
      case 7:
        // Two levels down, reading the outermost row.
        return "EXISTS (SELECT 1 FROM " + t.name + " AS q WHERE EXISTS (SELECT 1 FROM " + t.name +
               " AS r WHERE r." + tc2.name + " = q." + tc.name + " AND r." + tc.name + " = " +
               outer + "))";
      case 1:
        return std::string(chance(2) ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + t.name +
               " AS q WHERE " + inner + " = " + outer + ")";
      case 2:
        return "(SELECT count(*) FROM " + t.name + " AS q WHERE " + inner + " < " + outer + ") > " +
               std::to_string(pick(3));
      case 3:
        return outer + " = (SELECT max(" + tc.name + ") FROM " + t.name + ")";
      default:
        return outer + " IN (SELECT " + inner + " FROM " + t.name + " AS q WHERE q." + tc.name +
               " IS NOT NULL AND " + inner + " <> " + value() + ")";
    }
  }

  std::string output_expression(const std::vector<Source>& sources) {
    std::string c = column_of(sources);
    switch (pick(8)) {
      case 0:
        return c + " + 1";
      case 1:
        return "typeof(" + c + ")";
      case 2:
        return "coalesce(" + c + ", " + column_of(sources) + ")";
      case 3: {
        const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
        const Column& tc = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
        return "(SELECT count(*) FROM " + t.name + " AS q WHERE q." + tc.name + " = " + c + ")";
      }
      default:
        return c;
    }
  }

  // ORDER BY over every output column (so the order is fully specified), maybe with LIMIT.
  std::string order_clause(int columns) {
    if (chance(2)) return "";
    std::string out = " ORDER BY ";
    for (int i = 1; i <= columns; ++i)
      out += (i > 1 ? ", " : "") + std::to_string(i) + (chance(3) ? " DESC" : "");
    if (chance(2)) {
      out += " LIMIT " + std::to_string(pick(6)) +
             (chance(2) ? " OFFSET " + std::to_string(pick(3)) : "");
    }
    return out;
  }

  std::string join_query() {
    std::vector<Source> sources;
    std::string from = from_clause(&sources);
    int n = 1 + pick(4);
    std::string cols;
    for (int i = 0; i < n; ++i) cols += (i ? ", " : "") + output_expression(sources);
    std::string where = where_clause(sources);
    return std::string("SELECT ") + (chance(6) ? "DISTINCT " : "") + cols + " FROM " + from +
           where + order_clause(n);
  }

  std::string aggregate_call(const std::vector<Source>& sources) {
    std::string c = column_of(sources);
    switch (pick(10)) {
      case 0:
        return "count(*)";
      case 1:
        return "count(" + c + ")";
      case 2:
        return "count(DISTINCT " + c + ")";
      case 3:
        return "sum(" + c + ")";
      case 4:
        return "total(" + c + ")";
      case 5:
        return "avg(" + c + ")";
      case 6:
        return "min(" + c + ")";
      case 7:
        return "max(" + c + ")";
      case 8:
        return "length(group_concat(" + c + "))";
      default:
        return "sum(DISTINCT " + c + ")";
    }
  }

  std::string aggregate_query() {
    std::vector<Source> sources;
    std::string from = from_clause(&sources);
    std::vector<std::string> groups;
    int g = pick(3);
    for (int i = 0; i < g; ++i) groups.push_back(column_of(sources));
    std::string cols;
    for (const std::string& gc : groups) cols += (cols.empty() ? "" : ", ") + gc;
    int aggs = 1 + pick(3);
    for (int i = 0; i < aggs; ++i) {
      std::string a = aggregate_call(sources);
      if (chance(5)) a += " + " + aggregate_call(sources);
      cols += (cols.empty() ? "" : ", ") + a;
    }
    std::string where = where_clause(sources);
    std::string group_by;
    for (const std::string& gc : groups) group_by += (group_by.empty() ? " GROUP BY " : ", ") + gc;
    std::string having;
    if (!groups.empty() && chance(3)) {
      having = " HAVING " + aggregate_call(sources) + " > " + std::to_string(pick(3));
    } else if (!groups.empty() && chance(4)) {
      // A subquery in HAVING, correlated to a grouping column. (Not compared with the bare
      // column: SQLite 3.40 then applies the comparison's affinity to the group's register
      // in place, so a REAL 3.0 in the result turns into INTEGER 3.)
      const Source& t = tables_[static_cast<size_t>(pick(static_cast<int>(tables_.size())))];
      const Column& tc = t.columns[static_cast<size_t>(pick(static_cast<int>(t.columns.size())))];
      having = " HAVING count(*) >= (SELECT count(*) FROM " + t.name + " AS q WHERE q." + tc.name +
               " = coalesce(" + groups[0] + ", NULL))";
    }
    return "SELECT " + cols + " FROM " + from + where + group_by + having +
           order_clause(static_cast<int>(groups.size()) + aggs);
  }

  std::string simple_select(int columns) {
    std::vector<Source> sources;
    std::string from = from_clause(&sources, 2);
    std::string cols;
    for (int i = 0; i < columns; ++i) cols += (i ? ", " : "") + column_of(sources);
    return "SELECT " + cols + " FROM " + from + where_clause(sources);
  }

  std::string compound_query() {
    static const char* kOps[] = {" UNION ", " UNION ALL ", " INTERSECT ", " EXCEPT "};
    int columns = 1 + pick(2);
    std::string out = simple_select(columns);
    int n = 1 + pick(2);
    for (int i = 0; i < n; ++i) out += kOps[pick(4)] + simple_select(columns);
    return out + order_clause(columns);
  }

  std::string subquery_query() {
    std::vector<Source> sources;
    std::string from = from_clause(&sources, 2);
    std::string cols = output_expression(sources) + ", " + output_expression(sources);
    std::string where = where_clause(sources);
    if (where.empty()) where = " WHERE " + subquery_predicate(sources);
    return "SELECT " + cols + " FROM " + from + where + order_clause(2);
  }

  std::mt19937_64 rng_;
  std::vector<Source> tables_, views_;
  std::vector<std::string> pending_where_;
  int index_count_ = 0;
};

int64_t env_int(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoll(text, nullptr, 10) : fallback;
}

struct Outcome {
  int64_t statements = 0, succeeded = 0, returned_rows = 0, optimizer_bugs = 0;
  bool failed = false;
};

// SQLite 3.40's optimizer has bugs this generator finds (constant propagation across
// affinities dropping rows, DISTINCT over some LEFT JOINs keeping duplicates, ORDER BY
// taken as satisfied by a join equality between columns whose affinities make equal values
// differ). When the engines disagree on a query, SQLite runs it again with every
// optimization off (sqlite3_test_control): if Strata agrees with that answer, the
// disagreement is SQLite's optimizer's, counted but not a failure.
std::string run_step(SqlDiff* d, const std::string& sql, int64_t* optimizer_bugs) {
  std::string mismatch = d->diff(sql);
  if (mismatch.empty() || sql.rfind("SELECT", 0) != 0) return mismatch;
  const sql::Stmt* ast = nullptr;
  std::unique_ptr<query::Statement> keep;
  SqlOutcome actual = run_strata(d->db(), sql, {}, &ast, &keep);
  sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, d->sqlite().handle(), 0xffffffff);
  SqlOutcome plain = d->sqlite().run(sql);
  sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, d->sqlite().handle(), 0);
  CompareOptions options;
  if (const sql::Select* select = ast != nullptr ? ast->as<sql::Select>() : nullptr) {
    options.ordered = !select->order_by.empty();
    options.distinct = select->cores[0].distinct;
    options.limited = static_cast<bool>(select->limit);
  }
  if (!compare_outcomes(plain, actual, options).empty()) return mismatch;
  ++*optimizer_bugs;
  return "";
}

// The index of the first statement on which the engines disagree, or -1.
int first_mismatch(const std::vector<std::string>& script, std::string* mismatch) {
  SqlDiff d;
  int64_t optimizer_bugs = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    *mismatch = run_step(&d, script[i], &optimizer_bugs);
    if (!mismatch->empty()) return static_cast<int>(i);
  }
  return -1;
}

// Drops statements (other than the failing last one) while the script still disagrees on it.
std::vector<std::string> shrink(std::vector<std::string> script) {
  std::string mismatch;
  int failing = first_mismatch(script, &mismatch);
  if (failing < 0) return script;
  script.resize(static_cast<size_t>(failing) + 1);
  for (size_t chunk = script.size() / 2; chunk >= 1; chunk /= 2) {
    for (size_t begin = 0; begin + chunk < script.size();) {
      std::vector<std::string> candidate(script.begin(),
                                         script.begin() + static_cast<std::ptrdiff_t>(begin));
      candidate.insert(candidate.end(), script.begin() + static_cast<std::ptrdiff_t>(begin + chunk),
                       script.end());
      if (first_mismatch(candidate, &mismatch) + 1 == static_cast<int>(candidate.size())) {
        script = std::move(candidate);
      } else {
        begin += chunk;
      }
    }
  }
  return script;
}

Outcome run_workload(uint64_t seed, int queries) {
  Outcome out;
  SCOPED_TRACE(replay_command(seed));
  QueryGenerator gen(seed);
  SqlDiff d;
  std::vector<std::string> history;
  auto step = [&](const std::string& sql) {
    history.push_back(sql);
    std::string mismatch = run_step(&d, sql, &out.optimizer_bugs);
    ++out.statements;
    if (!mismatch.empty()) {
      std::string script;
      for (const std::string& h : shrink(history)) script += "    " + h + ";\n";
      ADD_FAILURE() << mismatch << "\n  a shorter script that disagrees too:\n" << script;
      out.failed = true;
    }
  };
  for (const std::string& sql : gen.schema()) {
    step(sql);
    if (out.failed) return out;
  }
  for (int i = 0; i < queries && !out.failed; ++i) {
    step(gen.statement());
  }
  out.succeeded = d.succeeded();
  out.returned_rows = d.returned_rows();
  return out;
}

TEST(QueryRandomDiff, RandomJoinsAggregatesSubqueriesAndCompoundsMatchSqlite) {
  const int kQueriesPerWorkload = 60;
  Outcome total;
  int64_t workloads = 1;
  auto add = [&](const Outcome& o) {
    total.statements += o.statements;
    total.succeeded += o.succeeded;
    total.returned_rows += o.returned_rows;
    total.optimizer_bugs += o.optimizer_bugs;
    total.failed = total.failed || o.failed;
  };
  if (const char* seed = std::getenv("STRATA_SEED"); seed != nullptr && *seed != '\0') {
    add(run_workload(test_seed(), kQueriesPerWorkload));
  } else {
    workloads = env_int("STRATA_QUERY_WORKLOADS", 150);
    uint64_t base = test_seed();
    for (int64_t w = 0; w < workloads && !total.failed; ++w) {
      add(run_workload(base + static_cast<uint64_t>(w), kQueriesPerWorkload));
    }
  }
  std::cout << "random queries: " << workloads << " workloads, " << total.statements
            << " statements diffed against sqlite (" << total.succeeded << " succeeded, "
            << total.returned_rows << " returned rows; " << total.optimizer_bugs
            << " where only SQLite with its optimizations off agrees)\n";
  if (!total.failed) {
    // Most statements must run (a generator producing errors would prove little).
    EXPECT_GT(total.succeeded * 10, total.statements * 8);
    EXPECT_GT(total.returned_rows * 5, total.statements);
  }
}

}  // namespace
}  // namespace strata::test
