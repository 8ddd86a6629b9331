// ParserImpl: the recursive-descent parser behind Parser (parser.h). Private to
// engine/sql: parser.cc holds the token stream, errors, limits and the statement loop;
// parser_expr.cc the expression grammar; parser_stmt.cc SELECT and the statements.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sql/ast.h"
#include "engine/sql/lexer.h"
#include "engine/sql/parser.h"
#include "vfs/status.h"

namespace strata::sql {

// Binding strength of operators, loosest first (SQLite's parse.y order). An infix
// operator of precedence p parses its right operand with min precedence p, so
// operators of one level associate to the left.
enum Prec : int {
  kPrecLowest = 0,
  kPrecOr = 1,
  kPrecAnd = 2,
  kPrecNot = 3,       // prefix NOT
  kPrecEquality = 4,  // = == != <> IS [NOT] IN LIKE GLOB MATCH REGEXP BETWEEN ISNULL NOTNULL
  kPrecCompare = 5,   // < <= > >=
  kPrecEscape = 6,    // only after LIKE/GLOB/...; listed for the table in docs/sql.md
  kPrecBit = 7,       // & | << >>
  kPrecAdd = 8,       // + -
  kPrecMul = 9,       // * / %
  kPrecConcat = 10,   // || (and -> ->>, unsupported)
  kPrecCollate = 11,  // postfix COLLATE
  kPrecUnary = 12,    // prefix - + ~
};

inline SourcePos pos_of(const Token& t) { return SourcePos{t.offset, t.line, t.column}; }

inline bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

inline std::string position_prefix(uint32_t line, uint32_t column) {
  return std::to_string(line) + ":" + std::to_string(column) + ": ";
}

inline uint32_t height_of(const ExprPtr& e) { return e ? e->height : 0; }
inline uint32_t height_of(const SelectPtr& s) { return s ? s->height : 0; }
inline uint32_t height_of(const TableRefPtr& t) { return t ? t->height : 0; }

class ParserImpl {
 public:
  ParserImpl(std::string_view sql, ParseLimits limits) : sql_(sql), limits_(limits), lexer_(sql) {}

  Result<std::optional<ParsedStatement>> next_statement();
  Result<ExprPtr> single_expression();

  std::optional<ParseError> error_;

 private:
  struct Lexed {
    Token token;
    bool is_error = false;  // the lexer failed here; lex_status_ says why
  };

  // --- tokens ---
  const Lexed& lexed(size_t ahead);
  const Token& peek(size_t ahead = 0) { return lexed(ahead).token; }
  bool at(TokenKind kind, size_t ahead = 0) {
    return !lexed(ahead).is_error && peek(ahead).kind == kind;
  }
  Token take();
  bool accept(TokenKind kind) {
    if (!at(kind)) return false;
    take();
    return true;
  }
  Status expect(TokenKind kind, std::string_view expected = {});

  // --- errors ---
  Status fail(StatusCode code, uint32_t offset, uint32_t line, uint32_t column,
              std::string message);
  Status fail_at(const Token& t, StatusCode code, std::string message) {
    return fail(code, t.offset, t.line, t.column, std::move(message));
  }
  Status syntax_error(std::string_view expected);  // at peek()
  Status unsupported(const Token& at, std::string_view what);
  Status lex_error();  // for a peek() that is a lexer error

  // --- names ---
  bool is_name(const Token& t, bool allow_string, bool allow_join) const;
  // SQLite's `ids`: an identifier (non-reserved keywords included, but not INDEXED or a
  // JOIN keyword) or a string. Type words, collation names and bare aliases.
  bool is_ids(const Token& t) const {
    return t.kind != TokenKind::kIndexed && is_name(t, /*allow_string=*/true, /*allow_join=*/false);
  }
  Result<std::string> parse_ids(std::string_view expected);
  Result<std::string> parse_name(std::string_view expected, bool allow_string = true);
  Result<QualifiedName> parse_qualified_name(std::string_view expected);
  Result<std::vector<std::string>> parse_name_list(std::string_view expected);
  bool at_alias();  // a bare alias (no AS) starts here
  Result<std::string> parse_optional_alias();

  // --- nesting ---
  // Parser recursion is metered in units (ParseLimits::max_nesting): one per expression
  // operand, more for constructs whose frames are bigger (kSelectNesting per SELECT or
  // parenthesized FROM item, kListNesting more per function call, IN list, CASE, CAST). enter()
  // fails past the limit; every successful enter() is paired with a leave() of the same cost
  // (NestingGuard does it on scope exit).
  static constexpr uint32_t kSelectNesting = 4;
  static constexpr uint32_t kListNesting = 2;  // function arguments, IN lists, CASE, CAST
  bool enter(uint32_t cost) {
    if (depth_ + cost > limits_.max_nesting) return false;
    depth_ += cost;
    return true;
  }
  void leave(uint32_t cost) { depth_ -= cost; }
  Status nesting_error();
  struct NestingGuard {
    ParserImpl* parser;
    uint32_t cost;
    ~NestingGuard() { parser->leave(cost); }
  };
  Status set_height(Node& node, uint32_t height, bool check = false);

