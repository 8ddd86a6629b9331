// SELECT (compounds, cores, FROM and joins) and the other statements: DDL, DML,
// transactions, ANALYZE, PRAGMA, EXPLAIN.
#include <charconv>
#include <limits>
#include <utility>

#include "engine/sql/parser_impl.h"

namespace strata::sql {

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
  column.expr_text.text =
      std::string(sql_.substr(column.pos.offset, prev_end_ - column.pos.offset));
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
  // t AS OF GENERATION g: a retained generation of the table (time travel; FROM only).
  auto spelled = [](std::string_view text, std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      if ((text[i] | 0x20) != word[i]) return false;
    }
    return true;
  };
  if (at(TokenKind::kAs) && spelled(peek(1).text, "of") && spelled(peek(2).text, "generation")) {
    Token as = take();
    if (!bare_alias) {
      return fail_at(as, StatusCode::kInvalidArgument,
                     "AS OF GENERATION reads a past generation, which cannot be changed: only a "
                     "table read in FROM may carry it");
    }
    take();
    take();
    if (lexed(0).is_error) return lex_error();
    if (!at(TokenKind::kInteger)) return syntax_error("a generation number");
    Token number = take();
    uint64_t generation = 0;
    const char* first = number.text.data();
    const char* last = first + number.text.size();
    auto [end, ec] = std::from_chars(first, last, generation);
    if (ec != std::errc() || end != last) {
      return fail_at(number, StatusCode::kInvalidArgument,
                     "generation " + std::string(number.text) +
                         " is not a decimal number of at most 20 digits");
    }
    table.as_of_generation = generation;
  }
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

}  // namespace strata::sql
