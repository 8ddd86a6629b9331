// Fuzz target sql_diff: bytes drive a small structure-aware SQL generator; every statement
// runs on Strata and on the real SQLite library, and the results must agree
// (oracle::diff_statement: success or failure alike, rows as multisets or in ORDER BY
// order, DISTINCT and LIMIT freedoms allowed). A divergence aborts with the script so far.
// Strata refusing a construct as unsupported is no divergence; when it refuses a write, the
// two databases differ from there on and the run stops.
//
// The generator (each decision is one input byte, see fuzz_input.h) writes INSERT, UPDATE,
// DELETE, single-table SELECTs with WHERE / DISTINCT / ORDER BY / LIMIT, GROUP BY with
// aggregates, inner and left joins, IN / EXISTS / scalar subqueries, compound SELECTs,
// CREATE and DROP INDEX, ANALYZE and transactions over a fixed schema with seeded rows, and
// expressions over every operator, CASE, CAST, BETWEEN, IN, LIKE and common functions. It
// avoids what SQLite leaves unspecified: no bare columns beside aggregates, no group_concat;
// nothing whose outcome depends on the order rows are visited in (INSERT ... SELECT only into
// t1 and without a conflict clause, UPDATE never of the rowid, no UNIQUE indexes); aggregates and
// group keys only over columns where no INTEGER ties a REAL, sums only over integers; no random()
// or changes().
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "oracle/diff.h"
#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"

namespace {

using namespace strata;  // NOLINT: a fuzz target over the oracle
using strata::fuzz::fail;
using strata::fuzz::FuzzInput;

struct Table {
  const char* name;
  std::vector<const char*> columns;
};

const Table kTables[] = {
    {"t0", {"a", "b", "c", "d", "e"}},
    {"t1", {"x", "y", "z"}},
};

const char* kSchema[] = {
    "CREATE TABLE t0(a INTEGER PRIMARY KEY, b INTEGER, c TEXT, d REAL, e)",
    "CREATE TABLE t1(x INTEGER, y TEXT, z NUMERIC)",
    "CREATE INDEX t0_b ON t0(b)",
    "INSERT INTO t0 VALUES (1, 1, 'a', 0.5, 1), (2, 2, 'b', -1.25, 'x'), (3, NULL, 'B', 2.75, "
    "NULL), (4, 2, '10', NULL, 2.5), (5, -3, '', 7.25, x'00ff'), (6, 100, 'abc', -0.75, '7')",
    "INSERT INTO t1 VALUES (1, 'a', 1), (2, 'B', '2'), (2, NULL, 3.5), (NULL, 'x', NULL), "
    "(-3, '10', 'abc'), (7, 'b', 0.25)",
};

class Generator {
 public:
  explicit Generator(FuzzInput* in) : in_(in) {}

  std::string statement() {
    switch (in_->below(16)) {
      case 0:
      case 1:
        return insert();
      case 2:
        return update();
      case 3:
        return del();
      case 4:
      case 5:
      case 6:
        return select_one();
      case 7:
        return aggregate();
      case 8:
        return join();
      case 9:
        return subquery();
      case 10:
        return compound();
      case 11:
        return index();
      case 12:
        return transaction();
      case 13:
        return "ANALYZE";
      default:
        return select_one();
    }
  }

 private:
  const Table& table() { return kTables[in_->below(2)]; }
  std::string column(const Table& t) { return t.columns[in_->below(t.columns.size())]; }
  std::string qualified(const Table& t) { return std::string(t.name) + "." + column(t); }

  std::string literal() {
    static const char* kLiterals[] = {"0",
                                      "1",
                                      "2",
                                      "3",
                                      "-1",
                                      "10",
                                      "100",
                                      "9223372036854775807",
                                      "-9223372036854775807",
                                      "0.5",
                                      "-1.25",
                                      "2.75",
                                      "1e100",
                                      "0.25",
                                      "NULL",
                                      "NULL",
                                      "''",
                                      "'a'",
                                      "'B'",
                                      "'10'",
                                      "'2.5'",
                                      "'abc%'",
                                      "' 7'",
                                      "x'00ff'",
                                      "x''",
                                      "TRUE",
                                      "FALSE",
                                      "'b_'"};
    return kLiterals[in_->below(std::size(kLiterals))];
  }

