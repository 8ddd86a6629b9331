// AST: the syntax tree the parser builds and the printer prints.
//
// Plain structs and variants. Every node carries its source position (Node::pos: the
// token that names the node — the operator of an operator expression, otherwise its
// first token). Trees own their children through Box<T>, a deep-copying,
// deep-comparing owning pointer, so every AST type is copyable and `==` compares
// meaning: positions (and the parser's bookkeeping in Node) never take part.
//
// The tree records what was written, not what it means: `x IS NULL` stays
// Binary{kIs, x, NULL}; `REPLACE INTO` is Insert{or_action = kReplace}; `a != b` and
// `a <> b` are both kNe; `IS NOT DISTINCT FROM` is kIs. Names are stored unquoted and
// case-preserved; comparing them case-insensitively is the binder's job.
//
// Literals (see Literal): integers that do not fit int64 become REAL literals, as in
// SQLite. The one exception is SQLite's: a unary minus applied directly to the integer
// literal 9223372036854775808 (optionally in parentheses) folds into the INTEGER
// literal -9223372036854775808 (int64 minimum); every other `-x` stays Unary{kMinus}.
// Hex literals are 64-bit two's complement (0xFFFFFFFFFFFFFFFF is -1).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/value.h"

namespace strata::sql {

struct SourcePos {
  uint32_t offset = 0;  // byte offset into the parsed text
  uint32_t line = 0;    // 1-based; 0 for nodes not built by the parser
  uint32_t column = 0;  // 1-based, in code points
  bool operator==(const SourcePos&) const = default;
};

// Source text the parser keeps beside a node. Bookkeeping like Node: compares equal to
// every other SourceText, so it never takes part in `==`.
struct SourceText {
  std::string text;
  friend bool operator==(const SourceText&, const SourceText&) { return true; }
};

// What every node carries besides its meaning. Compares equal to every other Node so
// that defaulted operator== on AST types ignores it.
struct Node {
  SourcePos pos;
  // Height of the subtree (1 for a leaf) as the parser counted it to enforce
  // ParseLimits::max_depth. Set on Expr, Select and TableRef; 0 elsewhere.
  uint32_t height = 0;
  friend bool operator==(const Node&, const Node&) { return true; }
};

// An owning pointer with value semantics: copies deep, compares the pointees (two
// empty boxes are equal). Empty means "absent" (no WHERE clause, no ELSE, ...).
template <typename T>
class Box {
 public:
  Box() = default;
  Box(std::nullptr_t) {}  // NOLINT: implicit, like unique_ptr
  explicit Box(std::unique_ptr<T> p) : p_(std::move(p)) {}
  Box(const Box& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  T* get() const { return p_.get(); }
  T& operator*() const { return *p_; }
  T* operator->() const { return p_.get(); }
  explicit operator bool() const { return p_ != nullptr; }
  std::unique_ptr<T> release() { return std::move(p_); }

  friend bool operator==(const Box& a, const Box& b) {
    if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
    return *a.p_ == *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

template <typename T, typename... Args>
Box<T> make_box(Args&&... args) {
  return Box<T>(std::make_unique<T>(std::forward<Args>(args)...));
}

struct Expr;
struct Select;
struct TableRef;
struct Stmt;
using ExprPtr = Box<Expr>;
using SelectPtr = Box<Select>;
using TableRefPtr = Box<TableRef>;
using StmtPtr = Box<Stmt>;

// [schema.]name
struct QualifiedName {
  std::string schema;  // empty when not written
  std::string name;
  bool operator==(const QualifiedName&) const = default;
};

// ---------------------------------------------------------------------------------
// Expressions

enum class LiteralKind : uint8_t {
  kNull,
  kInteger,  // value: INTEGER
  kReal,     // value: REAL (also integer literals too big for int64)
  kString,   // value: TEXT
  kBlob,     // value: BLOB
  // TRUE and FALSE (value: INTEGER 1 and 0). The parser makes these from the bare,
  // unquoted identifiers true/false. SQLite resolves such a word to a column first if a
  // column of that name is in scope; the binder may do the same.
  kTrue,
  kFalse,
  // CURRENT_TIME, CURRENT_DATE, CURRENT_TIMESTAMP (value: NULL).
  kCurrentTime,
  kCurrentDate,
  kCurrentTimestamp,
};

struct Literal {
  LiteralKind kind = LiteralKind::kNull;
  Value value;
  bool operator==(const Literal&) const = default;
};

// [[schema.]table.]column
struct ColumnRef {
  std::string schema;
  std::string table;
  std::string column;
  bool operator==(const ColumnRef&) const = default;
};

// A bind parameter. `name` is as written: "?", "?3", ":a", "@a", "$a". `index` is the
// 1-based slot the parser assigned, by SQLite's rules (? takes the next free number,
// ?N takes N, a repeated name reuses its number); it is derived, so not compared.
struct Parameter {
  std::string name;
  int index = 0;
  friend bool operator==(const Parameter& a, const Parameter& b) { return a.name == b.name; }
};

enum class UnaryOp : uint8_t { kMinus, kPlus, kBitNot, kNot };

struct Unary {
  UnaryOp op = UnaryOp::kMinus;
  ExprPtr operand;
  bool operator==(const Unary&) const = default;
};

enum class BinaryOp : uint8_t {
  kOr,          // OR
  kAnd,         // AND
  kEq,          // = and ==
  kNe,          // != and <>
  kIs,          // IS, IS NOT DISTINCT FROM
  kIsNot,       // IS NOT, IS DISTINCT FROM
  kLt,          // <
  kLe,          // <=
  kGt,          // >
  kGe,          // >=
  kBitAnd,      // &
  kBitOr,       // |
  kShiftLeft,   // <<
  kShiftRight,  // >>
  kAdd,         // +
  kSub,         // -
  kMul,         // *
  kDiv,         // /
  kMod,         // %
  kConcat,      // ||
};

struct Binary {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr left;
  ExprPtr right;
  bool operator==(const Binary&) const = default;
};

enum class LikeOp : uint8_t { kLike, kGlob, kRegexp, kMatch };

// operand [NOT] LIKE|GLOB|REGEXP|MATCH pattern [ESCAPE escape]
struct Like {
  LikeOp op = LikeOp::kLike;
  bool negated = false;
  ExprPtr operand;
  ExprPtr pattern;
  ExprPtr escape;  // may be empty
  bool operator==(const Like&) const = default;
};

// operand [NOT] BETWEEN low AND high
struct Between {
  bool negated = false;
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool operator==(const Between&) const = default;
};

enum class InKind : uint8_t {
  kList,    // x IN (a, b, ...) — the list may be empty
  kSelect,  // x IN (SELECT ...)
  kTable,   // x IN [schema.]table
};

struct In {
  InKind kind = InKind::kList;
  bool negated = false;
  ExprPtr operand;
  std::vector<ExprPtr> list;  // kList
  SelectPtr select;           // kSelect
  QualifiedName table;        // kTable
  bool operator==(const In&) const = default;
};

// operand ISNULL | operand NOTNULL | operand NOT NULL (negated for the last two).
// `x IS NULL` is Binary{kIs}, not this.
struct IsNull {
  bool negated = false;
  ExprPtr operand;
  bool operator==(const IsNull&) const = default;
};

struct Collate {
  ExprPtr operand;
  std::string collation;
  bool operator==(const Collate&) const = default;
};

// CAST(operand AS type_name). type_name is the type's source text as written
// ("VARCHAR(10)", "DOUBLE PRECISION"); it may be empty (CAST(x AS) is legal SQLite).
struct Cast {
  ExprPtr operand;
  std::string type_name;
  bool operator==(const Cast&) const = default;
};

struct CaseWhen {
  ExprPtr when;
  ExprPtr then;
  bool operator==(const CaseWhen&) const = default;
};

// CASE [base] WHEN .. THEN .. ... [ELSE else_result] END
struct Case {
  ExprPtr base;                 // may be empty
  std::vector<CaseWhen> whens;  // at least one
  ExprPtr else_result;          // may be empty
  bool operator==(const Case&) const = default;
};

// name(args), name(DISTINCT args), name(*). FILTER and OVER are reported unsupported.
// name(DISTINCT) with no arguments parses, as in SQLite; the binder rejects it.
struct FunctionCall {
  std::string name;
  bool distinct = false;
  bool star = false;  // name(*): args is empty
  std::vector<ExprPtr> args;
  bool operator==(const FunctionCall&) const = default;
};

// EXISTS (select). NOT EXISTS is Unary{kNot, Exists}.
struct Exists {
  SelectPtr select;
  bool operator==(const Exists&) const = default;
};

// (select) used as a value.
struct Subquery {
  SelectPtr select;
  bool operator==(const Subquery&) const = default;
};

struct Expr : Node {
  std::variant<Literal, ColumnRef, Parameter, Unary, Binary, Like, Between, In, IsNull, Collate,
               Cast, Case, FunctionCall, Exists, Subquery>
      node;

  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(node);
  }

  bool operator==(const Expr&) const = default;
};

// Builds an expression node (height is left 0: only parsed trees carry heights).
template <typename T>
ExprPtr make_expr(T node, SourcePos pos = {}) {
  auto e = std::make_unique<Expr>();
  e->pos = pos;
  e->node = std::move(node);
  return ExprPtr(std::move(e));
}

// ---------------------------------------------------------------------------------
// SELECT

enum class SortOrder : uint8_t { kDefault, kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

// ORDER BY terms, index columns and PRIMARY KEY / UNIQUE columns. A COLLATE written
// after the expression is part of the expression (a Collate node).
struct OrderingTerm : Node {
  ExprPtr expr;
  SortOrder order = SortOrder::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  bool operator==(const OrderingTerm&) const = default;
};

enum class ResultColumnKind : uint8_t { kExpr, kStar, kTableStar };

// expr [[AS] alias] | * | table.*
struct ResultColumn : Node {
  ResultColumnKind kind = ResultColumnKind::kExpr;
  ExprPtr expr;       // kExpr
  std::string table;  // kTableStar
  std::string alias;  // kExpr; empty when none
  // kExpr: the expression's source text, first token to last, which names the column when
  // there is no alias (SQLite's rule: "SELECT 1+1" has a column "1+1").
  SourceText expr_text;
  bool operator==(const ResultColumn&) const = default;
};

enum class IndexHint : uint8_t { kNone, kIndexedBy, kNotIndexed };

// [schema.]name [[AS] alias] [INDEXED BY index | NOT INDEXED]
struct TableName {
  QualifiedName name;
  // t AS OF GENERATION g (FROM only): the table as retained generation g committed it.
  std::optional<uint64_t> as_of_generation;
  std::string alias;
  IndexHint hint = IndexHint::kNone;
  std::string index;  // kIndexedBy
  bool operator==(const TableName&) const = default;
};

// (select) [[AS] alias]
struct SubqueryTable {
  SelectPtr select;
  std::string alias;
  bool operator==(const SubqueryTable&) const = default;
};

enum class JoinKind : uint8_t {
  kComma,  // a, b
  kInner,  // a JOIN b, a INNER JOIN b
  kCross,  // a CROSS JOIN b
  kLeft,   // a LEFT [OUTER] JOIN b
  kRight,  // a RIGHT [OUTER] JOIN b
  kFull,   // a FULL [OUTER] JOIN b
};

// left [NATURAL] <kind> right [ON on | USING (using_columns)]. Joins nest to the left:
// a JOIN b JOIN c is Join{Join{a, b}, c}; a JOIN (b JOIN c) nests to the right.
struct Join {
  JoinKind kind = JoinKind::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;                              // may be empty
  std::vector<std::string> using_columns;  // empty when no USING
  bool operator==(const Join&) const = default;
};

struct TableRef : Node {
  std::variant<TableName, SubqueryTable, Join> node;
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  bool operator==(const TableRef&) const = default;
};

enum class SelectCoreKind : uint8_t { kSelect, kValues };

// SELECT [DISTINCT|ALL] columns [FROM from] [WHERE where] [GROUP BY group_by] [HAVING
// having], or VALUES (..), (..) (every row has the same number of terms).
struct SelectCore : Node {
  SelectCoreKind kind = SelectCoreKind::kSelect;
  bool distinct = false;
  std::vector<ResultColumn> columns;
  TableRefPtr from;  // may be empty
  ExprPtr where;     // may be empty
  std::vector<ExprPtr> group_by;
  ExprPtr having;                            // may be empty
  std::vector<std::vector<ExprPtr>> values;  // kValues
  bool operator==(const SelectCore&) const = default;
};

enum class CompoundOp : uint8_t { kUnion, kUnionAll, kIntersect, kExcept };

// cores[0] ops[0] cores[1] ops[1] cores[2] ... (left-associative), then ORDER BY and
// LIMIT for the whole. ops.size() == cores.size() - 1. `LIMIT a, b` is stored as
// limit = b, offset = a, as SQLite reads it.
struct Select : Node {
  std::vector<SelectCore> cores;  // at least one
  std::vector<CompoundOp> ops;
  std::vector<OrderingTerm> order_by;
  ExprPtr limit;   // may be empty
  ExprPtr offset;  // may be empty; only with limit
  bool operator==(const Select&) const = default;
};

// ---------------------------------------------------------------------------------
// Statements

enum class ConflictAction : uint8_t { kDefault, kRollback, kAbort, kFail, kIgnore, kReplace };

// REFERENCES table [(columns)]. ON DELETE/UPDATE actions, MATCH and DEFERRABLE clauses
// are accepted and dropped.
struct ForeignKeyRef {
  std::string table;
  std::vector<std::string> columns;
  bool operator==(const ForeignKeyRef&) const = default;
};

enum class ColumnConstraintKind : uint8_t {
  kPrimaryKey,  // order, on_conflict, autoincrement
  kNotNull,     // on_conflict
  kNull,        // on_conflict
  kUnique,      // on_conflict
  kDefault,     // expr: DEFAULT 5 and DEFAULT (5) both give the literal; DEFAULT -5 gives
                // Unary{kMinus, 5}; DEFAULT word gives the string 'word' (TRUE/FALSE: bools)
  kCheck,       // expr
  kCollate,     // collation
  kReferences,  // references
};

struct ColumnConstraint : Node {
  ColumnConstraintKind kind = ColumnConstraintKind::kNotNull;
  std::string name;  // CONSTRAINT name; empty when none
  SortOrder order = SortOrder::kDefault;
  bool autoincrement = false;
  ConflictAction on_conflict = ConflictAction::kDefault;
  ExprPtr expr;
  std::string collation;
  ForeignKeyRef references;
  bool operator==(const ColumnConstraint&) const = default;
};

struct ColumnDef : Node {
  std::string name;
  std::string type_name;  // as written ("VARCHAR(10)"); empty when none
  std::vector<ColumnConstraint> constraints;
  bool operator==(const ColumnDef&) const = default;
};

enum class TableConstraintKind : uint8_t { kPrimaryKey, kUnique, kCheck, kForeignKey };

struct TableConstraint : Node {
  TableConstraintKind kind = TableConstraintKind::kPrimaryKey;
  std::string name;                     // CONSTRAINT name; empty when none
  std::vector<OrderingTerm> columns;    // kPrimaryKey, kUnique
  bool autoincrement = false;           // kPrimaryKey: PRIMARY KEY (a AUTOINCREMENT)
  ExprPtr check;                        // kCheck
  std::vector<std::string> fk_columns;  // kForeignKey: FOREIGN KEY (fk_columns)
  ForeignKeyRef references;             // kForeignKey
  ConflictAction on_conflict = ConflictAction::kDefault;
  bool operator==(const TableConstraint&) const = default;
};

// CREATE [TEMP] TABLE [IF NOT EXISTS] name (columns, constraints) [WITHOUT ROWID] [STRICT]
// or CREATE [TEMP] TABLE [IF NOT EXISTS] name AS select (as_select set, columns empty).
struct CreateTable {
  bool temporary = false;
  bool if_not_exists = false;
  QualifiedName name;
  std::vector<ColumnDef> columns;
  std::vector<TableConstraint> constraints;
  bool without_rowid = false;
  bool strict = false;
  SelectPtr as_select;
  bool operator==(const CreateTable&) const = default;
};

struct DropTable {
  bool if_exists = false;
  QualifiedName name;
  bool operator==(const DropTable&) const = default;
};

// CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (columns) [WHERE where]
struct CreateIndex {
  bool unique = false;
  bool if_not_exists = false;
  QualifiedName name;
  std::string table;
  std::vector<OrderingTerm> columns;
  ExprPtr where;  // partial index; may be empty
  bool operator==(const CreateIndex&) const = default;
};

struct DropIndex {
  bool if_exists = false;
  QualifiedName name;
  bool operator==(const DropIndex&) const = default;
};

// CREATE [TEMP] VIEW [IF NOT EXISTS] name [(columns)] AS select
struct CreateView {
  bool temporary = false;
  bool if_not_exists = false;
  QualifiedName name;
  std::vector<std::string> columns;
  SelectPtr select;
  bool operator==(const CreateView&) const = default;
};

struct DropView {
  bool if_exists = false;
  QualifiedName name;
  bool operator==(const DropView&) const = default;
};

// INSERT [OR action] INTO table [AS alias] [(columns)] select | DEFAULT VALUES.
// VALUES (..), (..) is a Select whose core is kValues. `select` is empty for DEFAULT
// VALUES. REPLACE INTO is or_action = kReplace.
struct Insert {
  ConflictAction or_action = ConflictAction::kDefault;
  QualifiedName table;
  std::string alias;
  std::vector<std::string> columns;
  SelectPtr select;
  bool operator==(const Insert&) const = default;
};

struct Assignment : Node {
  std::string column;
  ExprPtr value;
  bool operator==(const Assignment&) const = default;
};

// UPDATE [OR action] table SET assignments [WHERE where]
struct Update {
  ConflictAction or_action = ConflictAction::kDefault;
  TableName table;
  std::vector<Assignment> assignments;
  ExprPtr where;
  bool operator==(const Update&) const = default;
};

// DELETE FROM table [WHERE where]
struct Delete {
  TableName table;
  ExprPtr where;
  bool operator==(const Delete&) const = default;
};

enum class TransactionKind : uint8_t { kDefault, kDeferred, kImmediate, kExclusive };

struct Begin {
  TransactionKind kind = TransactionKind::kDefault;
  bool operator==(const Begin&) const = default;
};
// COMMIT or END
struct Commit {
  bool operator==(const Commit&) const = default;
};
struct Rollback {
  bool operator==(const Rollback&) const = default;
};

// ANALYZE [[schema.]name]; target.name empty for plain ANALYZE.
struct Analyze {
  QualifiedName target;
  bool operator==(const Analyze&) const = default;
};

enum class PragmaValueKind : uint8_t {
  kNone,    // PRAGMA name
  kName,    // PRAGMA name = word (identifiers and keywords such as ON: value is the word)
  kString,  // PRAGMA name = 'text' (value is the unquoted text)
  kNumber,  // PRAGMA name = -5 (value is the text with its sign: "-5", "+1.5", "0x10")
};

// PRAGMA [schema.]name [= value | (value)]
struct Pragma {
  QualifiedName name;
  bool call_syntax = false;  // written name(value) rather than name = value
  PragmaValueKind value_kind = PragmaValueKind::kNone;
  std::string value;
  bool operator==(const Pragma&) const = default;
};

enum class ExplainMode : uint8_t {
  kExplain,    // EXPLAIN stmt: Strata's plan
  kAnalyze,    // EXPLAIN ANALYZE stmt: run it and report per-operator counts
  kQueryPlan,  // EXPLAIN QUERY PLAN stmt
};

// EXPLAIN ANALYZE is Strata's when a SELECT/VALUES/INSERT/REPLACE/UPDATE/DELETE
// follows; otherwise (EXPLAIN ANALYZE, EXPLAIN ANALYZE t1) it is SQLite's reading:
// EXPLAIN of an ANALYZE statement.
struct Explain {
  ExplainMode mode = ExplainMode::kExplain;
  StmtPtr stmt;  // never an Explain
  bool operator==(const Explain&) const = default;
};

struct Stmt : Node {
  std::variant<Select, Insert, Update, Delete, CreateTable, DropTable, CreateIndex, DropIndex,
               CreateView, DropView, Begin, Commit, Rollback, Analyze, Pragma, Explain>
      node;

  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(node);
  }

  bool operator==(const Stmt&) const = default;
};

// Calls f on each direct operand expression of e (not on SELECTs inside EXISTS,
// IN (SELECT ...) or scalar subqueries), in source order; absent operands are skipped.
void for_each_child(const Expr& e, const std::function<void(const Expr&)>& f);

// Spellings for printing and messages: "+", "IS NOT", "LIKE", "UNION ALL", ...
std::string_view unary_op_name(UnaryOp op);
std::string_view binary_op_name(BinaryOp op);
std::string_view like_op_name(LikeOp op);
std::string_view compound_op_name(CompoundOp op);
std::string_view conflict_action_name(ConflictAction action);  // "" for kDefault
std::string_view join_kind_name(JoinKind kind);                // ",", "JOIN", "LEFT JOIN", ...
// "SELECT", "INSERT", "CREATE TABLE", ... for messages.
std::string_view statement_name(const Stmt& stmt);

}  // namespace strata::sql
