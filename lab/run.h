// Running a workload on the engine over a FaultVfs, as an application would: one statement at a
// time, giving up at the first I/O-level error (the engine is then poisoned or crashed).
//
// After every statement that committed (the store's generation moved), the runner notes
// "ack G" in the op log — the application now holds commit G as durable, which the
// prediction must honour whatever the engine wrote — and, when asked, dumps the database: the
// dump is version G, what any later recovery that lands on G must show exactly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/query/database.h"
#include "faults/fault_vfs.h"
#include "lab/workload.h"

namespace strata::lab {

struct RunOptions {
  uint32_t page_size = 4096;
  ProtocolBug protocol_bug = ProtocolBug::kNone;
  CommitProtocol commit_protocol = CommitProtocol::kOneSync;
  bool record_versions = true;
  // A small page cache makes the engine read pages back during the workload, so read faults
  // have reads to hit (the crash states do not depend on it).
  size_t cache_bytes = 16 * 4096;
  size_t statement_limit = SIZE_MAX;  // run only the first N statements (shrinking)
};

struct StatementOutcome {
  StatusCode code = StatusCode::kOk;
  std::string error;
  uint64_t rows_hash = 0;  // of the result rows (0 when none)
  uint64_t generation = 0; // the store's generation after the statement
};

// The content of one committed version.
struct Version {
  uint64_t generation = 0;
  uint64_t hash = 0;
  std::string dump;
  size_t statement = 0;  // index of the statement that committed it (SIZE_MAX: creation)
};

struct RunResult {
  std::vector<StatementOutcome> outcomes;  // one per statement executed
  std::vector<Version> versions;           // in commit order
  Status stopped;                          // the I/O-level error that ended the run, if any
};

// Codes that end a run: the database cannot go on (I/O errors, crash, poison, corruption).
bool is_fatal(StatusCode code);

RunResult run_workload(faults::FaultVfs* vfs, const std::string& path, const Workload& workload,
                       const RunOptions& options);

// Canonical text of a database's committed contents: every table's schema and rows (by rowid,
// values with their exact types), every index's definition.
Result<std::string> dump_database(query::Database* db);
uint64_t hash_bytes(std::string_view bytes);

}  // namespace strata::lab
