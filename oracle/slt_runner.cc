#include "oracle/slt_runner.h"

#include <fmt/core.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace strata::oracle {

double SltFileResult::pass_rate() const {
  int ran = passed + failed;
  return ran == 0 ? 1.0 : static_cast<double>(passed) / ran;
}

namespace {

constexpr int kDefaultHashThreshold = 8;  // the reference's DEFAULT_HASH_THRESHOLD
constexpr size_t kMaxLabel = 20;

struct LabelEntry {
  std::string hash;
  int line;
};

class ScriptRun {
 public:
  ScriptRun(const SltOptions& options, SltFileResult* result) : options_(options), result_(result) {
    threshold_ = options.hash_threshold.value_or(kDefaultHashThreshold);
  }

  void run(std::string_view text) {
    Status opened = open();
    if (!opened.is_ok()) {
      result_->runner_errors.push_back("0: " + opened.to_string());
      return;
    }
    for (const SltRecord& record : parse_slt(text)) {
      if (!run_record(record)) break;
    }
  }

 private:
  Status open() {
    if (!options_.database_path.empty()) {
      std::error_code ec;
      std::filesystem::remove(options_.database_path, ec);
    }
    STRATA_ASSIGN(runner_, open_runner(options_.engine, options_.database_path));
    STRATA_ASSIGN(printer_, SltPrinter::open());
    return Status::ok();
  }

  void runner_error(int line, const std::string& message) {
    result_->runner_errors.push_back(fmt::format("{}: {}", line, message));
  }

  bool skipped(const SltRecord& record) const {
    bool skip = false;
    for (const SltCondition& c : record.conditions) {
      bool match = c.engine.size() == options_.answers_to.size() &&
                   strncasecmp(c.engine.data(), options_.answers_to.data(), c.engine.size()) == 0;
      if (c.skip_if ? match : !match) skip = true;
    }
    return skip;
  }

  // False when the script ends here.
  bool run_record(const SltRecord& record) {
    bool skip = skipped(record);
    bool sql_record =
        record.kind == SltRecordKind::kStatement || record.kind == SltRecordKind::kQuery;
    if (skip) {
      if (sql_record) skip_record(record);
      return true;
    }
    switch (record.kind) {
      case SltRecordKind::kStatement:
        run_statement(record);
        return true;
      case SltRecordKind::kQuery:
        return run_query(record);
      case SltRecordKind::kHashThreshold:
        if (!options_.hash_threshold) threshold_ = std::atoi(std::string(record.token(1)).c_str());
        return true;
      case SltRecordKind::kHalt:
        result_->halt_line = record.line;
        return false;
      case SltRecordKind::kUnknown:
        runner_error(record.line, fmt::format("unknown record type: '{}'", record.token(0)));
        return false;
    }
    return true;
  }

  SltRecordResult start(const SltRecord& record) {
    SltRecordResult r;
    r.line = record.line;
    r.command = record.command();
    r.sql = record.sql;
    return r;
  }

  void finish(SltRecordResult r) {
    switch (r.outcome) {
      case SltOutcome::kPassed:
        ++result_->passed;
        break;
      case SltOutcome::kFailed:
        ++result_->failed;
        break;
      case SltOutcome::kSkipped:
        ++result_->skipped;
        break;
    }
    result_->records.push_back(std::move(r));
  }

  void fail(SltRecordResult* r, const std::string& reason) {
    r->outcome = SltOutcome::kFailed;
    if (!r->reason.empty()) r->reason += "; ";
    r->reason += reason;
  }

  static std::string label_of(const SltRecord& record) {
    return std::string(record.token(3).substr(0, kMaxLabel));
  }

  // Records the hash of a labeled result, or checks it against the label's first one.
  void check_label(const SltRecord& record, const std::string& hash, SltRecordResult* r) {
    std::string label = label_of(record);
    auto [it, inserted] = labels_.emplace(label, LabelEntry{hash, record.line});
    if (!inserted && it->second.hash != hash) {
      fail(r,
           fmt::format("labeled result [{}] does not agree with line {}", label, it->second.line));
    }
  }

  void skip_record(const SltRecord& record) {
    SltRecordResult r = start(record);
    r.outcome = SltOutcome::kSkipped;
    if (record.kind == SltRecordKind::kQuery && !label_of(record).empty() &&
        !record.expected.empty()) {
      // The reference checks a skipped labeled query's recorded values against the label.
      std::string hash;
      if (record.expected[0].find(" values hashing to ") != std::string::npos) {
        hash = record.expected[0].substr(record.expected[0].rfind(' ') + 1);
      } else {
        Result<std::string> line = slt_hash(record.expected);
        if (line.ok()) hash = line->substr(line->rfind(' ') + 1);
      }
      check_label(record, hash, &r);
    }
    finish(std::move(r));
  }

