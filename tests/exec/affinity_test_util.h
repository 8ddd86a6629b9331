// Helpers for the affinity tests: declared type names, and an oracle that runs
// every comparison between two values held by operands of every affinity
// (columns of each declared type, and parameters without affinity) in SQLite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "tests/exec/exec_test_util.h"

namespace strata::exec_test {

inline std::vector<std::string> declared_type_names() {
  return {"INTEGER",
          "INT",
          "int8",
          "BIGINT",
          "UNSIGNED BIG INT",
          "CHARACTER(20)",
          "VARCHAR(255)",
          "NCHAR(55)",
          "TEXT",
          "CLOB",
          "BLOB",
          "REAL",
          "DOUBLE",
          "DOUBLE PRECISION",
          "FLOAT",
          "NUMERIC",
          "DECIMAL(10,5)",
          "BOOLEAN",
          "DATE",
          "DATETIME",
          "STRING",
          "FLOATING POINT",
          "TEXTBLOB",
          "BLOBTEXT",
          "REALBLOB",
          "BLOBREAL",
          "CHARINT",
          "INTCHAR",
          "FLOAT CHAR",
          "DOUBLEINT",
          "point",
          "Blob",
          "tExT",
          "xyzzy",
          "BLOBBLOB",
          "ANY",
          "DOUB",
          "FLOA"};
}

// One comparison operand: a column of a declared type, or a parameter.
struct Operand {
  std::string column;  // "" for the parameter
  exec::Affinity affinity;
  bool declared;
};

inline std::vector<Operand> comparison_operands() {
  using exec::Affinity;
  return {{"a", Affinity::kInteger, true}, {"b", Affinity::kText, true},
          {"c", Affinity::kReal, true},    {"d", Affinity::kNumeric, true},
          {"e", Affinity::kNone, true},    {"", Affinity::kNone, false}};
}

// Puts `left` in every column of table l and `right` in every column of table r,
// then compares every left operand with every right operand with < and = in
// one SELECT, and checks each against compare_with_affinity on the stored values.
class ComparisonOracle {
 public:
  explicit ComparisonOracle(Sqlite& db) : db_(db), operands_(comparison_operands()) {
    db_.exec("CREATE TABLE l(a INTEGER, b TEXT, c REAL, d NUMERIC, e BLOB)");
    db_.exec("CREATE TABLE r(a INTEGER, b TEXT, c REAL, d NUMERIC, e BLOB)");
    select_ = "SELECT ";
    bool first = true;
    for (const Operand& x : operands_) {
      for (const Operand& y : operands_) {
        std::string lhs = x.column.empty() ? "?1" : "l." + x.column;
        std::string rhs = y.column.empty() ? "?2" : "r." + y.column;
        select_ += std::string(first ? "" : ", ") + lhs + " < " + rhs + ", " + lhs + " = " + rhs;
        first = false;
      }
    }
    select_ += " FROM l, r";
  }

  std::vector<std::string> mismatches(const Value& left, const Value& right) {
    std::vector<std::string> out;
    db_.exec("DELETE FROM l; DELETE FROM r");
    std::vector<Value> left_args{left}, right_args{right}, both{left, right};
    db_.rows("INSERT INTO l VALUES(?1, ?1, ?1, ?1, ?1)", left_args);
    db_.rows("INSERT INTO r VALUES(?1, ?1, ?1, ?1, ?1)", right_args);
    auto rows = db_.rows(select_, both);
    if (rows.size() != 1) return {"comparison query returned no row"};
    size_t column = 0;
    for (const Operand& x : operands_) {
      for (const Operand& y : operands_) {
        Value a = x.declared ? exec::apply_affinity(left, x.affinity) : left;
        Value b = y.declared ? exec::apply_affinity(right, y.affinity) : right;
        std::optional<int> c =
            exec::compare_with_affinity(a, exec::OperandAffinity{x.affinity, x.declared}, b,
                                        exec::OperandAffinity{y.affinity, y.declared});
        Value want_less = rows[0][column++];
        Value want_equal = rows[0][column++];
        Value got_less = c ? Value::integer(*c < 0 ? 1 : 0) : Value::null();
        Value got_equal = c ? Value::integer(*c == 0 ? 1 : 0) : Value::null();
        std::string where = (x.column.empty() ? "?1" : "l." + x.column) + " vs " +
                            (y.column.empty() ? "?2" : "r." + y.column) + " holding " +
                            describe(a) + " and " + describe(b) + " (stored from " +
                            describe(left) + ", " + describe(right) + ")";
        if (!same_value(want_less, got_less) || !same_value(want_equal, got_equal)) {
          out.push_back(where + ": sqlite < gives " + describe(want_less) + " and = gives " +
                        describe(want_equal) + "; strata " + describe(got_less) + " and " +
                        describe(got_equal));
        }
        // The plain-affinity overload treats kNone as "no affinity"; it is exact
        // except for a TEXT operand against a BLOB-affinity column.
        bool text_vs_blob_column = (x.affinity == exec::Affinity::kText && y.declared &&
                                    y.affinity == exec::Affinity::kNone) ||
                                   (y.affinity == exec::Affinity::kText && x.declared &&
                                    x.affinity == exec::Affinity::kNone);
        if (!text_vs_blob_column) {
          std::optional<int> plain = exec::compare_with_affinity(a, x.affinity, b, y.affinity);
          if (plain.has_value() != c.has_value() || (plain && *plain != *c)) {
            out.push_back(where + ": the plain-affinity overload disagrees");
          }
        }
      }
    }
    return out;
  }

 private:
  Sqlite& db_;
  std::vector<Operand> operands_;
  std::string select_;
};

}  // namespace strata::exec_test
