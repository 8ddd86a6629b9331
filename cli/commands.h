// The subcommands of `strata`, each a function from its arguments to an exit status, writing
// to the given streams; apps/strata.cc only parses flags (CLI11) and reads lines (readline).
//
// Exit status: 0 success; 1 a statement failed, the check found a violation, or the
// database could not be read; 2 bad arguments.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/inspect.h"
#include "cli/session.h"
#include "vfs/vfs.h"

namespace strata::cli {

struct ExecArgs {
  std::string path;
  uint32_t page_size = 0;        // for a new database; 0 = the default
  std::vector<std::string> sql;  // run these; empty: read standard input line by line
  SessionOptions session;
};

// `strata exec`: runs the SQL (and dot-commands) of the arguments, else of `in`, each
// statement as soon as it is complete. Creates the database if it does not exist.
int run_exec(vfs::Vfs* vfs, const ExecArgs& args, std::FILE* in, std::FILE* out, std::FILE* err);

// `strata shell` reading a script rather than a terminal: like exec on `in`, but each line
// is echoed after its prompt ("strata> " or "   ...> "), so the output reads as the session
// would on a terminal.
int run_shell_script(vfs::Vfs* vfs, const ExecArgs& args, std::FILE* in, std::FILE* out,
                     std::FILE* err);

// `strata explain` / `strata explain-analyze`: the plan of one SELECT, one line per operator.
int run_explain(vfs::Vfs* vfs, const std::string& path, const std::string& sql, bool analyze,
                std::FILE* out, std::FILE* err);

int run_inspect(vfs::Vfs* vfs, const std::string& path, const InspectRequest& request,
                std::FILE* out, std::FILE* err);
int run_stats(vfs::Vfs* vfs, const std::string& path, bool json, std::FILE* out, std::FILE* err);
int run_check(vfs::Vfs* vfs, const std::string& path, bool json, std::FILE* out, std::FILE* err);

// Opens (creating if missing, with page_size unless 0) the database of a session; on failure
// prints the error.
std::unique_ptr<query::Database> open_for_session(vfs::Vfs* vfs, const std::string& path,
                                                  uint32_t page_size, std::FILE* err);

inline constexpr char kPrompt[] = "strata> ";
inline constexpr char kContinuationPrompt[] = "   ...> ";

}  // namespace strata::cli
