#include "engine/sql/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>

namespace strata::sql {

namespace {

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

SourcePos pos_of(const Token& t) { return SourcePos{t.offset, t.line, t.column}; }

bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

std::string position_prefix(uint32_t line, uint32_t column) {
  return std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// The token as it appears in "near \"...\"", cut short when long.
std::string near_text(const Token& t) {
  constexpr size_t kMax = 40;
  if (t.text.size() <= kMax) return std::string(t.text);
  return std::string(t.text.substr(0, kMax)) + "...";
}

// --- Statement boundaries without parsing (is_complete, error recovery) -----------

enum class RawToken { kSemi, kSpace, kOther, kExplain, kCreate, kTemp, kTrigger, kEnd, kOpen };

// The raw token at `pos`; sets *next past it. kOpen: an unterminated string, quoted
// identifier or /* comment runs to the end of input.
RawToken raw_token(std::string_view sql, size_t pos, size_t* next) {
  const size_t n = sql.size();
  unsigned char c = static_cast<unsigned char>(sql[pos]);
  auto close_at = [&](size_t from, char quote) -> RawToken {
    size_t end = sql.find(quote, from);
    if (end == std::string_view::npos) {
      *next = n;
      return RawToken::kOpen;
    }
    *next = end + 1;
    return RawToken::kOther;
  };
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
      *next = pos + 1;
      return RawToken::kSpace;
    case ';':
      *next = pos + 1;
      return RawToken::kSemi;
    case '-':
      if (pos + 1 < n && sql[pos + 1] == '-') {
        size_t end = sql.find('\n', pos);
        *next = end == std::string_view::npos ? n : end;
        return RawToken::kSpace;
      }
      break;
    case '/':
      if (pos + 1 < n && sql[pos + 1] == '*') {
        size_t end = sql.find("*/", pos + 2);
        if (end == std::string_view::npos) {
          *next = n;
          return RawToken::kOpen;
        }
        *next = end + 2;
        return RawToken::kSpace;
      }
      break;
    case '\'':
    case '"':
    case '`':
      return close_at(pos + 1, static_cast<char>(c));
    case '[':
      return close_at(pos + 1, ']');
    default:
      if (is_id_char(c)) {
        size_t end = pos;
        while (end < n && is_id_char(static_cast<unsigned char>(sql[end]))) ++end;
        *next = end;
        std::string_view word = sql.substr(pos, end - pos);
        if (equals_ci(word, "EXPLAIN")) return RawToken::kExplain;
        if (equals_ci(word, "CREATE")) return RawToken::kCreate;
        if (equals_ci(word, "TEMP") || equals_ci(word, "TEMPORARY")) return RawToken::kTemp;
        if (equals_ci(word, "TRIGGER")) return RawToken::kTrigger;
        if (equals_ci(word, "END")) return RawToken::kEnd;
        return RawToken::kOther;
      }
      break;
  }
  *next = pos + 1;
  return RawToken::kOther;
}

// States of the statement-boundary automaton. kStart: just after a ';' that ends a
// statement. Inside CREATE TRIGGER, ';' ends a statement only after END.
enum class ScanState {
  kInvalid,
  kStart,
  kNormal,
  kExplain,
  kCreate,
  kTrigger,
  kTriggerSemi,
  kTriggerEnd
};

ScanState scan_step(ScanState s, RawToken t) {
  switch (s) {
    case ScanState::kInvalid:
    case ScanState::kStart:
      switch (t) {
        case RawToken::kSemi:
          return ScanState::kStart;
        case RawToken::kSpace:
          return s;
        case RawToken::kExplain:
          return ScanState::kExplain;
        case RawToken::kCreate:
          return ScanState::kCreate;
        default:
          return ScanState::kNormal;
      }
    case ScanState::kNormal:
      return t == RawToken::kSemi ? ScanState::kStart : ScanState::kNormal;
    case ScanState::kExplain:
      switch (t) {
        case RawToken::kSemi:
          return ScanState::kStart;
        case RawToken::kSpace:
          return ScanState::kExplain;
        case RawToken::kCreate:
          return ScanState::kCreate;
        default:
          return ScanState::kNormal;
      }
    case ScanState::kCreate:
      switch (t) {
        case RawToken::kSemi:
          return ScanState::kStart;
        case RawToken::kSpace:
        case RawToken::kTemp:
          return ScanState::kCreate;
        case RawToken::kTrigger:
          return ScanState::kTrigger;
        default:
          return ScanState::kNormal;
      }
    case ScanState::kTrigger:
      return t == RawToken::kSemi ? ScanState::kTriggerSemi : ScanState::kTrigger;
    case ScanState::kTriggerSemi:
      switch (t) {
        case RawToken::kSemi:
        case RawToken::kSpace:
          return ScanState::kTriggerSemi;
        case RawToken::kEnd:
          return ScanState::kTriggerEnd;
        default:
          return ScanState::kTrigger;
      }
    case ScanState::kTriggerEnd:
      switch (t) {
        case RawToken::kSemi:
          return ScanState::kStart;
        case RawToken::kSpace:
          return ScanState::kTriggerEnd;
        default:
          return ScanState::kTrigger;
      }
  }
  return ScanState::kNormal;
}

// Offset just past the ';' that ends the statement starting at `from`, or sql.size().
size_t statement_end(std::string_view sql, size_t from) {
  ScanState state = ScanState::kInvalid;
  size_t pos = from;
  while (pos < sql.size()) {
    size_t next = pos;
    RawToken t = raw_token(sql, pos, &next);
    if (t == RawToken::kOpen) return sql.size();
    state = scan_step(state, t);
    pos = next;
    if (t == RawToken::kSemi && state == ScanState::kStart) return pos;
  }
  return sql.size();
}

struct IntegerValue {
  bool fits = false;  // false: the literal is a REAL
  int64_t value = 0;
  double real = 0;
};

double parse_real(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc()) return value;
  // Out of range: let strtod pick infinity or zero (or a subnormal), as SQLite does.
  std::string copy(text);
  return std::strtod(copy.c_str(), nullptr);
}

}  // namespace

Status ParseError::to_status() const {
  return Status(code, position_prefix(line, column) + message);
}

// ---------------------------------------------------------------------------------

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

// --- tokens -------------------------------------------------------------------------

const ParserImpl::Lexed& ParserImpl::lexed(size_t ahead) {
  while (buffer_.size() <= ahead) {
    if (!buffer_.empty() &&
        (buffer_.back().is_error || buffer_.back().token.kind == TokenKind::kEof)) {
      buffer_.push_back(buffer_.back());
      continue;
    }
    Result<Token> t = lexer_.next();
    Lexed entry;
    if (t.ok()) {
      entry.token = t.value();
    } else {
      // The lexer stopped at the start of the bad token.
      entry.is_error = true;
      entry.token.kind = TokenKind::kEof;
      entry.token.offset = lexer_.offset();
      entry.token.line = lexer_.line();
      entry.token.column = lexer_.column();
      entry.token.text = sql_.substr(lexer_.offset(), 0);
      lex_status_ = t.status();
    }
    buffer_.push_back(entry);
  }
  Lexed& entry = buffer_[ahead];
  // The statement-length limit, checked against the statement being parsed.
  uint64_t end = uint64_t{entry.token.offset} + entry.token.text.size();
  if (!entry.is_error && entry.token.kind != TokenKind::kEof && statement_begin_ != kNoStatement &&
      end > statement_begin_ && end - statement_begin_ > limits_.max_statement_bytes) {
    entry.is_error = true;
    entry.token.kind = TokenKind::kEof;
    entry.token.text = entry.token.text.substr(0, 0);
    lex_status_ = Status::syntax(position_prefix(entry.token.line, entry.token.column) +
                                 "statement too long (more than " +
                                 std::to_string(limits_.max_statement_bytes) + " bytes)");
  }
  return entry;
}

Token ParserImpl::take() {
  const Lexed& front = lexed(0);
  Token t = front.token;
  if (front.is_error || t.kind == TokenKind::kEof) return t;  // never consume the end
  buffer_.pop_front();
  prev_end_ = t.offset + static_cast<uint32_t>(t.text.size());
  return t;
}

Status ParserImpl::expect(TokenKind kind, std::string_view expected) {
  if (accept(kind)) return Status::ok();
  if (expected.empty()) {
    std::string quoted = "\"" + std::string(token_kind_name(kind)) + "\"";
    return syntax_error(quoted);
  }
  return syntax_error(expected);
}

// --- errors -------------------------------------------------------------------------

Status ParserImpl::fail(StatusCode code, uint32_t offset, uint32_t line, uint32_t column,
                        std::string message) {
  ParseError error;
  error.code = code;
  error.offset = offset;
  error.line = line;
  error.column = column;
  error.message = std::move(message);
  Status status = error.to_status();
  error_ = std::move(error);
  return status;
}

Status ParserImpl::lex_error() {
  const Token& t = peek();
  // The lexer's message is "LINE:COL: what"; keep the what.
  std::string message = lex_status_.message();
  size_t cut = message.find(": ");
  if (cut != std::string::npos) message = message.substr(cut + 2);
  return fail(StatusCode::kSyntax, t.offset, t.line, t.column, std::move(message));
}

Status ParserImpl::syntax_error(std::string_view expected) {
  if (lexed(0).is_error) return lex_error();
  const Token& t = peek();
  std::string message;
  if (t.kind == TokenKind::kEof) {
    message = "syntax error at end of input";
  } else {
    message = "near \"" + near_text(t) + "\": syntax error";
  }
  if (!expected.empty()) {
    message += ", expected ";
    message += expected;
  }
  return fail_at(t, StatusCode::kSyntax, std::move(message));
}

Status ParserImpl::unsupported(const Token& at, std::string_view what) {
  return fail_at(at, StatusCode::kUnsupported, "unsupported: " + std::string(what));
}

// --- names --------------------------------------------------------------------------

bool ParserImpl::is_name(const Token& t, bool allow_string, bool allow_join) const {
  if (t.kind == TokenKind::kIdentifier) return true;
  if (t.kind == TokenKind::kString) return allow_string;
  if (!is_keyword(t.kind)) return false;
  if (is_join_keyword(t.kind)) return allow_join;
  return !is_reserved(t.kind);
}

Result<std::string> ParserImpl::parse_name(std::string_view expected, bool allow_string) {
  if (lexed(0).is_error) return lex_error();
  const Token& t = peek();
  if (!is_name(t, allow_string, /*allow_join=*/true)) return syntax_error(expected);
  Token taken = take();
  return unquote(taken);
}

Result<std::string> ParserImpl::parse_ids(std::string_view expected) {
  if (lexed(0).is_error) return lex_error();
  if (!is_ids(peek())) return syntax_error(expected);
  return unquote(take());
}

