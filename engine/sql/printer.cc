#include "engine/sql/printer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/sql/lexer.h"

namespace strata::sql {

namespace {

// Function names print bare when the parser reads `name(` back as a call: plain
// identifiers and non-reserved keywords (replace, like, glob, ...). CAST( RAISE( and
// CURRENT_TIME( would start other constructs, and so would WITH( after a parenthesis (a
// common table expression: SQLite too reads `(with(1))` so, though `with(1)` alone is a
// call; found by the sql_parser fuzz target); reserved words need quotes.
std::string function_name(std::string_view name) {
  bool shaped = !name.empty() && is_id_start(static_cast<unsigned char>(name[0]));
  for (char c : name) shaped = shaped && is_id_char(static_cast<unsigned char>(c));
  if (!shaped) return quote_identifier(name);
  std::optional<TokenKind> kw = keyword_kind(name);
  if (!kw) return std::string(name);
  switch (*kw) {
    case TokenKind::kCast:
    case TokenKind::kWith:
    case TokenKind::kRaise:
    case TokenKind::kCurrentTime:
    case TokenKind::kCurrentDate:
    case TokenKind::kCurrentTimestamp:
      break;
    default:
      if (!is_reserved(*kw)) return std::string(name);
  }
  std::string out = "\"";
  out += name;
  out += '"';
  return out;
}

std::string qualified(const QualifiedName& name) {
  std::string out;
  if (!name.schema.empty()) {
    out += quote_identifier(name.schema);
    out += '.';
  }
  out += quote_identifier(name.name);
  return out;
}

class Printer {
 public:
  std::string out;

  void expr(const Expr& e) {
    std::visit([&](const auto& node) { print(node); }, e.node);
  }

  void select(const Select& s) {
    for (size_t i = 0; i < s.cores.size(); ++i) {
      if (i > 0) {
        out += ' ';
        out += compound_op_name(s.ops[i - 1]);
        out += ' ';
      }
      core(s.cores[i]);
    }
    if (!s.order_by.empty()) {
      out += " ORDER BY ";
      ordering_terms(s.order_by);
    }
    if (s.limit) {
      out += " LIMIT ";
      expr(*s.limit);
      if (s.offset) {
        out += " OFFSET ";
        expr(*s.offset);
      }
    }
  }

  void stmt(const Stmt& s) {
    std::visit([&](const auto& node) { print(node); }, s.node);
  }

 private:
  void expr_list(const std::vector<ExprPtr>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out += ", ";
      expr(*list[i]);
    }
  }

  void name_list(const std::vector<std::string>& names) {
    out += '(';
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += ", ";
      out += quote_identifier(names[i]);
    }
    out += ')';
  }

  void ordering_terms(const std::vector<OrderingTerm>& terms) {
    for (size_t i = 0; i < terms.size(); ++i) {
      if (i > 0) out += ", ";
      const OrderingTerm& t = terms[i];
      expr(*t.expr);
      if (t.order == SortOrder::kAsc) out += " ASC";
      if (t.order == SortOrder::kDesc) out += " DESC";
      if (t.nulls == NullsOrder::kFirst) out += " NULLS FIRST";
      if (t.nulls == NullsOrder::kLast) out += " NULLS LAST";
    }
  }

