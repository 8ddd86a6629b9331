// Parser and printer by example: every statement and expression form, SQLite's
// precedence (shown by the printer's full parenthesization), error messages with exact
// positions, unsupported constructs, limits, the streaming API and is_complete().
#include "engine/sql/parser.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "engine/sql/printer.h"
#include "tests/support/status_testing.h"

namespace strata::sql {
namespace {

// The statement printed back; "ERROR <message>" when it does not parse. Also checks
// that the printed form parses to the same tree.
std::string stmt(std::string_view sql) {
  Result<StmtPtr> parsed = parse_statement(sql);
  if (!parsed.ok()) return "ERROR " + parsed.status().message();
  std::string printed = to_sql(**parsed);
  Result<StmtPtr> again = parse_statement(printed);
  EXPECT_TRUE(again.ok()) << printed << ": " << again.status().to_string();
  if (again.ok()) {
    EXPECT_TRUE(**again == **parsed) << sql << "\nprinted as: " << printed;
  }
  return printed;
}

std::string expr(std::string_view sql) {
  Result<ExprPtr> parsed = parse_expression(sql);
  if (!parsed.ok()) return "ERROR " + parsed.status().message();
  std::string printed = to_sql(**parsed);
  Result<ExprPtr> again = parse_expression(printed);
  EXPECT_TRUE(again.ok()) << printed << ": " << again.status().to_string();
  if (again.ok()) {
    EXPECT_TRUE(**again == **parsed) << sql << "\nprinted as: " << printed;
  }
  return printed;
}

Status stmt_status(std::string_view sql, ParseLimits limits = {}) {
  Result<std::vector<StmtPtr>> parsed = parse_script(sql, limits);
  return parsed.ok() ? Status::ok() : parsed.status();
}

// --- expressions: precedence --------------------------------------------------------

TEST(ParserPrecedence, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "((1 * 2) + 3)");
  EXPECT_EQ(expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(expr("8 / 4 % 3 * 2"), "(((8 / 4) % 3) * 2)");
}

TEST(ParserPrecedence, ConcatBindsTighterThanMultiplication) {
  EXPECT_EQ(expr("a * b || c"), "(a * (b || c))");
  EXPECT_EQ(expr("a || b || c"), "((a || b) || c)");
}

TEST(ParserPrecedence, UnaryMinusBindsTighterThanConcatAndMultiplication) {
  EXPECT_EQ(expr("-a || b"), "((-a) || b)");
  EXPECT_EQ(expr("-a * b"), "((-a) * b)");
  EXPECT_EQ(expr("~a + b"), "((~a) + b)");
  EXPECT_EQ(expr("- - a"), "(-(-a))");
  EXPECT_EQ(expr("-+~a"), "(-(+(~a)))");
}

TEST(ParserPrecedence, CollateBindsTighterThanBinaryOperatorsButLooserThanUnary) {
  EXPECT_EQ(expr("a || b COLLATE nocase"), "(a || (b COLLATE nocase))");
  EXPECT_EQ(expr("-a COLLATE nocase"), "((-a) COLLATE nocase)");
  EXPECT_EQ(expr("a COLLATE x COLLATE y"), "((a COLLATE x) COLLATE y)");
  EXPECT_EQ(expr("a = b COLLATE 'nocase'"), "(a = (b COLLATE nocase))");
}

TEST(ParserPrecedence, BitOperatorsShareOneLevelBetweenAdditionAndComparison) {
  EXPECT_EQ(expr("a & b | c << d >> e"), "((((a & b) | c) << d) >> e)");
  EXPECT_EQ(expr("a + b & c"), "((a + b) & c)");
  EXPECT_EQ(expr("a < b & c"), "(a < (b & c))");
}

TEST(ParserPrecedence, ComparisonBindsTighterThanEquality) {
  EXPECT_EQ(expr("a = b < c"), "(a = (b < c))");
  EXPECT_EQ(expr("a < b = c"), "((a < b) = c)");
  EXPECT_EQ(expr("a < b < c"), "((a < b) < c)");
  EXPECT_EQ(expr("a == b != c <> d"), "(((a = b) != c) != d)");
}

TEST(ParserPrecedence, NotIsLooserThanComparisons) {
  EXPECT_EQ(expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(expr("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(expr("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(expr("a = NOT b"), "(a = (NOT b))");
  EXPECT_EQ(expr("NOT 0 BETWEEN -1 AND 2"), "(NOT (0 BETWEEN (-1) AND 2))");
}

TEST(ParserPrecedence, AndBindsTighterThanOr) {
  EXPECT_EQ(expr("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(expr("a AND b OR c AND d"), "((a AND b) OR (c AND d))");
}

TEST(ParserPrecedence, BetweenOwnsItsAnd) {
  EXPECT_EQ(expr("a BETWEEN 1 AND 2 AND c"), "((a BETWEEN 1 AND 2) AND c)");
  EXPECT_EQ(expr("a NOT BETWEEN 1 AND 2"), "(a NOT BETWEEN 1 AND 2)");
  EXPECT_EQ(expr("a BETWEEN b + 1 AND c * 2"), "(a BETWEEN (b + 1) AND (c * 2))");
  // The bounds may hold equality operators; BETWEEN is left-associative with them.
  EXPECT_EQ(expr("1 BETWEEN 0 = 0 AND 2"), "(1 BETWEEN (0 = 0) AND 2)");
  EXPECT_EQ(expr("1 = 2 BETWEEN 2 AND 2"), "((1 = 2) BETWEEN 2 AND 2)");
  EXPECT_EQ(expr("0 BETWEEN 0 AND 3 BETWEEN 2 AND 3"), "((0 BETWEEN 0 AND 3) BETWEEN 2 AND 3)");
  EXPECT_EQ(expr("5 BETWEEN 1 BETWEEN 0 AND 2 AND 9"), "(5 BETWEEN (1 BETWEEN 0 AND 2) AND 9)");
}

TEST(ParserPrecedence, EqualityClassIsLeftAssociative) {
  EXPECT_EQ(expr("a = b IS c"), "((a = b) IS c)");
  EXPECT_EQ(expr("a IN (1) = b"), "((a IN (1)) = b)");
  EXPECT_EQ(expr("a = b IN (1)"), "((a = b) IN (1))");
  EXPECT_EQ(expr("a LIKE b = c"), "((a LIKE b) = c)");
  EXPECT_EQ(expr("a = b ISNULL"), "((a = b) ISNULL)");
  EXPECT_EQ(expr("a + b NOT NULL"), "((a + b) NOTNULL)");
}

TEST(ParserPrecedence, LikeAndEscape) {
  EXPECT_EQ(expr("a LIKE 'x%'"), "(a LIKE 'x%')");
  EXPECT_EQ(expr("a NOT LIKE b ESCAPE c"), "(a NOT LIKE b ESCAPE c)");
  EXPECT_EQ(expr("a LIKE b < c ESCAPE d"), "(a LIKE (b < c) ESCAPE d)");
  EXPECT_EQ(expr("a LIKE b ESCAPE c || d"), "(a LIKE b ESCAPE (c || d))");
  EXPECT_EQ(expr("a GLOB b"), "(a GLOB b)");
  EXPECT_EQ(expr("a NOT REGEXP b"), "(a NOT REGEXP b)");
  EXPECT_EQ(expr("a MATCH b"), "(a MATCH b)");
  EXPECT_EQ(expr("a LIKE b LIKE c"), "((a LIKE b) LIKE c)");
}

TEST(ParserPrecedence, IsForms) {
  EXPECT_EQ(expr("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(expr("a IS NOT NULL"), "(a IS NOT NULL)");
  EXPECT_EQ(expr("a IS DISTINCT FROM b"), "(a IS NOT b)");
  EXPECT_EQ(expr("a IS NOT DISTINCT FROM b"), "(a IS b)");
  EXPECT_EQ(expr("a IS NOT b + 1"), "(a IS NOT (b + 1))");
}

TEST(ParserPrecedence, PostfixNullTests) {
  EXPECT_EQ(expr("a ISNULL"), "(a ISNULL)");
  EXPECT_EQ(expr("a NOTNULL"), "(a NOTNULL)");
  EXPECT_EQ(expr("a NOT NULL"), "(a NOTNULL)");
  EXPECT_EQ(expr("NOT a NOT NULL"), "(NOT (a NOTNULL))");
  EXPECT_EQ(expr("1 ISNULL NOTNULL"), "((1 ISNULL) NOTNULL)");
}

TEST(ParserPrecedence, InForms) {
  EXPECT_EQ(expr("x IN ()"), "(x IN ())");
  EXPECT_EQ(expr("x NOT IN (1, 2, 3)"), "(x NOT IN (1, 2, 3))");
  EXPECT_EQ(expr("x IN (SELECT y FROM t)"), "(x IN (SELECT y FROM t))");
  EXPECT_EQ(expr("x IN t"), "(x IN t)");
  EXPECT_EQ(expr("x NOT IN main.t"), "(x NOT IN main.t)");
  EXPECT_EQ(expr("x IN (VALUES (1), (2))"), "(x IN (VALUES (1), (2)))");
  EXPECT_EQ(expr("x IN ((SELECT 1), 2)"), "(x IN ((SELECT 1), 2))");
}

// --- expressions: primaries ---------------------------------------------------------

TEST(ParserExpr, Literals) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("1.5"), "1.5");
  EXPECT_EQ(expr("1."), "1.0");
  EXPECT_EQ(expr(".5"), "0.5");
  EXPECT_EQ(expr("1e10"), "1e+10");
  EXPECT_EQ(expr("1e20"), "1e+20");
  EXPECT_EQ(expr("0.1"), "0.1");
  EXPECT_EQ(expr("1e999"), "1e999");
  EXPECT_EQ(expr("'it''s'"), "'it''s'");
  EXPECT_EQ(expr("x'00fF'"), "X'00FF'");
  EXPECT_EQ(expr("X''"), "X''");
  EXPECT_EQ(expr("NULL"), "NULL");
  EXPECT_EQ(expr("true"), "TRUE");
  EXPECT_EQ(expr("FALSE"), "FALSE");
  EXPECT_EQ(expr("\"true\""), "\"true\"");  // a quoted name is a column
  EXPECT_EQ(expr("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
}

TEST(ParserExpr, IntegerLiterals) {
  auto literal = [](std::string_view sql) {
    Result<ExprPtr> e = parse_expression(sql);
    EXPECT_TRUE(e.ok()) << e.status().to_string();
    const Literal* lit = e.ok() ? (*e)->as<Literal>() : nullptr;
    return lit != nullptr ? *lit : Literal{};
  };
  EXPECT_EQ(literal("9223372036854775807").value,
            Value::integer(std::numeric_limits<int64_t>::max()));
  Literal big = literal("9223372036854775808");
  EXPECT_EQ(big.kind, LiteralKind::kReal);  // too big for int64: REAL, as in SQLite
  EXPECT_EQ(big.value, Value::real(9223372036854775808.0));
  EXPECT_EQ(literal("18446744073709551616").kind, LiteralKind::kReal);
  // SQLite's special case: the negated literal is the integer minimum.
  Literal min = literal("-9223372036854775808");
  EXPECT_EQ(min.kind, LiteralKind::kInteger);
  EXPECT_EQ(min.value, Value::integer(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(literal("-(9223372036854775808)").value,
            Value::integer(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(literal("0x7FFFFFFFFFFFFFFF").value,
            Value::integer(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(literal("0xFFFFFFFFFFFFFFFF").value, Value::integer(-1));
  EXPECT_EQ(literal("0x8000000000000000").value,
            Value::integer(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(literal("0x000000000000000001").value, Value::integer(1));
  EXPECT_EQ(expr("-9223372036854775808"), "(-9223372036854775808)");
  EXPECT_EQ(expr("- 9223372036854775808.0"), "(-9223372036854775808.0)");  // a REAL: no fold
  EXPECT_EQ(expr("-(-9223372036854775808)"), "(-(-9223372036854775808))");
  EXPECT_EQ(expr("-9223372036854775807"), "(-9223372036854775807)");
  EXPECT_EQ(expr("0xFFFFFFFFFFFFFFFF"), "0xffffffffffffffff");
  EXPECT_EQ(expr("0x10"), "16");
  EXPECT_EQ(expr("0x10000000000000000"), "ERROR 1:1: hex literal too big: 0x10000000000000000");
  EXPECT_EQ(expr("-0x8000000000000000"), "ERROR 1:1: hex literal too big: -0x8000000000000000");
}

TEST(ParserExpr, Columns) {
  EXPECT_EQ(expr("a"), "a");
  EXPECT_EQ(expr("t.a"), "t.a");
  EXPECT_EQ(expr("main.t.a"), "main.t.a");
  EXPECT_EQ(expr("\"weird name\""), "\"weird name\"");
  EXPECT_EQ(expr("[select].`from`"), "\"select\".\"from\"");
  EXPECT_EQ(expr("key + abort"), "(\"key\" + \"abort\")");  // non-reserved keywords are names
  EXPECT_EQ(expr("rowid"), "rowid");
}

TEST(ParserExpr, Parameters) {
  EXPECT_EQ(expr("? + ?3 + :a + @b + $c"), "((((? + ?3) + :a) + @b) + $c)");
  Parser parser("SELECT ?, :x, ?5, :x, ?, $y");
  Result<std::optional<ParsedStatement>> s = parser.next();
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ((*s)->parameters, (std::vector<std::string>{"", ":x", "", "", "?5", "", "$y"}));
  const Select* select = (*s)->stmt->as<Select>();
  ASSERT_NE(select, nullptr);
  std::vector<int> indexes;
  for (const ResultColumn& c : select->cores[0].columns)
    indexes.push_back(c.expr->as<Parameter>()->index);
  EXPECT_EQ(indexes, (std::vector<int>{1, 2, 5, 2, 6, 7}));
  EXPECT_EQ(expr("?0"), "ERROR 1:1: variable number must be between ?1 and ?32766");
  EXPECT_EQ(expr("?32767"), "ERROR 1:1: variable number must be between ?1 and ?32766");
}

TEST(ParserExpr, Functions) {
  EXPECT_EQ(expr("count(*)"), "count(*)");
  EXPECT_EQ(expr("count(DISTINCT x)"), "count(DISTINCT x)");
  EXPECT_EQ(expr("max(ALL x, y)"), "max(x, y)");
  EXPECT_EQ(expr("random()"), "random()");
  EXPECT_EQ(expr("replace('a', 'b', 'c')"), "replace('a', 'b', 'c')");
  EXPECT_EQ(expr("like(a, b) + glob(c, d)"), "(like(a, b) + glob(c, d))");
  EXPECT_EQ(expr("\"cast\"(1)"), "\"cast\"(1)");
  // `with(1)` is a call, but after "(" WITH starts a common table expression, as in SQLite:
  // the printer quotes the name so that a parenthesized call parses back (sql_parser fuzz).
  EXPECT_EQ(expr("with(1) / 5"), "(\"with\"(1) / 5)");
  EXPECT_EQ(expr("count(DISTINCT *)"), "ERROR 1:16: near \"*\": syntax error, expected expression");
}

TEST(ParserExpr, JoinKeywordsNameColumnsButNotFunctions) {
  // As in SQLite 3.40: LEFT, RIGHT, ... may name tables and columns, not functions.
  EXPECT_EQ(expr("left.x + right.y + natural"), "((\"left\".x + \"right\".y) + \"natural\")");
  EXPECT_EQ(expr("left(1)"), "ERROR 1:1: near \"left\": syntax error, expected expression");
  EXPECT_EQ(stmt("CREATE TABLE left(right)"), "CREATE TABLE \"left\" (\"right\")");
}

TEST(ParserExpr, CastAndRaiseAreKeywordsAtTheStartOfAnExpression) {
  EXPECT_EQ(expr("cast + 1"), "ERROR 1:6: near \"+\": syntax error, expected \"(\"");
  EXPECT_EQ(expr("raise"), "ERROR 1:6: syntax error at end of input, expected \"(\"");
  EXPECT_EQ(expr("t.cast + \"raise\""), "(t.\"cast\" + \"raise\")");
}

TEST(ParserExpr, StringsMayNameTablesBeforeADot) {
  EXPECT_EQ(expr("'t'.x"), "t.x");
  EXPECT_EQ(stmt("SELECT 't'.*, s.'y' FROM 't'"), "SELECT t.*, s.y FROM t");
  EXPECT_EQ(expr("x IN 'tbl'"), "(x IN tbl)");
}

TEST(ParserStmt, JoinOperatorsCombineLikeSqlites) {
  EXPECT_EQ(stmt("SELECT * FROM a LEFT NATURAL JOIN b"), "SELECT * FROM a NATURAL LEFT JOIN b");
  EXPECT_EQ(stmt("SELECT * FROM a CROSS CROSS JOIN b"), "SELECT * FROM a CROSS JOIN b");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT RIGHT JOIN b"), "SELECT * FROM a FULL JOIN b");
  EXPECT_EQ(stmt("SELECT * FROM a OUTER JOIN b"), "ERROR 1:17: unknown join type: OUTER");
  EXPECT_EQ(stmt("SELECT * FROM a INNER OUTER JOIN b"),
            "ERROR 1:17: unknown join type: INNER OUTER");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT INNER JOIN b"), "ERROR 1:17: unknown join type: LEFT INNER");
}

TEST(ParserExpr, CaseCastExistsSubquery) {
  EXPECT_EQ(expr("CASE WHEN a THEN 1 ELSE 2 END"), "CASE WHEN a THEN 1 ELSE 2 END");
  EXPECT_EQ(expr("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"),
            "CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END");
  EXPECT_EQ(expr("CAST(x AS INTEGER)"), "CAST(x AS INTEGER)");
  EXPECT_EQ(expr("CAST(x AS VARCHAR ( 10 ))"), "CAST(x AS VARCHAR ( 10 ))");
  EXPECT_EQ(expr("CAST(x AS DOUBLE PRECISION)"), "CAST(x AS DOUBLE PRECISION)");
  EXPECT_EQ(expr("CAST(x AS)"), "CAST(x AS)");
  EXPECT_EQ(expr("EXISTS (SELECT 1)"), "EXISTS (SELECT 1)");
  EXPECT_EQ(expr("NOT EXISTS (SELECT 1 FROM t)"), "(NOT EXISTS (SELECT 1 FROM t))");
  EXPECT_EQ(expr("(SELECT max(a) FROM t) + 1"), "((SELECT max(a) FROM t) + 1)");
  EXPECT_EQ(expr("((((1))))"), "1");
}

TEST(ParserExpr, PositionsPointAtTheOperatorOrFirstToken) {
  Result<ExprPtr> e = parse_expression("a +\n  b * c");
  ASSERT_OK(e);
  EXPECT_EQ((*e)->pos.line, 1u);
  EXPECT_EQ((*e)->pos.column, 3u);  // the +
  const Binary* plus = (*e)->as<Binary>();
  ASSERT_NE(plus, nullptr);
  EXPECT_EQ(plus->left->pos.column, 1u);
  EXPECT_EQ(plus->right->pos.line, 2u);
  EXPECT_EQ(plus->right->pos.column, 5u);  // the *
  EXPECT_EQ(plus->right->as<Binary>()->left->pos.column, 3u);
  EXPECT_EQ(plus->right->as<Binary>()->left->pos.offset, 6u);
}

// --- statements ---------------------------------------------------------------------

TEST(ParserStmt, Select) {
  EXPECT_EQ(stmt("SELECT 1"), "SELECT 1");
  EXPECT_EQ(
      stmt("select a, b AS x, c y, 'z' FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 1"),
      "SELECT a, b AS x, c AS y, 'z' FROM t WHERE (a > 1) GROUP BY a, b HAVING (count(*) > 1)");
  EXPECT_EQ(stmt("SELECT DISTINCT * FROM t"), "SELECT DISTINCT * FROM t");
  EXPECT_EQ(stmt("SELECT ALL t.*, u.* FROM t, u"), "SELECT t.*, u.* FROM t, u");
  EXPECT_EQ(stmt("SELECT a AS 'quoted alias' FROM t"), "SELECT a AS \"quoted alias\" FROM t");
  EXPECT_EQ(stmt("SELECT a FROM t ORDER BY a DESC, b COLLATE nocase ASC NULLS LAST, c NULLS FIRST"),
            "SELECT a FROM t ORDER BY a DESC, (b COLLATE nocase) ASC NULLS LAST, c NULLS FIRST");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT 10"), "SELECT a FROM t LIMIT 10");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT 10 OFFSET 5"), "SELECT a FROM t LIMIT 10 OFFSET 5");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT 5, 10"), "SELECT a FROM t LIMIT 10 OFFSET 5");
  EXPECT_EQ(stmt("VALUES (1, 2), (3, 4)"), "VALUES (1, 2), (3, 4)");
  EXPECT_EQ(stmt("SELECT * FROM (VALUES (1))"), "SELECT * FROM (VALUES (1))");
  EXPECT_EQ(stmt("SELECT a FROM t1 NOT INDEXED"), "SELECT a FROM t1 NOT INDEXED");
  EXPECT_EQ(stmt("SELECT a FROM t1 AS x INDEXED BY i1"), "SELECT a FROM t1 AS x INDEXED BY i1");
  EXPECT_EQ(stmt("SELECT a FROM main.t1"), "SELECT a FROM main.t1");
}

TEST(ParserStmt, CompoundSelectsAreLeftAssociativeWithOneOrderBy) {
  EXPECT_EQ(stmt("SELECT 1 UNION SELECT 2 UNION ALL VALUES (3) INTERSECT SELECT 4 EXCEPT SELECT 5 "
                 "ORDER BY 1 LIMIT 2"),
            "SELECT 1 UNION SELECT 2 UNION ALL VALUES (3) INTERSECT SELECT 4 EXCEPT SELECT 5 ORDER "
            "BY 1 LIMIT 2");
  // As in SQLite, ORDER BY and LIMIT may not follow VALUES.
  EXPECT_EQ(stmt("SELECT 1 UNION VALUES (2) ORDER BY 1"),
            "ERROR 1:27: near \"ORDER\": syntax error, expected end of statement");
  Result<StmtPtr> s = parse_statement("SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3");
  ASSERT_OK(s);
  const Select* select = (*s)->as<Select>();
  ASSERT_EQ(select->cores.size(), 3u);
  EXPECT_EQ(select->ops, (std::vector<CompoundOp>{CompoundOp::kUnionAll, CompoundOp::kExcept}));
}

TEST(ParserStmt, Joins) {
  EXPECT_EQ(stmt("SELECT * FROM a JOIN b ON a.x = b.x"), "SELECT * FROM a JOIN b ON (a.x = b.x)");
  EXPECT_EQ(stmt("SELECT * FROM a INNER JOIN b USING (x, y)"),
            "SELECT * FROM a JOIN b USING (x, y)");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT OUTER JOIN b ON 1 LEFT JOIN c ON 2"),
            "SELECT * FROM a LEFT JOIN b ON 1 LEFT JOIN c ON 2");
  EXPECT_EQ(stmt("SELECT * FROM a NATURAL JOIN b CROSS JOIN c"),
            "SELECT * FROM a NATURAL JOIN b CROSS JOIN c");
  EXPECT_EQ(stmt("SELECT * FROM a RIGHT JOIN b FULL OUTER JOIN c NATURAL LEFT JOIN d"),
            "SELECT * FROM a RIGHT JOIN b FULL JOIN c NATURAL LEFT JOIN d");
  EXPECT_EQ(stmt("SELECT * FROM a, b AS bb, (SELECT 1) AS s, (SELECT 2) t"),
            "SELECT * FROM a, b AS bb, (SELECT 1) AS s, (SELECT 2) AS t");
  EXPECT_EQ(stmt("SELECT * FROM a JOIN (b JOIN c ON 1) ON 2"),
            "SELECT * FROM a JOIN (b JOIN c ON 1) ON 2");
  EXPECT_EQ(stmt("SELECT * FROM (a JOIN b) JOIN c"), "SELECT * FROM a JOIN b JOIN c");
  EXPECT_EQ(stmt("SELECT * FROM (t1) AS x"), "SELECT * FROM t1 AS x");
  Result<StmtPtr> s = parse_statement("SELECT * FROM a JOIN b JOIN c");
  ASSERT_OK(s);
  const Join* outer = (*s)->as<Select>()->cores[0].from->as<Join>();
  ASSERT_NE(outer, nullptr);
  EXPECT_NE(outer->left->as<Join>(), nullptr);  // ((a JOIN b) JOIN c)
  EXPECT_NE(outer->right->as<TableName>(), nullptr);
}

TEST(ParserStmt, CreateTable) {
  EXPECT_EQ(stmt("CREATE TABLE t1(a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER)"),
            "CREATE TABLE t1 (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER)");
  EXPECT_EQ(stmt("create table if not exists main.t(id integer primary key autoincrement, "
                 "name varchar(10) not null unique, price decimal(10, 2) default 0, "
                 "tag text collate nocase default 'x' check (length(tag) < 5), "
                 "owner int references users(id) on delete cascade deferrable initially deferred, "
                 "plain, d DOUBLE PRECISION NULL)"),
            "CREATE TABLE IF NOT EXISTS main.t (id integer PRIMARY KEY AUTOINCREMENT, "
            "name varchar(10) NOT NULL UNIQUE, price decimal(10, 2) DEFAULT (0), "
            "tag text COLLATE nocase DEFAULT ('x') CHECK ((length(tag) < 5)), "
            "owner int REFERENCES users (id), plain, d DOUBLE PRECISION NULL)");
  EXPECT_EQ(stmt("CREATE TABLE t(a PRIMARY KEY DESC ON CONFLICT REPLACE, b CONSTRAINT nn NOT NULL "
                 "ON CONFLICT IGNORE)"),
            "CREATE TABLE t (a PRIMARY KEY DESC ON CONFLICT REPLACE, b CONSTRAINT nn NOT NULL ON "
            "CONFLICT IGNORE)");
  EXPECT_EQ(stmt("CREATE TABLE t(a, b, c, PRIMARY KEY (a, b DESC), UNIQUE (c) CHECK (a > 0), "
                 "CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (x) ON UPDATE SET NULL)"),
            "CREATE TABLE t (a, b, c, PRIMARY KEY (a, b DESC), UNIQUE (c), CHECK ((a > 0)), "
            "CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (x))");
  EXPECT_EQ(stmt("CREATE TEMP TABLE t(x) WITHOUT ROWID, STRICT"),
            "CREATE TEMP TABLE t (x) WITHOUT ROWID, STRICT");
  EXPECT_EQ(stmt("CREATE TABLE t(x) STRICT"), "CREATE TABLE t (x) STRICT");
  EXPECT_EQ(stmt("CREATE TABLE t AS SELECT 1 AS x"), "CREATE TABLE t AS SELECT 1 AS x");
  EXPECT_EQ(stmt("CREATE TABLE 'quoted'(\"a b\" TEXT, [key] INT, replace)"),
            "CREATE TABLE quoted (\"a b\" TEXT, \"key\" INT, \"replace\")");
  EXPECT_EQ(stmt("CREATE TABLE t(x INT KEY)"),
            "CREATE TABLE t (x INT KEY)");  // KEY is a type word here
}

TEST(ParserStmt, ColumnDefaults) {
  EXPECT_EQ(stmt("CREATE TABLE t(a DEFAULT -5, b DEFAULT +1.5, c DEFAULT (1 + 2), d DEFAULT NULL, "
                 "e DEFAULT x'00', f DEFAULT CURRENT_TIME, g DEFAULT true, h DEFAULT word, "
                 "i DEFAULT -9223372036854775808)"),
            "CREATE TABLE t (a DEFAULT ((-5)), b DEFAULT ((+1.5)), c DEFAULT ((1 + 2)), d DEFAULT "
            "(NULL), "
            "e DEFAULT (X'00'), f DEFAULT (CURRENT_TIME), g DEFAULT (TRUE), h DEFAULT ('word'), "
            "i DEFAULT ((-9223372036854775808)))");
}

TEST(ParserStmt, TypeNamesAreKeptAsWritten) {
  Result<StmtPtr> s =
      parse_statement("CREATE TABLE t(a VARCHAR(10), b unsigned big int, c decimal( 10 , -2 ), d)");
  ASSERT_OK(s);
  const CreateTable* create = (*s)->as<CreateTable>();
  ASSERT_EQ(create->columns.size(), 4u);
  EXPECT_EQ(create->columns[0].type_name, "VARCHAR(10)");
  EXPECT_EQ(create->columns[1].type_name, "unsigned big int");
  EXPECT_EQ(create->columns[2].type_name, "decimal( 10 , -2 )");
  EXPECT_EQ(create->columns[3].type_name, "");
}

TEST(ParserStmt, IndexesAndViews) {
  EXPECT_EQ(stmt("CREATE INDEX t1i1 ON t1(x)"), "CREATE INDEX t1i1 ON t1 (x)");
  EXPECT_EQ(stmt("CREATE UNIQUE INDEX IF NOT EXISTS i ON t(a DESC, lower(b) COLLATE nocase ASC) "
                 "WHERE a > 0"),
            "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a DESC, (lower(b) COLLATE nocase) ASC) "
            "WHERE (a > 0)");
  EXPECT_EQ(stmt("DROP INDEX IF EXISTS main.i"), "DROP INDEX IF EXISTS main.i");
  EXPECT_EQ(stmt("CREATE VIEW view1 AS SELECT x FROM t1 WHERE x>0"),
            "CREATE VIEW view1 AS SELECT x FROM t1 WHERE (x > 0)");
  EXPECT_EQ(stmt("CREATE TEMPORARY VIEW IF NOT EXISTS v(a, b) AS VALUES (1, 2)"),
            "CREATE TEMP VIEW IF NOT EXISTS v (a, b) AS VALUES (1, 2)");
  EXPECT_EQ(stmt("DROP VIEW v"), "DROP VIEW v");
  EXPECT_EQ(stmt("DROP TABLE IF EXISTS t"), "DROP TABLE IF EXISTS t");
  EXPECT_EQ(stmt("DROP TABLE t"), "DROP TABLE t");
}

TEST(ParserStmt, Insert) {
  EXPECT_EQ(stmt("INSERT INTO t1(e,c,b,d,a) VALUES(103,102,100,101,104)"),
            "INSERT INTO t1 (e, c, b, d, a) VALUES (103, 102, 100, 101, 104)");
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1), (2)"), "INSERT INTO t VALUES (1), (2)");
  EXPECT_EQ(stmt("INSERT OR IGNORE INTO t SELECT * FROM u"),
            "INSERT OR IGNORE INTO t SELECT * FROM u");
  EXPECT_EQ(stmt("REPLACE INTO t VALUES (1)"), "INSERT OR REPLACE INTO t VALUES (1)");
  EXPECT_EQ(stmt("INSERT OR ROLLBACK INTO t DEFAULT VALUES"),
            "INSERT OR ROLLBACK INTO t DEFAULT VALUES");
  EXPECT_EQ(stmt("INSERT OR ABORT INTO main.t AS x (a) VALUES (1)"),
            "INSERT OR ABORT INTO main.t AS x (a) VALUES (1)");
  EXPECT_EQ(stmt("INSERT OR FAIL INTO t VALUES (1)"), "INSERT OR FAIL INTO t VALUES (1)");
  Result<StmtPtr> a = parse_statement("REPLACE INTO t VALUES (1)");
  Result<StmtPtr> b = parse_statement("INSERT OR REPLACE INTO t VALUES (1)");
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_TRUE(**a == **b);
}

TEST(ParserStmt, UpdateAndDelete) {
  EXPECT_EQ(stmt("UPDATE t1 SET x=1 WHERE x>0"), "UPDATE t1 SET x = 1 WHERE (x > 0)");
  EXPECT_EQ(stmt("UPDATE OR REPLACE t AS u SET a = a + 1, b = NULL"),
            "UPDATE OR REPLACE t AS u SET a = (a + 1), b = NULL");
  EXPECT_EQ(stmt("UPDATE t INDEXED BY i SET a = 1"), "UPDATE t INDEXED BY i SET a = 1");
  EXPECT_EQ(stmt("DELETE FROM t1 WHERE x > 0"), "DELETE FROM t1 WHERE (x > 0)");
  EXPECT_EQ(stmt("DELETE FROM main.t"), "DELETE FROM main.t");
}

TEST(ParserStmt, TransactionsAnalyzePragmaExplain) {
  EXPECT_EQ(stmt("BEGIN"), "BEGIN");
  EXPECT_EQ(stmt("BEGIN DEFERRED TRANSACTION"), "BEGIN DEFERRED");
  EXPECT_EQ(stmt("BEGIN IMMEDIATE"), "BEGIN IMMEDIATE");
  EXPECT_EQ(stmt("BEGIN EXCLUSIVE TRANSACTION tx"), "BEGIN EXCLUSIVE");
  EXPECT_EQ(stmt("COMMIT TRANSACTION"), "COMMIT");
  EXPECT_EQ(stmt("END"), "COMMIT");
  EXPECT_EQ(stmt("ROLLBACK"), "ROLLBACK");
  EXPECT_EQ(stmt("ANALYZE"), "ANALYZE");
  EXPECT_EQ(stmt("ANALYZE main.t1"), "ANALYZE main.t1");
  EXPECT_EQ(stmt("PRAGMA cache_size"), "PRAGMA cache_size");
  EXPECT_EQ(stmt("PRAGMA main.cache_size = -2000"), "PRAGMA main.cache_size = -2000");
  EXPECT_EQ(stmt("PRAGMA journal_mode = 'wal'"), "PRAGMA journal_mode = 'wal'");
  EXPECT_EQ(stmt("PRAGMA foreign_keys = ON"), "PRAGMA foreign_keys = \"ON\"");
  EXPECT_EQ(stmt("PRAGMA table_info(t1)"), "PRAGMA table_info(t1)");
  EXPECT_EQ(stmt("EXPLAIN SELECT 1"), "EXPLAIN SELECT 1");
  EXPECT_EQ(stmt("EXPLAIN QUERY PLAN SELECT * FROM t"), "EXPLAIN QUERY PLAN SELECT * FROM t");
  EXPECT_EQ(stmt("EXPLAIN ANALYZE SELECT * FROM t"), "EXPLAIN ANALYZE SELECT * FROM t");
  EXPECT_EQ(stmt("EXPLAIN ANALYZE UPDATE t SET a = 1"), "EXPLAIN ANALYZE UPDATE t SET a = 1");
  // SQLite's reading when no DML follows: EXPLAIN of an ANALYZE statement.
  EXPECT_EQ(stmt("EXPLAIN ANALYZE t1"), "EXPLAIN ANALYZE t1");
  Result<StmtPtr> s = parse_statement("EXPLAIN ANALYZE t1");
  ASSERT_OK(s);
  const Explain* explain = (*s)->as<Explain>();
  ASSERT_NE(explain, nullptr);
  EXPECT_EQ(explain->mode, ExplainMode::kExplain);
  EXPECT_TRUE(explain->stmt->is<Analyze>());
}

// --- errors -------------------------------------------------------------------------

TEST(ParserErrors, SyntaxErrorsNameTheTokenAndItsPosition) {
  EXPECT_EQ(stmt("SELECT * FORM t"),
            "ERROR 1:10: near \"FORM\": syntax error, expected end of statement");
  EXPECT_EQ(stmt("SELECT 1 +"), "ERROR 1:11: syntax error at end of input, expected expression");
  EXPECT_EQ(stmt("SELECT * FROM"), "ERROR 1:14: syntax error at end of input, expected table name");
  EXPECT_EQ(stmt("SELECT (1 + 2"), "ERROR 1:14: syntax error at end of input, expected \")\"");
  EXPECT_EQ(stmt("SELECT a FROM t WHERE"),
            "ERROR 1:22: syntax error at end of input, expected expression");
  EXPECT_EQ(stmt("SELECT a\nFROM t\nWHERE a = = 1"),
            "ERROR 3:11: near \"=\": syntax error, expected expression");
  EXPECT_EQ(stmt("CREATE TABLE t(a,)"),
            "ERROR 1:18: near \")\": syntax error, expected column name");
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1, 2"),
            "ERROR 1:27: syntax error at end of input, expected \",\" or \")\"");
  EXPECT_EQ(stmt("SELECT CASE WHEN 1 THEN 2"),
            "ERROR 1:26: syntax error at end of input, expected WHEN, ELSE or END");
  EXPECT_EQ(stmt("SELECT a FROM t ORDER a"),
            "ERROR 1:23: near \"a\": syntax error, expected \"BY\"");
  EXPECT_EQ(stmt("DELETE t"), "ERROR 1:8: near \"t\": syntax error, expected \"FROM\"");
  EXPECT_EQ(stmt("hello"), "ERROR 1:1: near \"hello\": syntax error, expected statement");
  EXPECT_EQ(stmt("SELECT 1 2"), "ERROR 1:10: near \"2\": syntax error, expected end of statement");
  EXPECT_EQ(stmt("VALUES (1), (2, 3)"),
            "ERROR 1:13: all VALUES must have the same number of terms");
  EXPECT_EQ(stmt("EXPLAIN EXPLAIN SELECT 1"),
            "ERROR 1:9: near \"EXPLAIN\": syntax error, expected statement");
  EXPECT_EQ(stmt("SELECT a FROM t LEFT b"),
            "ERROR 1:22: near \"b\": syntax error, expected \"JOIN\"");
}

TEST(ParserErrors, LexerErrorsKeepTheirPositions) {
  EXPECT_EQ(stmt("SELECT 'abc"), "ERROR 1:8: unterminated string literal: \"'abc\"");
  EXPECT_EQ(stmt("SELECT 1 FROM t WHERE x = 1e"), "ERROR 1:27: unrecognized token: \"1e\"");
  EXPECT_EQ(stmt("SELECT X'123'"), "ERROR 1:8: malformed blob literal: \"X'123'\"");
  EXPECT_EQ(stmt("SELECT 1 'oops"), "ERROR 1:10: unterminated string literal: \"'oops\"");
}

TEST(ParserErrors, ErrorDataMatchesTheMessage) {
  Parser parser("SELECT 1;\nSELECT * FROM t WHERE (a");
  ASSERT_OK(parser.next());
  Result<std::optional<ParsedStatement>> second = parser.next();
  ASSERT_FALSE(second.ok());
  ASSERT_TRUE(parser.error().has_value());
  const ParseError& error = *parser.error();
  EXPECT_EQ(error.code, StatusCode::kSyntax);
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 25u);
  EXPECT_EQ(error.offset, 34u);
  EXPECT_EQ(error.message, "syntax error at end of input, expected \")\"");
  EXPECT_EQ(error.to_status().message(), second.status().message());
  auto position = error_position(second.status());
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(*position, std::make_pair(2u, 25u));
}

TEST(ParserErrors, UnsupportedConstructsSayWhatAndWhere) {
  auto unsupported = [](std::string_view sql) {
    Status s = stmt_status(sql);
    EXPECT_EQ(s.code(), StatusCode::kUnsupported) << sql << ": " << s.to_string();
    return s.message();
  };
  EXPECT_EQ(unsupported("WITH x AS (SELECT 1) SELECT * FROM x"), "1:1: unsupported: WITH clause");
  EXPECT_EQ(unsupported("SELECT * FROM t WHERE a IN (WITH x AS (SELECT 1) SELECT 1)"),
            "1:29: unsupported: WITH clause");
  EXPECT_EQ(unsupported("SELECT row_number() OVER (ORDER BY a) FROM t"),
            "1:21: unsupported: window functions");
  EXPECT_EQ(unsupported("SELECT sum(a) OVER w FROM t WINDOW w AS (ORDER BY a)"),
            "1:15: unsupported: window functions");
  EXPECT_EQ(unsupported("SELECT count(*) FILTER (WHERE a) FROM t"),
            "1:17: unsupported: FILTER clause");
  EXPECT_EQ(unsupported("\n  CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"),
            "2:3: unsupported: CREATE TRIGGER");
  EXPECT_EQ(unsupported("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"),
            "1:1: unsupported: CREATE TRIGGER");
  EXPECT_EQ(unsupported("DROP TRIGGER tr"), "1:1: unsupported: DROP TRIGGER");
  EXPECT_EQ(unsupported("CREATE VIRTUAL TABLE t USING fts5(x)"),
            "1:1: unsupported: CREATE VIRTUAL TABLE");
  EXPECT_EQ(unsupported("ALTER TABLE t ADD COLUMN x"), "1:1: unsupported: ALTER TABLE");
  EXPECT_EQ(unsupported("ATTACH 'x.db' AS x"), "1:1: unsupported: ATTACH");
  EXPECT_EQ(unsupported("DETACH x"), "1:1: unsupported: DETACH");
  EXPECT_EQ(unsupported("VACUUM"), "1:1: unsupported: VACUUM");
  EXPECT_EQ(unsupported("REINDEX"), "1:1: unsupported: REINDEX");
  EXPECT_EQ(unsupported("SAVEPOINT a"), "1:1: unsupported: SAVEPOINT");
  EXPECT_EQ(unsupported("RELEASE a"), "1:1: unsupported: RELEASE");
  EXPECT_EQ(unsupported("ROLLBACK TO a"), "1:1: unsupported: ROLLBACK TO SAVEPOINT");
  EXPECT_EQ(unsupported("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"),
            "1:26: unsupported: upsert (ON CONFLICT)");
  EXPECT_EQ(unsupported("DELETE FROM t RETURNING *"), "1:15: unsupported: RETURNING clause");
  EXPECT_EQ(unsupported("DELETE FROM t WHERE a LIMIT 1"),
            "1:23: unsupported: ORDER BY and LIMIT on DELETE");
  EXPECT_EQ(unsupported("UPDATE t SET a = 1 ORDER BY a LIMIT 1"),
            "1:20: unsupported: ORDER BY and LIMIT on UPDATE");
  EXPECT_EQ(unsupported("UPDATE t SET a = 1 FROM u"), "1:20: unsupported: UPDATE FROM");
  EXPECT_EQ(unsupported("UPDATE t SET (a, b) = (1, 2)"), "1:14: unsupported: row value assignment");
  EXPECT_EQ(unsupported("SELECT (1, 2) = (1, 2)"), "1:8: unsupported: row values");
  EXPECT_EQ(unsupported("SELECT a -> '$.x' FROM t"), "1:10: unsupported: -> and ->> operators");
  EXPECT_EQ(unsupported("SELECT * FROM json_each('[1]')"),
            "1:24: unsupported: table-valued functions");
  EXPECT_EQ(unsupported("CREATE TABLE t(a INT GENERATED ALWAYS AS (1))"),
            "1:22: unsupported: generated columns");
  EXPECT_EQ(unsupported("SELECT RAISE(IGNORE)"), "1:8: unsupported: RAISE");
  EXPECT_EQ(unsupported("SELECT * FROM (a JOIN b) AS x"),
            "1:26: unsupported: alias on a parenthesized join");
  EXPECT_EQ(unsupported("SELECT group_concat(a ORDER BY b) FROM t"),
            "1:23: unsupported: ORDER BY in aggregate functions");
}

// --- limits -------------------------------------------------------------------------

TEST(ParserLimits, DeepParenthesesFailCleanly) {
  std::string sql = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')');
  Status s = stmt_status(sql);
  EXPECT_EQ(s.code(), StatusCode::kSyntax);
  // 4 units for the SELECT, 1 for the result column, 1 per parenthesis: the inside of
  // the 2044th parenthesis is one too many; the error points at what starts there.
  EXPECT_EQ(s.message(), "1:2052: nested too deeply (maximum nesting 2048)");
}

TEST(ParserLimits, DeepUnaryChainsFailCleanly) {
  std::string minus;
  for (int i = 0; i < 100000; ++i) minus += "- ";
  EXPECT_NE(stmt_status("SELECT " + minus + "1").message().find("nested too deeply"),
            std::string::npos);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_NE(stmt_status("SELECT " + nots + "1").message().find("nested too deeply"),
            std::string::npos);
  std::string tildes(100000, '~');
  EXPECT_NE(stmt_status("SELECT " + tildes + "1").message().find("nested too deeply"),
            std::string::npos);
}

TEST(ParserLimits, DeepCallsListsAndCaseFailCleanly) {
  auto nested = [](const std::string& open, const std::string& middle, const std::string& close) {
    std::string sql = "SELECT ";
    for (int i = 0; i < 100000; ++i) sql += open;
    sql += middle;
    for (int i = 0; i < 100000; ++i) sql += close;
    return sql;
  };
  for (const std::string& sql :
       {nested("f(", "1", ")"), nested("1 IN (", "1", ")"),
        nested("CASE WHEN ", "1", " THEN 1 END"), nested("CAST(", "1", " AS INT)"),
        nested("EXISTS (SELECT ", "1", ")"), nested("-(", "1", ")")}) {
    Status s = stmt_status(sql);
    EXPECT_EQ(s.code(), StatusCode::kSyntax) << sql.substr(0, 40);
    EXPECT_NE(s.message().find("nested too deeply (maximum nesting 2048)"), std::string::npos)
        << s.message();
  }
}

TEST(ParserLimits, LongLeftAssociativeChainsAreLimitedByTreeHeight) {
  auto chain = [](int terms) {
    std::string sql = "SELECT 1";
    for (int i = 1; i < terms; ++i) sql += " + 1";
    return sql;
  };
  EXPECT_OK(stmt_status(chain(1000)));  // height 1000 is allowed, 1001 is not: SQLite's limit
  EXPECT_EQ(stmt_status(chain(1001)).message(),
            "1:4006: expression tree is too large (maximum depth 1000)");
  Status s = stmt_status(chain(100000));
  EXPECT_EQ(s.code(), StatusCode::kSyntax);
  EXPECT_NE(s.message().find("expression tree is too large (maximum depth 1000)"),
            std::string::npos)
      << s.message();
}

TEST(ParserLimits, DeepSubqueriesFailCleanly) {
  std::string sql = "SELECT ";
  for (int i = 0; i < 5000; ++i) sql += "(SELECT ";
  sql += "1";
  for (int i = 0; i < 5000; ++i) sql += ")";
  EXPECT_NE(stmt_status(sql).message().find("nested too deeply"), std::string::npos);
  std::string from = "SELECT * FROM ";
  for (int i = 0; i < 5000; ++i) from += "(SELECT * FROM ";
  from += "t";
  for (int i = 0; i < 5000; ++i) from += ")";
  EXPECT_NE(stmt_status(from).message().find("nested too deeply"), std::string::npos);
  std::string joins = "SELECT * FROM " + std::string(5000, '(') + "t" + std::string(5000, ')');
  EXPECT_NE(stmt_status(joins).message().find("nested too deeply"), std::string::npos);
}

TEST(ParserLimits, NestingJustBelowTheLimitParsesPrintsAndCompares) {
  // Exercises the deepest recursion the limits allow (also under AddressSanitizer).
  std::string parens = "SELECT " + std::string(990, '(') + "1" + std::string(990, ')');
  EXPECT_EQ(stmt(parens), "SELECT 1");
  std::string minus = "SELECT ";
  for (int i = 0; i < 990; ++i) minus += "- ";  // "--" would start a comment
  minus += "1";
  Result<StmtPtr> deep = parse_statement(minus);
  ASSERT_OK(deep);
  std::string printed = to_sql(**deep);
  Result<StmtPtr> again = parse_statement(printed);
  ASSERT_OK(again);
  EXPECT_TRUE(**again == **deep);
  StmtPtr copy = *deep;
  EXPECT_TRUE(*copy == **deep);
  // The deepest trees round-trip: printing adds parentheses, and max_nesting leaves room.
  for (const std::string& sql : {[] {
                                   std::string left = "SELECT 1";
                                   for (int i = 1; i < 1000; ++i) left += " + 1";
                                   return left;
                                 }(),
                                 [] {
                                   std::string right = "SELECT ";
                                   for (int i = 0; i < 990; ++i) right += "1 + (";
                                   return right + "1" + std::string(990, ')');
                                 }(),
                                 [] {
                                   std::string nots = "SELECT ";
                                   for (int i = 0; i < 995; ++i) nots += "NOT ";
                                   return nots + "1";
                                 }()}) {
    Result<StmtPtr> tree = parse_statement(sql);
    ASSERT_OK(tree);
    Result<StmtPtr> reparsed = parse_statement(to_sql(**tree));
    ASSERT_OK(reparsed);
    EXPECT_TRUE(**reparsed == **tree);
  }
  std::string subqueries = "SELECT ";
  for (int i = 0; i < 400; ++i) subqueries += "(SELECT ";
  subqueries += "1";
  for (int i = 0; i < 400; ++i) subqueries += ")";
  EXPECT_OK(stmt_status(subqueries));
}

TEST(ParserLimits, StatementLength) {
  ParseLimits limits;
  limits.max_statement_bytes = 100;
  EXPECT_OK(stmt_status("SELECT '" + std::string(80, 'x') + "'", limits));
  Status s = stmt_status("SELECT 1, '" + std::string(100, 'x') + "'", limits);
  EXPECT_EQ(s.message(), "1:11: statement too long (more than 100 bytes)");
  // The limit is per statement: many short statements are fine.
  std::string script;
  for (int i = 0; i < 50; ++i) script += "SELECT 1;\n";
  EXPECT_OK(stmt_status(script, limits));
  // Whitespace between statements does not count.
  EXPECT_OK(stmt_status("SELECT 1;" + std::string(500, ' ') + "SELECT 2", limits));
}

TEST(ParserLimits, DefaultStatementLimitIsSixteenMebibytes) {
  std::string big = "SELECT '" + std::string(17u << 20, 'x') + "'";
  EXPECT_EQ(stmt_status(big).message(), "1:8: statement too long (more than 16777216 bytes)");
}

TEST(ParserLimits, CompoundTerms) {
  std::string sql = "SELECT 1";
  for (int i = 1; i < 500; ++i) sql += " UNION SELECT 1";
  EXPECT_OK(stmt_status(sql));
  sql += " UNION SELECT 1";
  EXPECT_NE(stmt_status(sql).message().find("too many terms in compound SELECT (maximum 500)"),
            std::string::npos);
}

TEST(ParserLimits, ColumnsAndJoins) {
  ParseLimits limits;
  limits.max_columns = 3;
  EXPECT_OK(stmt_status("SELECT 1, 2, 3", limits));
  EXPECT_EQ(stmt_status("SELECT 1, 2, 3, 4", limits).message(),
            "1:17: too many columns in result set (maximum 3)");
  EXPECT_EQ(stmt_status("CREATE TABLE t(a, b, c, d)", limits).message(),
            "1:25: too many columns on t (maximum 3)");
  std::string joins = "SELECT * FROM t0";
  for (int i = 1; i < 64; ++i) joins += ", t" + std::to_string(i);
  EXPECT_OK(stmt_status(joins));
  joins += ", t64";
  EXPECT_NE(stmt_status(joins).message().find("at most 64 tables in a join"), std::string::npos);
}

// --- streaming and scripts ----------------------------------------------------------

TEST(ParserStream, StatementsComeOneAtATimeWithTheirByteRanges) {
  std::string_view sql = "SELECT 1;  ;\n INSERT INTO t VALUES (2) ; SELECT 3";
  Parser parser(sql);
  std::vector<std::string> texts;
  for (;;) {
    Result<std::optional<ParsedStatement>> next = parser.next();
    ASSERT_OK(next);
    if (!next->has_value()) break;
    texts.emplace_back(sql.substr((*next)->begin, (*next)->end - (*next)->begin));
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"SELECT 1", "INSERT INTO t VALUES (2)", "SELECT 3"}));
}

TEST(ParserStream, AnErrorSkipsToTheNextStatement) {
  std::string_view sql =
      "SELECT 1; SELEC 2; SELECT 'a;b' FROM; SELECT 4; CREATE TRIGGER x BEGIN SELECT 5; END; "
      "SELECT 6";
  Parser parser(sql);
  std::vector<std::string> results;
  for (;;) {
    Result<std::optional<ParsedStatement>> next = parser.next();
    if (!next.ok()) {
      results.push_back("error");
      continue;
    }
    if (!next->has_value()) break;
    results.push_back(to_sql(*(*next)->stmt));
  }
  EXPECT_EQ(results, (std::vector<std::string>{"SELECT 1", "error", "error", "SELECT 4", "error",
                                               "SELECT 6"}));
}

TEST(ParserStream, ScriptsAndSingleStatements) {
  Result<std::vector<StmtPtr>> script =
      parse_script("CREATE TABLE t(x); INSERT INTO t VALUES(1);;");
  ASSERT_OK(script);
  EXPECT_EQ(script->size(), 2u);
  EXPECT_OK(parse_script(""));
  EXPECT_OK(parse_script("  -- nothing\n ; ;"));
  EXPECT_EQ(parse_script("-- x\n")->size(), 0u);
  EXPECT_OK(parse_statement("SELECT 1;"));
  EXPECT_EQ(parse_statement("SELECT 1; SELECT 2").status().message(),
            "1:11: expected one statement, found more");
  EXPECT_STATUS(parse_statement(""), kSyntax);
  EXPECT_EQ(parse_expression("1 + 2 3").status().message(),
            "1:7: near \"3\": syntax error, expected end of expression");
}

TEST(ParserComplete, LikeSqlite3Complete) {
  EXPECT_TRUE(is_complete("SELECT 1;"));
  EXPECT_TRUE(is_complete(";"));
  EXPECT_TRUE(is_complete("SELECT 1; -- trailing comment"));
  EXPECT_TRUE(is_complete("SELECT 1; /* c */  "));
  EXPECT_TRUE(is_complete("SELECT 'a;b';"));
  EXPECT_TRUE(is_complete("SELECT 1; SELECT 2;"));
  EXPECT_FALSE(is_complete(""));
  EXPECT_FALSE(is_complete("SELECT 1"));
  EXPECT_FALSE(is_complete("SELECT 1; SELECT 2"));
  EXPECT_FALSE(is_complete("SELECT 'a;"));
  EXPECT_FALSE(is_complete("SELECT \"a;"));
  EXPECT_FALSE(is_complete("SELECT [a;"));
  EXPECT_FALSE(is_complete("SELECT 1 /* ; */"));
  EXPECT_FALSE(is_complete("SELECT 1; /* open"));
  EXPECT_FALSE(is_complete("SELECT 1 -- ;"));
  EXPECT_FALSE(is_complete("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;"));
  EXPECT_FALSE(is_complete("CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END"));
  EXPECT_TRUE(is_complete("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;"));
  EXPECT_TRUE(is_complete("EXPLAIN CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END ;"));
  EXPECT_TRUE(is_complete("CREATE TABLE trigger(x);"));
}

TEST(ParserAst, EqualityIgnoresPositionsButNotMeaning) {
  Result<StmtPtr> a = parse_statement("SELECT a+1 FROM t");
  Result<StmtPtr> b = parse_statement("select\n  a + 1\nfrom t;");
  Result<StmtPtr> c = parse_statement("SELECT a+2 FROM t");
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  EXPECT_TRUE(**a == **b);
  EXPECT_FALSE(**a == **c);
  StmtPtr copy = *a;  // deep copy
  EXPECT_TRUE(*copy == **a);
  EXPECT_NE(copy.get(), a->get());
}

}  // namespace
}  // namespace strata::sql

namespace strata::sql {
namespace {

// Time travel: t AS OF GENERATION g, in FROM only (issue 10).
TEST(ParserTimeTravel, AsOfGenerationPrintsAndParsesBack) {
  EXPECT_EQ(stmt("SELECT * FROM t AS OF GENERATION 3"), "SELECT * FROM t AS OF GENERATION 3");
  EXPECT_EQ(stmt("select a from t as of generation 12 as old where a > 1"),
            "SELECT a FROM t AS OF GENERATION 12 AS old WHERE (a > 1)");
  EXPECT_EQ(stmt("SELECT * FROM t AS OF GENERATION 7 o JOIN t USING (a)"),
            "SELECT * FROM t AS OF GENERATION 7 AS o JOIN t USING (a)");
  EXPECT_EQ(stmt("INSERT INTO t SELECT * FROM t AS OF GENERATION 18446744073709551615"),
            "INSERT INTO t SELECT * FROM t AS OF GENERATION 18446744073709551615");
  // Without GENERATION, AS OF is an alias named "of", as in SQLite.
  EXPECT_EQ(stmt("SELECT * FROM t AS of"), "SELECT * FROM t AS \"of\"");
}

TEST(ParserTimeTravel, AsOfGenerationErrorsSayWhere) {
  EXPECT_EQ(stmt_status("SELECT * FROM t AS OF GENERATION x").message(),
            "1:34: near \"x\": syntax error, expected a generation number");
  EXPECT_EQ(stmt_status("SELECT * FROM t AS OF GENERATION 99999999999999999999").message(),
            "1:34: generation 99999999999999999999 is not a decimal number of at most 20 digits");
  EXPECT_EQ(stmt_status("SELECT * FROM t AS OF GENERATION 0x10").code(),
            StatusCode::kInvalidArgument);
  Status update = stmt_status("UPDATE t AS OF GENERATION 3 SET a = 1");
  EXPECT_EQ(update.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(update.message().find("1:10: AS OF GENERATION reads a past generation"),
            std::string::npos)
      << update.message();
  EXPECT_EQ(stmt_status("DELETE FROM t AS OF GENERATION 3").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::sql