  // --- expressions ---
  Result<ExprPtr> parse_expr(int min_prec = kPrecLowest);
  Result<ExprPtr> parse_prefix();
  Result<ExprPtr> parse_unary();
  Result<ExprPtr> fold_negated_literal(const Token& minus);
  Result<ExprPtr> parse_cast_or_raise();
  Result<ExprPtr> parse_exists();
  Result<ExprPtr> parse_subquery_expr(SourcePos open);
  Status close_parenthesized(SourcePos open);
  Result<ExprPtr> parse_infix(ExprPtr left, int prec);
  Result<ExprPtr> parse_binary(ExprPtr left, BinaryOp op, int prec);
  Result<ExprPtr> parse_other_infix(ExprPtr left, int prec);
  Result<ExprPtr> parse_is(ExprPtr left, const Token& op, int prec);
  Result<ExprPtr> parse_like(ExprPtr left, const Token& op, TokenKind kind, bool negated);
  Result<ExprPtr> parse_between(ExprPtr left, const Token& op, bool negated);
  Result<ExprPtr> parse_collate(ExprPtr left, const Token& op);
  int infix_precedence();
  Result<ExprPtr> finish(ExprPtr expr);  // sets the height and checks the limit
  Result<ExprPtr> parse_literal_or_parameter();
  Result<ExprPtr> parse_name_expr();
  Status parse_into(ExprPtr& out, int min_prec = kPrecLowest);
  Status parse_list_into(std::vector<ExprPtr>& out, uint32_t max_count, std::string_view what);
  Status too_many_terms(std::string_view what, uint32_t max_count);
  Result<ExprPtr> parse_function_call();
  Result<ExprPtr> finish_function_call(FunctionCall call, SourcePos pos);
  Result<ExprPtr> parse_case();
  Status parse_case_arm(Case& c);
  Result<ExprPtr> parse_cast(const Token& cast_token);
  Result<ExprPtr> parse_parenthesized();
  Result<ExprPtr> parse_in(ExprPtr left, const Token& op, bool negated);
  Status parse_in_parenthesized(In& in);
  Status parse_in_table(In& in);
  Result<std::vector<ExprPtr>> parse_expr_list(uint32_t max_count, std::string_view what);
  Result<std::string> parse_type_name(bool in_column_def);
  Result<ExprPtr> make_parameter(const Token& t);

  // --- SELECT ---
  bool at_select_start() {
    return at(TokenKind::kSelect) || at(TokenKind::kValues) || at(TokenKind::kWith);
  }
  Result<SelectPtr> parse_select();
  Result<bool> parse_compound_op(Select& select);
  Status parse_order_by_and_limit(Select& select);
  Status parse_select_core(SelectCore& core);
  Status parse_values_rows(SelectCore& core);
  Status too_many_columns(std::string_view where);
  Status parse_result_column(ResultColumn& column);
  Status parse_join_source(TableRefPtr& out);
  Status parse_join_step(TableRefPtr& out);
  Status parse_join_operator(Join& join);
  Status parse_table_primary(TableRefPtr& out);
  Status parse_subquery_table(TableRefPtr& out);
  Status parse_parenthesized_join(TableRefPtr& out);
  Result<TableName> parse_qualified_table(bool bare_alias);
  Result<std::vector<OrderingTerm>> parse_ordering_terms(bool allow_nulls);
  Status finish_select(Select& select);

  // --- statements ---
  Result<StmtPtr> parse_statement(bool allow_explain);
  Status parse_create(Stmt& stmt);
  Status parse_create_table(Stmt& stmt, bool temporary);
  Result<ColumnDef> parse_column_def();
  Result<TableConstraint> parse_table_constraint();
  Result<ForeignKeyRef> parse_references();
  Result<ConflictAction> parse_on_conflict();
  Result<ExprPtr> parse_default_value();
  Status parse_create_index(Stmt& stmt);
  Status parse_create_view(Stmt& stmt, bool temporary);
  Status parse_drop(Stmt& stmt);
  Status parse_insert(Stmt& stmt);
  Status parse_update(Stmt& stmt);
  Status parse_delete(Stmt& stmt);
  Status parse_transaction(Stmt& stmt);
  Status parse_pragma(Stmt& stmt);
  Result<bool> parse_if_not_exists();
  Result<bool> parse_if_exists();
  Result<ConflictAction> parse_or_action();

  void start_statement(uint32_t begin);
  void recover();

  std::string_view sql_;
  ParseLimits limits_;
  Lexer lexer_;
  std::deque<Lexed> buffer_;
  Status lex_status_;
  uint32_t prev_end_ = 0;  // end offset of the last token taken

  // Per statement.
  static constexpr uint32_t kNoStatement = std::numeric_limits<uint32_t>::max();
  uint32_t statement_begin_ = kNoStatement;
  uint32_t depth_ = 0;
  int max_parameter_ = 0;
  std::vector<std::string> parameters_;
  std::unordered_map<std::string, int> parameter_index_;
  // The literal just built from the integer token 9223372036854775808 (or from a hex
  // literal equal to int64 minimum), so that a unary minus applied directly to it can
  // fold it as SQLite does.
  const Expr* big_literal_ = nullptr;
  bool big_literal_is_hex_ = false;

  // Error recovery.
  bool resume_after_error_ = false;
  Token failed_start_;
};

}  // namespace strata::sql