Result<QualifiedName> ParserImpl::parse_qualified_name(std::string_view expected) {
  QualifiedName out;
  STRATA_ASSIGN(out.name, parse_name(expected));
  if (accept(TokenKind::kDot)) {
    out.schema = std::move(out.name);
    STRATA_ASSIGN(out.name, parse_name(expected));
  }
  return out;
}

Result<std::vector<std::string>> ParserImpl::parse_name_list(std::string_view expected) {
  STRATA_TRY(expect(TokenKind::kLParen));
  std::vector<std::string> names;
  do {
    if (names.size() >= limits_.max_columns) {
      return fail_at(peek(), StatusCode::kSyntax,
                     "too many columns (maximum " + std::to_string(limits_.max_columns) + ")");
    }
    STRATA_ASSIGN(std::string name, parse_name(expected));
    names.push_back(std::move(name));
  } while (accept(TokenKind::kComma));
  STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
  return names;
}

bool ParserImpl::at_alias() {
  if (lexed(0).is_error) return false;
  const Token& t = peek();
  if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kString) return true;
  if (!is_keyword(t.kind) || is_reserved(t.kind)) return false;
  // INDEXED may name things but not be a bare alias (SQLite's `ids`); WINDOW, OVER and
  // FILTER continue the clause.
  if (t.kind == TokenKind::kIndexed) return false;
  if (t.kind == TokenKind::kWindow || t.kind == TokenKind::kOver || t.kind == TokenKind::kFilter) {
    return false;
  }
  return true;
}

Result<std::string> ParserImpl::parse_optional_alias() {
  if (accept(TokenKind::kAs)) return parse_name("alias");
  if (at_alias()) return unquote(take());
  return std::string();
}

// --- nesting ------------------------------------------------------------------------

Status ParserImpl::nesting_error() {
  return fail_at(peek(), StatusCode::kSyntax,
                 "nested too deeply (maximum nesting " + std::to_string(limits_.max_nesting) + ")");
}

// Only expression trees are held to the limit (as in SQLite). An expression's height
// includes the subqueries in it; nesting that adds no expression node (FROM subqueries,
// parenthesized joins) is bounded by the recursion limit in enter() instead.
Status ParserImpl::set_height(Node& node, uint32_t height, bool check) {
  node.height = height;
  if (check && height > limits_.max_depth) {
    return fail(
        StatusCode::kSyntax, node.pos.offset, node.pos.line, node.pos.column,
        "expression tree is too large (maximum depth " + std::to_string(limits_.max_depth) + ")");
  }
  return Status::ok();
}

namespace {

uint32_t height_of(const ExprPtr& e) { return e ? e->height : 0; }
uint32_t height_of(const SelectPtr& s) { return s ? s->height : 0; }
uint32_t height_of(const TableRefPtr& t) { return t ? t->height : 0; }

// 1 + the height of the tallest direct child.
struct ExprHeight {
  uint32_t operator()(const Literal&) const { return 1; }
  uint32_t operator()(const ColumnRef&) const { return 1; }
  uint32_t operator()(const Parameter&) const { return 1; }
  uint32_t operator()(const Unary& u) const { return 1 + height_of(u.operand); }
  uint32_t operator()(const Binary& b) const {
    return 1 + std::max(height_of(b.left), height_of(b.right));
  }
  uint32_t operator()(const Like& l) const {
    return 1 + std::max({height_of(l.operand), height_of(l.pattern), height_of(l.escape)});
  }
  uint32_t operator()(const Between& b) const {
    return 1 + std::max({height_of(b.operand), height_of(b.low), height_of(b.high)});
  }
  uint32_t operator()(const In& in) const {
    uint32_t h = std::max(height_of(in.operand), height_of(in.select));
    for (const ExprPtr& e : in.list) h = std::max(h, height_of(e));
    return 1 + h;
  }
  uint32_t operator()(const IsNull& n) const { return 1 + height_of(n.operand); }
  uint32_t operator()(const Collate& c) const { return 1 + height_of(c.operand); }
  uint32_t operator()(const Cast& c) const { return 1 + height_of(c.operand); }
  uint32_t operator()(const Case& c) const {
    uint32_t h = std::max(height_of(c.base), height_of(c.else_result));
    for (const CaseWhen& w : c.whens) h = std::max({h, height_of(w.when), height_of(w.then)});
    return 1 + h;
  }
  uint32_t operator()(const FunctionCall& f) const {
    uint32_t h = 0;
    for (const ExprPtr& e : f.args) h = std::max(h, height_of(e));
    return 1 + h;
  }
  uint32_t operator()(const Exists& e) const { return 1 + height_of(e.select); }
  uint32_t operator()(const Subquery& s) const { return 1 + height_of(s.select); }
};

}  // namespace

Result<ExprPtr> ParserImpl::finish(ExprPtr expr) {
  STRATA_TRY(set_height(*expr, std::visit(ExprHeight{}, expr->node), /*check=*/true));
  return expr;
}

// --- expressions --------------------------------------------------------------------

// The functions on the recursive paths of the expression parser (parse_expr,
// parse_prefix, parse_unary, parse_parenthesized, parse_infix, parse_binary, ...) keep
// few locals and push rare cases into helpers: their frames set how deep nesting can go
// before the stack runs out (see ParseLimits::max_nesting).
Result<ExprPtr> ParserImpl::parse_expr(int min_prec) {
  if (!enter(1)) return nesting_error();
  Result<ExprPtr> left = parse_prefix();
  while (left.ok()) {
    int prec = infix_precedence();
    if (prec <= min_prec) break;
    left = parse_infix(std::move(left).value(), prec);
  }
  leave(1);
  return left;
}

int ParserImpl::infix_precedence() {
  if (lexed(0).is_error) return kPrecLowest;
  switch (peek().kind) {
    case TokenKind::kOr:
      return kPrecOr;
    case TokenKind::kAnd:
      return kPrecAnd;
    case TokenKind::kEq:
    case TokenKind::kEqEq:
    case TokenKind::kNe:
    case TokenKind::kLtGt:
    case TokenKind::kIs:
    case TokenKind::kIn:
    case TokenKind::kLike:
    case TokenKind::kGlob:
    case TokenKind::kRegexp:
    case TokenKind::kMatch:
    case TokenKind::kBetween:
    case TokenKind::kIsnull:
    case TokenKind::kNotnull:
      return kPrecEquality;
    case TokenKind::kNot:
      switch (peek(1).kind) {
        case TokenKind::kNull:
        case TokenKind::kLike:
        case TokenKind::kGlob:
        case TokenKind::kRegexp:
        case TokenKind::kMatch:
        case TokenKind::kIn:
        case TokenKind::kBetween:
          return kPrecEquality;
        default:
          return kPrecLowest;
      }
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
      return kPrecCompare;
    case TokenKind::kBitAnd:
    case TokenKind::kBitOr:
    case TokenKind::kShiftLeft:
    case TokenKind::kShiftRight:
      return kPrecBit;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return kPrecAdd;
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return kPrecMul;
    case TokenKind::kConcat:
    case TokenKind::kArrow:
    case TokenKind::kArrow2:
      return kPrecConcat;
    case TokenKind::kCollate:
      return kPrecCollate;
    default:
      return kPrecLowest;
  }
}