  void run_statement(const SltRecord& record) {
    std::string_view expect = record.token(1);
    if (expect != "ok" && expect != "error") {
      runner_error(record.line, "statement argument should be 'ok' or 'error'");
      return;
    }
    SltRecordResult r = start(record);
    SqlResult result = runner_->execute_script(record.sql);
    if (expect == "ok" && !result.ok) {
      fail(&r, "statement failed: " + result.error);
    } else if (expect == "error" && result.ok) {
      fail(&r, "statement succeeded, expected an error");
    } else if (expect == "error" && result.unsupported()) {
      // Refusing what it does not implement is not the error the script expects.
      fail(&r, "expected an error, got " + result.error);
    }
    finish(std::move(r));
  }

  // False when the script ends here.
  bool run_query(const SltRecord& record) {
    std::string types(record.token(1));
    if (types.empty()) {
      runner_error(record.line, "missing type string");
      return false;
    }
    for (char c : types) {
      if (c != 'T' && c != 'I' && c != 'R') {
        runner_error(record.line, fmt::format("unknown type character '{}' in type string", c));
        return true;
      }
    }
    std::string_view sort = record.token(2);
    if (!sort.empty() && sort != "nosort" && sort != "rowsort" && sort != "valuesort") {
      runner_error(record.line, fmt::format("unknown sort method: '{}'", sort));
    }
    SltRecordResult r = start(record);
    SqlResult result = runner_->execute(record.sql);
    if (!result.ok && result.during_execution) {
      // As the reference: sqlite3_step() failing ends the rows, and the query stands with
      // the rows it produced before the error.
      result.ok = true;
    }
    if (!result.ok) {
      fail(&r, "query failed: " + result.error);
      r.expected = record.expected;
      finish(std::move(r));
      return true;
    }
    if (result.column_count() != static_cast<int>(types.size())) {
      fail(&r, fmt::format("wrong number of result columns: expected {} but got {}", types.size(),
                           result.column_count()));
      r.expected = record.expected;
      finish(std::move(r));
      return true;
    }
    std::vector<std::string> values;
    for (const Row& row : result.rows) {
      for (size_t i = 0; i < types.size(); ++i) values.push_back(printer_->print(row[i], types[i]));
    }
    if (sort == "rowsort") {
      std::vector<std::vector<std::string>> rows;
      for (size_t i = 0; i < values.size(); i += types.size()) {
        rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(i),
                          values.begin() + static_cast<std::ptrdiff_t>(i + types.size()));
      }
      std::sort(rows.begin(), rows.end());
      values.clear();
      for (auto& row : rows) values.insert(values.end(), row.begin(), row.end());
    } else if (sort == "valuesort") {
      std::sort(values.begin(), values.end());
    }
    bool hashed = threshold_ > 0 && static_cast<int>(values.size()) > threshold_;
    std::string hash_line;
    if (hashed || !label_of(record).empty()) {
      Result<std::string> h = slt_hash(values);
      if (!h.ok()) {
        runner_error(record.line, h.status().to_string());
        return true;
      }
      hash_line = *h;
      if (!label_of(record).empty()) {
        check_label(record, hash_line.substr(hash_line.rfind(' ') + 1), &r);
      }
    }
    std::vector<std::string> got = hashed ? std::vector<std::string>{hash_line} : values;
    if (got != record.expected) {
      fail(&r, hashed ? "wrong result hash" : "wrong result");
    }
    if (r.outcome == SltOutcome::kFailed) {
      r.expected = record.expected;
      r.got = std::move(got);
    }
    finish(std::move(r));
    return true;
  }

  const SltOptions& options_;
  SltFileResult* result_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<SltPrinter> printer_;
  int threshold_;
  std::map<std::string, LabelEntry> labels_;
};

}  // namespace

SltFileResult run_slt(std::string_view text, const std::string& path, const SltOptions& options) {
  SltFileResult result;
  result.path = path;
  result.engine = options.engine;
  ScriptRun(options, &result).run(text);
  return result;
}

SltFileResult run_slt_file(const std::string& path, const SltOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    SltFileResult result;
    result.path = path;
    result.engine = options.engine;
    result.runner_errors.push_back("0: cannot read " + path);
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  return run_slt(text.str(), path, options);
}

Result<std::vector<std::string>> collect_slt_files(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (auto it = std::filesystem::recursive_directory_iterator(arg, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".test") {
          found.push_back(it->path().string());
        }
      }
      if (ec) return Status::io_error("listing " + arg + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      return Status::not_found("no such file or directory: " + arg);
    }
  }
  return files;
}

}  // namespace strata::oracle