  // --- expressions ---
  void print(const Literal& lit) {
    switch (lit.kind) {
      case LiteralKind::kNull:
        out += "NULL";
        return;
      case LiteralKind::kTrue:
        out += "TRUE";
        return;
      case LiteralKind::kFalse:
        out += "FALSE";
        return;
      case LiteralKind::kCurrentTime:
        out += "CURRENT_TIME";
        return;
      case LiteralKind::kCurrentDate:
        out += "CURRENT_DATE";
        return;
      case LiteralKind::kCurrentTimestamp:
        out += "CURRENT_TIMESTAMP";
        return;
      case LiteralKind::kInteger: {
        int64_t v = lit.value.type() == ValueType::kInteger ? lit.value.as_integer() : 0;
        if (v == std::numeric_limits<int64_t>::min()) {
          out += "(-9223372036854775808)";  // folds back into the literal
        } else if (v < 0) {
          // Only a hex literal gives a negative integer literal; print one.
          char buf[24];
          auto r = std::to_chars(buf, buf + sizeof buf, static_cast<uint64_t>(v), 16);
          out += "0x";
          out.append(buf, r.ptr);
        } else {
          out += std::to_string(v);
        }
        return;
      }
      case LiteralKind::kReal:
        out += format_real(lit.value.type() == ValueType::kReal ? lit.value.as_real() : 0.0);
        return;
      case LiteralKind::kString:
        out += quote_string(lit.value.type() == ValueType::kText ? lit.value.as_text() : "");
        return;
      case LiteralKind::kBlob: {
        static const char* kHex = "0123456789ABCDEF";
        out += "X'";
        if (lit.value.type() == ValueType::kBlob) {
          for (unsigned char c : lit.value.as_blob()) {
            out += kHex[c >> 4];
            out += kHex[c & 15];
          }
        }
        out += '\'';
        return;
      }
    }
  }

  void print(const ColumnRef& ref) {
    if (!ref.schema.empty()) {
      out += quote_identifier(ref.schema);
      out += '.';
    }
    if (!ref.table.empty() || !ref.schema.empty()) {
      out += quote_identifier(ref.table);
      out += '.';
    }
    out += quote_identifier(ref.column);
  }

  void print(const Parameter& p) { out += p.name; }

  void print(const Unary& u) {
    out += '(';
    out += unary_op_name(u.op);
    if (u.op == UnaryOp::kNot) out += ' ';
    expr(*u.operand);
    out += ')';
  }

  void print(const Binary& b) {
    out += '(';
    expr(*b.left);
    out += ' ';
    out += binary_op_name(b.op);
    out += ' ';
    expr(*b.right);
    out += ')';
  }

  void print(const Like& l) {
    out += '(';
    expr(*l.operand);
    out += l.negated ? " NOT " : " ";
    out += like_op_name(l.op);
    out += ' ';
    expr(*l.pattern);
    if (l.escape) {
      out += " ESCAPE ";
      expr(*l.escape);
    }
    out += ')';
  }

  void print(const Between& b) {
    out += '(';
    expr(*b.operand);
    out += b.negated ? " NOT BETWEEN " : " BETWEEN ";
    expr(*b.low);
    out += " AND ";
    expr(*b.high);
    out += ')';
  }

  void print(const In& in) {
    out += '(';
    expr(*in.operand);
    out += in.negated ? " NOT IN " : " IN ";
    switch (in.kind) {
      case InKind::kList:
        out += '(';
        expr_list(in.list);
        out += ')';
        break;
      case InKind::kSelect:
        out += '(';
        select(*in.select);
        out += ')';
        break;
      case InKind::kTable:
        out += qualified(in.table);
        break;
    }
    out += ')';
  }

  void print(const IsNull& n) {
    out += '(';
    expr(*n.operand);
    out += n.negated ? " NOTNULL)" : " ISNULL)";
  }

  void print(const Collate& c) {
    out += '(';
    expr(*c.operand);
    out += " COLLATE ";
    out += quote_identifier(c.collation);
    out += ')';
  }

  void print(const Cast& c) {
    out += "CAST(";
    expr(*c.operand);
    out += " AS";
    if (!c.type_name.empty()) {
      out += ' ';
      out += c.type_name;
    }
    out += ')';
  }

  void print(const Case& c) {
    out += "CASE";
    if (c.base) {
      out += ' ';
      expr(*c.base);
    }
    for (const CaseWhen& w : c.whens) {
      out += " WHEN ";
      expr(*w.when);
      out += " THEN ";
      expr(*w.then);
    }
    if (c.else_result) {
      out += " ELSE ";
      expr(*c.else_result);
    }
    out += " END";
  }

