// Tokens of Strata's SQL dialect (SQLite's): kinds, keywords and positions.
//
// A Token is a kind plus a view of the source bytes it spans and where it starts
// (byte offset; line and column, both 1-based, the column counted in UTF-8 code
// points). The keyword list is SQLite's (3.40); a keyword is recognized case-
// insensitively. Keywords marked reserved can never be a bare identifier; the others
// (SQLite's "fallback" keywords: KEY, REPLACE, LIKE, ...) read as identifiers wherever
// the grammar does not want the keyword, as in SQLite.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace strata::sql {

// X(Name, "SPELLING", reserved). The JOIN keywords (CROSS, FULL, INNER, LEFT, NATURAL,
// OUTER, RIGHT) are reserved but may name tables and columns in DDL and after a dot.
#define STRATA_SQL_KEYWORDS(X)                    \
  X(Abort, "ABORT", false)                        \
  X(Action, "ACTION", false)                      \
  X(Add, "ADD", true)                             \
  X(After, "AFTER", false)                        \
  X(All, "ALL", true)                             \
  X(Alter, "ALTER", true)                         \
  X(Always, "ALWAYS", false)                      \
  X(Analyze, "ANALYZE", false)                    \
  X(And, "AND", true)                             \
  X(As, "AS", true)                               \
  X(Asc, "ASC", false)                            \
  X(Attach, "ATTACH", false)                      \
  X(Autoincrement, "AUTOINCREMENT", true)         \
  X(Before, "BEFORE", false)                      \
  X(Begin, "BEGIN", false)                        \
  X(Between, "BETWEEN", true)                     \
  X(By, "BY", false)                              \
  X(Cascade, "CASCADE", false)                    \
  X(Case, "CASE", true)                           \
  X(Cast, "CAST", false)                          \
  X(Check, "CHECK", true)                         \
  X(Collate, "COLLATE", true)                     \
  X(Column, "COLUMN", false)                      \
  X(Commit, "COMMIT", true)                       \
  X(Conflict, "CONFLICT", false)                  \
  X(Constraint, "CONSTRAINT", true)               \
  X(Create, "CREATE", true)                       \
  X(Cross, "CROSS", true)                         \
  X(Current, "CURRENT", false)                    \
  X(CurrentDate, "CURRENT_DATE", false)           \
  X(CurrentTime, "CURRENT_TIME", false)           \
  X(CurrentTimestamp, "CURRENT_TIMESTAMP", false) \
  X(Database, "DATABASE", false)                  \
  X(Default, "DEFAULT", true)                     \
  X(Deferrable, "DEFERRABLE", true)               \
  X(Deferred, "DEFERRED", false)                  \
  X(Delete, "DELETE", true)                       \
  X(Desc, "DESC", false)                          \
  X(Detach, "DETACH", false)                      \
  X(Distinct, "DISTINCT", true)                   \
  X(Do, "DO", false)                              \
  X(Drop, "DROP", true)                           \
  X(Each, "EACH", false)                          \
  X(Else, "ELSE", true)                           \
  X(End, "END", false)                            \
  X(Escape, "ESCAPE", true)                       \
  X(Except, "EXCEPT", true)                       \
  X(Exclude, "EXCLUDE", false)                    \
  X(Exclusive, "EXCLUSIVE", false)                \
  X(Exists, "EXISTS", true)                       \
  X(Explain, "EXPLAIN", false)                    \
  X(Fail, "FAIL", false)                          \
  X(Filter, "FILTER", false)                      \
  X(First, "FIRST", false)                        \
  X(Following, "FOLLOWING", false)                \
  X(For, "FOR", false)                            \
  X(Foreign, "FOREIGN", true)                     \
  X(From, "FROM", true)                           \
  X(Full, "FULL", true)                           \
  X(Generated, "GENERATED", false)                \
  X(Glob, "GLOB", false)                          \
  X(Group, "GROUP", true)                         \
  X(Groups, "GROUPS", false)                      \
  X(Having, "HAVING", true)                       \
  X(If, "IF", false)                              \
  X(Ignore, "IGNORE", false)                      \
  X(Immediate, "IMMEDIATE", false)                \
  X(In, "IN", true)                               \
  X(Index, "INDEX", true)                         \
  X(Indexed, "INDEXED", false)                    \
  X(Initially, "INITIALLY", false)                \
  X(Inner, "INNER", true)                         \
  X(Insert, "INSERT", true)                       \
  X(Instead, "INSTEAD", false)                    \
  X(Intersect, "INTERSECT", true)                 \
  X(Into, "INTO", true)                           \
  X(Is, "IS", true)                               \
  X(Isnull, "ISNULL", true)                       \
  X(Join, "JOIN", true)                           \
  X(Key, "KEY", false)                            \
  X(Last, "LAST", false)                          \
  X(Left, "LEFT", true)                           \
  X(Like, "LIKE", false)                          \
  X(Limit, "LIMIT", true)                         \
  X(Match, "MATCH", false)                        \
  X(Materialized, "MATERIALIZED", false)          \
  X(Natural, "NATURAL", true)                     \
  X(No, "NO", false)                              \
  X(Not, "NOT", true)                             \
  X(Nothing, "NOTHING", true)                     \
  X(Notnull, "NOTNULL", true)                     \
  X(Null, "NULL", true)                           \
  X(Nulls, "NULLS", false)                        \
  X(Of, "OF", false)                              \
  X(Offset, "OFFSET", false)                      \
  X(On, "ON", true)                               \
  X(Or, "OR", true)                               \
  X(Order, "ORDER", true)                         \
  X(Others, "OTHERS", false)                      \
  X(Outer, "OUTER", true)                         \
  X(Over, "OVER", false)                          \
  X(Partition, "PARTITION", false)                \
  X(Plan, "PLAN", false)                          \
  X(Pragma, "PRAGMA", false)                      \
  X(Preceding, "PRECEDING", false)                \
  X(Primary, "PRIMARY", true)                     \
  X(Query, "QUERY", false)                        \
  X(Raise, "RAISE", false)                        \
  X(Range, "RANGE", false)                        \
  X(Recursive, "RECURSIVE", false)                \
  X(References, "REFERENCES", true)               \
  X(Regexp, "REGEXP", false)                      \
  X(Reindex, "REINDEX", false)                    \
  X(Release, "RELEASE", false)                    \
  X(Rename, "RENAME", false)                      \
  X(Replace, "REPLACE", false)                    \
  X(Restrict, "RESTRICT", false)                  \
  X(Returning, "RETURNING", true)                 \
  X(Right, "RIGHT", true)                         \
  X(Rollback, "ROLLBACK", false)                  \
  X(Row, "ROW", false)                            \
  X(Rows, "ROWS", false)                          \
  X(Savepoint, "SAVEPOINT", false)                \
  X(Select, "SELECT", true)                       \
  X(Set, "SET", true)                             \
  X(Table, "TABLE", true)                         \
  X(Temp, "TEMP", false)                          \
  X(Temporary, "TEMPORARY", false)                \
  X(Then, "THEN", true)                           \
  X(Ties, "TIES", false)                          \
  X(To, "TO", true)                               \
  X(Transaction, "TRANSACTION", true)             \
  X(Trigger, "TRIGGER", false)                    \
  X(Unbounded, "UNBOUNDED", false)                \
  X(Union, "UNION", true)                         \
  X(Unique, "UNIQUE", true)                       \
  X(Update, "UPDATE", true)                       \
  X(Using, "USING", true)                         \
  X(Vacuum, "VACUUM", false)                      \
  X(Values, "VALUES", true)                       \
  X(View, "VIEW", false)                          \
  X(Virtual, "VIRTUAL", false)                    \
  X(When, "WHEN", true)                           \
  X(Where, "WHERE", true)                         \
  X(Window, "WINDOW", false)                      \
  X(With, "WITH", false)                          \
  X(Without, "WITHOUT", false)