namespace {

std::optional<BinaryOp> binary_op(TokenKind kind) {
  switch (kind) {
    case TokenKind::kOr:
      return BinaryOp::kOr;
    case TokenKind::kAnd:
      return BinaryOp::kAnd;
    case TokenKind::kEq:
    case TokenKind::kEqEq:
      return BinaryOp::kEq;
    case TokenKind::kNe:
    case TokenKind::kLtGt:
      return BinaryOp::kNe;
    case TokenKind::kLt:
      return BinaryOp::kLt;
    case TokenKind::kLe:
      return BinaryOp::kLe;
    case TokenKind::kGt:
      return BinaryOp::kGt;
    case TokenKind::kGe:
      return BinaryOp::kGe;
    case TokenKind::kBitAnd:
      return BinaryOp::kBitAnd;
    case TokenKind::kBitOr:
      return BinaryOp::kBitOr;
    case TokenKind::kShiftLeft:
      return BinaryOp::kShiftLeft;
    case TokenKind::kShiftRight:
      return BinaryOp::kShiftRight;
    case TokenKind::kPlus:
      return BinaryOp::kAdd;
    case TokenKind::kMinus:
      return BinaryOp::kSub;
    case TokenKind::kStar:
      return BinaryOp::kMul;
    case TokenKind::kSlash:
      return BinaryOp::kDiv;
    case TokenKind::kPercent:
      return BinaryOp::kMod;
    case TokenKind::kConcat:
      return BinaryOp::kConcat;
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<ExprPtr> ParserImpl::parse_infix(ExprPtr left, int prec) {
  if (std::optional<BinaryOp> bop = binary_op(peek().kind))
    return parse_binary(std::move(left), *bop, prec);
  return parse_other_infix(std::move(left), prec);
}

Result<ExprPtr> ParserImpl::parse_other_infix(ExprPtr left, int prec) {
  const Token op = take();
  TokenKind kind = op.kind;
  bool negated = false;
  if (kind == TokenKind::kNot) {
    negated = true;
    kind = take().kind;  // NULL, LIKE, GLOB, REGEXP, MATCH, IN or BETWEEN (see infix_precedence)
  }
  switch (kind) {
    case TokenKind::kIs:
      return parse_is(std::move(left), op, prec);
    case TokenKind::kIsnull:
    case TokenKind::kNotnull:
    case TokenKind::kNull:  // NOT NULL
      return finish(make_expr(IsNull{kind != TokenKind::kIsnull, std::move(left)}, pos_of(op)));
    case TokenKind::kLike:
    case TokenKind::kGlob:
    case TokenKind::kRegexp:
    case TokenKind::kMatch:
      return parse_like(std::move(left), op, kind, negated);
    case TokenKind::kBetween:
      return parse_between(std::move(left), op, negated);
    case TokenKind::kIn:
      return parse_in(std::move(left), op, negated);
    case TokenKind::kCollate:
      return parse_collate(std::move(left), op);
    case TokenKind::kArrow:
    case TokenKind::kArrow2:
      return unsupported(op, "-> and ->> operators");
    default:
      return fail_at(op, StatusCode::kInternal, "parser: unexpected infix token");
  }
}

Result<ExprPtr> ParserImpl::parse_binary(ExprPtr left, BinaryOp op, int prec) {
  SourcePos pos = pos_of(take());
  Result<ExprPtr> right = parse_expr(prec);
  if (!right.ok()) return right;
  return finish(make_expr(Binary{op, std::move(left), std::move(right).value()}, pos));
}

Result<ExprPtr> ParserImpl::parse_is(ExprPtr left, const Token& op, int prec) {
  bool is_not = accept(TokenKind::kNot);
  if (accept(TokenKind::kDistinct)) {
    STRATA_TRY(expect(TokenKind::kFrom));
    is_not = !is_not;  // IS DISTINCT FROM is IS NOT; IS NOT DISTINCT FROM is IS
  }
  Result<ExprPtr> right = parse_expr(prec);
  if (!right.ok()) return right;
  return finish(make_expr(
      Binary{is_not ? BinaryOp::kIsNot : BinaryOp::kIs, std::move(left), std::move(right).value()},
      pos_of(op)));
}

Result<ExprPtr> ParserImpl::parse_like(ExprPtr left, const Token& op, TokenKind kind,
                                       bool negated) {
  Like like;
  like.op = kind == TokenKind::kLike     ? LikeOp::kLike
            : kind == TokenKind::kGlob   ? LikeOp::kGlob
            : kind == TokenKind::kRegexp ? LikeOp::kRegexp
                                         : LikeOp::kMatch;
  like.negated = negated;
  like.operand = std::move(left);
  STRATA_TRY(parse_into(like.pattern, kPrecEquality));
  if (accept(TokenKind::kEscape)) STRATA_TRY(parse_into(like.escape, kPrecEquality));
  return finish(make_expr(std::move(like), pos_of(op)));
}

Result<ExprPtr> ParserImpl::parse_between(ExprPtr left, const Token& op, bool negated) {
  Between between;
  between.negated = negated;
  between.operand = std::move(left);
  // The low bound stops at AND, which belongs to BETWEEN.
  STRATA_TRY(parse_into(between.low, kPrecAnd));
  STRATA_TRY(expect(TokenKind::kAnd));
  STRATA_TRY(parse_into(between.high, kPrecEquality));
  return finish(make_expr(std::move(between), pos_of(op)));
}

Result<ExprPtr> ParserImpl::parse_collate(ExprPtr left, const Token& op) {
  STRATA_ASSIGN(std::string collation, parse_ids("collation name"));
  return finish(make_expr(Collate{std::move(left), std::move(collation)}, pos_of(op)));
}

Result<ExprPtr> ParserImpl::parse_in(ExprPtr left, const Token& op, bool negated) {
  In in;
  in.negated = negated;
  in.operand = std::move(left);
  STRATA_TRY(accept(TokenKind::kLParen) ? parse_in_parenthesized(in) : parse_in_table(in));
  return finish(make_expr(std::move(in), pos_of(op)));
}

Status ParserImpl::parse_in_parenthesized(In& in) {
  if (!enter(kListNesting)) return nesting_error();
  NestingGuard guard{this, kListNesting};
  if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
  if (at_select_start()) {
    in.kind = InKind::kSelect;
    STRATA_ASSIGN(in.select, parse_select());
  } else if (!at(TokenKind::kRParen)) {
    in.kind = InKind::kList;
    STRATA_TRY(parse_list_into(in.list, std::numeric_limits<uint32_t>::max(), "expression"));
  }
  return expect(TokenKind::kRParen, "\",\" or \")\"");
}

Status ParserImpl::parse_in_table(In& in) {
  in.kind = InKind::kTable;
  STRATA_ASSIGN(in.table, parse_qualified_name("\"(\" or table name"));
  if (at(TokenKind::kLParen)) return unsupported(peek(), "table-valued functions");
  return Status::ok();
}

Result<std::vector<ExprPtr>> ParserImpl::parse_expr_list(uint32_t max_count,
                                                         std::string_view what) {
  std::vector<ExprPtr> list;
  STRATA_TRY(parse_list_into(list, max_count, what));
  return list;
}

Result<ExprPtr> ParserImpl::parse_prefix() {
  if (lexed(0).is_error) return lex_error();
  switch (peek().kind) {
    case TokenKind::kMinus:
    case TokenKind::kPlus:
    case TokenKind::kBitNot:
    case TokenKind::kNot:
      return parse_unary();
    case TokenKind::kLParen:
      return parse_parenthesized();
    case TokenKind::kInteger:
    case TokenKind::kReal:
    case TokenKind::kBlob:
    case TokenKind::kNull:
    case TokenKind::kVariable:
    case TokenKind::kCurrentTime:
    case TokenKind::kCurrentDate:
    case TokenKind::kCurrentTimestamp:
      return parse_literal_or_parameter();
    case TokenKind::kString:
      // 'tbl'.col: SQLite lets a string name the table of a column.
      if (at(TokenKind::kDot, 1)) return parse_name_expr();
      return parse_literal_or_parameter();
    case TokenKind::kCase:
      return parse_case();
    case TokenKind::kExists:
      return parse_exists();
    // At the start of an expression CAST and RAISE are always keywords (SQLite's LALR
    // grammar prefers them to its identifier fallback): a column named cast needs quotes.
    case TokenKind::kCast:
    case TokenKind::kRaise:
      return parse_cast_or_raise();
    default:
      // A JOIN keyword may name a column but not a function, as in SQLite 3.40.
      if (at(TokenKind::kLParen, 1)) {
        if (is_name(peek(), /*allow_string=*/false, /*allow_join=*/false))
          return parse_function_call();
      } else if (is_name(peek(), /*allow_string=*/false, /*allow_join=*/true)) {
        return parse_name_expr();
      }
      return syntax_error("expression");
  }
}

Result<ExprPtr> ParserImpl::parse_unary() {
  const Token op = take();
  const int prec = op.kind == TokenKind::kNot ? kPrecNot : kPrecUnary;
  Result<ExprPtr> operand = parse_expr(prec);
  if (!operand.ok()) return operand;
  if (op.kind == TokenKind::kMinus && big_literal_ != nullptr && operand->get() == big_literal_) {
    return fold_negated_literal(op);
  }
  UnaryOp unary = op.kind == TokenKind::kMinus  ? UnaryOp::kMinus
                  : op.kind == TokenKind::kPlus ? UnaryOp::kPlus
                  : op.kind == TokenKind::kNot  ? UnaryOp::kNot
                                                : UnaryOp::kBitNot;
  return finish(make_expr(Unary{unary, std::move(operand).value()}, pos_of(op)));
}

// -9223372036854775808 is the integer minimum, not the negation of a REAL; -0x8000000000000000
// is an error (SQLite's rules).
Result<ExprPtr> ParserImpl::fold_negated_literal(const Token& minus) {
  big_literal_ = nullptr;
  if (big_literal_is_hex_) {
    std::string text(sql_.substr(minus.offset, prev_end_ - minus.offset));
    return fail_at(minus, StatusCode::kSyntax, "hex literal too big: " + text);
  }
  return finish(
      make_expr(Literal{LiteralKind::kInteger, Value::integer(std::numeric_limits<int64_t>::min())},
                pos_of(minus)));
}

Result<ExprPtr> ParserImpl::parse_cast_or_raise() {
  const Token keyword = take();
  if (!at(TokenKind::kLParen)) return syntax_error("\"(\"");
  if (keyword.kind == TokenKind::kRaise) return unsupported(keyword, "RAISE");
  return parse_cast(keyword);
}

Result<ExprPtr> ParserImpl::parse_exists() {
  const Token exists = take();
  STRATA_TRY(expect(TokenKind::kLParen));
  if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
  if (!at_select_start()) return syntax_error("SELECT");
  STRATA_ASSIGN(SelectPtr select, parse_select());
  STRATA_TRY(expect(TokenKind::kRParen));
  return finish(make_expr(Exists{std::move(select)}, pos_of(exists)));
}

Result<ExprPtr> ParserImpl::parse_parenthesized() {
  SourcePos open = pos_of(take());
  if (at(TokenKind::kWith) || at_select_start()) return parse_subquery_expr(open);
  Result<ExprPtr> inner = parse_expr();
  if (inner.ok() && !accept(TokenKind::kRParen)) return close_parenthesized(open);
  return inner;  // parentheses leave no node
}

Status ParserImpl::close_parenthesized(SourcePos open) {
  if (at(TokenKind::kComma)) {
    return fail(StatusCode::kUnsupported, open.offset, open.line, open.column,
                "unsupported: row values");
  }
  return expect(TokenKind::kRParen);
}

Result<ExprPtr> ParserImpl::parse_subquery_expr(SourcePos open) {
  if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
  STRATA_ASSIGN(SelectPtr select, parse_select());
  STRATA_TRY(expect(TokenKind::kRParen));
  return finish(make_expr(Subquery{std::move(select)}, open));
}

Result<ExprPtr> ParserImpl::parse_literal_or_parameter() {
  Token t = take();
  SourcePos pos = pos_of(t);
  Literal lit;
  bool mark_big = false, mark_hex = false;
  switch (t.kind) {
    case TokenKind::kInteger: {
      std::string_view text = t.text;
      if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        std::string_view digits = text.substr(2);
        while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
        uint64_t value = 0;
        if (digits.size() > 16)
          return fail_at(t, StatusCode::kSyntax, "hex literal too big: " + std::string(text));
        std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
        lit.kind = LiteralKind::kInteger;
        lit.value = Value::integer(static_cast<int64_t>(value));
        mark_hex = value == uint64_t{1} << 63;
      } else {
        uint64_t value = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() &&
            value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          lit.kind = LiteralKind::kInteger;
          lit.value = Value::integer(static_cast<int64_t>(value));
        } else {
          lit.kind = LiteralKind::kReal;
          lit.value = Value::real(parse_real(text));
          mark_big = ec == std::errc() && value == uint64_t{1} << 63;
        }
      }
      break;
    }
    case TokenKind::kReal:
      lit.kind = LiteralKind::kReal;
      lit.value = Value::real(parse_real(t.text));
      break;
    case TokenKind::kString:
      lit.kind = LiteralKind::kString;
      lit.value = Value::text(unquote(t));
      break;
    case TokenKind::kBlob: {
      std::string bytes;
      std::string_view hex = t.text.substr(2, t.text.size() - 3);
      bytes.reserve(hex.size() / 2);
      for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        unsigned value = 0;
        std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
        bytes += static_cast<char>(value);
      }
      lit.kind = LiteralKind::kBlob;
      lit.value = Value::blob(std::move(bytes));
      break;
    }
    case TokenKind::kNull:
      lit.kind = LiteralKind::kNull;
      break;
    case TokenKind::kCurrentTime:
      lit.kind = LiteralKind::kCurrentTime;
      break;
    case TokenKind::kCurrentDate:
      lit.kind = LiteralKind::kCurrentDate;
      break;
    case TokenKind::kCurrentTimestamp:
      lit.kind = LiteralKind::kCurrentTimestamp;
      break;
    case TokenKind::kVariable:
      return make_parameter(t);
    default:
      return fail_at(t, StatusCode::kInternal, "parser: not a literal");
  }
  STRATA_ASSIGN(ExprPtr e, finish(make_expr(std::move(lit), pos)));
  big_literal_ = (mark_big || mark_hex) ? e.get() : nullptr;
  big_literal_is_hex_ = mark_hex;
  return e;
}