  // An expression over the columns of `from` (one table, or both for a join).
  std::string expr(const std::vector<const Table*>& from, int depth) {
    uint32_t kind = depth <= 0 ? in_->below(2) : in_->below(16);
    auto col = [&] {
      const Table& t = *from[in_->below(from.size())];
      return from.size() > 1 ? qualified(t) : column(t);
    };
    auto sub = [&] { return expr(from, depth - 1); };
    switch (kind) {
      case 0:
        return col();
      case 1:
        return literal();
      case 2:
      case 3: {
        static const char* kOps[] = {"+",  "-",      "*",  "/", "%",  "||",  "=",
                                     "<>", "<",      "<=", ">", ">=", "AND", "OR",
                                     "IS", "IS NOT", "&",  "|", "<<", ">>",  "=="};
        return "(" + sub() + " " + kOps[in_->below(std::size(kOps))] + " " + sub() + ")";
      }
      case 4: {
        static const char* kUnary[] = {"-", "+", "NOT ", "~"};
        return "(" + std::string(kUnary[in_->below(4)]) + sub() + ")";
      }
      case 5: {
        static const char* kFunctions1[] = {"abs",   "length", "lower",   "upper", "typeof", "hex",
                                            "quote", "trim",   "unicode", "sign",  "round"};
        return std::string(kFunctions1[in_->below(std::size(kFunctions1))]) + "(" + sub() + ")";
      }
      case 6: {
        static const char* kFunctions2[] = {"coalesce", "ifnull", "nullif", "instr",
                                            "substr",   "round",  "max",    "min"};
        return std::string(kFunctions2[in_->below(std::size(kFunctions2))]) + "(" + sub() + ", " +
               sub() + ")";
      }
      case 7:
        return "substr(" + sub() + ", " + sub() + ", " + sub() + ")";
      case 8: {
        std::string out = "CASE";
        if (in_->flag()) out += " " + sub();
        for (uint32_t i = 0; i <= in_->below(2); ++i) out += " WHEN " + sub() + " THEN " + sub();
        if (in_->flag()) out += " ELSE " + sub();
        return out + " END";
      }
      case 9: {
        static const char* kTypes[] = {"INTEGER", "TEXT", "REAL", "NUMERIC", "BLOB"};
        return "CAST(" + sub() + " AS " + kTypes[in_->below(5)] + ")";
      }
      case 10:
        return "(" + sub() + (in_->flag() ? " NOT" : "") + " BETWEEN " + sub() + " AND " + sub() +
               ")";
      case 11: {
        std::string out = "(" + sub() + (in_->flag() ? " NOT" : "") + " IN (";
        uint32_t n = in_->below(4);
        for (uint32_t i = 0; i < n; ++i) out += (i ? ", " : "") + sub();
        return out + "))";
      }
      case 12:
        return "(" + sub() + (in_->flag() ? " IS NOT NULL" : " IS NULL") + ")";
      case 13:
        return "(" + sub() + (in_->flag() ? " NOT" : "") + (in_->flag() ? " LIKE " : " GLOB ") +
               sub() + ")";
      case 14:
        return "iif(" + sub() + ", " + sub() + ", " + sub() + ")";
      default:
        return col();
    }
  }

  std::string where(const std::vector<const Table*>& from) {
    return in_->flag() ? " WHERE " + expr(from, 2) : "";
  }

