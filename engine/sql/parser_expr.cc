// The expression grammar: a precedence-climbing (Pratt) loop over SQLite's operator
// table (Prec in parser_impl.h), literals, names, calls, CASE, CAST and subqueries.
#include <charconv>
#include <cstdlib>
#include <limits>
#include <utility>

#include "engine/sql/parser_impl.h"

namespace strata::sql {

namespace {

double parse_real(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc()) return value;
  // Out of range: let strtod pick infinity or zero (or a subnormal), as SQLite does.
  std::string copy(text);
  return std::strtod(copy.c_str(), nullptr);
}

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

}  // namespace strata::sql