  void print(const FunctionCall& f) {
    out += function_name(f.name);
    out += '(';
    if (f.star) {
      out += '*';
    } else {
      if (f.distinct) out += f.args.empty() ? "DISTINCT" : "DISTINCT ";
      expr_list(f.args);
    }
    out += ')';
  }

  void print(const Exists& e) {
    out += "EXISTS (";
    select(*e.select);
    out += ')';
  }

  void print(const Subquery& s) {
    out += '(';
    select(*s.select);
    out += ')';
  }

  // --- SELECT ---
  void core(const SelectCore& c) {
    if (c.kind == SelectCoreKind::kValues) {
      out += "VALUES ";
      for (size_t i = 0; i < c.values.size(); ++i) {
        if (i > 0) out += ", ";
        out += '(';
        expr_list(c.values[i]);
        out += ')';
      }
      return;
    }
    out += c.distinct ? "SELECT DISTINCT " : "SELECT ";
    for (size_t i = 0; i < c.columns.size(); ++i) {
      if (i > 0) out += ", ";
      const ResultColumn& col = c.columns[i];
      switch (col.kind) {
        case ResultColumnKind::kStar:
          out += '*';
          break;
        case ResultColumnKind::kTableStar:
          out += quote_identifier(col.table);
          out += ".*";
          break;
        case ResultColumnKind::kExpr:
          expr(*col.expr);
          if (!col.alias.empty()) {
            out += " AS ";
            out += quote_identifier(col.alias);
          }
          break;
      }
    }
    if (c.from) {
      out += " FROM ";
      table_ref(*c.from);
    }
    if (c.where) {
      out += " WHERE ";
      expr(*c.where);
    }
    if (!c.group_by.empty()) {
      out += " GROUP BY ";
      expr_list(c.group_by);
    }
    if (c.having) {
      out += " HAVING ";
      expr(*c.having);
    }
  }

  void table_name(const TableName& t) {
    out += qualified(t.name);
    if (t.as_of_generation) {
      out += " AS OF GENERATION ";
      out += std::to_string(*t.as_of_generation);
    }
    if (!t.alias.empty()) {
      out += " AS ";
      out += quote_identifier(t.alias);
    }
    if (t.hint == IndexHint::kIndexedBy) {
      out += " INDEXED BY ";
      out += quote_identifier(t.index);
    } else if (t.hint == IndexHint::kNotIndexed) {
      out += " NOT INDEXED";
    }
  }

  void table_ref(const TableRef& ref) {
    if (const auto* t = ref.as<TableName>()) {
      table_name(*t);
    } else if (const auto* s = ref.as<SubqueryTable>()) {
      out += '(';
      select(*s->select);
      out += ')';
      if (!s->alias.empty()) {
        out += " AS ";
        out += quote_identifier(s->alias);
      }
    } else if (const auto* j = ref.as<Join>()) {
      table_ref(*j->left);  // joins nest to the left without parentheses
      if (j->kind == JoinKind::kComma) {
        out += ", ";
      } else {
        out += ' ';
        if (j->natural) out += "NATURAL ";
        out += join_kind_name(j->kind);
        out += ' ';
      }
      if (j->right->as<Join>() != nullptr) {
        out += '(';
        table_ref(*j->right);
        out += ')';
      } else {
        table_ref(*j->right);
      }
      if (j->on) {
        out += " ON ";
        expr(*j->on);
      }
      if (!j->using_columns.empty()) {
        out += " USING ";
        name_list(j->using_columns);
      }
    }
  }

  // --- statements ---
  void print(const Select& s) { select(s); }

  void or_action(ConflictAction action) {
    if (action == ConflictAction::kDefault) return;
    out += " OR ";
    out += conflict_action_name(action);
  }

  void on_conflict(ConflictAction action) {
    if (action == ConflictAction::kDefault) return;
    out += " ON CONFLICT ";
    out += conflict_action_name(action);
  }

  void print(const Insert& s) {
    out += "INSERT";
    or_action(s.or_action);
    out += " INTO ";
    out += qualified(s.table);
    if (!s.alias.empty()) {
      out += " AS ";
      out += quote_identifier(s.alias);
    }
    if (!s.columns.empty()) {
      out += ' ';
      name_list(s.columns);
    }
    if (s.select) {
      out += ' ';
      select(*s.select);
    } else {
      out += " DEFAULT VALUES";
    }
  }