Result<ExprPtr> ParserImpl::make_parameter(const Token& t) {
  std::string name(t.text);
  int index = 0;
  if (name == "?") {
    index = ++max_parameter_;
    parameters_.resize(max_parameter_);
  } else if (name[0] == '?') {
    uint64_t number = 0;
    auto [ptr, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), number);
    if (ec != std::errc() || number < 1 || number > limits_.max_variable_number) {
      return fail_at(
          t, StatusCode::kSyntax,
          "variable number must be between ?1 and ?" + std::to_string(limits_.max_variable_number));
    }
    index = static_cast<int>(number);
    if (index > max_parameter_) {
      max_parameter_ = index;
      parameters_.resize(max_parameter_);
    }
    if (parameters_[index - 1].empty()) parameters_[index - 1] = name;
  } else {
    auto it = parameter_index_.find(name);
    if (it != parameter_index_.end()) {
      index = it->second;
    } else {
      if (static_cast<uint32_t>(max_parameter_) >= limits_.max_variable_number) {
        return fail_at(t, StatusCode::kSyntax, "too many SQL variables");
      }
      index = ++max_parameter_;
      parameters_.resize(max_parameter_);
      parameters_[index - 1] = name;
      parameter_index_.emplace(name, index);
    }
  }
  return finish(make_expr(Parameter{std::move(name), index}, pos_of(t)));
}

Result<ExprPtr> ParserImpl::parse_name_expr() {
  Token first = take();
  SourcePos pos = pos_of(first);
  std::string name = unquote(first);
  if (at(TokenKind::kDot)) {
    ColumnRef ref;
    take();
    STRATA_ASSIGN(std::string second, parse_name("column name"));
    if (accept(TokenKind::kDot)) {
      STRATA_ASSIGN(std::string third, parse_name("column name"));
      ref.schema = std::move(name);
      ref.table = std::move(second);
      ref.column = std::move(third);
    } else {
      ref.table = std::move(name);
      ref.column = std::move(second);
    }
    return finish(make_expr(std::move(ref), pos));
  }
  // TRUE and FALSE are not keywords in SQLite: only the bare words are booleans.
  if (first.kind == TokenKind::kIdentifier && first.text == name) {
    if (equals_ci(name, "TRUE"))
      return finish(make_expr(Literal{LiteralKind::kTrue, Value::integer(1)}, pos));
    if (equals_ci(name, "FALSE"))
      return finish(make_expr(Literal{LiteralKind::kFalse, Value::integer(0)}, pos));
  }
  return finish(make_expr(ColumnRef{"", "", std::move(name)}, pos));
}

Status ParserImpl::parse_into(ExprPtr& out, int min_prec) {
  Result<ExprPtr> e = parse_expr(min_prec);
  if (!e.ok()) return e.status();
  out = std::move(e).value();
  return Status::ok();
}

Status ParserImpl::parse_list_into(std::vector<ExprPtr>& out, uint32_t max_count,
                                   std::string_view what) {
  do {
    if (out.size() >= max_count) return too_many_terms(what, max_count);
    out.emplace_back();
    STRATA_TRY(parse_into(out.back()));
  } while (accept(TokenKind::kComma));
  return Status::ok();
}

Status ParserImpl::too_many_terms(std::string_view what, uint32_t max_count) {
  return fail_at(
      peek(), StatusCode::kSyntax,
      "too many terms in " + std::string(what) + " (maximum " + std::to_string(max_count) + ")");
}

Result<ExprPtr> ParserImpl::parse_function_call() {
  if (!enter(kListNesting)) return nesting_error();
  NestingGuard guard{this, kListNesting};
  const Token name = take();
  take();  // (
  FunctionCall call;
  call.name = unquote(name);
  if (accept(TokenKind::kStar)) {
    call.star = true;
  } else if (!at(TokenKind::kRParen)) {
    if (accept(TokenKind::kDistinct)) {
      call.distinct = true;
    } else {
      accept(TokenKind::kAll);
    }
    // f(DISTINCT) with no arguments parses in SQLite (and fails when resolved).
    if (!at(TokenKind::kRParen)) {
      STRATA_TRY(parse_list_into(call.args, std::numeric_limits<uint32_t>::max(), "argument list"));
    }
  }
  return finish_function_call(std::move(call), pos_of(name));
}

Result<ExprPtr> ParserImpl::finish_function_call(FunctionCall call, SourcePos pos) {
  if (at(TokenKind::kOrder)) return unsupported(peek(), "ORDER BY in aggregate functions");
  STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
  if (at(TokenKind::kFilter) && at(TokenKind::kLParen, 1))
    return unsupported(peek(), "FILTER clause");
  if (at(TokenKind::kOver) && (at(TokenKind::kLParen, 1) || is_name(peek(1), false, false))) {
    return unsupported(peek(), "window functions");
  }
  return finish(make_expr(std::move(call), pos));
}

Result<ExprPtr> ParserImpl::parse_case() {
  if (!enter(kListNesting)) return nesting_error();
  NestingGuard guard{this, kListNesting};
  SourcePos pos = pos_of(take());
  Case c;
  if (!at(TokenKind::kWhen)) STRATA_TRY(parse_into(c.base));
  if (!at(TokenKind::kWhen)) return syntax_error("WHEN");
  while (accept(TokenKind::kWhen)) STRATA_TRY(parse_case_arm(c));
  if (accept(TokenKind::kElse)) STRATA_TRY(parse_into(c.else_result));
  STRATA_TRY(expect(TokenKind::kEnd, "WHEN, ELSE or END"));
  return finish(make_expr(std::move(c), pos));
}

Status ParserImpl::parse_case_arm(Case& c) {
  c.whens.emplace_back();
  STRATA_TRY(parse_into(c.whens.back().when));
  STRATA_TRY(expect(TokenKind::kThen));
  return parse_into(c.whens.back().then);
}

Result<ExprPtr> ParserImpl::parse_cast(const Token& cast_token) {
  if (!enter(kListNesting)) return nesting_error();
  NestingGuard guard{this, kListNesting};
  take();  // (
  Cast cast;
  STRATA_TRY(parse_into(cast.operand));
  STRATA_TRY(expect(TokenKind::kAs));
  STRATA_ASSIGN(cast.type_name, parse_type_name(/*in_column_def=*/false));
  STRATA_TRY(expect(TokenKind::kRParen, "type name or \")\""));
  return finish(make_expr(std::move(cast), pos_of(cast_token)));
}

// typename: one or more names, then optional (signed) or (signed, signed). Returns the
// source text from the first to the last token; empty when no name is there.
Result<std::string> ParserImpl::parse_type_name(bool in_column_def) {
  auto is_type_word = [&](const Token& t) {
    if (!is_ids(t)) return false;
    // In a column definition these start a constraint, not a type word.
    return !(in_column_def && t.kind == TokenKind::kGenerated);
  };
  if (lexed(0).is_error || !is_type_word(peek())) return std::string();
  uint32_t begin = peek().offset;
  while (!lexed(0).is_error && is_type_word(peek())) take();
  if (accept(TokenKind::kLParen)) {
    auto signed_number = [&]() -> Status {
      if (!accept(TokenKind::kPlus)) accept(TokenKind::kMinus);
      if (at(TokenKind::kInteger) || at(TokenKind::kReal)) {
        take();
        return Status::ok();
      }
      return syntax_error("number");
    };
    STRATA_TRY(signed_number());
    if (accept(TokenKind::kComma)) STRATA_TRY(signed_number());
    STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
  }
  return std::string(sql_.substr(begin, prev_end_ - begin));
}

// --- SELECT -------------------------------------------------------------------------

Result<SelectPtr> ParserImpl::parse_select() {
  if (!enter(kSelectNesting)) return nesting_error();
  NestingGuard guard{this, kSelectNesting};
  if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
  SelectPtr select = make_box<Select>();
  select->pos = pos_of(peek());
  for (;;) {
    select->cores.emplace_back();
    STRATA_TRY(parse_select_core(select->cores.back()));
    STRATA_ASSIGN(bool more, parse_compound_op(*select));
    if (!more) break;
  }
  // As in SQLite's grammar, ORDER BY and LIMIT follow a SELECT core, never VALUES.
  if (select->cores.back().kind == SelectCoreKind::kSelect)
    STRATA_TRY(parse_order_by_and_limit(*select));
  STRATA_TRY(finish_select(*select));
  return select;
}

// Consumes a compound operator and records it; false at the end of the compound.
Result<bool> ParserImpl::parse_compound_op(Select& select) {
  const Token op_token = peek();
  CompoundOp op;
  if (accept(TokenKind::kUnion)) {
    op = accept(TokenKind::kAll) ? CompoundOp::kUnionAll : CompoundOp::kUnion;
  } else if (accept(TokenKind::kIntersect)) {
    op = CompoundOp::kIntersect;
  } else if (accept(TokenKind::kExcept)) {
    op = CompoundOp::kExcept;
  } else {
    return false;
  }
  if (select.cores.size() >= limits_.max_compound_terms) {
    return fail_at(op_token, StatusCode::kSyntax,
                   "too many terms in compound SELECT (maximum " +
                       std::to_string(limits_.max_compound_terms) + ")");
  }
  select.ops.push_back(op);
  return true;
}

Status ParserImpl::parse_order_by_and_limit(Select& select) {
  if (at(TokenKind::kOrder)) {
    take();
    STRATA_TRY(expect(TokenKind::kBy));
    STRATA_ASSIGN(select.order_by, parse_ordering_terms(/*allow_nulls=*/true));
  }
  if (accept(TokenKind::kLimit)) {
    STRATA_TRY(parse_into(select.limit));
    if (accept(TokenKind::kOffset)) {
      STRATA_TRY(parse_into(select.offset));
    } else if (accept(TokenKind::kComma)) {
      // LIMIT offset, count
      select.offset = std::move(select.limit);
      STRATA_TRY(parse_into(select.limit));
    }
  }
  return Status::ok();
}

Status ParserImpl::finish_select(Select& select) {
  uint32_t h = std::max(height_of(select.limit), height_of(select.offset));
  for (const OrderingTerm& term : select.order_by) h = std::max(h, height_of(term.expr));
  for (const SelectCore& core : select.cores) {
    for (const ResultColumn& column : core.columns) h = std::max(h, height_of(column.expr));
    h = std::max({h, height_of(core.from), height_of(core.where), height_of(core.having)});
    for (const ExprPtr& e : core.group_by) h = std::max(h, height_of(e));
    for (const auto& row : core.values) {
      for (const ExprPtr& e : row) h = std::max(h, height_of(e));
    }
  }
  return set_height(select, h + 1);
}

