#include "engine/query/expr.h"

#include <limits>

#include "engine/exec/functions.h"
#include "engine/exec/like.h"
#include "engine/exec/value_ops.h"

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
  copy->depth = depth;
  copy->item = item;
  copy->column = column;
  copy->subquery = subquery;
  copy->sub_kind = sub_kind;
  copy->outer_mask = outer_mask;
  for (const auto& a : args) copy->args.push_back(a->clone());
  copy->pos = pos;
  copy->text = text;
  return copy;
}

bool BoundExpr::is_constant_for_scan() const {
  if (kind == BoundKind::kColumn && depth == 0) return false;
  if (kind == BoundKind::kSubquery && outer_mask != 0) return false;
  for (const auto& a : args) {
    if (!a->is_constant_for_scan()) return false;
  }
  return true;
}

uint64_t BoundExpr::item_mask() const {
  uint64_t mask = 0;
  if (kind == BoundKind::kColumn && depth == 0 && item >= 0) mask |= uint64_t{1} << item;
  if (kind == BoundKind::kSubquery) mask |= outer_mask;
  for (const auto& a : args) mask |= a->item_mask();
  return mask;
}

bool BoundExpr::has_subquery() const {
  if (kind == BoundKind::kSubquery) return true;
  for (const auto& a : args) {
    if (a->has_subquery()) return true;
  }
  return false;
}

BoundExprPtr and_of(BoundExprPtr a, BoundExprPtr b) {
  if (!a) return b;
  if (!b) return a;
  auto both = std::make_unique<BoundExpr>();
  both->kind = BoundKind::kBinary;
  both->binary_op = sql::BinaryOp::kAnd;
  both->text = a->text + " AND " + b->text;
  both->args.push_back(std::move(a));
  both->args.push_back(std::move(b));
  return both;
}

namespace {

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

Result<bool> eval_true(const BoundExpr& e, const EvalContext& row) {
  STRATA_ASSIGN(Value v, eval(e, row));
  return exec::truth(v).value_or(false);
}

Result<Value> eval(const BoundExpr& e, const EvalContext& row) {
  switch (e.kind) {
    case BoundKind::kConstant:
      return e.constant;
    case BoundKind::kColumn: {
      const EvalContext* c = &row;
      for (int d = 0; d < e.depth; ++d) c = c->outer;
      return c->slots[e.index];
    }
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
    case BoundKind::kSubquery: {
      switch (e.sub_kind) {
        case SubqueryKind::kScalar:
          return e.subquery->scalar(row);
        case SubqueryKind::kExists: {
          STRATA_ASSIGN(bool found, e.subquery->exists(row));
          return bool_value(found);
        }
        case SubqueryKind::kIn: {
          STRATA_ASSIGN(Value x, eval(*e.args[0], row));
          STRATA_ASSIGN(Value r, e.subquery->contains(x, e.affinity, row));
          if (e.negated && !r.is_null()) return bool_value(r.as_integer() == 0);
          return r;
        }
      }
      return Status::internal("unknown subquery kind");
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

}  // namespace strata::query