  std::string insert() {
    const Table& t = table();
    static const char* kVerbs[] = {"INSERT", "INSERT OR IGNORE", "INSERT OR REPLACE", "REPLACE"};
    std::string out = std::string(kVerbs[in_->below(4)]) + " INTO " + t.name + " VALUES ";
    uint32_t rows = 1 + in_->below(3);
    for (uint32_t r = 0; r < rows; ++r) {
      out += r ? ", (" : "(";
      for (size_t c = 0; c < t.columns.size(); ++c) {
        out += (c ? ", " : "") + (in_->below(4) == 0 ? expr({&t}, 1) : literal());
      }
      out += ")";
    }
    if (in_->below(4) == 0) {
      // Plain INSERT only: with OR REPLACE / OR IGNORE, which of several source rows with
      // the same key wins depends on the scan order, which SQL leaves open.
      // Into t1 only: into t0, rowids (a) would be handed out in the scan order.
      const Table& other = table();
      const Table& into = kTables[1];
      out = std::string("INSERT INTO ") + into.name + " SELECT ";
      for (size_t c = 0; c < into.columns.size(); ++c) out += (c ? ", " : "") + expr({&other}, 1);
      out += std::string(" FROM ") + other.name + where({&other});
    }
    return out;
  }

  std::string update() {
    const Table& t = table();
    // Never the rowid a, no conflict clause, no UNIQUE index: whether an UPDATE conflicts
    // would depend on the order it visits the rows in, which SQL leaves open.
    std::string target = column(t);
    if (target == "a") target = "b";
    return std::string("UPDATE ") + t.name + " SET " + target + " = " + expr({&t}, 2) + where({&t});
  }

  std::string del() {
    const Table& t = table();
    return std::string("DELETE FROM ") + t.name + where({&t});
  }

  std::string order_limit(size_t columns) {
    std::string out;
    if (in_->flag()) {
      out += " ORDER BY ";
      for (size_t i = 0; i < columns; ++i) {
        out += (i ? ", " : "") + std::to_string(i + 1) + (in_->flag() ? " DESC" : "");
      }
    }
    if (in_->below(4) == 0) {
      out += " LIMIT " + std::to_string(in_->below(5));
      if (in_->flag()) out += " OFFSET " + std::to_string(in_->below(4));
    }
    return out;
  }

  std::string select_one() {
    const Table& t = table();
    size_t n = 1 + in_->below(3);
    std::string out = std::string("SELECT ") + (in_->below(4) == 0 ? "DISTINCT " : "");
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + expr({&t}, 3);
    return out + " FROM " + t.name + where({&t}) + order_limit(n);
  }

  // Aggregates and GROUP BY keys over columns whose values never tie across storage classes
  // (b and x have INTEGER affinity, c and y TEXT: no INTEGER 1 beside a REAL 1.0, so min(),
  // max() and the group's value are determined); sums only over the rowid a, which is always
  // an integer (a sum of inexact reals depends on the order of the rows).
  std::string aggregate() {
    bool first = in_->flag();
    const Table& t = kTables[first ? 0 : 1];
    const char* keys[] = {first ? "b" : "x", first ? "c" : "y"};
    std::string agg;
    switch (in_->below(4)) {
      case 0:
        agg = std::string("count(") + (in_->flag() ? "DISTINCT " : "") + column(t) + ")";
        break;
      case 1:
        agg = std::string(in_->flag() ? "min(" : "max(") + keys[in_->below(2)] + ")";
        break;
      case 2:
        agg = first ? std::string(in_->flag()   ? "sum(a)"
                                  : in_->flag() ? "avg(a)"
                                                : "total(a)")
                    : std::string("count(*)");
        break;
      default:
        agg = "count(*)";
        break;
    }
    if (in_->flag()) {
      return "SELECT " + agg + ", count(*) FROM " + t.name + where({&t});
    }
    std::string key = keys[in_->below(2)];
    return "SELECT " + key + ", " + agg + ", count(*) FROM " + t.name + where({&t}) +
           " GROUP BY 1" +
           (in_->flag() ? " HAVING count(*) > " + std::to_string(in_->below(3)) : "") +
           " ORDER BY 1";
  }