Status ParserImpl::parse_select_core(SelectCore& core) {
  core.pos = pos_of(peek());
  if (accept(TokenKind::kValues)) return parse_values_rows(core);
  STRATA_TRY(expect(TokenKind::kSelect, "SELECT or VALUES"));
  if (accept(TokenKind::kDistinct)) {
    core.distinct = true;
  } else {
    accept(TokenKind::kAll);
  }
  do {
    if (core.columns.size() >= limits_.max_columns) return too_many_columns("in result set");
    core.columns.emplace_back();
    STRATA_TRY(parse_result_column(core.columns.back()));
  } while (accept(TokenKind::kComma));
  if (accept(TokenKind::kFrom)) STRATA_TRY(parse_join_source(core.from));
  if (accept(TokenKind::kWhere)) STRATA_TRY(parse_into(core.where));
  if (at(TokenKind::kGroup)) {
    take();
    STRATA_TRY(expect(TokenKind::kBy));
    STRATA_TRY(parse_list_into(core.group_by, limits_.max_columns, "GROUP BY"));
  }
  if (accept(TokenKind::kHaving)) STRATA_TRY(parse_into(core.having));
  if (at(TokenKind::kWindow) && is_name(peek(1), false, false) && at(TokenKind::kAs, 2)) {
    return unsupported(peek(), "window functions");
  }
  return Status::ok();
}

Status ParserImpl::parse_values_rows(SelectCore& core) {
  core.kind = SelectCoreKind::kValues;
  do {
    const Token row_start = peek();
    STRATA_TRY(expect(TokenKind::kLParen));
    core.values.emplace_back();
    STRATA_TRY(parse_list_into(core.values.back(), limits_.max_columns, "VALUES row"));
    STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
    if (core.values.back().size() != core.values.front().size()) {
      return fail_at(row_start, StatusCode::kSyntax,
                     "all VALUES must have the same number of terms");
    }
  } while (accept(TokenKind::kComma));
  return Status::ok();
}

Status ParserImpl::too_many_columns(std::string_view where) {
  return fail_at(peek(), StatusCode::kSyntax,
                 "too many columns " + std::string(where) + " (maximum " +
                     std::to_string(limits_.max_columns) + ")");
}

Status ParserImpl::parse_result_column(ResultColumn& column) {
  column.pos = pos_of(peek());
  if (accept(TokenKind::kStar)) {
    column.kind = ResultColumnKind::kStar;
    return Status::ok();
  }
  // table.* (CAST and RAISE here start expressions, as in SQLite).
  if (is_name(peek(), /*allow_string=*/true, /*allow_join=*/true) && !at(TokenKind::kCast) &&
      !at(TokenKind::kRaise) && at(TokenKind::kDot, 1) && at(TokenKind::kStar, 2)) {
    column.kind = ResultColumnKind::kTableStar;
    column.table = unquote(take());
    take();  // .
    take();  // *
    return Status::ok();
  }
  column.kind = ResultColumnKind::kExpr;
  STRATA_TRY(parse_into(column.expr));
  STRATA_ASSIGN(column.alias, parse_optional_alias());
  return Status::ok();
}

// join-op: up to three JOIN keywords, then JOIN. As in SQLite, the words combine as
// flags in any order (NATURAL LEFT OUTER, LEFT NATURAL, CROSS CROSS ...); combinations
// naming no join are errors.
Status ParserImpl::parse_join_operator(Join& join) {
  enum : unsigned {
    kNaturalBit = 1,
    kLeftBit = 2,
    kRightBit = 4,
    kOuterBit = 8,
    kInnerBit = 16,
    kCrossBit = 32
  };
  Token first = peek();
  unsigned flags = 0;
  std::string words;
  for (int i = 0; i < 3 && is_join_keyword(peek().kind); ++i) {
    Token word = take();
    if (!words.empty()) words += ' ';
    words += word.text;
    switch (word.kind) {
      case TokenKind::kNatural:
        flags |= kNaturalBit;
        break;
      case TokenKind::kLeft:
        flags |= kLeftBit | kOuterBit;
        break;
      case TokenKind::kRight:
        flags |= kRightBit | kOuterBit;
        break;
      case TokenKind::kFull:
        flags |= kLeftBit | kRightBit | kOuterBit;
        break;
      case TokenKind::kOuter:
        flags |= kOuterBit;
        break;
      case TokenKind::kInner:
        flags |= kInnerBit;
        break;
      default:
        flags |= kInnerBit | kCrossBit;
        break;  // CROSS
    }
  }
  STRATA_TRY(expect(TokenKind::kJoin));
  if ((flags & (kInnerBit | kOuterBit)) == (kInnerBit | kOuterBit) ||
      ((flags & kOuterBit) != 0 && (flags & (kLeftBit | kRightBit)) == 0)) {
    return fail_at(first, StatusCode::kSyntax, "unknown join type: " + words);
  }
  join.natural = (flags & kNaturalBit) != 0;
  if ((flags & kLeftBit) && (flags & kRightBit)) {
    join.kind = JoinKind::kFull;
  } else if (flags & kLeftBit) {
    join.kind = JoinKind::kLeft;
  } else if (flags & kRightBit) {
    join.kind = JoinKind::kRight;
  } else if (flags & kCrossBit) {
    join.kind = JoinKind::kCross;
  } else {
    join.kind = JoinKind::kInner;
  }
  return Status::ok();
}

Status ParserImpl::parse_join_source(TableRefPtr& out) {
  STRATA_TRY(parse_table_primary(out));
  uint32_t tables = 1;
  while (at(TokenKind::kComma) || at(TokenKind::kJoin) || is_join_keyword(peek().kind)) {
    if (++tables > limits_.max_join_tables) {
      return fail_at(peek(), StatusCode::kSyntax,
                     "at most " + std::to_string(limits_.max_join_tables) + " tables in a join");
    }
    STRATA_TRY(parse_join_step(out));
  }
  return Status::ok();
}

// One "join-op table [constraint]" step: out becomes Join{out, table}.
Status ParserImpl::parse_join_step(TableRefPtr& out) {
  TableRefPtr ref = make_box<TableRef>();
  ref->pos = pos_of(peek());
  Join& join = ref->node.emplace<Join>();
  if (accept(TokenKind::kComma)) {
    join.kind = JoinKind::kComma;
  } else {
    STRATA_TRY(parse_join_operator(join));
  }
  join.left = std::move(out);
  STRATA_TRY(parse_table_primary(join.right));
  if (accept(TokenKind::kOn)) {
    STRATA_TRY(parse_into(join.on));
  } else if (accept(TokenKind::kUsing)) {
    STRATA_ASSIGN(join.using_columns, parse_name_list("column name"));
  }
  uint32_t h = 1 + std::max({height_of(join.left), height_of(join.right), height_of(join.on)});
  ref->height = h;
  out = std::move(ref);
  return Status::ok();
}

Status ParserImpl::parse_table_primary(TableRefPtr& out) {
  if (!enter(kSelectNesting)) return nesting_error();
  NestingGuard guard{this, kSelectNesting};
  if (at(TokenKind::kLParen)) {
    if (at(TokenKind::kWith, 1)) return unsupported(peek(1), "WITH clause");
    if (at(TokenKind::kSelect, 1) || at(TokenKind::kValues, 1)) return parse_subquery_table(out);
    return parse_parenthesized_join(out);
  }
  out = make_box<TableRef>();
  out->pos = pos_of(peek());
  STRATA_ASSIGN(out->node, parse_qualified_table(/*bare_alias=*/true));
  out->height = 1;
  return Status::ok();
}

Status ParserImpl::parse_subquery_table(TableRefPtr& out) {
  out = make_box<TableRef>();
  out->pos = pos_of(take());  // (
  SubqueryTable& sub = out->node.emplace<SubqueryTable>();
  STRATA_ASSIGN(sub.select, parse_select());
  STRATA_TRY(expect(TokenKind::kRParen));
  STRATA_ASSIGN(sub.alias, parse_optional_alias());
  out->height = 1 + height_of(sub.select);
  return Status::ok();
}

Status ParserImpl::parse_parenthesized_join(TableRefPtr& out) {
  take();  // (
  STRATA_TRY(parse_join_source(out));
  STRATA_TRY(expect(TokenKind::kRParen));
  const Token alias_token = peek();
  STRATA_ASSIGN(std::string alias, parse_optional_alias());
  if (alias.empty()) return Status::ok();
  // (t) AS x names t; an alias for a parenthesized join has no table to name.
  auto* table = std::get_if<TableName>(&out->node);
  auto* subquery = std::get_if<SubqueryTable>(&out->node);
  if (table != nullptr && table->alias.empty()) {
    table->alias = std::move(alias);
  } else if (subquery != nullptr && subquery->alias.empty()) {
    subquery->alias = std::move(alias);
  } else {
    return unsupported(alias_token, "alias on a parenthesized join");
  }
  return Status::ok();
}

// [schema.]name [AS alias] [INDEXED BY index | NOT INDEXED]; in FROM (bare_alias) the
// AS is optional, in UPDATE and DELETE it is required, as in SQLite.
Result<TableName> ParserImpl::parse_qualified_table(bool bare_alias) {
  TableName table;
  STRATA_ASSIGN(table.name, parse_qualified_name("table name"));
  if (at(TokenKind::kLParen)) return unsupported(peek(), "table-valued functions");
  if (bare_alias) {
    STRATA_ASSIGN(table.alias, parse_optional_alias());
  } else if (accept(TokenKind::kAs)) {
    STRATA_ASSIGN(table.alias, parse_name("alias"));
  }
  if (at(TokenKind::kIndexed) && at(TokenKind::kBy, 1)) {
    take();
    take();
    table.hint = IndexHint::kIndexedBy;
    STRATA_ASSIGN(table.index, parse_name("index name"));
  } else if (at(TokenKind::kNot) && at(TokenKind::kIndexed, 1)) {
    take();
    take();
    table.hint = IndexHint::kNotIndexed;
  }
  return table;
}

