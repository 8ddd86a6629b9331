#include "engine/sql/ast.h"

namespace strata::sql {

std::string_view unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::kMinus:
      return "-";
    case UnaryOp::kPlus:
      return "+";
    case UnaryOp::kBitNot:
      return "~";
    case UnaryOp::kNot:
      return "NOT";
  }
  return "?";
}

std::string_view binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kIs:
      return "IS";
    case BinaryOp::kIsNot:
      return "IS NOT";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kBitAnd:
      return "&";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kShiftLeft:
      return "<<";
    case BinaryOp::kShiftRight:
      return ">>";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kConcat:
      return "||";
  }
  return "?";
}

std::string_view like_op_name(LikeOp op) {
  switch (op) {
    case LikeOp::kLike:
      return "LIKE";
    case LikeOp::kGlob:
      return "GLOB";
    case LikeOp::kRegexp:
      return "REGEXP";
    case LikeOp::kMatch:
      return "MATCH";
  }
  return "?";
}

std::string_view compound_op_name(CompoundOp op) {
  switch (op) {
    case CompoundOp::kUnion:
      return "UNION";
    case CompoundOp::kUnionAll:
      return "UNION ALL";
    case CompoundOp::kIntersect:
      return "INTERSECT";
    case CompoundOp::kExcept:
      return "EXCEPT";
  }
  return "?";
}

std::string_view conflict_action_name(ConflictAction action) {
  switch (action) {
    case ConflictAction::kDefault:
      return "";
    case ConflictAction::kRollback:
      return "ROLLBACK";
    case ConflictAction::kAbort:
      return "ABORT";
    case ConflictAction::kFail:
      return "FAIL";
    case ConflictAction::kIgnore:
      return "IGNORE";
    case ConflictAction::kReplace:
      return "REPLACE";
  }
  return "?";
}

std::string_view join_kind_name(JoinKind kind) {
  switch (kind) {
    case JoinKind::kComma:
      return ",";
    case JoinKind::kInner:
      return "JOIN";
    case JoinKind::kCross:
      return "CROSS JOIN";
    case JoinKind::kLeft:
      return "LEFT JOIN";
    case JoinKind::kRight:
      return "RIGHT JOIN";
    case JoinKind::kFull:
      return "FULL JOIN";
  }
  return "?";
}

std::string_view statement_name(const Stmt& stmt) {
  struct Namer {
    std::string_view operator()(const Select&) const { return "SELECT"; }
    std::string_view operator()(const Insert&) const { return "INSERT"; }
    std::string_view operator()(const Update&) const { return "UPDATE"; }
    std::string_view operator()(const Delete&) const { return "DELETE"; }
    std::string_view operator()(const CreateTable&) const { return "CREATE TABLE"; }
    std::string_view operator()(const DropTable&) const { return "DROP TABLE"; }
    std::string_view operator()(const CreateIndex&) const { return "CREATE INDEX"; }
    std::string_view operator()(const DropIndex&) const { return "DROP INDEX"; }
    std::string_view operator()(const CreateView&) const { return "CREATE VIEW"; }
    std::string_view operator()(const DropView&) const { return "DROP VIEW"; }
    std::string_view operator()(const Begin&) const { return "BEGIN"; }
    std::string_view operator()(const Commit&) const { return "COMMIT"; }
    std::string_view operator()(const Rollback&) const { return "ROLLBACK"; }
    std::string_view operator()(const Analyze&) const { return "ANALYZE"; }
    std::string_view operator()(const Pragma&) const { return "PRAGMA"; }
    std::string_view operator()(const Explain&) const { return "EXPLAIN"; }
  };
  return std::visit(Namer{}, stmt.node);
}

void for_each_child(const Expr& e, const std::function<void(const Expr&)>& f) {
  auto child = [&](const ExprPtr& x) {
    if (x) f(*x);
  };
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Unary>) {
          child(node.operand);
        } else if constexpr (std::is_same_v<T, Binary>) {
          child(node.left);
          child(node.right);
        } else if constexpr (std::is_same_v<T, Like>) {
          child(node.operand);
          child(node.pattern);
          child(node.escape);
        } else if constexpr (std::is_same_v<T, Between>) {
          child(node.operand);
          child(node.low);
          child(node.high);
        } else if constexpr (std::is_same_v<T, In>) {
          child(node.operand);
          for (const auto& x : node.list) child(x);
        } else if constexpr (std::is_same_v<T, IsNull> || std::is_same_v<T, Collate> ||
                             std::is_same_v<T, Cast>) {
          child(node.operand);
        } else if constexpr (std::is_same_v<T, Case>) {
          child(node.base);
          for (const auto& w : node.whens) {
            child(w.when);
            child(w.then);
          }
          child(node.else_result);
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          for (const auto& x : node.args) child(x);
        }
      },
      e.node);
}

}  // namespace strata::sql
