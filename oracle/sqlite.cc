#include "oracle/sqlite.h"

#include <sqlite3.h>

#include <string>

namespace strata::oracle {

Result<std::unique_ptr<Sqlite>> Sqlite::open(const std::string& path) {
  sqlite3* db = nullptr;
  std::string name = path.empty() ? ":memory:" : path;
  int rc = sqlite3_open_v2(name.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::io_error("sqlite3_open " + name + ": " + message);
  }
  return std::unique_ptr<Sqlite>(new Sqlite(db));
}

Sqlite::~Sqlite() { sqlite3_close(db_); }

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

StatusCode status_code(int rc, const std::string& message) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return StatusCode::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kBusy;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return StatusCode::kIOError;
    case SQLITE_FULL:
      return StatusCode::kNoSpace;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    case SQLITE_READONLY:
      return StatusCode::kReadOnly;
    default:
      return message.find("syntax error") != std::string::npos ? StatusCode::kSyntax
                                                               : StatusCode::kInvalidArgument;
  }
}

}  // namespace

SqlResult Sqlite::failure(int rc) const {
  std::string message = sqlite3_errmsg(db_);
  return SqlResult::failure(status_code(rc, message), message);
}

SqlResult Sqlite::execute(std::string_view sql, std::span<const Value> params) {
  int64_t changes_before = sqlite3_total_changes64(db_);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return failure(rc);
  }
  SqlResult out;
  if (stmt == nullptr) return out;  // only blanks and comments
  for (size_t i = 0; i < params.size(); ++i) {
    rc = bind_value(stmt, static_cast<int>(i) + 1, params[i]);
    if (rc != SQLITE_OK) {
      SqlResult failed = failure(rc);
      sqlite3_finalize(stmt);
      return failed;
    }
  }
  int columns = sqlite3_column_count(stmt);
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    out.column_names.emplace_back(name != nullptr ? name : "");
  }
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    row.reserve(static_cast<size_t>(columns));
    for (int i = 0; i < columns; ++i) row.push_back(column_value(stmt, i));
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    SqlResult failed = failure(rc);
    failed.during_execution = true;
    failed.column_names = std::move(out.column_names);
    failed.rows = std::move(out.rows);
    sqlite3_finalize(stmt);
    return failed;
  }
  sqlite3_finalize(stmt);
  out.changes = sqlite3_total_changes64(db_) - changes_before;
  return out;
}

SqlResult Sqlite::execute_script(std::string_view sql) {
  int64_t changes_before = sqlite3_total_changes64(db_);
  std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return failure(rc);
  SqlResult out;
  out.changes = sqlite3_total_changes64(db_) - changes_before;
  return out;
}

}  // namespace strata::oracle