Result<std::vector<OrderingTerm>> ParserImpl::parse_ordering_terms(bool allow_nulls) {
  std::vector<OrderingTerm> terms;
  do {
    if (terms.size() >= limits_.max_columns) {
      return fail_at(
          peek(), StatusCode::kSyntax,
          "too many terms in ORDER BY (maximum " + std::to_string(limits_.max_columns) + ")");
    }
    OrderingTerm term;
    term.pos = pos_of(peek());
    STRATA_ASSIGN(term.expr, parse_expr());
    if (accept(TokenKind::kAsc)) {
      term.order = SortOrder::kAsc;
    } else if (accept(TokenKind::kDesc)) {
      term.order = SortOrder::kDesc;
    }
    if (allow_nulls && at(TokenKind::kNulls)) {
      take();
      if (accept(TokenKind::kFirst)) {
        term.nulls = NullsOrder::kFirst;
      } else if (accept(TokenKind::kLast)) {
        term.nulls = NullsOrder::kLast;
      } else {
        return syntax_error("FIRST or LAST");
      }
    }
    terms.push_back(std::move(term));
  } while (accept(TokenKind::kComma));
  return terms;
}

// --- statements ---------------------------------------------------------------------

Result<StmtPtr> ParserImpl::parse_statement(bool allow_explain) {
  if (lexed(0).is_error) return lex_error();
  const Token t = peek();
  auto stmt = std::make_unique<Stmt>();
  stmt->pos = pos_of(t);
  switch (t.kind) {
    case TokenKind::kExplain: {
      if (!allow_explain) return syntax_error("statement");
      take();
      Explain explain;
      if (at(TokenKind::kQuery) && at(TokenKind::kPlan, 1)) {
        take();
        take();
        explain.mode = ExplainMode::kQueryPlan;
      } else if (at(TokenKind::kAnalyze)) {
        TokenKind next = peek(1).kind;
        bool dml = next == TokenKind::kSelect || next == TokenKind::kValues ||
                   next == TokenKind::kWith || next == TokenKind::kInsert ||
                   next == TokenKind::kUpdate || next == TokenKind::kDelete ||
                   (next == TokenKind::kReplace && at(TokenKind::kInto, 2));
        if (dml) {
          take();
          explain.mode = ExplainMode::kAnalyze;
        }
      }
      STRATA_ASSIGN(explain.stmt, parse_statement(/*allow_explain=*/false));
      stmt->node = std::move(explain);
      return StmtPtr(std::move(stmt));
    }
    case TokenKind::kSelect:
    case TokenKind::kValues: {
      STRATA_ASSIGN(SelectPtr select, parse_select());
      stmt->node = std::move(*select);
      return StmtPtr(std::move(stmt));
    }
    case TokenKind::kWith:
      return unsupported(t, "WITH clause");
    case TokenKind::kInsert:
    case TokenKind::kReplace:
      STRATA_TRY(parse_insert(*stmt));
      break;
    case TokenKind::kUpdate:
      STRATA_TRY(parse_update(*stmt));
      break;
    case TokenKind::kDelete:
      STRATA_TRY(parse_delete(*stmt));
      break;
    case TokenKind::kCreate:
      STRATA_TRY(parse_create(*stmt));
      break;
    case TokenKind::kDrop:
      STRATA_TRY(parse_drop(*stmt));
      break;
    case TokenKind::kBegin:
    case TokenKind::kCommit:
    case TokenKind::kEnd:
    case TokenKind::kRollback:
      STRATA_TRY(parse_transaction(*stmt));
      break;
    case TokenKind::kAnalyze: {
      take();
      Analyze analyze;
      if (!lexed(0).is_error && is_name(peek(), /*allow_string=*/true, /*allow_join=*/true)) {
        STRATA_ASSIGN(analyze.target, parse_qualified_name("table or index name"));
      }
      stmt->node = std::move(analyze);
      break;
    }
    case TokenKind::kPragma:
      STRATA_TRY(parse_pragma(*stmt));
      break;
    case TokenKind::kAlter:
      return unsupported(t, "ALTER TABLE");
    case TokenKind::kAttach:
      return unsupported(t, "ATTACH");
    case TokenKind::kDetach:
      return unsupported(t, "DETACH");
    case TokenKind::kVacuum:
      return unsupported(t, "VACUUM");
    case TokenKind::kReindex:
      return unsupported(t, "REINDEX");
    case TokenKind::kSavepoint:
      return unsupported(t, "SAVEPOINT");
    case TokenKind::kRelease:
      return unsupported(t, "RELEASE");
    default:
      return syntax_error("statement");
  }
  return StmtPtr(std::move(stmt));
}

// After CREATE ... / DROP ..., IF is always the keyword (as in SQLite's LALR grammar): a
// table named "if" must be quoted there.
Result<bool> ParserImpl::parse_if_not_exists() {
  if (!accept(TokenKind::kIf)) return false;
  STRATA_TRY(expect(TokenKind::kNot));
  STRATA_TRY(expect(TokenKind::kExists));
  return true;
}

Result<bool> ParserImpl::parse_if_exists() {
  if (!accept(TokenKind::kIf)) return false;
  STRATA_TRY(expect(TokenKind::kExists));
  return true;
}

Status ParserImpl::parse_create(Stmt& stmt) {
  Token create = take();
  bool temporary = accept(TokenKind::kTemp) || accept(TokenKind::kTemporary);
  if (at(TokenKind::kTable)) return parse_create_table(stmt, temporary);
  if (at(TokenKind::kView)) return parse_create_view(stmt, temporary);
  if (at(TokenKind::kTrigger)) return unsupported(create, "CREATE TRIGGER");
  if (!temporary && at(TokenKind::kVirtual)) return unsupported(create, "CREATE VIRTUAL TABLE");
  if (!temporary && (at(TokenKind::kUnique) || at(TokenKind::kIndex)))
    return parse_create_index(stmt);
  return syntax_error(temporary ? "TABLE, VIEW or TRIGGER" : "TABLE, INDEX, VIEW or TRIGGER");
}

Status ParserImpl::parse_create_table(Stmt& stmt, bool temporary) {
  take();  // TABLE
  CreateTable create;
  create.temporary = temporary;
  STRATA_ASSIGN(create.if_not_exists, parse_if_not_exists());
  STRATA_ASSIGN(create.name, parse_qualified_name("table name"));
  if (accept(TokenKind::kAs)) {
    if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
    STRATA_ASSIGN(create.as_select, parse_select());
    stmt.node = std::move(create);
    return Status::ok();
  }
  STRATA_TRY(expect(TokenKind::kLParen, "\"(\" or AS"));
  auto at_table_constraint = [&] {
    return at(TokenKind::kConstraint) || at(TokenKind::kPrimary) || at(TokenKind::kUnique) ||
           at(TokenKind::kCheck) || at(TokenKind::kForeign);
  };
  // Column definitions first, then table constraints: a comma before the first
  // constraint, optional commas between constraints (SQLite's grammar).
  bool constraints_follow = false;
  for (;;) {
    if (create.columns.size() >= limits_.max_columns) {
      return fail_at(peek(), StatusCode::kSyntax,
                     "too many columns on " + create.name.name + " (maximum " +
                         std::to_string(limits_.max_columns) + ")");
    }
    STRATA_ASSIGN(ColumnDef column, parse_column_def());
    create.columns.push_back(std::move(column));
    if (!accept(TokenKind::kComma)) break;
    if (at_table_constraint()) {
      constraints_follow = true;
      break;
    }
  }
  if (constraints_follow) {
    // "CONSTRAINT name" names the next constraint unless a comma comes first.
    std::string pending_name;
    for (;;) {
      if (accept(TokenKind::kConstraint)) {
        STRATA_ASSIGN(pending_name, parse_name("constraint name"));
      } else {
        STRATA_ASSIGN(TableConstraint constraint, parse_table_constraint());
        constraint.name = std::move(pending_name);
        pending_name.clear();
        create.constraints.push_back(std::move(constraint));
      }
      if (accept(TokenKind::kComma)) pending_name.clear();
      if (!at_table_constraint()) break;
    }
  }
  STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
  // Table options: WITHOUT ROWID, STRICT.
  if (at(TokenKind::kWithout) || (at(TokenKind::kIdentifier) && equals_ci(peek().text, "STRICT"))) {
    do {
      if (accept(TokenKind::kWithout)) {
        if (!(at(TokenKind::kIdentifier) && equals_ci(peek().text, "ROWID")))
          return syntax_error("ROWID");
        take();
        create.without_rowid = true;
      } else if (at(TokenKind::kIdentifier) && equals_ci(peek().text, "STRICT")) {
        take();
        create.strict = true;
      } else {
        return syntax_error("WITHOUT ROWID or STRICT");
      }
    } while (accept(TokenKind::kComma));
  }
  stmt.node = std::move(create);
  return Status::ok();
}

Result<ConflictAction> ParserImpl::parse_on_conflict() {
  if (!(at(TokenKind::kOn) && at(TokenKind::kConflict, 1))) return ConflictAction::kDefault;
  take();
  take();
  if (accept(TokenKind::kRollback)) return ConflictAction::kRollback;
  if (accept(TokenKind::kAbort)) return ConflictAction::kAbort;
  if (accept(TokenKind::kFail)) return ConflictAction::kFail;
  if (accept(TokenKind::kIgnore)) return ConflictAction::kIgnore;
  if (accept(TokenKind::kReplace)) return ConflictAction::kReplace;
  return syntax_error("ROLLBACK, ABORT, FAIL, IGNORE or REPLACE");
}

Result<ColumnDef> ParserImpl::parse_column_def() {
  ColumnDef column;
  column.pos = pos_of(peek());
  STRATA_ASSIGN(column.name, parse_name("column name"));
  STRATA_ASSIGN(column.type_name, parse_type_name(/*in_column_def=*/true));
  // As in SQLite, "CONSTRAINT name" is an item of its own that names the constraint
  // after it; a name with no constraint after it is accepted and dropped.
  std::string pending_name;
  for (;;) {
    if (accept(TokenKind::kConstraint)) {
      STRATA_ASSIGN(pending_name, parse_name("constraint name"));
      continue;
    }
    ColumnConstraint c;
    c.pos = pos_of(peek());
    c.name = pending_name;
    Token t = peek();
    if (accept(TokenKind::kPrimary)) {
      STRATA_TRY(expect(TokenKind::kKey));
      c.kind = ColumnConstraintKind::kPrimaryKey;
      if (accept(TokenKind::kAsc)) {
        c.order = SortOrder::kAsc;
      } else if (accept(TokenKind::kDesc)) {
        c.order = SortOrder::kDesc;
      }
      STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
      c.autoincrement = accept(TokenKind::kAutoincrement);
    } else if (at(TokenKind::kNot) && at(TokenKind::kNull, 1)) {
      take();
      take();
      c.kind = ColumnConstraintKind::kNotNull;
      STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
    } else if (accept(TokenKind::kNull)) {
      c.kind = ColumnConstraintKind::kNull;
      STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
    } else if (accept(TokenKind::kUnique)) {
      c.kind = ColumnConstraintKind::kUnique;
      STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
    } else if (accept(TokenKind::kCheck)) {
      c.kind = ColumnConstraintKind::kCheck;
      STRATA_TRY(expect(TokenKind::kLParen));
      STRATA_ASSIGN(c.expr, parse_expr());
      STRATA_TRY(expect(TokenKind::kRParen));
    } else if (accept(TokenKind::kDefault)) {
      c.kind = ColumnConstraintKind::kDefault;
      STRATA_ASSIGN(c.expr, parse_default_value());
    } else if (accept(TokenKind::kCollate)) {
      c.kind = ColumnConstraintKind::kCollate;
      STRATA_ASSIGN(c.collation, parse_ids("collation name"));
    } else if (accept(TokenKind::kReferences)) {
      c.kind = ColumnConstraintKind::kReferences;
      STRATA_ASSIGN(c.references, parse_references());
    } else if (at(TokenKind::kGenerated) || at(TokenKind::kAs)) {
      return unsupported(t, "generated columns");
    } else {
      break;
    }
    pending_name.clear();
    column.constraints.push_back(std::move(c));
  }
  return column;
}

