#include "cli/commands.h"

#include "engine/sql/parser.h"

namespace strata::cli {

namespace {

// Reads one line of `in` without its terminator; false at the end of input.
bool read_line(std::FILE* in, std::string* line) {
  line->clear();
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    *line += static_cast<char>(c);
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return any;
}

void print_error(std::FILE* err, const std::string& message) {
  std::fprintf(err, "Error: %s\n", message.c_str());
  std::fflush(err);
}

}  // namespace

std::unique_ptr<query::Database> open_for_session(vfs::Vfs* vfs, const std::string& path,
                                                  uint32_t page_size, std::FILE* err) {
  query::DatabaseOptions options;
  if (page_size != 0) options.store.page_size = page_size;
  Result<std::unique_ptr<query::Database>> db = query::Database::open(vfs, path, options);
  if (!db.ok()) {
    print_error(err, "unable to open database \"" + path + "\": " + db.status().to_string());
    return nullptr;
  }
  return std::move(db).value();
}

int run_exec(vfs::Vfs* vfs, const ExecArgs& args, std::FILE* in, std::FILE* out, std::FILE* err) {
  std::unique_ptr<query::Database> db = open_for_session(vfs, args.path, args.page_size, err);
  if (!db) return 1;
  Session session(db.get(), vfs, out, err, args.session);
  if (!args.sql.empty()) {
    for (const std::string& text : args.sql) {
      if (!session.run_text(text)) break;
    }
  } else {
    std::string line;
    while (read_line(in, &line)) {
      if (!session.feed_line(line)) break;
    }
    session.finish();
  }
  std::fflush(out);
  return session.errors() > 0 ? 1 : 0;
}

int run_shell_script(vfs::Vfs* vfs, const ExecArgs& args, std::FILE* in, std::FILE* out,
                     std::FILE* err) {
  std::unique_ptr<query::Database> db = open_for_session(vfs, args.path, args.page_size, err);
  if (!db) return 1;
  Session session(db.get(), vfs, out, err, args.session);
  std::string line;
  while (true) {
    std::fputs(session.pending() ? kContinuationPrompt : kPrompt, out);
    if (!read_line(in, &line)) {
      std::fputs("\n", out);
      break;
    }
    std::fprintf(out, "%s\n", line.c_str());
    std::fflush(out);
    if (!session.feed_line(line)) break;
  }
  session.finish();
  std::fflush(out);
  return session.errors() > 0 ? 1 : 0;
}

int run_explain(vfs::Vfs* vfs, const std::string& path, const std::string& sql, bool analyze,
                std::FILE* out, std::FILE* err) {
  query::DatabaseOptions options;
  options.store.create_if_missing = false;
  Result<std::unique_ptr<query::Database>> db = query::Database::open(vfs, path, options);
  if (!db.ok()) {
    print_error(err, "unable to open database \"" + path + "\": " + db.status().to_string());
    return 1;
  }
  std::string prefix = analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ";
  Result<std::unique_ptr<query::Statement>> stmt = (*db)->prepare(prefix + sql);
  Status failed = stmt.status_or_ok();
  std::string plan;
  while (failed.is_ok()) {
    Result<bool> has_row = (*stmt)->step();
    if (!has_row.ok()) {
      failed = has_row.status();
      break;
    }
    if (!*has_row) break;
    const Value& line = (*stmt)->column(0);
    if (line.type() == ValueType::kText) plan += line.as_text() + "\n";
  }
  if (!failed.is_ok()) {
    // Positions count in the SQL as given, without the EXPLAIN prefix.
    std::fprintf(err, "Error: %s\n",
                 describe_error(failed, 1, 1 - static_cast<int64_t>(prefix.size())).c_str());
    return 1;
  }
  std::fputs(plan.c_str(), out);
  return 0;
}

int run_inspect(vfs::Vfs* vfs, const std::string& path, const InspectRequest& request,
                std::FILE* out, std::FILE* err) {
  Result<std::vector<Record>> records = inspect(vfs, path, request);
  if (!records.ok()) {
    print_error(err, records.status().to_string());
    return 1;
  }
  std::string text = request.json ? render_json(*records) : render_lines(*records);
  std::fwrite(text.data(), 1, text.size(), out);
  return 0;
}

int run_stats(vfs::Vfs* vfs, const std::string& path, bool json, std::FILE* out, std::FILE* err) {
  Result<Record> stats = database_stats(vfs, path);
  if (!stats.ok()) {
    print_error(err, stats.status().to_string());
    return 1;
  }
  std::string text;
  if (json) {
    text = stats->dump(2) + "\n";
  } else {
    for (const auto& [key, value] : stats->items()) text += key + "=" + render_value(value) + "\n";
  }
  std::fwrite(text.data(), 1, text.size(), out);
  return 0;
}

int run_check(vfs::Vfs* vfs, const std::string& path, bool json, std::FILE* out, std::FILE* err) {
  bool clean = false;
  Result<std::string> report = check_report(vfs, path, json, &clean);
  if (!report.ok()) {
    print_error(err, report.status().to_string());
    return 1;
  }
  std::fwrite(report->data(), 1, report->size(), out);
  return clean ? 0 : 1;
}

}  // namespace strata::cli
