// Random ASTs for property tests: every statement and expression form, bounded depth,
// restricted to trees the parser can produce (so that parse(to_sql(tree)) == tree).
//
// Each function draws from RapidCheck (`*gen`) and so must run inside a property; a
// failing case shrinks pick by pick.
#pragma once

#include <rapidcheck.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/sql/ast.h"

namespace strata::sql::random_ast {

// --- random ASTs --------------------------------------------------------------------
// Each helper draws from RapidCheck inside the running property (`*gen`), so failures
// shrink pick by pick.

// RapidCheck scales its ranges with the test size (at size 0, inRange always gives its
// minimum); draws here are uniform at every size and still shrink towards the minimum.
template <typename T>
inline T uniform(rc::Gen<T> gen) {
  return *rc::gen::resize(100, std::move(gen));
}

template <typename T>
inline T pick(std::initializer_list<T> options) {
  return uniform(rc::gen::elementOf(std::vector<T>(options)));
}

inline bool coin(int percent = 50) { return uniform(rc::gen::inRange(0, 100)) < percent; }

inline int count(int lo, int hi) { return uniform(rc::gen::inRange(lo, hi + 1)); }

inline std::string name() {
  if (coin(70)) return pick<std::string>({"a", "b", "t1", "x_y", "col$1", "T", "rowid", "_"});
  if (coin(70)) {
    return pick<std::string>({"select", "key", "replace", "true", "False", "a b", "a\"b", "1x",
                              "\xC3\xA9t\xC3\xA9", "left", "current_time", "[x]", "'q'", "end"});
  }
  std::string s = *rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
  return s.empty() ? "e" : s;
}

inline QualifiedName qualified_name() {
  QualifiedName q;
  if (coin(20)) q.schema = pick<std::string>({"main", "temp", "s c"});
  q.name = name();
  return q;
}

inline std::string type_name() {
  return pick<std::string>({"INTEGER", "TEXT", "VARCHAR(10)", "DOUBLE PRECISION", "decimal(10, -2)",
                            "unsigned big int", "\"quoted type\"", "'str type'", "NUMERIC(+5)",
                            "INT KEY"});
}

inline Literal literal() {
  switch (count(0, 9)) {
    case 0:
      return {LiteralKind::kNull, Value()};
    case 1: {
      int64_t v = pick<int64_t>({0, 1, 42, std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min(), -1, -42});
      if (coin()) v = uniform(rc::gen::inRange<int64_t>(0, std::numeric_limits<int64_t>::max()));
      return {LiteralKind::kInteger, Value::integer(v)};
    }
    case 2: {
      double d = std::fabs(*rc::gen::arbitrary<double>());
      if (std::isnan(d)) d = 0.5;
      if (coin(20))
        d = pick<double>({0.0, 0.1, 1e20, 9223372036854775808.0, 1e300 * 1e300, 5e-324, 1.0 / 3});
      return {LiteralKind::kReal, Value::real(d)};
    }
    case 3:
      return {LiteralKind::kString, Value::text(*rc::gen::arbitrary<std::string>())};
    case 4:
      return {LiteralKind::kBlob, Value::blob(*rc::gen::arbitrary<std::string>())};
    case 5:
      return coin() ? Literal{LiteralKind::kTrue, Value::integer(1)}
                    : Literal{LiteralKind::kFalse, Value::integer(0)};
    case 6:
      return {pick<LiteralKind>({LiteralKind::kCurrentTime, LiteralKind::kCurrentDate,
                                 LiteralKind::kCurrentTimestamp}),
              Value()};
    default:
      return {LiteralKind::kInteger, Value::integer(count(0, 1000))};
  }
}

inline SelectPtr random_select(int depth);

inline ExprPtr leaf() {
  switch (count(0, 2)) {
    case 0:
      return make_expr(literal());
    case 1: {
      ColumnRef ref;
      ref.column = name();
      if (coin(30)) ref.table = name();
      if (!ref.table.empty() && coin(20)) ref.schema = name();
      return make_expr(std::move(ref));
    }
    default:
      return make_expr(Parameter{pick<std::string>({"?", "?1", "?12", ":a", "@b", "$c", ":a"}), 0});
  }
}

inline ExprPtr random_expr(int depth) {
  if (depth <= 0 || coin(25)) return leaf();
  int d = depth - 1;
  switch (count(0, 13)) {
    case 0:
      return make_expr(
          Unary{pick<UnaryOp>({UnaryOp::kMinus, UnaryOp::kPlus, UnaryOp::kBitNot, UnaryOp::kNot}),
                random_expr(d)});
    case 1:
    case 2: {
      BinaryOp op = static_cast<BinaryOp>(count(0, static_cast<int>(BinaryOp::kConcat)));
      return make_expr(Binary{op, random_expr(d), random_expr(d)});
    }
    case 3: {
      Like like;
      like.op = pick<LikeOp>({LikeOp::kLike, LikeOp::kGlob, LikeOp::kRegexp, LikeOp::kMatch});
      like.negated = coin();
      like.operand = random_expr(d);
      like.pattern = random_expr(d);
      if (coin()) like.escape = random_expr(d);
      return make_expr(std::move(like));
    }
    case 4:
      return make_expr(Between{coin(), random_expr(d), random_expr(d), random_expr(d)});
    case 5: {
      In in;
      in.negated = coin();
      in.operand = random_expr(d);
      in.kind = pick<InKind>({InKind::kList, InKind::kSelect, InKind::kTable});
      if (in.kind == InKind::kList) {
        for (int i = count(0, 3); i > 0; --i) in.list.push_back(random_expr(d));
      } else if (in.kind == InKind::kSelect) {
        in.select = random_select(d);
      } else {
        in.table = qualified_name();
      }
      return make_expr(std::move(in));
    }
    case 6:
      return make_expr(IsNull{coin(), random_expr(d)});
    case 7:
      return make_expr(
          Collate{random_expr(d), pick<std::string>({"nocase", "BINARY", "rtrim", "my coll"})});
    case 8:
      return make_expr(Cast{random_expr(d), coin(10) ? std::string() : type_name()});
    case 9: {
      Case c;
      if (coin()) c.base = random_expr(d);
      for (int i = count(1, 3); i > 0; --i)
        c.whens.push_back(CaseWhen{random_expr(d), random_expr(d)});
      if (coin()) c.else_result = random_expr(d);
      return make_expr(std::move(c));
    }
    case 10: {
      FunctionCall f;
      f.name = pick<std::string>({"count", "max", "abs", "replace", "like", "left", "true", "cast",
                                  "Weird Name", "current_date", "group_concat", "select"});
      if (coin(20)) {
        f.star = true;
      } else {
        for (int i = count(0, 3); i > 0; --i) f.args.push_back(random_expr(d));
        f.distinct = coin(20);
      }
      return make_expr(std::move(f));
    }
    case 11:
      return make_expr(Exists{random_select(d)});
    case 12:
      return make_expr(Subquery{random_select(d)});
    default:
      return leaf();
  }
}

inline std::vector<OrderingTerm> ordering_terms(int depth, bool allow_nulls) {
  std::vector<OrderingTerm> terms;
  for (int i = count(1, 3); i > 0; --i) {
    OrderingTerm t;
    t.expr = random_expr(depth);
    t.order = pick<SortOrder>({SortOrder::kDefault, SortOrder::kAsc, SortOrder::kDesc});
    if (allow_nulls)
      t.nulls = pick<NullsOrder>({NullsOrder::kDefault, NullsOrder::kFirst, NullsOrder::kLast});
    terms.push_back(std::move(t));
  }
  return terms;
}

inline std::vector<std::string> names(int lo, int hi) {
  std::vector<std::string> out;
  for (int i = count(lo, hi); i > 0; --i) out.push_back(name());
  return out;
}

inline std::string alias() { return coin() ? name() : std::string(); }

inline TableName table_name() {
  TableName t;
  t.name = qualified_name();
  t.alias = alias();
  t.hint = pick<IndexHint>({IndexHint::kNone, IndexHint::kIndexedBy, IndexHint::kNotIndexed});
  if (t.hint == IndexHint::kIndexedBy) t.index = name();
  return t;
}

inline TableRefPtr table_ref(int depth) {
  auto ref = make_box<TableRef>();
  int kind = depth <= 0 ? 0 : count(0, 3);
  if (kind == 0) {
    ref->node = table_name();
  } else if (kind == 1) {
    ref->node = SubqueryTable{random_select(depth - 1), alias()};
  } else {
    Join j;
    j.kind = static_cast<JoinKind>(count(0, static_cast<int>(JoinKind::kFull)));
    j.natural = j.kind != JoinKind::kComma && coin(20);
    j.left = table_ref(depth - 1);
    j.right = table_ref(depth - 1);
    int constraint = count(0, 2);
    if (constraint == 1) j.on = random_expr(depth - 1);
    if (constraint == 2) j.using_columns = names(1, 2);
    ref->node = std::move(j);
  }
  return ref;
}

inline SelectCore select_core(int depth) {
  SelectCore core;
  if (coin(15)) {
    core.kind = SelectCoreKind::kValues;
    int width = count(1, 3);
    for (int r = count(1, 3); r > 0; --r) {
      std::vector<ExprPtr> row;
      for (int i = 0; i < width; ++i) row.push_back(random_expr(depth));
      core.values.push_back(std::move(row));
    }
    return core;
  }
  core.distinct = coin(20);
  for (int i = count(1, 3); i > 0; --i) {
    ResultColumn c;
    c.kind = pick<ResultColumnKind>({ResultColumnKind::kExpr, ResultColumnKind::kExpr,
                                     ResultColumnKind::kStar, ResultColumnKind::kTableStar});
    if (c.kind == ResultColumnKind::kExpr) {
      c.expr = random_expr(depth);
      c.alias = alias();
    } else if (c.kind == ResultColumnKind::kTableStar) {
      c.table = name();
    }
    core.columns.push_back(std::move(c));
  }
  if (coin(70)) core.from = table_ref(depth);
  if (coin()) core.where = random_expr(depth);
  if (coin(30)) {
    for (int i = count(1, 2); i > 0; --i) core.group_by.push_back(random_expr(depth));
  }
  if (coin(20)) core.having = random_expr(depth);
  return core;
}

inline SelectPtr random_select(int depth) {
  auto s = make_box<Select>();
  int cores = coin(70) ? 1 : count(2, 3);
  for (int i = 0; i < cores; ++i) {
    if (i > 0) {
      s->ops.push_back(pick<CompoundOp>({CompoundOp::kUnion, CompoundOp::kUnionAll,
                                         CompoundOp::kIntersect, CompoundOp::kExcept}));
    }
    s->cores.push_back(select_core(depth));
  }
  // ORDER BY and LIMIT only after a SELECT core, as in SQLite's grammar.
  if (s->cores.back().kind == SelectCoreKind::kValues) return s;
  if (coin(30)) s->order_by = ordering_terms(depth, /*allow_nulls=*/true);
  if (coin(30)) {
    s->limit = random_expr(depth);
    if (coin()) s->offset = random_expr(depth);
  }
  return s;
}

inline ConflictAction conflict_action() {
  return static_cast<ConflictAction>(count(0, static_cast<int>(ConflictAction::kReplace)));
}

inline ForeignKeyRef foreign_key() { return ForeignKeyRef{name(), names(0, 2)}; }

inline CreateTable create_table(int depth) {
  CreateTable c;
  c.temporary = coin(20);
  c.if_not_exists = coin(20);
  c.name = qualified_name();
  if (coin(15)) {
    c.as_select = random_select(depth);
    return c;
  }
  for (int i = count(1, 3); i > 0; --i) {
    ColumnDef col;
    col.name = name();
    if (coin(70)) col.type_name = type_name();
    for (int k = count(0, 3); k > 0; --k) {
      ColumnConstraint cc;
      cc.kind = static_cast<ColumnConstraintKind>(
          count(0, static_cast<int>(ColumnConstraintKind::kReferences)));
      if (coin(20)) cc.name = name();
      switch (cc.kind) {
        case ColumnConstraintKind::kPrimaryKey:
          cc.order = pick<SortOrder>({SortOrder::kDefault, SortOrder::kAsc, SortOrder::kDesc});
          cc.on_conflict = conflict_action();
          cc.autoincrement = coin();
          break;
        case ColumnConstraintKind::kNotNull:
        case ColumnConstraintKind::kNull:
        case ColumnConstraintKind::kUnique:
          cc.on_conflict = conflict_action();
          break;
        case ColumnConstraintKind::kDefault:
        case ColumnConstraintKind::kCheck:
          cc.expr = random_expr(depth);
          break;
        case ColumnConstraintKind::kCollate:
          cc.collation = name();
          break;
        case ColumnConstraintKind::kReferences:
          cc.references = foreign_key();
          break;
      }
      col.constraints.push_back(std::move(cc));
    }
    c.columns.push_back(std::move(col));
  }
  for (int i = count(0, 2); i > 0; --i) {
    TableConstraint tc;
    tc.kind = static_cast<TableConstraintKind>(
        count(0, static_cast<int>(TableConstraintKind::kForeignKey)));
    if (coin(20)) tc.name = name();
    switch (tc.kind) {
      case TableConstraintKind::kPrimaryKey:
      case TableConstraintKind::kUnique:
        tc.columns = ordering_terms(depth, /*allow_nulls=*/false);
        tc.autoincrement = tc.kind == TableConstraintKind::kPrimaryKey && coin(20);
        tc.on_conflict = conflict_action();
        break;
      case TableConstraintKind::kCheck:
        tc.check = random_expr(depth);
        tc.on_conflict = conflict_action();
        break;
      case TableConstraintKind::kForeignKey:
        tc.fk_columns = names(1, 2);
        tc.references = foreign_key();
        break;
    }
    c.constraints.push_back(std::move(tc));
  }
  c.without_rowid = coin(20);
  c.strict = coin(20);
  return c;
}

inline StmtPtr random_stmt(int depth, bool allow_explain = true) {
  auto s = make_box<Stmt>();
  switch (count(0, allow_explain ? 15 : 14)) {
    case 0:
    case 1:
      s->node = std::move(*random_select(depth));
      break;
    case 2: {
      Insert i;
      i.or_action = conflict_action();
      i.table = qualified_name();
      if (coin(20)) i.alias = name();
      i.columns = names(0, 3);
      if (coin(85)) i.select = random_select(depth);
      s->node = std::move(i);
      break;
    }
    case 3: {
      Update u;
      u.or_action = conflict_action();
      u.table = table_name();
      for (int k = count(1, 3); k > 0; --k)
        u.assignments.push_back(Assignment{{}, name(), random_expr(depth)});
      if (coin()) u.where = random_expr(depth);
      s->node = std::move(u);
      break;
    }
    case 4: {
      Delete del;
      del.table = table_name();
      if (coin()) del.where = random_expr(depth);
      s->node = std::move(del);
      break;
    }
    case 5:
      s->node = create_table(depth);
      break;
    case 6:
      s->node = DropTable{coin(), qualified_name()};
      break;
    case 7: {
      CreateIndex ci;
      ci.unique = coin();
      ci.if_not_exists = coin();
      ci.name = qualified_name();
      ci.table = name();
      ci.columns = ordering_terms(depth, /*allow_nulls=*/true);
      if (coin()) ci.where = random_expr(depth);
      s->node = std::move(ci);
      break;
    }
    case 8:
      s->node = DropIndex{coin(), qualified_name()};
      break;
    case 9: {
      CreateView v;
      v.temporary = coin(20);
      v.if_not_exists = coin(20);
      v.name = qualified_name();
      v.columns = names(0, 2);
      v.select = random_select(depth);
      s->node = std::move(v);
      break;
    }
    case 10:
      s->node = DropView{coin(), qualified_name()};
      break;
    case 11: {
      int which = count(0, 2);
      if (which == 0) {
        s->node = Begin{static_cast<TransactionKind>(count(0, 3))};
      } else if (which == 1) {
        s->node = Commit{};
      } else {
        s->node = Rollback{};
      }
      break;
    }
    case 12:
      s->node = Analyze{coin() ? qualified_name() : QualifiedName{}};
      break;
    case 13:
    case 14: {
      Pragma p;
      p.name = qualified_name();
      p.value_kind = static_cast<PragmaValueKind>(count(0, 3));
      p.call_syntax = p.value_kind != PragmaValueKind::kNone && coin();
      if (p.value_kind == PragmaValueKind::kName) p.value = name();
      if (p.value_kind == PragmaValueKind::kString) p.value = *rc::gen::arbitrary<std::string>();
      if (p.value_kind == PragmaValueKind::kNumber)
        p.value = pick<std::string>({"-2000", "+5", "1.5", "0x10", "7", "-1e3"});
      s->node = std::move(p);
      break;
    }
    default: {
      Explain e;
      e.mode = pick<ExplainMode>(
          {ExplainMode::kExplain, ExplainMode::kAnalyze, ExplainMode::kQueryPlan});
      e.stmt = random_stmt(depth, /*allow_explain=*/false);
      bool dml = e.stmt->is<Select>() || e.stmt->is<Insert>() || e.stmt->is<Update>() ||
                 e.stmt->is<Delete>();
      if (e.mode == ExplainMode::kAnalyze && !dml) e.mode = ExplainMode::kExplain;
      s->node = std::move(e);
      break;
    }
  }
  return s;
}

}  // namespace strata::sql::random_ast