Result<ExprPtr> ParserImpl::parse_default_value() {
  if (lexed(0).is_error) return lex_error();
  Token t = peek();
  if (accept(TokenKind::kLParen)) {
    STRATA_ASSIGN(ExprPtr e, parse_expr());
    STRATA_TRY(expect(TokenKind::kRParen));
    return e;
  }
  auto is_term = [&](TokenKind k) {
    return k == TokenKind::kInteger || k == TokenKind::kReal || k == TokenKind::kString ||
           k == TokenKind::kBlob || k == TokenKind::kNull || k == TokenKind::kCurrentTime ||
           k == TokenKind::kCurrentDate || k == TokenKind::kCurrentTimestamp;
  };
  if (t.kind == TokenKind::kPlus || t.kind == TokenKind::kMinus) {
    if (!is_term(peek(1).kind) || lexed(1).is_error) {
      take();
      return syntax_error("literal value");
    }
    // Parsed as a prefix expression so that -9223372036854775808 folds.
    return parse_expr(kPrecCollate);
  }
  if (is_term(t.kind)) return parse_literal_or_parameter();
  if (is_name(t, /*allow_string=*/false, /*allow_join=*/true)) {
    take();
    std::string word = unquote(t);
    // DEFAULT word: SQLite reads the word as a string (TRUE and FALSE as booleans).
    if (t.kind == TokenKind::kIdentifier && t.text == word && equals_ci(word, "TRUE")) {
      return finish(make_expr(Literal{LiteralKind::kTrue, Value::integer(1)}, pos_of(t)));
    }
    if (t.kind == TokenKind::kIdentifier && t.text == word && equals_ci(word, "FALSE")) {
      return finish(make_expr(Literal{LiteralKind::kFalse, Value::integer(0)}, pos_of(t)));
    }
    return finish(
        make_expr(Literal{LiteralKind::kString, Value::text(std::move(word))}, pos_of(t)));
  }
  return syntax_error("default value");
}

Result<ForeignKeyRef> ParserImpl::parse_references() {
  ForeignKeyRef ref;
  STRATA_ASSIGN(ref.table, parse_name("table name"));
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN(ref.columns, parse_name_list("column name"));
  }
  // Actions and deferral: accepted and dropped.
  for (;;) {
    if (at(TokenKind::kOn) && (at(TokenKind::kDelete, 1) || at(TokenKind::kUpdate, 1))) {
      take();
      take();
      if (accept(TokenKind::kSet)) {
        if (!accept(TokenKind::kNull) && !accept(TokenKind::kDefault))
          return syntax_error("NULL or DEFAULT");
      } else if (accept(TokenKind::kCascade) || accept(TokenKind::kRestrict)) {
      } else if (accept(TokenKind::kNo)) {
        STRATA_TRY(expect(TokenKind::kAction));
      } else {
        return syntax_error("SET NULL, SET DEFAULT, CASCADE, RESTRICT or NO ACTION");
      }
    } else if (accept(TokenKind::kMatch)) {
      STRATA_ASSIGN(std::string ignored, parse_name("name"));
    } else if (at(TokenKind::kDeferrable) ||
               (at(TokenKind::kNot) && at(TokenKind::kDeferrable, 1))) {
      accept(TokenKind::kNot);
      take();
      if (accept(TokenKind::kInitially)) {
        if (!accept(TokenKind::kDeferred) && !accept(TokenKind::kImmediate)) {
          return syntax_error("DEFERRED or IMMEDIATE");
        }
      }
    } else {
      break;
    }
  }
  return ref;
}

Result<TableConstraint> ParserImpl::parse_table_constraint() {
  TableConstraint c;
  c.pos = pos_of(peek());
  bool primary = at(TokenKind::kPrimary);
  if (primary || at(TokenKind::kUnique)) {
    take();
    if (primary) STRATA_TRY(expect(TokenKind::kKey));
    c.kind = primary ? TableConstraintKind::kPrimaryKey : TableConstraintKind::kUnique;
    STRATA_TRY(expect(TokenKind::kLParen));
    STRATA_ASSIGN(c.columns, parse_ordering_terms(/*allow_nulls=*/false));
    if (primary) c.autoincrement = accept(TokenKind::kAutoincrement);
    STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
    STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
    return c;
  }
  if (accept(TokenKind::kCheck)) {
    c.kind = TableConstraintKind::kCheck;
    STRATA_TRY(expect(TokenKind::kLParen));
    STRATA_ASSIGN(c.check, parse_expr());
    STRATA_TRY(expect(TokenKind::kRParen));
    STRATA_ASSIGN(c.on_conflict, parse_on_conflict());
    return c;
  }
  if (accept(TokenKind::kForeign)) {
    c.kind = TableConstraintKind::kForeignKey;
    STRATA_TRY(expect(TokenKind::kKey));
    STRATA_ASSIGN(c.fk_columns, parse_name_list("column name"));
    STRATA_TRY(expect(TokenKind::kReferences));
    STRATA_ASSIGN(c.references, parse_references());
    return c;
  }
  return syntax_error("PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY");
}

Status ParserImpl::parse_create_index(Stmt& stmt) {
  CreateIndex create;
  create.unique = accept(TokenKind::kUnique);
  STRATA_TRY(expect(TokenKind::kIndex));
  STRATA_ASSIGN(create.if_not_exists, parse_if_not_exists());
  STRATA_ASSIGN(create.name, parse_qualified_name("index name"));
  STRATA_TRY(expect(TokenKind::kOn));
  STRATA_ASSIGN(create.table, parse_name("table name"));
  STRATA_TRY(expect(TokenKind::kLParen));
  STRATA_ASSIGN(create.columns, parse_ordering_terms(/*allow_nulls=*/true));
  STRATA_TRY(expect(TokenKind::kRParen, "\",\" or \")\""));
  if (accept(TokenKind::kWhere)) {
    STRATA_ASSIGN(create.where, parse_expr());
  }
  stmt.node = std::move(create);
  return Status::ok();
}

Status ParserImpl::parse_create_view(Stmt& stmt, bool temporary) {
  take();  // VIEW
  CreateView create;
  create.temporary = temporary;
  STRATA_ASSIGN(create.if_not_exists, parse_if_not_exists());
  STRATA_ASSIGN(create.name, parse_qualified_name("view name"));
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN(create.columns, parse_name_list("column name"));
  }
  STRATA_TRY(expect(TokenKind::kAs));
  if (at(TokenKind::kWith)) return unsupported(peek(), "WITH clause");
  if (!at_select_start()) return syntax_error("SELECT");
  STRATA_ASSIGN(create.select, parse_select());
  stmt.node = std::move(create);
  return Status::ok();
}

Status ParserImpl::parse_drop(Stmt& stmt) {
  Token drop = take();
  if (accept(TokenKind::kTable)) {
    DropTable d;
    STRATA_ASSIGN(d.if_exists, parse_if_exists());
    STRATA_ASSIGN(d.name, parse_qualified_name("table name"));
    stmt.node = std::move(d);
  } else if (accept(TokenKind::kIndex)) {
    DropIndex d;
    STRATA_ASSIGN(d.if_exists, parse_if_exists());
    STRATA_ASSIGN(d.name, parse_qualified_name("index name"));
    stmt.node = std::move(d);
  } else if (accept(TokenKind::kView)) {
    DropView d;
    STRATA_ASSIGN(d.if_exists, parse_if_exists());
    STRATA_ASSIGN(d.name, parse_qualified_name("view name"));
    stmt.node = std::move(d);
  } else if (at(TokenKind::kTrigger)) {
    return unsupported(drop, "DROP TRIGGER");
  } else {
    return syntax_error("TABLE, INDEX, VIEW or TRIGGER");
  }
  return Status::ok();
}

Result<ConflictAction> ParserImpl::parse_or_action() {
  if (!accept(TokenKind::kOr)) return ConflictAction::kDefault;
  if (accept(TokenKind::kRollback)) return ConflictAction::kRollback;
  if (accept(TokenKind::kAbort)) return ConflictAction::kAbort;
  if (accept(TokenKind::kFail)) return ConflictAction::kFail;
  if (accept(TokenKind::kIgnore)) return ConflictAction::kIgnore;
  if (accept(TokenKind::kReplace)) return ConflictAction::kReplace;
  return syntax_error("ROLLBACK, ABORT, FAIL, IGNORE or REPLACE");
}

Status ParserImpl::parse_insert(Stmt& stmt) {
  Insert insert;
  if (accept(TokenKind::kReplace)) {
    insert.or_action = ConflictAction::kReplace;
  } else {
    take();  // INSERT
    STRATA_ASSIGN(insert.or_action, parse_or_action());
  }
  STRATA_TRY(expect(TokenKind::kInto));
  STRATA_ASSIGN(insert.table, parse_qualified_name("table name"));
  if (accept(TokenKind::kAs)) {
    STRATA_ASSIGN(insert.alias, parse_name("alias"));
  }
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN(insert.columns, parse_name_list("column name"));
  }
  if (at(TokenKind::kDefault)) {
    take();
    STRATA_TRY(expect(TokenKind::kValues));
  } else if (at(TokenKind::kWith)) {
    return unsupported(peek(), "WITH clause");
  } else if (at_select_start()) {
    STRATA_ASSIGN(insert.select, parse_select());
  } else {
    return syntax_error("VALUES, SELECT or DEFAULT VALUES");
  }
  if (at(TokenKind::kOn) && at(TokenKind::kConflict, 1))
    return unsupported(peek(), "upsert (ON CONFLICT)");
  if (at(TokenKind::kReturning)) return unsupported(peek(), "RETURNING clause");
  stmt.node = std::move(insert);
  return Status::ok();
}