enum class TokenKind : uint8_t {
  kEof,         // end of input (text is empty)
  kIdentifier,  // bare (abc) or quoted ("a b", [a b], `a b`); text is as written
  kString,      // 'abc' (text includes the quotes)
  kInteger,     // 123, 0x1F
  kReal,        // 1.5, .5, 1., 1e10
  kBlob,        // X'00ff'
  kVariable,    // ?, ?12, :name, @name, $name
  // Operators and punctuation.
  kLParen,      // (
  kRParen,      // )
  kComma,       // ,
  kSemicolon,   // ;
  kDot,         // .
  kPlus,        // +
  kMinus,       // -
  kStar,        // *
  kSlash,       // /
  kPercent,     // %
  kConcat,      // ||
  kShiftLeft,   // <<
  kShiftRight,  // >>
  kBitAnd,      // &
  kBitOr,       // |
  kBitNot,      // ~
  kLt,          // <
  kLe,          // <=
  kGt,          // >
  kGe,          // >=
  kEq,          // =
  kEqEq,        // ==
  kNe,          // !=
  kLtGt,        // <>
  kArrow,       // ->  (SQLite's JSON operators: lexed, reported unsupported)
  kArrow2,      // ->>
// Keywords: kAbort ... kWithout, in STRATA_SQL_KEYWORDS order.
#define STRATA_SQL_KEYWORD_KIND(name, spelling, reserved) k##name,
  STRATA_SQL_KEYWORDS(STRATA_SQL_KEYWORD_KIND)
#undef STRATA_SQL_KEYWORD_KIND
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view text;  // the source bytes of the token
  uint32_t offset = 0;    // byte offset of the first byte
  uint32_t line = 1;      // 1-based
  uint32_t column = 1;    // 1-based, in code points

  bool is(TokenKind k) const { return kind == k; }
};

bool is_keyword(TokenKind kind);
// Reserved keywords are never bare identifiers (SELECT, FROM, ...).
bool is_reserved(TokenKind kind);
// CROSS FULL INNER LEFT NATURAL OUTER RIGHT.
bool is_join_keyword(TokenKind kind);
// The keyword spelled `word` (any case), if it is one.
std::optional<TokenKind> keyword_kind(std::string_view word);
// "SELECT", "(", "identifier", "end of input", ... for messages.
std::string_view token_kind_name(TokenKind kind);

}  // namespace strata::sql
