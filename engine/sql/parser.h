// Parser: SQL text to AST (ast.h), one statement at a time.
//
// A hand-written recursive-descent parser with a precedence-climbing (Pratt) loop for
// expressions; the grammar, precedence table and limits are in docs/sql.md. The
// parser accepts SQLite's syntax for everything in the AST. Constructs SQLite accepts
// but Strata does not model (WITH, window functions, triggers, ALTER TABLE, upsert,
// RETURNING, row values, ...) fail with kUnsupported, "LINE:COL: unsupported: WHAT";
// anything else that does not parse fails with kSyntax,
//   "LINE:COL: near \"TOKEN\": syntax error, expected WHAT"
//   "LINE:COL: syntax error at end of input, expected WHAT"
// and lexer errors (lexer.h) are kSyntax with the same position prefix. Parser::error()
// gives the position as data. No exceptions; deep input fails cleanly at the limits.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/ast.h"
#include "engine/sql/lexer.h"
#include "vfs/status.h"

namespace strata::sql {

struct ParseLimits {
  // Longest statement, in bytes ("statement too long").
  uint32_t max_statement_bytes = 16u << 20;
  // Tallest expression tree, subqueries included: SQLite's SQLITE_MAX_EXPR_DEPTH
  // ("expression tree is too large"). Bounds every recursive walk of the AST.
  uint32_t max_depth = 1000;
  // How deep the parser may recurse ("nested too deeply"), in units: one per operand
  // (parentheses, prefix operators, right-hand sides), two more per function call, IN
  // list, CASE or CAST, four per SELECT or parenthesized FROM item. More than twice
  // max_depth, so that any operator tree within max_depth prints (fully parenthesized)
  // to text that parses back. Keeps the parser's stack under ~3 MiB even in
  // AddressSanitizer builds (far less in release builds).
  uint32_t max_nesting = 2048;
  // Most SELECTs in one compound (SQLite's SQLITE_MAX_COMPOUND_SELECT).
  uint32_t max_compound_terms = 500;
  // Most columns in a table, result set, VALUES row, GROUP BY or ORDER BY
  // (SQLite's SQLITE_MAX_COLUMN).
  uint32_t max_columns = 2000;
  // Most tables in one FROM clause (SQLite's limit for a join).
  uint32_t max_join_tables = 64;
  // Largest ?NNN (SQLite's SQLITE_MAX_VARIABLE_NUMBER).
  uint32_t max_variable_number = 32766;
};

// Where and why parsing failed.
struct ParseError {
  StatusCode code = StatusCode::kSyntax;  // kSyntax or kUnsupported
  uint32_t offset = 0;                    // byte offset of the offending token
  uint32_t line = 1;
  uint32_t column = 1;
  std::string message;  // without the position: "near \"FROM\": syntax error, expected ..."

  Status to_status() const;  // message prefixed with "LINE:COL: "
};

struct ParsedStatement {
  StmtPtr stmt;
  // Byte range [begin, end) of the statement's text, without the terminating ';'.
  uint32_t begin = 0;
  uint32_t end = 0;
  // parameters[i] is the name of bind parameter i + 1 as written ("?5", ":a"), or ""
  // for a slot filled by a bare ? or skipped by ?N. size() is the parameter count.
  std::vector<std::string> parameters;
};

class ParserImpl;

// Streaming parser over a script of statements separated by ';'.
//
//   Parser parser(sql);
//   for (;;) {
//     STRATA_ASSIGN(std::optional<ParsedStatement> next, parser.next());
//     if (!next) break;  // end of input
//     ...execute next->stmt...
//   }
//
// After an error, error() describes it; calling next() again resumes after the end of
// the failed statement (the next ';' outside strings, comments and trigger bodies), so a
// shell can report the error and go on.
class Parser {
 public:
  // REQUIRES: sql outlives the parser and the returned positions are offsets into it.
  explicit Parser(std::string_view sql, ParseLimits limits = {});
  ~Parser();
  Parser(Parser&&) noexcept;
  Parser& operator=(Parser&&) noexcept;

  // The next statement, or nullopt at the end of input. Empty statements (";;") are
  // skipped.
  Result<std::optional<ParsedStatement>> next();

  // The last error of next(), if the last call failed.
  const std::optional<ParseError>& error() const;

  // Parses `sql` as exactly one expression (no trailing tokens).
  Result<ExprPtr> parse_single_expression();

 private:
  std::unique_ptr<ParserImpl> impl_;
};

// All statements of `sql`; the first error fails the whole script.
Result<std::vector<StmtPtr>> parse_script(std::string_view sql, ParseLimits limits = {});

// Exactly one statement (an optional trailing ';' is allowed).
Result<StmtPtr> parse_statement(std::string_view sql, ParseLimits limits = {});

// Exactly one expression.
Result<ExprPtr> parse_expression(std::string_view sql, ParseLimits limits = {});

// True when `sql` ends with a complete statement: its last token outside comments is a
// ';' that ends a statement (inside CREATE TRIGGER ... BEGIN ... END, only the ';' after
// END does), and no string, quoted identifier or /* comment is left open. Like
// sqlite3_complete(): "SELECT 1;" and ";" are complete, "SELECT 1" and "" are not.
bool is_complete(std::string_view sql);

// The position "LINE:COL" at the start of a parser Status message, if it has one.
std::optional<std::pair<uint32_t, uint32_t>> error_position(const Status& status);

}  // namespace strata::sql
