#include "tests/support/sqlite_oracle.h"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace strata::test {

SqliteOracle::SqliteOracle() {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) {
    std::fprintf(stderr, "SqliteOracle: cannot open an in-memory database: %s\n",
                 db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    std::abort();
  }
}

SqliteOracle::~SqliteOracle() { sqlite3_close(db_); }

namespace {

Value column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value::integer(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return Value::real(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return Value::text(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      int n = sqlite3_column_bytes(stmt, i);
      return Value::blob(n == 0 ? std::string() : std::string(p, static_cast<size_t>(n)));
    }
    default:
      return Value::null();
  }
}

int bind_value(sqlite3_stmt* stmt, int i, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return sqlite3_bind_null(stmt, i);
    case ValueType::kInteger:
      return sqlite3_bind_int64(stmt, i, v.as_integer());
    case ValueType::kReal:
      return sqlite3_bind_double(stmt, i, v.as_real());
    case ValueType::kText:
      return sqlite3_bind_text64(stmt, i, v.as_text().data(), v.as_text().size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    case ValueType::kBlob:
      return sqlite3_bind_blob64(stmt, i, v.as_blob().data(), v.as_blob().size(), SQLITE_TRANSIENT);
  }
  return SQLITE_MISUSE;
}

}  // namespace

SqlOutcome SqliteOracle::run(std::string_view sql, std::span<const Value> params) {
  SqlOutcome out;
  sqlite3_stmt* stmt = nullptr;
  int64_t changes_before = sqlite3_total_changes64(db_);
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    out.ok = false;
    out.error = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
  }
  if (stmt == nullptr) return out;  // only whitespace or comments
  for (size_t i = 0; i < params.size(); ++i) {
    if (bind_value(stmt, static_cast<int>(i) + 1, params[i]) != SQLITE_OK) {
      out.ok = false;
      out.error = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      return out;
    }
  }
  out.columns = sqlite3_column_count(stmt);
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    row.reserve(static_cast<size_t>(out.columns));
    for (int i = 0; i < out.columns; ++i) row.push_back(column_value(stmt, i));
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    out.ok = false;
    out.error = sqlite3_errmsg(db_);
    out.rows.clear();
  }
  sqlite3_finalize(stmt);
  out.changes = sqlite3_total_changes64(db_) - changes_before;
  return out;
}

bool same_value(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kNull:
      return true;
    case ValueType::kInteger:
      return a.as_integer() == b.as_integer();
    case ValueType::kReal:
      return std::bit_cast<uint64_t>(a.as_real()) == std::bit_cast<uint64_t>(b.as_real());
    case ValueType::kText:
      return a.as_text() == b.as_text();
    case ValueType::kBlob:
      return a.as_blob() == b.as_blob();
  }
  return false;
}

bool equal_value(const Value& a, const Value& b) { return Value::compare(a, b) == 0; }

std::string describe_value(const Value& v) {
  static const char* kHex = "0123456789abcdef";
  switch (v.type()) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return "INTEGER " + std::to_string(v.as_integer());
    case ValueType::kReal: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_real());
      return "REAL " + std::string(buf, r.ptr);
    }
    case ValueType::kText: {
      std::string out = "TEXT '";
      for (unsigned char c : v.as_text()) {
        if (c == '\'') {
          out += "''";
        } else if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
      }
      return out + "'";
    }
    case ValueType::kBlob: {
      std::string out = "BLOB x'";
      for (unsigned char c : v.as_blob()) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out + "'";
    }
  }
  return "?";
}

std::string describe_row(const Row& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += " | ";
    out += describe_value(row[i]);
  }
  return out;
}

std::string describe_outcome(const SqlOutcome& o, size_t max_rows) {
  if (!o.ok) return std::string(o.unsupported ? "unsupported: " : "error: ") + o.error;
  std::string out = "ok, " + std::to_string(o.rows.size()) + " row(s) of " +
                    std::to_string(o.columns) + " column(s), " + std::to_string(o.changes) +
                    " change(s)";
  for (size_t i = 0; i < o.rows.size() && i < max_rows; ++i) {
    out += "\n    " + describe_row(o.rows[i]);
  }
  if (o.rows.size() > max_rows) out += "\n    ...";
  return out;
}

