// How two engines' results are compared (oracle/compare.h) and normalized (oracle/result.h):
// exact about storage classes, reals as SQLite prints them, ordered only as far as the
// ORDER BY names output columns, and allowing exactly the freedom DISTINCT and LIMIT give.
#include "oracle/compare.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::oracle {
namespace {

Value I(int64_t v) { return Value::integer(v); }
Value R(double v) { return Value::real(v); }
Value T(std::string v) { return Value::text(std::move(v)); }

SqlResult rows(std::vector<Row> data, int columns = -1) {
  SqlResult r;
  int n = columns >= 0 ? columns : (data.empty() ? 1 : static_cast<int>(data[0].size()));
  for (int i = 0; i < n; ++i) r.column_names.push_back("c" + std::to_string(i));
  r.rows = std::move(data);
  return r;
}

CompareOptions ordered(std::vector<int> columns) {
  CompareOptions o;
  o.order_columns = std::move(columns);
  return o;
}

TEST(NormalForm, NamesTheStorageClassAndPrintsRealsAsSqliteDoes) {
  EXPECT_EQ(normal_form(Value::null()), "NULL");
  EXPECT_EQ(normal_form(I(-7)), "INTEGER -7");
  EXPECT_EQ(normal_form(R(1.0)), "REAL 1.0");
  EXPECT_EQ(normal_form(R(0.1)), "REAL 0.1");
  EXPECT_EQ(normal_form(R(1e20)), "REAL 1.0e+20");
  EXPECT_EQ(normal_form(R(-0.0)), "REAL 0.0");
  EXPECT_EQ(normal_form(T("it's")), "TEXT 'it''s'");
  EXPECT_EQ(normal_form(T(std::string("a\nb\0", 4))), "TEXT 'a\\x0ab\\x00'");
  EXPECT_EQ(normal_form(Value::blob(std::string("\x00\xff", 2))), "BLOB x'00ff'");
  // Two reals that print alike are the same; an integer and a real never are.
  EXPECT_EQ(normal_form(R(0.1 + 0.2)), normal_form(R(0.30000000000000004)));
  EXPECT_NE(normal_form(I(1)), normal_form(R(1.0)));
}

TEST(NormalForm, EqualityFormIsSqlitesEquality) {
  EXPECT_EQ(equality_form(I(1)), equality_form(R(1.0)));
  EXPECT_EQ(equality_form(R(0.0)), equality_form(R(-0.0)));
  EXPECT_EQ(equality_form(I(INT64_MIN)), equality_form(R(-9223372036854775808.0)));
  EXPECT_NE(equality_form(I(9007199254740993)), equality_form(R(9007199254740992.0)));
  EXPECT_NE(equality_form(I(1)), equality_form(T("1")));
  EXPECT_NE(equality_form(R(1.5)), equality_form(I(1)));
}

TEST(CompareResults, SuccessAndFailureMustAgreeButWordingNeedNot) {
  SqlResult ok = rows({{I(1)}});
  SqlResult failed = SqlResult::failure(StatusCode::kConstraint, "UNIQUE constraint failed");
  SqlResult failed_otherwise = SqlResult::failure(StatusCode::kConstraint, "constraint: t.a");
  EXPECT_EQ(compare_results(ok, failed, {}), "sqlite succeeds, strata fails");
  EXPECT_EQ(compare_results(failed, ok, {}), "sqlite fails, strata succeeds");
  EXPECT_EQ(compare_results(failed, failed_otherwise, {}), "");
}

TEST(CompareResults, StorageClassesAreExact) {
  EXPECT_EQ(compare_results(rows({{I(1)}}), rows({{I(1)}}), {}), "");
  std::string m = compare_results(rows({{I(1)}}), rows({{R(1.0)}}), {});
  EXPECT_NE(m.find("INTEGER 1"), std::string::npos) << m;
  EXPECT_NE(m.find("REAL 1.0"), std::string::npos) << m;
  EXPECT_NE(compare_results(rows({{T("1")}}), rows({{I(1)}}), {}), "");
  EXPECT_NE(compare_results(rows({{Value::null()}}), rows({{T("")}}), {}), "");
  EXPECT_NE(compare_results(rows({{Value::blob("a")}}), rows({{T("a")}}), {}), "");
}

TEST(CompareResults, RealsCompareAsPrintedUnlessExact) {
  SqlResult a = rows({{R(0.1 + 0.2)}});
  SqlResult b = rows({{R(0.30000000000000004 - 5.551115123125783e-17)}});
  ASSERT_NE(a.rows[0][0].as_real(), b.rows[0][0].as_real());
  EXPECT_EQ(compare_results(a, b, {}), "");
  CompareOptions exact;
  exact.exact_reals = true;
  EXPECT_NE(compare_results(a, b, exact), "");
}

TEST(CompareResults, CountsAndChangesMustAgree) {
  EXPECT_EQ(compare_results(rows({{I(1)}, {I(2)}}), rows({{I(1)}}), {}),
            "row count: sqlite 2, strata 1");
  EXPECT_EQ(compare_results(rows({{I(1), I(2)}}), rows({{I(1)}}), {}),
            "column count: sqlite 2, strata 1");
  SqlResult one_change = rows({}, 0);
  one_change.changes = 1;
  SqlResult two_changes = rows({}, 0);
  two_changes.changes = 2;
  EXPECT_EQ(compare_results(one_change, two_changes, {}), "changes: sqlite 1, strata 2");
  CompareOptions no_changes;
  no_changes.compare_changes = false;
  EXPECT_EQ(compare_results(one_change, two_changes, no_changes), "");
}

TEST(CompareResults, WithoutOrderRowsAreAMultiset) {
  SqlResult e = rows({{I(1), T("a")}, {I(2), T("b")}, {I(1), T("a")}});
  SqlResult same = rows({{I(2), T("b")}, {I(1), T("a")}, {I(1), T("a")}});
  SqlResult other = rows({{I(2), T("b")}, {I(2), T("b")}, {I(1), T("a")}});
  EXPECT_EQ(compare_results(e, same, {}), "");
  std::string m = compare_results(e, other, {});
  EXPECT_NE(m.find("rows differ"), std::string::npos) << m;
  EXPECT_NE(m.find("sqlite has row"), std::string::npos) << m;
}

TEST(CompareResults, OrderedOnTheOrderColumnsFreeWithinTies) {
  // ORDER BY the first column: rows tied on it may come in any order.
  SqlResult e = rows({{I(1), T("x")}, {I(2), T("a")}, {I(2), T("b")}, {I(3), T("c")}});
  SqlResult ties_swapped = rows({{I(1), T("x")}, {I(2), T("b")}, {I(2), T("a")}, {I(3), T("c")}});
  SqlResult out_of_order = rows({{I(2), T("a")}, {I(1), T("x")}, {I(2), T("b")}, {I(3), T("c")}});
  EXPECT_EQ(compare_results(e, ties_swapped, ordered({0})), "");
  std::string m = compare_results(e, out_of_order, ordered({0}));
  EXPECT_EQ(m.rfind("order differs at row 0", 0), 0u) << m;
  // The same swap is a divergence when both columns are ordered on.
  EXPECT_NE(compare_results(e, ties_swapped, ordered({0, 1})), "");
  // A group's contents must still agree.
  SqlResult wrong_in_group = rows({{I(1), T("x")}, {I(2), T("a")}, {I(2), T("z")}, {I(3), T("c")}});
  m = compare_results(e, wrong_in_group, ordered({0}));
  EXPECT_NE(m.find("tied on the ORDER BY"), std::string::npos) << m;
}

TEST(CompareResults, TiesUseSqlitesEqualityButRowsTheirIdentity) {
  // 1 and 1.0 tie in ORDER BY; their rows may swap, but each must keep its own type.
  SqlResult e = rows({{I(1), T("int")}, {R(1.0), T("real")}});
  SqlResult swapped = rows({{R(1.0), T("real")}, {I(1), T("int")}});
  SqlResult retyped = rows({{R(1.0), T("int")}, {I(1), T("real")}});
  EXPECT_EQ(compare_results(e, swapped, ordered({0})), "");
  EXPECT_NE(compare_results(e, retyped, ordered({0})), "");
}

TEST(CompareResults, DistinctMayKeepEitherOfEqualRows) {
  CompareOptions distinct;
  distinct.distinct = true;
  EXPECT_EQ(compare_results(rows({{I(1)}}), rows({{R(1.0)}}), distinct), "");
  EXPECT_NE(compare_results(rows({{I(1)}}), rows({{R(1.5)}}), distinct), "");
}

TEST(CompareResults, LimitMayCutTheLastGroupAnywhere) {
  // ORDER BY a LIMIT 2 over a = 1, 2, 2: which row with a = 2 comes is free.
  CompareOptions o = ordered({0});
  o.limited = true;
  SqlResult e = rows({{I(1), T("x")}, {I(2), T("a")}});
  SqlResult other_tie = rows({{I(1), T("x")}, {I(2), T("b")}});
  SqlResult wrong_first = rows({{I(1), T("y")}, {I(2), T("b")}});
  EXPECT_EQ(compare_results(e, other_tie, o), "");
  EXPECT_NE(compare_results(e, wrong_first, o), "");
  // When every column is ordered on, the cut group is still compared under equality.
  CompareOptions all = ordered({0, 1});
  all.limited = true;
  EXPECT_NE(compare_results(e, other_tie, all), "");
}

TEST(CompareOptionsFor, OrderByTermsThatNameOutputColumns) {
  std::vector<std::string> ab = {"a", "b"};
  EXPECT_EQ(compare_options_for("SELECT a, b FROM t ORDER BY a", ab).order_columns,
            std::vector<int>{0});
  EXPECT_EQ(compare_options_for("SELECT a, b FROM t ORDER BY 2 DESC, 1", ab).order_columns,
            (std::vector<int>{1, 0}));
  EXPECT_EQ(compare_options_for("SELECT a AS x, b FROM t ORDER BY x", {"x", "b"}).order_columns,
            std::vector<int>{0});
  EXPECT_EQ(
      compare_options_for("SELECT a + 1, b FROM t ORDER BY a + 1, b", {"a + 1", "b"}).order_columns,
      (std::vector<int>{0, 1}));
  EXPECT_EQ(compare_options_for("SELECT * FROM t ORDER BY b", ab).order_columns,
            std::vector<int>{1});
  // A term that is no output column ends the ordered prefix.
  EXPECT_EQ(compare_options_for("SELECT a, b FROM t ORDER BY c, a", ab).order_columns,
            std::vector<int>{});
  EXPECT_EQ(compare_options_for("SELECT a, b FROM t ORDER BY a, c, b", ab).order_columns,
            std::vector<int>{0});
  // COLLATE sorts differently from BINARY; ambiguous names are not trusted.
  EXPECT_TRUE(compare_options_for("SELECT a FROM t ORDER BY a COLLATE NOCASE", {"a"})
                  .order_columns.empty());
  EXPECT_TRUE(
      compare_options_for("SELECT a, a FROM t ORDER BY a", {"a", "a"}).order_columns.empty());
  EXPECT_TRUE(compare_options_for("SELECT a FROM t", {"a"}).order_columns.empty());
}

TEST(CompareOptionsFor, DistinctCompoundsAndLimits) {
  EXPECT_TRUE(compare_options_for("SELECT DISTINCT a FROM t", {"a"}).distinct);
  EXPECT_TRUE(compare_options_for("SELECT a FROM t UNION SELECT b FROM u", {"a"}).distinct);
  EXPECT_FALSE(compare_options_for("SELECT a FROM t UNION ALL SELECT b FROM u", {"a"}).distinct);
  CompareOptions limited =
      compare_options_for("SELECT a FROM t ORDER BY a LIMIT 2 OFFSET 1", {"a"});
  EXPECT_TRUE(limited.limited);
  EXPECT_TRUE(limited.offset);
  EXPECT_FALSE(compare_options_for("SELECT a FROM t LIMIT 2", {"a"}).offset);
  // Not a SELECT, or not parseable: plain multiset comparison.
  CompareOptions other = compare_options_for("INSERT INTO t VALUES (1)", {});
  EXPECT_TRUE(other.order_columns.empty());
  EXPECT_FALSE(other.distinct || other.limited);
  EXPECT_TRUE(compare_options_for("SELEC a FROM t ORDER BY a", {"a"}).order_columns.empty());
}

}  // namespace
}  // namespace strata::oracle