Status ParserImpl::parse_update(Stmt& stmt) {
  take();  // UPDATE
  Update update;
  STRATA_ASSIGN(update.or_action, parse_or_action());
  STRATA_ASSIGN(update.table, parse_qualified_table(/*bare_alias=*/false));
  STRATA_TRY(expect(TokenKind::kSet));
  do {
    Assignment assignment;
    assignment.pos = pos_of(peek());
    if (at(TokenKind::kLParen)) return unsupported(peek(), "row value assignment");
    STRATA_ASSIGN(assignment.column, parse_name("column name"));
    STRATA_TRY(expect(TokenKind::kEq));
    STRATA_ASSIGN(assignment.value, parse_expr());
    update.assignments.push_back(std::move(assignment));
  } while (accept(TokenKind::kComma));
  if (at(TokenKind::kFrom)) return unsupported(peek(), "UPDATE FROM");
  if (accept(TokenKind::kWhere)) {
    STRATA_ASSIGN(update.where, parse_expr());
  }
  if (at(TokenKind::kReturning)) return unsupported(peek(), "RETURNING clause");
  // SQLite built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT (Debian's is) accepts these.
  if (at(TokenKind::kOrder) || at(TokenKind::kLimit))
    return unsupported(peek(), "ORDER BY and LIMIT on UPDATE");
  stmt.node = std::move(update);
  return Status::ok();
}

Status ParserImpl::parse_delete(Stmt& stmt) {
  take();  // DELETE
  STRATA_TRY(expect(TokenKind::kFrom));
  Delete del;
  STRATA_ASSIGN(del.table, parse_qualified_table(/*bare_alias=*/false));
  if (accept(TokenKind::kWhere)) {
    STRATA_ASSIGN(del.where, parse_expr());
  }
  if (at(TokenKind::kReturning)) return unsupported(peek(), "RETURNING clause");
  if (at(TokenKind::kOrder) || at(TokenKind::kLimit))
    return unsupported(peek(), "ORDER BY and LIMIT on DELETE");
  stmt.node = std::move(del);
  return Status::ok();
}

Status ParserImpl::parse_transaction(Stmt& stmt) {
  Token first = take();
  auto optional_transaction = [&] {
    if (accept(TokenKind::kTransaction)) {
      // An optional transaction name, which SQLite ignores.
      if (!lexed(0).is_error && is_name(peek(), /*allow_string=*/true, /*allow_join=*/true)) take();
    }
  };
  switch (first.kind) {
    case TokenKind::kBegin: {
      Begin begin;
      if (accept(TokenKind::kDeferred)) {
        begin.kind = TransactionKind::kDeferred;
      } else if (accept(TokenKind::kImmediate)) {
        begin.kind = TransactionKind::kImmediate;
      } else if (accept(TokenKind::kExclusive)) {
        begin.kind = TransactionKind::kExclusive;
      }
      optional_transaction();
      stmt.node = begin;
      return Status::ok();
    }
    case TokenKind::kCommit:
    case TokenKind::kEnd:
      optional_transaction();
      stmt.node = Commit{};
      return Status::ok();
    default:  // ROLLBACK
      optional_transaction();
      if (at(TokenKind::kTo)) return unsupported(first, "ROLLBACK TO SAVEPOINT");
      stmt.node = Rollback{};
      return Status::ok();
  }
}

Status ParserImpl::parse_pragma(Stmt& stmt) {
  take();  // PRAGMA
  Pragma pragma;
  STRATA_ASSIGN(pragma.name, parse_qualified_name("pragma name"));
  bool has_value = false;
  if (accept(TokenKind::kEq)) {
    has_value = true;
  } else if (accept(TokenKind::kLParen)) {
    has_value = true;
    pragma.call_syntax = true;
  }
  if (has_value) {
    if (lexed(0).is_error) return lex_error();
    Token t = peek();
    if (t.kind == TokenKind::kPlus || t.kind == TokenKind::kMinus ||
        t.kind == TokenKind::kInteger || t.kind == TokenKind::kReal) {
      uint32_t begin = t.offset;
      if (t.kind == TokenKind::kPlus || t.kind == TokenKind::kMinus) take();
      if (!at(TokenKind::kInteger) && !at(TokenKind::kReal)) return syntax_error("number");
      Token number = take();
      std::string text;
      if (number.offset != begin) text += sql_[begin];  // the sign, without spaces after it
      text += number.text;
      pragma.value_kind = PragmaValueKind::kNumber;
      pragma.value = std::move(text);
    } else if (t.kind == TokenKind::kString) {
      pragma.value_kind = PragmaValueKind::kString;
      pragma.value = unquote(take());
    } else if (is_name(t, /*allow_string=*/false, /*allow_join=*/true) ||
               t.kind == TokenKind::kOn || t.kind == TokenKind::kDelete ||
               t.kind == TokenKind::kDefault) {
      pragma.value_kind = PragmaValueKind::kName;
      pragma.value = unquote(take());
    } else {
      return syntax_error("pragma value");
    }
    if (pragma.call_syntax) STRATA_TRY(expect(TokenKind::kRParen));
  }
  stmt.node = std::move(pragma);
  return Status::ok();
}

// --- statement loop -----------------------------------------------------------------

void ParserImpl::start_statement(uint32_t begin) {
  statement_begin_ = begin;
  depth_ = 0;
  max_parameter_ = 0;
  parameters_.clear();
  parameter_index_.clear();
  big_literal_ = nullptr;
  error_.reset();
}

void ParserImpl::recover() {
  // Re-scan raw bytes from the start of the failed statement to the ';' that ends it.
  buffer_.clear();
  lex_status_ = Status::ok();
  lexer_.reset_to(failed_start_.offset, failed_start_.line, failed_start_.column);
  lexer_.skip_to(static_cast<uint32_t>(statement_end(sql_, failed_start_.offset)));
}

Result<std::optional<ParsedStatement>> ParserImpl::next_statement() {
  if (resume_after_error_) {
    resume_after_error_ = false;
    recover();
  }
  error_.reset();
  if (sql_.size() > std::numeric_limits<uint32_t>::max()) {
    return fail(StatusCode::kSyntax, 0, 1, 1, "input too large");
  }
  statement_begin_ = kNoStatement;
  while (at(TokenKind::kSemicolon)) take();
  const Lexed& first = lexed(0);
  if (!first.is_error && first.token.kind == TokenKind::kEof)
    return std::optional<ParsedStatement>();
  failed_start_ = first.token;
  start_statement(first.token.offset);
  if (!first.is_error) lexed(0);  // applies the length limit to the first token
  auto fail_statement = [&](Status status) -> Status {
    resume_after_error_ = true;
    return status;
  };
  if (first.is_error) return fail_statement(lex_error());
  Result<StmtPtr> stmt = parse_statement(/*allow_explain=*/true);
  if (!stmt.ok()) return fail_statement(stmt.status());
  if (lexed(0).is_error) return fail_statement(lex_error());
  if (!at(TokenKind::kSemicolon) && !at(TokenKind::kEof)) {
    return fail_statement(syntax_error("end of statement"));
  }
  ParsedStatement out;
  out.stmt = std::move(stmt).value();
  out.begin = statement_begin_;
  out.end = prev_end_;
  out.parameters = std::move(parameters_);
  accept(TokenKind::kSemicolon);
  return std::optional<ParsedStatement>(std::move(out));
}

Result<ExprPtr> ParserImpl::single_expression() {
  if (sql_.size() > std::numeric_limits<uint32_t>::max()) {
    return fail(StatusCode::kSyntax, 0, 1, 1, "input too large");
  }
  start_statement(0);
  STRATA_ASSIGN(ExprPtr e, parse_expr());
  if (lexed(0).is_error) return lex_error();
  if (!at(TokenKind::kEof)) return syntax_error("end of expression");
  return e;
}

// --- public API ---------------------------------------------------------------------

Parser::Parser(std::string_view sql, ParseLimits limits)
    : impl_(std::make_unique<ParserImpl>(sql, limits)) {}
Parser::~Parser() = default;
Parser::Parser(Parser&&) noexcept = default;
Parser& Parser::operator=(Parser&&) noexcept = default;

Result<std::optional<ParsedStatement>> Parser::next() { return impl_->next_statement(); }

const std::optional<ParseError>& Parser::error() const { return impl_->error_; }

Result<ExprPtr> Parser::parse_single_expression() { return impl_->single_expression(); }

Result<std::vector<StmtPtr>> parse_script(std::string_view sql, ParseLimits limits) {
  Parser parser(sql, limits);
  std::vector<StmtPtr> out;
  for (;;) {
    STRATA_ASSIGN(std::optional<ParsedStatement> next, parser.next());
    if (!next) return out;
    out.push_back(std::move(next->stmt));
  }
}

Result<StmtPtr> parse_statement(std::string_view sql, ParseLimits limits) {
  Parser parser(sql, limits);
  STRATA_ASSIGN(std::optional<ParsedStatement> first, parser.next());
  if (!first) return Status::syntax("1:1: syntax error at end of input, expected statement");
  STRATA_ASSIGN(std::optional<ParsedStatement> second, parser.next());
  if (second) {
    // Position of the second statement, for the message.
    uint32_t line = 1, column = 1;
    for (uint32_t i = 0; i < second->begin; ++i) {
      unsigned char c = static_cast<unsigned char>(sql[i]);
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column;
      }
    }
    return Status::syntax(position_prefix(line, column) + "expected one statement, found more");
  }
  return std::move(first->stmt);
}

Result<ExprPtr> parse_expression(std::string_view sql, ParseLimits limits) {
  Parser parser(sql, limits);
  return parser.parse_single_expression();
}

bool is_complete(std::string_view sql) {
  ScanState state = ScanState::kInvalid;
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t next = pos;
    RawToken t = raw_token(sql, pos, &next);
    if (t == RawToken::kOpen) return false;
    state = scan_step(state, t);
    pos = next;
  }
  return state == ScanState::kStart;
}

std::optional<std::pair<uint32_t, uint32_t>> error_position(const Status& status) {
  const std::string& m = status.message();
  uint32_t line = 0, column = 0;
  const char* begin = m.data();
  const char* end = m.data() + m.size();
  auto [p1, e1] = std::from_chars(begin, end, line);
  if (e1 != std::errc() || p1 == end || *p1 != ':') return std::nullopt;
  auto [p2, e2] = std::from_chars(p1 + 1, end, column);
  if (e2 != std::errc() || p2 == end || *p2 != ':') return std::nullopt;
  return std::make_pair(line, column);
}

}  // namespace strata::sql