  void print(const Update& s) {
    out += "UPDATE";
    or_action(s.or_action);
    out += ' ';
    table_name(s.table);
    out += " SET ";
    for (size_t i = 0; i < s.assignments.size(); ++i) {
      if (i > 0) out += ", ";
      out += quote_identifier(s.assignments[i].column);
      out += " = ";
      expr(*s.assignments[i].value);
    }
    if (s.where) {
      out += " WHERE ";
      expr(*s.where);
    }
  }

  void print(const Delete& s) {
    out += "DELETE FROM ";
    table_name(s.table);
    if (s.where) {
      out += " WHERE ";
      expr(*s.where);
    }
  }

  void references(const ForeignKeyRef& ref) {
    out += "REFERENCES ";
    out += quote_identifier(ref.table);
    if (!ref.columns.empty()) {
      out += ' ';
      name_list(ref.columns);
    }
  }

  void print(const CreateTable& s) {
    out += s.temporary ? "CREATE TEMP TABLE " : "CREATE TABLE ";
    if (s.if_not_exists) out += "IF NOT EXISTS ";
    out += qualified(s.name);
    if (s.as_select) {
      out += " AS ";
      select(*s.as_select);
      return;
    }
    out += " (";
    bool first = true;
    auto separator = [&] {
      if (!first) out += ", ";
      first = false;
    };
    for (const ColumnDef& col : s.columns) {
      separator();
      out += quote_identifier(col.name);
      if (!col.type_name.empty()) {
        out += ' ';
        out += col.type_name;
      }
      for (const ColumnConstraint& c : col.constraints) {
        out += ' ';
        if (!c.name.empty()) {
          out += "CONSTRAINT ";
          out += quote_identifier(c.name);
          out += ' ';
        }
        switch (c.kind) {
          case ColumnConstraintKind::kPrimaryKey:
            out += "PRIMARY KEY";
            if (c.order == SortOrder::kAsc) out += " ASC";
            if (c.order == SortOrder::kDesc) out += " DESC";
            on_conflict(c.on_conflict);
            if (c.autoincrement) out += " AUTOINCREMENT";
            break;
          case ColumnConstraintKind::kNotNull:
            out += "NOT NULL";
            on_conflict(c.on_conflict);
            break;
          case ColumnConstraintKind::kNull:
            out += "NULL";
            on_conflict(c.on_conflict);
            break;
          case ColumnConstraintKind::kUnique:
            out += "UNIQUE";
            on_conflict(c.on_conflict);
            break;
          case ColumnConstraintKind::kDefault:
            out += "DEFAULT (";
            expr(*c.expr);
            out += ')';
            break;
          case ColumnConstraintKind::kCheck:
            out += "CHECK (";
            expr(*c.expr);
            out += ')';
            break;
          case ColumnConstraintKind::kCollate:
            out += "COLLATE ";
            out += quote_identifier(c.collation);
            break;
          case ColumnConstraintKind::kReferences:
            references(c.references);
            break;
        }
      }
    }
    for (const TableConstraint& c : s.constraints) {
      separator();
      if (!c.name.empty()) {
        out += "CONSTRAINT ";
        out += quote_identifier(c.name);
        out += ' ';
      }
      switch (c.kind) {
        case TableConstraintKind::kPrimaryKey:
        case TableConstraintKind::kUnique:
          out += c.kind == TableConstraintKind::kPrimaryKey ? "PRIMARY KEY (" : "UNIQUE (";
          ordering_terms(c.columns);
          if (c.autoincrement) out += " AUTOINCREMENT";
          out += ')';
          on_conflict(c.on_conflict);
          break;
        case TableConstraintKind::kCheck:
          out += "CHECK (";
          expr(*c.check);
          out += ')';
          on_conflict(c.on_conflict);
          break;
        case TableConstraintKind::kForeignKey:
          out += "FOREIGN KEY ";
          name_list(c.fk_columns);
          out += ' ';
          references(c.references);
          break;
      }
    }
    out += ')';
    if (s.without_rowid) out += " WITHOUT ROWID";
    if (s.strict) out += s.without_rowid ? ", STRICT" : " STRICT";
  }

