#include "lab/run.h"

#include <xxhash.h>

#include <cstring>

namespace strata::lab {

namespace {

void append_value(std::string* out, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      *out += "n";
      break;
    case ValueType::kInteger:
      *out += "i" + std::to_string(v.as_integer());
      break;
    case ValueType::kReal: {
      uint64_t bits = 0;
      double d = v.as_real();
      std::memcpy(&bits, &d, sizeof bits);
      *out += "r" + std::to_string(bits);
      break;
    }
    case ValueType::kText:
      *out += "t" + std::to_string(v.as_text().size()) + ":" + v.as_text();
      break;
    case ValueType::kBlob:
      *out += "b" + std::to_string(v.as_blob().size()) + ":" + v.as_blob();
      break;
  }
  *out += '|';
}

std::string quote_name(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

}  // namespace

uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

bool is_fatal(StatusCode code) {
  switch (code) {
    case StatusCode::kIOError:
    case StatusCode::kNoSpace:
    case StatusCode::kCrashed:
    case StatusCode::kPoisoned:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return true;
    default:
      return false;
  }
}

Result<std::string> dump_database(query::Database* db) {
  std::string out;
  // Names first: a statement may reload the catalog (another generation), which ends the
  // life of every TableDef pointer taken before it (found by the model checker: a crash).
  std::vector<std::string> names;
  for (const query::TableDef* table : db->catalog().tables()) names.push_back(table->name);
  for (const std::string& name : names) {
    const query::TableDef* table = db->catalog().table(name);
    if (table == nullptr) return Status::internal("table " + name + " left the catalog");
    out += "table " + table->name + ": " + table->sql + "\n";
    for (const query::IndexDef* index : db->catalog().indexes_of(*table)) {
      out += "index " + index->name + (index->unique ? " unique" : "") + ": " + index->sql + "\n";
    }
    Status s = db->execute("SELECT rowid, * FROM " + quote_name(name) + " ORDER BY rowid",
                           [&](const query::Statement& row) {
                             for (const Value& v : row.row()) append_value(&out, v);
                             out += '\n';
                           });
    if (!s.is_ok()) return s.with_context("dumping table " + name);
  }
  return out;
}

RunResult run_workload(faults::FaultVfs* vfs, const std::string& path, const Workload& workload,
                       const RunOptions& options) {
  RunResult result;
  query::DatabaseOptions db_options;
  db_options.store.page_size = options.page_size;
  db_options.store.protocol_bug = options.protocol_bug;
  db_options.store.commit_protocol = options.commit_protocol;
  db_options.store.cache_bytes = options.cache_bytes;
  auto opened = query::Database::open(vfs, path, db_options);
  if (!opened.ok()) {
    result.stopped = opened.status();
    return result;
  }
  std::unique_ptr<query::Database> db = std::move(*opened);
  uint64_t generation = db->store()->meta().generation;
  vfs->mark("ack " + std::to_string(generation));
  auto record_version = [&](size_t statement) -> Status {
    if (!options.record_versions) return Status::ok();
    STRATA_ASSIGN(std::string dump, dump_database(db.get()));
    Version v;
    v.generation = generation;
    v.hash = hash_bytes(dump);
    v.dump = std::move(dump);
    v.statement = statement;
    result.versions.push_back(std::move(v));
    return Status::ok();
  };
  if (Status s = record_version(SIZE_MAX); !s.is_ok()) {
    result.stopped = s;
    return result;
  }
  size_t n = std::min(options.statement_limit, workload.statements.size());
  for (size_t i = 0; i < n; ++i) {
    StatementOutcome outcome;
    std::string rows;
    bool any_rows = false;
    Status s = db->execute(workload.statements[i], [&](const query::Statement& row) {
      any_rows = true;
      for (const Value& v : row.row()) append_value(&rows, v);
      rows += '\n';
    });
    outcome.code = s.code();
    if (!s.is_ok()) outcome.error = s.to_string();
    outcome.rows_hash = any_rows ? hash_bytes(rows) : 0;
    uint64_t now = db->store()->meta().generation;
    outcome.generation = now;
    result.outcomes.push_back(std::move(outcome));
    if (now != generation) {
      generation = now;
      vfs->mark("ack " + std::to_string(generation));
      if (Status d = record_version(i); !d.is_ok()) {
        result.stopped = d;
        return result;
      }
    }
    if (!s.is_ok() && is_fatal(s.code())) {
      result.stopped = s;
      return result;
    }
  }
  return result;
}

}  // namespace strata::lab