namespace {

bool same_row(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!same_value(a[i], b[i])) return false;
  }
  return true;
}

bool equal_row(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!equal_value(a[i], b[i])) return false;
  }
  return true;
}

// A total order on identities: SQLite's order, then storage class, then bits.
int identity_compare(const Value& a, const Value& b) {
  int c = Value::compare(a, b);
  if (c != 0) return c;
  if (a.type() != b.type()) return a.type() < b.type() ? -1 : 1;
  if (a.type() == ValueType::kReal) {
    uint64_t x = std::bit_cast<uint64_t>(a.as_real()), y = std::bit_cast<uint64_t>(b.as_real());
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// SQLite's order on whole rows first, identities only among rows that compare equal, so that
// rows equal in SQLite's eyes (1 and 1.0, 0.0 and -0.0) sort next to each other.
bool identity_less(const Row& a, const Row& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = Value::compare(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  if (a.size() != b.size()) return a.size() < b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    int c = identity_compare(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return false;
}

std::vector<Row> sorted(std::vector<Row> rows) {
  std::sort(rows.begin(), rows.end(), identity_less);
  return rows;
}

std::string row_difference(size_t index, const Row& expected, const Row& actual) {
  return "row " + std::to_string(index) + ": sqlite " + describe_row(expected) + ", strata " +
         describe_row(actual);
}

// Rows [begin, end) as multisets: identical, or (loose) equal pairwise after sorting.
std::string compare_slices(const std::vector<Row>& expected, const std::vector<Row>& actual,
                           size_t begin, size_t end, bool loose) {
  std::vector<Row> e = sorted({expected.begin() + static_cast<std::ptrdiff_t>(begin),
                               expected.begin() + static_cast<std::ptrdiff_t>(end)});
  std::vector<Row> a = sorted({actual.begin() + static_cast<std::ptrdiff_t>(begin),
                               actual.begin() + static_cast<std::ptrdiff_t>(end)});
  for (size_t i = 0; i < e.size(); ++i) {
    if (loose ? !equal_row(e[i], a[i]) : !same_row(e[i], a[i])) {
      return "(sorted) " + row_difference(begin + i, e[i], a[i]);
    }
  }
  return "";
}

}  // namespace

std::string compare_outcomes(const SqlOutcome& expected, const SqlOutcome& actual,
                             const CompareOptions& options) {
  if (expected.ok != actual.ok) {
    return expected.ok ? "sqlite succeeds, strata fails" : "sqlite fails, strata succeeds";
  }
  if (!expected.ok) return "";
  if (expected.columns != actual.columns) {
    return "column count: sqlite " + std::to_string(expected.columns) + ", strata " +
           std::to_string(actual.columns);
  }
  if (expected.rows.size() != actual.rows.size()) {
    return "row count: sqlite " + std::to_string(expected.rows.size()) + ", strata " +
           std::to_string(actual.rows.size());
  }
  for (size_t i = 0; i < actual.rows.size(); ++i) {
    if (actual.rows[i].size() != static_cast<size_t>(actual.columns)) {
      return "strata row " + std::to_string(i) + " has " + std::to_string(actual.rows[i].size()) +
             " values";
    }
  }
  if (options.compare_changes && expected.changes != actual.changes) {
    return "changes: sqlite " + std::to_string(expected.changes) + ", strata " +
           std::to_string(actual.changes);
  }
  const auto& e = expected.rows;
  const auto& a = actual.rows;
  if (!options.ordered) {
    // DISTINCT may keep either of two equal rows; which one is checked by the caller.
    return compare_slices(e, a, 0, e.size(), options.distinct);
  }
  // Ordered: runs of tied rows in SQLite's output must be the same multiset in Strata's.
  for (size_t begin = 0; begin < e.size();) {
    size_t end = begin + 1;
    while (end < e.size() && equal_row(e[end], e[begin])) ++end;
    for (size_t i = begin; i < end; ++i) {
      if (!equal_row(a[i], e[begin])) return "order differs at " + row_difference(i, e[i], a[i]);
    }
    bool cut = options.limited && (begin == 0 || end == e.size());
    std::string diff = compare_slices(e, a, begin, end, options.distinct || cut);
    if (!diff.empty()) return diff;
    begin = end;
  }
  return "";
}

}  // namespace strata::test