  std::string join() {
    const Table& t0 = kTables[0];
    const Table& t1 = kTables[1];
    std::vector<const Table*> both = {&t0, &t1};
    std::string kind = in_->flag() ? " LEFT JOIN " : " JOIN ";
    std::string on = in_->flag() ? "t0.b = t1.x" : expr(both, 2);
    size_t n = 1 + in_->below(3);
    std::string out = "SELECT ";
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + expr(both, 2);
    return out + " FROM t0" + kind + "t1 ON " + on + where(both) + order_limit(n);
  }

  std::string subquery() {
    const Table& outer = table();
    const Table& inner = table();
    std::string inner_col = column(inner);
    if (inner_col == "e") inner_col = "d";  // e alone may hold both 1 and 1.0: LIMIT 1 picks either
    std::string sub = "SELECT " + inner_col + " FROM " + inner.name + where({&inner});
    switch (in_->below(3)) {
      case 0:
        return "SELECT " + column(outer) + " FROM " + outer.name + " WHERE " + column(outer) +
               (in_->flag() ? " NOT" : "") + " IN (" + sub + ")";
      case 1:
        return std::string("SELECT count(*) FROM ") + outer.name + " WHERE " +
               (in_->flag() ? "NOT " : "") + "EXISTS (" + sub + ")";
      default:
        return "SELECT " + column(outer) + ", (" + sub + " ORDER BY 1 LIMIT 1) FROM " + outer.name;
    }
  }

  std::string compound() {
    static const char* kOps[] = {" UNION ", " UNION ALL ", " INTERSECT ", " EXCEPT "};
    const Table& a = table();
    const Table& b = table();
    return "SELECT " + expr({&a}, 1) + " FROM " + a.name + where({&a}) + kOps[in_->below(4)] +
           "SELECT " + expr({&b}, 1) + " FROM " + b.name + where({&b}) +
           (in_->flag() ? " ORDER BY 1" : "");
  }

  std::string index() {
    const Table& t = table();
    std::string name = "i" + std::to_string(in_->below(4));
    if (in_->below(3) == 0) return "DROP INDEX IF EXISTS " + name;
    std::string cols = column(t);
    if (in_->flag()) {
      std::string second = column(t);
      if (second != cols) cols += ", " + second;
    }
    return "CREATE INDEX IF NOT EXISTS " + name + " ON " + t.name + "(" + cols + ")";
  }

  std::string transaction() {
    static const char* kStatements[] = {"BEGIN", "COMMIT", "ROLLBACK", "END"};
    return kStatements[in_->below(4)];
  }

  FuzzInput* in_;
};

bool is_write(const std::string& sql) { return sql.rfind("SELECT", 0) != 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<std::unique_ptr<oracle::Sqlite>> sqlite = oracle::Sqlite::open();
  Result<std::unique_ptr<oracle::StrataRunner>> strata = oracle::StrataRunner::open();
  if (!sqlite.ok() || !strata.ok()) fail("cannot open the engines");
  std::string script;
  for (const char* sql : kSchema) {
    script += std::string(sql) + ";\n";
    if (std::optional<oracle::Divergence> d = oracle::diff_statement(**sqlite, **strata, sql)) {
      fail("the schema diverges:\n" + oracle::format_divergence("schema", *d));
    }
  }
  FuzzInput in(data, size);
  Generator generator(&in);
  for (int n = 0; n < 32 && !in.empty(); ++n) {
    std::string sql = generator.statement();
    script += sql + ";\n";
    std::optional<oracle::Divergence> d = oracle::diff_statement(**sqlite, **strata, sql);
    if (!d) continue;
    if (d->unsupported()) {
      if (is_write(sql)) return 0;  // the databases differ from here on
      continue;
    }
    fail("Strata and SQLite diverge:\n" + oracle::format_divergence("sql_diff", *d) + "script:\n" +
         script);
  }
  return 0;
}
