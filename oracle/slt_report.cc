#include "oracle/slt_report.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

namespace strata::oracle {

namespace {

std::string percent(double rate) { return fmt::format("{:.1f}%", rate * 100.0); }

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
  return out;
}

std::string show_values(const std::vector<std::string>& values, size_t max_values) {
  if (values.empty()) return "(nothing)";
  std::string out;
  for (size_t i = 0; i < values.size() && i < max_values; ++i) {
    if (i) out += ' ';
    out += values[i];
  }
  if (values.size() > max_values) out += fmt::format(" ... ({} values)", values.size());
  return out;
}

struct Totals {
  int passed = 0, failed = 0, skipped = 0, runner_errors = 0;
  double rate() const {
    int ran = passed + failed;
    return ran == 0 ? 1.0 : static_cast<double>(passed) / ran;
  }
};

Totals totals_of(const std::vector<SltFileResult>& results) {
  Totals t;
  for (const SltFileResult& r : results) {
    t.passed += r.passed;
    t.failed += r.failed;
    t.skipped += r.skipped;
    t.runner_errors += static_cast<int>(r.runner_errors.size());
  }
  return t;
}

}  // namespace

std::string format_slt_summary(const SltFileResult& r) {
  std::string out =
      fmt::format("{}: {} records: {} passed, {} failed, {} skipped ({} of run records pass)",
                  r.path, r.records.size(), r.passed, r.failed, r.skipped, percent(r.pass_rate()));
  if (r.halt_line > 0) out += fmt::format("; halted at line {}", r.halt_line);
  if (!r.runner_errors.empty()) {
    out += fmt::format("; {} runner error{}", r.runner_errors.size(),
                       r.runner_errors.size() == 1 ? "" : "s");
  }
  return out + "\n";
}

std::string format_slt_failure(const SltFileResult& file, const SltRecordResult& record,
                               size_t max_values) {
  std::string out = fmt::format("{}:{}: {}: {}\n  sql:      {}\n", file.path, record.line,
                                record.command, record.reason, indent(record.sql, "            "));
  out += "  expected: " + show_values(record.expected, max_values) + "\n";
  if (!record.got.empty() || record.reason.rfind("wrong result", 0) == 0) {
    out += "  got:      " + show_values(record.got, max_values) + "\n";
  }
  return out;
}

std::string format_slt_totals(const std::vector<SltFileResult>& results) {
  Totals t = totals_of(results);
  std::string out = fmt::format(
      "total: {} file{}: {} passed, {} failed, {} skipped ({} of run records pass)", results.size(),
      results.size() == 1 ? "" : "s", t.passed, t.failed, t.skipped, percent(t.rate()));
  if (t.runner_errors > 0) out += fmt::format("; {} runner errors", t.runner_errors);
  return out + "\n";
}

namespace {

// reason without "LINE:COL: " positions.
std::string without_positions(const std::string& reason) {
  std::string out;
  size_t i = 0;
  while (i < reason.size()) {
    size_t j = i;
    while (j < reason.size() && std::isdigit(static_cast<unsigned char>(reason[j]))) ++j;
    bool position = j > i && j < reason.size() && reason[j] == ':' &&
                    (i == 0 || !std::isalnum(static_cast<unsigned char>(reason[i - 1])));
    if (position) {
      size_t k = j + 1;
      while (k < reason.size() && std::isdigit(static_cast<unsigned char>(reason[k]))) ++k;
      if (k > j + 1 && k + 1 < reason.size() && reason[k] == ':' && reason[k + 1] == ' ') {
        i = k + 2;
        continue;
      }
    }
    out += reason[i++];
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, int>> slt_failure_reasons(
    const std::vector<SltFileResult>& results) {
  std::map<std::string, int> counts;
  for (const SltFileResult& r : results) {
    for (const SltRecordResult& rec : r.records) {
      if (rec.outcome == SltOutcome::kFailed) ++counts[without_positions(rec.reason)];
    }
  }
  std::vector<std::pair<std::string, int>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string format_slt_failure_reasons(const std::vector<SltFileResult>& results, size_t top) {
  std::vector<std::pair<std::string, int>> reasons = slt_failure_reasons(results);
  if (reasons.empty()) return "";
  std::string out = "most common failures:\n";
  for (size_t i = 0; i < reasons.size() && i < top; ++i) {
    out += fmt::format("  {:>6}  {}\n", reasons[i].second, reasons[i].first);
  }
  if (reasons.size() > top) out += fmt::format("  ({} other reasons)\n", reasons.size() - top);
  return out;
}

std::string slt_json(const std::vector<SltFileResult>& results) {
  nlohmann::json files = nlohmann::json::array();
  for (const SltFileResult& r : results) {
    nlohmann::json failures = nlohmann::json::array();
    for (const SltRecordResult& rec : r.records) {
      if (rec.outcome != SltOutcome::kFailed) continue;
      failures.push_back({{"line", rec.line},
                          {"command", rec.command},
                          {"sql", rec.sql},
                          {"reason", rec.reason},
                          {"expected", rec.expected},
                          {"got", rec.got}});
    }
    files.push_back({{"file", r.path},
                     {"engine", std::string(engine_name(r.engine))},
                     {"records", r.records.size()},
                     {"passed", r.passed},
                     {"failed", r.failed},
                     {"skipped", r.skipped},
                     {"pass_rate", r.pass_rate()},
                     {"halt_line", r.halt_line},
                     {"runner_errors", r.runner_errors},
                     {"failures", std::move(failures)}});
  }
  Totals t = totals_of(results);
  nlohmann::json root = {{"files", std::move(files)},
                         {"totals",
                          {{"files", results.size()},
                           {"passed", t.passed},
                           {"failed", t.failed},
                           {"skipped", t.skipped},
                           {"runner_errors", t.runner_errors},
                           {"pass_rate", t.rate()}}}};
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& [reason, count] : slt_failure_reasons(results)) {
    reasons.push_back({{"reason", reason}, {"count", count}});
  }
  root["failure_reasons"] = std::move(reasons);
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// Text for XML attributes and content; bytes that XML 1.0 forbids become '?'.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string slt_junit(const std::vector<SltFileResult>& results) {
  Totals t = totals_of(results);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"sqllogictest\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" "
      "errors=\"{}\">\n",
      t.passed + t.failed + t.skipped + t.runner_errors, t.failed, t.skipped, t.runner_errors);
  for (const SltFileResult& r : results) {
    std::string suite = xml_escape(r.path);
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"{}\">\n",
        suite, r.records.size() + r.runner_errors.size(), r.failed, r.skipped,
        r.runner_errors.size());
    for (const SltRecordResult& rec : r.records) {
      out += fmt::format("    <testcase classname=\"{}\" name=\"line {}: {}\"", suite, rec.line,
                         xml_escape(rec.command));
      if (rec.outcome == SltOutcome::kPassed) {
        out += "/>\n";
      } else if (rec.outcome == SltOutcome::kSkipped) {
        out += "><skipped/></testcase>\n";
      } else {
        out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                           xml_escape(rec.reason), xml_escape(format_slt_failure(r, rec)));
      }
    }
    for (const std::string& error : r.runner_errors) {
      out += fmt::format(
          "    <testcase classname=\"{}\" name=\"runner\">\n      <error message=\"{}\"/>\n"
          "    </testcase>\n",
          suite, xml_escape(error));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace strata::oracle