  void print(const DropTable& s) {
    out += s.if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ";
    out += qualified(s.name);
  }

  void print(const CreateIndex& s) {
    out += s.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    if (s.if_not_exists) out += "IF NOT EXISTS ";
    out += qualified(s.name);
    out += " ON ";
    out += quote_identifier(s.table);
    out += " (";
    ordering_terms(s.columns);
    out += ')';
    if (s.where) {
      out += " WHERE ";
      expr(*s.where);
    }
  }

  void print(const DropIndex& s) {
    out += s.if_exists ? "DROP INDEX IF EXISTS " : "DROP INDEX ";
    out += qualified(s.name);
  }

  void print(const CreateView& s) {
    out += s.temporary ? "CREATE TEMP VIEW " : "CREATE VIEW ";
    if (s.if_not_exists) out += "IF NOT EXISTS ";
    out += qualified(s.name);
    if (!s.columns.empty()) {
      out += ' ';
      name_list(s.columns);
    }
    out += " AS ";
    select(*s.select);
  }

  void print(const DropView& s) {
    out += s.if_exists ? "DROP VIEW IF EXISTS " : "DROP VIEW ";
    out += qualified(s.name);
  }

  void print(const Begin& s) {
    switch (s.kind) {
      case TransactionKind::kDefault:
        out += "BEGIN";
        break;
      case TransactionKind::kDeferred:
        out += "BEGIN DEFERRED";
        break;
      case TransactionKind::kImmediate:
        out += "BEGIN IMMEDIATE";
        break;
      case TransactionKind::kExclusive:
        out += "BEGIN EXCLUSIVE";
        break;
    }
  }
  void print(const Commit&) { out += "COMMIT"; }
  void print(const Rollback&) { out += "ROLLBACK"; }

  void print(const Analyze& s) {
    out += "ANALYZE";
    if (!s.target.name.empty()) {
      out += ' ';
      out += qualified(s.target);
    }
  }

  void print(const Pragma& s) {
    out += "PRAGMA ";
    out += qualified(s.name);
    if (s.value_kind == PragmaValueKind::kNone) return;
    out += s.call_syntax ? "(" : " = ";
    switch (s.value_kind) {
      case PragmaValueKind::kNone:
        break;
      case PragmaValueKind::kName:
        out += quote_identifier(s.value);
        break;
      case PragmaValueKind::kString:
        out += quote_string(s.value);
        break;
      case PragmaValueKind::kNumber:
        out += s.value;
        break;
    }
    if (s.call_syntax) out += ')';
  }

  void print(const Explain& s) {
    switch (s.mode) {
      case ExplainMode::kExplain:
        out += "EXPLAIN ";
        break;
      case ExplainMode::kAnalyze:
        out += "EXPLAIN ANALYZE ";
        break;
      case ExplainMode::kQueryPlan:
        out += "EXPLAIN QUERY PLAN ";
        break;
    }
    stmt(*s.stmt);
  }
};

}  // namespace

std::string format_real(double value) {
  if (std::isnan(value)) return "NULL";  // SQLite has no NaN; no literal makes one
  if (std::isinf(value)) return value > 0 ? "1e999" : "(-1e999)";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  std::string out(buf, r.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  if (value < 0 || (value == 0 && std::signbit(value))) return "(" + out + ")";
  return out;
}

std::string to_sql(const Stmt& stmt) {
  Printer p;
  p.stmt(stmt);
  return std::move(p.out);
}

std::string to_sql(const Select& select) {
  Printer p;
  p.select(select);
  return std::move(p.out);
}

std::string to_sql(const Expr& expr) {
  Printer p;
  p.expr(expr);
  return std::move(p.out);
}

}  // namespace strata::sql
