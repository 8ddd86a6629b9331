#include "engine/sql/parser.h"

#include <charconv>
#include <limits>
#include <utility>

#include "engine/sql/parser_impl.h"

namespace strata::sql {

namespace {

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

}  // namespace

Status ParseError::to_status() const {
  return Status(code, position_prefix(line, column) + message);
}

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
