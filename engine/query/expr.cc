#include "engine/query/expr.h"

#include <limits>
#include <set>

#include "engine/exec/functions.h"
#include "engine/exec/like.h"
#include "engine/exec/value_ops.h"
#include "engine/sql/printer.h"

namespace strata::query {

Status at(const sql::SourcePos& pos, Status status) {
  if (status.is_ok() || pos.line == 0) return status;
  // Parser errors already carry a position.
  const std::string& m = status.message();
  if (!m.empty() && std::isdigit(static_cast<unsigned char>(m[0])) && m.find(':') != std::string::npos &&
      m.find(": ") != std::string::npos && m.find(':') < m.find(": ")) {
    return status;
  }
  return Status(status.code(),
                std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + m);
}

std::unique_ptr<BoundExpr> BoundExpr::clone() const {
  auto copy = std::make_unique<BoundExpr>();
  copy->kind = kind;
  copy->constant = constant;
  copy->index = index;
  copy->affinity = affinity;
  copy->has_affinity = has_affinity;
  copy->unary_op = unary_op;
  copy->binary_op = binary_op;
  copy->like_op = like_op;
  copy->negated = negated;
  copy->has_base = has_base;
  copy->has_else = has_else;
  copy->has_escape = has_escape;
  copy->name = name;
  for (const auto& a : args) copy->args.push_back(a->clone());
  copy->pos = pos;
  copy->text = text;
  return copy;
}

bool BoundExpr::is_row_independent() const {
  if (kind == BoundKind::kColumn || kind == BoundKind::kRowid || kind == BoundKind::kParameter) {
    return false;
  }
  for (const auto& a : args) {
    if (!a->is_row_independent()) return false;
  }
  return true;
}

bool BoundExpr::is_constant_for_scan() const {
  if (kind == BoundKind::kColumn || kind == BoundKind::kRowid) return false;
  for (const auto& a : args) {
    if (!a->is_constant_for_scan()) return false;
  }
  return true;
}

namespace {

bool is_aggregate_name(const std::string& name, size_t args, bool star) {
  if (star) return true;
  if (name == "count" || name == "sum" || name == "total" || name == "avg" ||
      name == "group_concat" || name == "string_agg") {
    return true;
  }
  return (name == "min" || name == "max") && args == 1;
}

// Functions SQLite 3.40 has (as Debian builds it) that engine/exec does not: refused as
// unsupported, not reported missing.
bool is_sqlite_function_strata_lacks(const std::string& name) {
  // clang-format off
  static const std::set<std::string> kNames = {
      "random", "randomblob", "printf", "format", "date", "time", "datetime", "julianday",
      "strftime", "unixepoch", "likelihood", "soundex", "load_extension", "sqlite_version",
      "sqlite_source_id", "sqlite_compileoption_get", "sqlite_compileoption_used",
      "sqlite_offset", "changes", "total_changes", "last_insert_rowid", "json", "json_array",
      "json_array_length", "json_extract", "json_insert", "json_object", "json_patch",
      "json_remove", "json_replace", "json_set", "json_type", "json_valid", "json_quote",
      "json_group_array", "json_group_object", "json_each", "json_tree", "acos", "acosh", "asin",
      "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
      "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin",
      "sinh", "sqrt", "tan", "tanh", "trunc", "row_number", "rank", "dense_rank",
      "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value",
      "nth_value"};
  // clang-format on
  return kNames.count(name) > 0;
}

Value bool_value(bool b) { return Value::integer(b ? 1 : 0); }

// SQLite comparison result for op on (a, b) with their affinities: NULL or 0/1.
Value compare_op(sql::BinaryOp op, const Value& a, exec::OperandAffinity aa, const Value& b,
                 exec::OperandAffinity ab) {
  if (op == sql::BinaryOp::kIs || op == sql::BinaryOp::kIsNot) {
    bool equal;
    if (a.is_null() || b.is_null()) {
      equal = a.is_null() && b.is_null();
    } else {
      equal = exec::compare_with_affinity(a, aa, b, ab).value_or(1) == 0;
    }
    return bool_value(op == sql::BinaryOp::kIs ? equal : !equal);
  }
  std::optional<int> c = exec::compare_with_affinity(a, aa, b, ab);
  if (!c) return Value::null();
  switch (op) {
    case sql::BinaryOp::kEq: return bool_value(*c == 0);
    case sql::BinaryOp::kNe: return bool_value(*c != 0);
    case sql::BinaryOp::kLt: return bool_value(*c < 0);
    case sql::BinaryOp::kLe: return bool_value(*c <= 0);
    case sql::BinaryOp::kGt: return bool_value(*c > 0);
    case sql::BinaryOp::kGe: return bool_value(*c >= 0);
    default: return Value::null();
  }
}

bool is_comparison(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kEq: case sql::BinaryOp::kNe: case sql::BinaryOp::kIs:
    case sql::BinaryOp::kIsNot: case sql::BinaryOp::kLt: case sql::BinaryOp::kLe:
    case sql::BinaryOp::kGt: case sql::BinaryOp::kGe:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<bool> eval_true(const BoundExpr& e, const EvalRow& row) {
  STRATA_ASSIGN(Value v, eval(e, row));
  return exec::truth(v).value_or(false);
}

Result<Value> eval(const BoundExpr& e, const EvalRow& row) {
  switch (e.kind) {
    case BoundKind::kConstant:
      return e.constant;
    case BoundKind::kColumn:
      return (*row.columns)[e.index];
    case BoundKind::kRowid:
      return Value::integer(row.rowid);
    case BoundKind::kParameter:
      if (row.parameters == nullptr || e.index > static_cast<int>(row.parameters->size())) {
        return Value::null();  // unbound parameters are NULL, as in SQLite
      }
      return (*row.parameters)[e.index - 1];
    case BoundKind::kUnary: {
      STRATA_ASSIGN(Value v, eval(*e.args[0], row));
      switch (e.unary_op) {
        case sql::UnaryOp::kMinus: return exec::negate(v);
        case sql::UnaryOp::kPlus: return v;
        case sql::UnaryOp::kBitNot: return exec::bit_not(v);
        case sql::UnaryOp::kNot: {
          std::optional<bool> t = exec::truth(v);
          if (!t) return Value::null();
          return bool_value(!*t);
        }
      }
      return Value::null();
    }
    case BoundKind::kBinary: {
      if (e.binary_op == sql::BinaryOp::kAnd || e.binary_op == sql::BinaryOp::kOr) {
        bool is_and = e.binary_op == sql::BinaryOp::kAnd;
        STRATA_ASSIGN(Value l, eval(*e.args[0], row));
        std::optional<bool> lt = exec::truth(l);
        if (lt && *lt != is_and) return bool_value(*lt);  // short circuit: false AND, true OR
        STRATA_ASSIGN(Value r, eval(*e.args[1], row));
        std::optional<bool> rt = exec::truth(r);
        if (rt && *rt != is_and) return bool_value(*rt);
        if (!lt || !rt) return Value::null();
        return bool_value(is_and);
      }
      STRATA_ASSIGN(Value l, eval(*e.args[0], row));
      STRATA_ASSIGN(Value r, eval(*e.args[1], row));
      if (is_comparison(e.binary_op)) {
        return compare_op(e.binary_op, l, e.args[0]->operand_affinity(), r,
                          e.args[1]->operand_affinity());
      }
      switch (e.binary_op) {
        case sql::BinaryOp::kAdd: return exec::add(l, r);
        case sql::BinaryOp::kSub: return exec::subtract(l, r);
        case sql::BinaryOp::kMul: return exec::multiply(l, r);
        case sql::BinaryOp::kDiv: return exec::divide(l, r);
        case sql::BinaryOp::kMod: return exec::remainder(l, r);
        case sql::BinaryOp::kBitAnd: return exec::bit_and(l, r);
        case sql::BinaryOp::kBitOr: return exec::bit_or(l, r);
        case sql::BinaryOp::kShiftLeft: return exec::shift_left(l, r);
        case sql::BinaryOp::kShiftRight: return exec::shift_right(l, r);
        case sql::BinaryOp::kConcat: return exec::concat(l, r);
        default: return Status::internal("unexpected binary operator");
      }
    }
    case BoundKind::kLike: {
      STRATA_ASSIGN(Value text, eval(*e.args[0], row));
      STRATA_ASSIGN(Value pattern, eval(*e.args[1], row));
      Value result;
      if (e.like_op == sql::LikeOp::kLike) {
        Value escape;
        if (e.has_escape) {
          STRATA_ASSIGN(escape, eval(*e.args[2], row));
        }
        Result<Value> r = exec::like(text, pattern, e.has_escape ? &escape : nullptr);
        if (!r.ok()) return at(e.pos, r.status());
        result = std::move(r).value();
      } else {
        Result<Value> r = exec::glob_checked(text, pattern);  // SQLite's pattern-length limit
        if (!r.ok()) return at(e.pos, r.status());
        result = std::move(r).value();
      }
      if (e.negated && !result.is_null()) return bool_value(!exec::truth(result).value_or(false));
      return result;
    }
    case BoundKind::kBetween: {
      STRATA_ASSIGN(Value x, eval(*e.args[0], row));
      STRATA_ASSIGN(Value lo, eval(*e.args[1], row));
      STRATA_ASSIGN(Value hi, eval(*e.args[2], row));
      exec::OperandAffinity ax = e.args[0]->operand_affinity();
      Value ge = compare_op(sql::BinaryOp::kGe, x, ax, lo, e.args[1]->operand_affinity());
      Value le = compare_op(sql::BinaryOp::kLe, x, ax, hi, e.args[2]->operand_affinity());
      std::optional<bool> a = exec::truth(ge), b = exec::truth(le);
      std::optional<bool> both;
      if ((a && !*a) || (b && !*b)) {
        both = false;
      } else if (a && b) {
        both = true;
      }
      if (!both) return Value::null();
      return bool_value(e.negated ? !*both : *both);
    }
    case BoundKind::kInList: {
      if (e.args.size() == 1) return bool_value(e.negated);  // x IN () is false, even for NULL x
      STRATA_ASSIGN(Value x, eval(*e.args[0], row));
      if (x.is_null()) return Value::null();
      bool saw_null = false;
      for (size_t i = 1; i < e.args.size(); ++i) {
        STRATA_ASSIGN(Value item, eval(*e.args[i], row));
        if (item.is_null()) {
          saw_null = true;
          continue;
        }
        // "a IN (x, y)" is "a = +x OR a = +y": the list values have no affinity.
        std::optional<int> c =
            exec::compare_with_affinity(x, e.args[0]->affinity, item, exec::Affinity::kNone);
        if (c && *c == 0) return bool_value(!e.negated);
      }
      if (saw_null) return Value::null();
      return bool_value(e.negated);
    }
    case BoundKind::kIsNull: {
      STRATA_ASSIGN(Value v, eval(*e.args[0], row));
      return bool_value(e.negated ? !v.is_null() : v.is_null());
    }
    case BoundKind::kCase: {
      size_t i = 0;
      Value base;
      if (e.has_base) {
        STRATA_ASSIGN(base, eval(*e.args[0], row));
        i = 1;
      }
      size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end + 1 && i < end; i += 2) {
        STRATA_ASSIGN(Value when, eval(*e.args[i], row));
        bool match;
        if (e.has_base) {
          match = !base.is_null() && !when.is_null() &&
                  exec::compare_with_affinity(base, e.args[0]->operand_affinity(), when,
                                              e.args[i]->operand_affinity())
                          .value_or(1) == 0;
        } else {
          match = exec::truth(when).value_or(false);
        }
        if (match) return eval(*e.args[i + 1], row);
      }
      if (e.has_else) return eval(*e.args.back(), row);
      return Value::null();
    }
    case BoundKind::kCast: {
      STRATA_ASSIGN(Value v, eval(*e.args[0], row));
      return exec::cast(v, e.name);
    }
    case BoundKind::kFunction: {
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args) {
        STRATA_ASSIGN(Value v, eval(*a, row));
        args.push_back(std::move(v));
      }
      Result<Value> r = exec::call_function(e.name, args);
      if (!r.ok()) return at(e.pos, r.status());
      return r;
    }
  }
  return Status::internal("unknown bound expression");
}

Result<BoundExprPtr> Binder::bind_column(const sql::Expr& expr, const sql::ColumnRef& ref) {
  std::string display = ref.table.empty() ? ref.column : ref.table + "." + ref.column;
  if (!ref.schema.empty() && lower(ref.schema) != "main") {
    return at(expr.pos, Status::not_found("no such column: " + ref.schema + "." + display));
  }
  if (table_ == nullptr) return bind_alias(expr, ref, display);
  if (!ref.table.empty()) {
    std::string want = lower(ref.table);
    bool matches = alias_.empty() ? want == lower(table_->name) : want == lower(alias_);
    if (!matches) return at(expr.pos, Status::not_found("no such column: " + display));
  }
  auto e = std::make_unique<BoundExpr>();
  e->pos = expr.pos;
  e->text = display;
  int position = table_->find_column(ref.column);
  if (position >= 0) {
    e->affinity = table_->columns[position].affinity;
    e->has_affinity = true;
    if (position == table_->rowid_column) {
      e->kind = BoundKind::kRowid;
    } else {
      e->kind = BoundKind::kColumn;
      e->index = position;
    }
    return e;
  }
  std::string name = lower(ref.column);
  if (name == "rowid" || name == "oid" || name == "_rowid_") {
    e->kind = BoundKind::kRowid;
    e->affinity = exec::Affinity::kInteger;
    e->has_affinity = true;
    return e;
  }
  return bind_alias(expr, ref, display);
}

Result<BoundExprPtr> Binder::bind_alias(const sql::Expr& expr, const sql::ColumnRef& ref,
                                        const std::string& display) {
  if (ref.table.empty() && ref.schema.empty() && alias_depth_ == 0) {
    std::string name = lower(ref.column);
    for (const auto& [alias, aliased] : aliases_) {
      if (lower(alias) != name) continue;
      // The first result column with this alias; its expression binds against the table.
      ++alias_depth_;
      Result<BoundExprPtr> b = bind(*aliased);
      --alias_depth_;
      return b;
    }
  }
  return at(expr.pos, Status::not_found("no such column: " + display));
}

Result<BoundExprPtr> Binder::bind(const sql::Expr& expr) {
  if (++depth_ > 1000) {
    --depth_;
    return at(expr.pos, Status::invalid_argument("expression tree is too large (maximum depth 1000)"));
  }
  struct DepthGuard {
    int* d;
    ~DepthGuard() { --*d; }
  } guard{&depth_};

  auto e = std::make_unique<BoundExpr>();
  e->pos = expr.pos;
  e->text = sql::to_sql(expr);
  auto bind_into = [&](const sql::ExprPtr& child) -> Status {
    STRATA_ASSIGN(BoundExprPtr b, bind(*child));
    e->args.push_back(std::move(b));
    return Status::ok();
  };

  if (const auto* lit = expr.as<sql::Literal>()) {
    switch (lit->kind) {
      case sql::LiteralKind::kCurrentTime:
      case sql::LiteralKind::kCurrentDate:
      case sql::LiteralKind::kCurrentTimestamp:
        return at(expr.pos, Status::unsupported("CURRENT_TIME, CURRENT_DATE and CURRENT_TIMESTAMP"));
      default:
        e->kind = BoundKind::kConstant;
        e->constant = lit->value;
        return e;
    }
  }
  if (const auto* ref = expr.as<sql::ColumnRef>()) {
    Result<BoundExprPtr> col = bind_column(expr, *ref);
    // SQLite reads a double-quoted identifier that names no column as a string literal;
    // Strata refuses that misfeature rather than guessing.
    return col;
  }
  if (const auto* p = expr.as<sql::Parameter>()) {
    e->kind = BoundKind::kParameter;
    e->index = p->index;
    if (p->index > max_parameter_) max_parameter_ = p->index;
    return e;
  }
  if (const auto* u = expr.as<sql::Unary>()) {
    // SQLite codes a minus applied directly to a numeric literal as the negative literal
    // (so -0.0 is REAL -0.0, not 0 - 0.0 = 0.0); only other operands are computed as 0 - x.
    // The folded -9223372036854775808 is already a literal and negates as 0 - x (to REAL).
    const auto* lit = u->operand->as<sql::Literal>();
    if (u->op == sql::UnaryOp::kMinus && lit != nullptr &&
        ((lit->kind == sql::LiteralKind::kInteger &&
          lit->value.as_integer() != std::numeric_limits<int64_t>::min()) ||
         lit->kind == sql::LiteralKind::kReal)) {
      e->kind = BoundKind::kConstant;
      e->constant = lit->kind == sql::LiteralKind::kInteger
                        ? Value::integer(-lit->value.as_integer())
                        : Value::real(-lit->value.as_real());
      return e;
    }
    e->kind = BoundKind::kUnary;
    e->unary_op = u->op;
    STRATA_TRY(bind_into(u->operand));
    return e;
  }
  if (const auto* b = expr.as<sql::Binary>()) {
    e->kind = BoundKind::kBinary;
    e->binary_op = b->op;
    STRATA_TRY(bind_into(b->left));
    STRATA_TRY(bind_into(b->right));
    return e;
  }
  if (const auto* l = expr.as<sql::Like>()) {
    if (l->op != sql::LikeOp::kLike && l->op != sql::LikeOp::kGlob) {
      return at(expr.pos, Status::unsupported(std::string(sql::like_op_name(l->op)) + " operator"));
    }
    if (l->op == sql::LikeOp::kGlob && l->escape) {
      return at(expr.pos, Status::unsupported("ESCAPE with GLOB"));
    }
    e->kind = BoundKind::kLike;
    e->like_op = l->op;
    e->negated = l->negated;
    STRATA_TRY(bind_into(l->operand));
    STRATA_TRY(bind_into(l->pattern));
    if (l->escape) {
      e->has_escape = true;
      STRATA_TRY(bind_into(l->escape));
    }
    return e;
  }
  if (const auto* bt = expr.as<sql::Between>()) {
    e->kind = BoundKind::kBetween;
    e->negated = bt->negated;
    STRATA_TRY(bind_into(bt->operand));
    STRATA_TRY(bind_into(bt->low));
    STRATA_TRY(bind_into(bt->high));
    return e;
  }
  if (const auto* in = expr.as<sql::In>()) {
    if (in->kind != sql::InKind::kList) {
      return at(expr.pos, Status::unsupported("IN with a subquery or table"));
    }
    e->kind = BoundKind::kInList;
    e->negated = in->negated;
    STRATA_TRY(bind_into(in->operand));
    for (const auto& item : in->list) STRATA_TRY(bind_into(item));
    return e;
  }
  if (const auto* isn = expr.as<sql::IsNull>()) {
    e->kind = BoundKind::kIsNull;
    e->negated = isn->negated;
    STRATA_TRY(bind_into(isn->operand));
    return e;
  }
  if (const auto* c = expr.as<sql::Collate>()) {
    if (lower(c->collation) != "binary") {
      return at(expr.pos, Status::unsupported("collation " + c->collation + " (only BINARY)"));
    }
    return bind(*c->operand);
  }
  if (const auto* cast = expr.as<sql::Cast>()) {
    e->kind = BoundKind::kCast;
    e->name = cast->type_name;
    e->affinity = exec::cast_affinity_of_type(cast->type_name);
    e->has_affinity = true;
    STRATA_TRY(bind_into(cast->operand));
    return e;
  }
  if (const auto* cs = expr.as<sql::Case>()) {
    e->kind = BoundKind::kCase;
    if (cs->base) {
      e->has_base = true;
      STRATA_TRY(bind_into(cs->base));
    }
    for (const auto& w : cs->whens) {
      STRATA_TRY(bind_into(w.when));
      STRATA_TRY(bind_into(w.then));
    }
    if (cs->else_result) {
      e->has_else = true;
      STRATA_TRY(bind_into(cs->else_result));
    }
    return e;
  }
  if (const auto* f = expr.as<sql::FunctionCall>()) {
    std::string name = lower(f->name);
    if (is_aggregate_name(name, f->args.size(), f->star)) {
      return at(expr.pos, Status::unsupported("aggregate function " + name + "()"));
    }
    if (f->distinct) return at(expr.pos, Status::unsupported("DISTINCT in a scalar function"));
    if (!exec::is_scalar_function(name)) {
      if (is_sqlite_function_strata_lacks(name)) {
        return at(expr.pos, Status::unsupported("function " + name + "()"));
      }
      return at(expr.pos, Status::invalid_argument("no such function: " + f->name));
    }
    e->kind = BoundKind::kFunction;
    e->name = name;
    for (const auto& a : f->args) STRATA_TRY(bind_into(a));
    return e;
  }
  if (expr.is<sql::Exists>() || expr.is<sql::Subquery>()) {
    return at(expr.pos, Status::unsupported("subqueries"));
  }
  return at(expr.pos, Status::unsupported("expression"));
}

}  // namespace strata::query
