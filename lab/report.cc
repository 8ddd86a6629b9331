#include "lab/report.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace strata::lab {

namespace {

using nlohmann::json;

std::string hex64(uint64_t v) { return fmt::format("{:016x}", v); }

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string choice_bits(const faults::ImageChoice& c) {
  std::string s;
  for (bool b : c.applied) s += b ? '1' : '0';
  return s;
}

json expected_json(const Expected& e) {
  json j = {{"durable", e.durable}, {"lied", e.lied}};
  j["in_flight"] = e.in_flight ? json(*e.in_flight) : json(nullptr);
  return j;
}

json record_json(const ViolationRecord& r) {
  return {
      {"mode", r.mode},
      {"crash_after_op", r.crash_after_op},
      {"op", r.op},
      {"phase", r.phase},
      {"policy", r.policy},
      {"device",
       {{"sector_size", r.device.sector_size},
        {"tear", std::string(faults::tear_mode_name(r.device.tear))},
        {"powersafe_overwrite", r.device.powersafe_overwrite}}},
      {"choice",
       {{"applied", choice_bits(r.choice)},
        {"torn_unit", r.choice.torn_unit},
        {"tear_seed", r.choice.tear_seed}}},
      {"fault", r.fault},
      {"expected", expected_json(r.expected)},
      {"verdict", std::string(verdict_name(r.outcome.verdict))},
      {"violation", std::string(violation_name(r.outcome.kind))},
      {"detail", r.outcome.detail},
      {"statements", r.statements},
  };
}

std::vector<std::string> columns_of(const SweepReport& report) {
  std::vector<std::string> cols;
  for (const auto& [phase, row] : report.matrix) {
    for (const auto& [col, counts] : row) {
      if (std::find(cols.begin(), cols.end(), col) == cols.end()) cols.push_back(col);
    }
  }
  // A stable, readable order: the policies in their canonical order.
  std::vector<std::string> ordered;
  for (faults::Policy p : faults::all_policies()) {
    std::string name(faults::policy_name(p));
    for (const std::string& c : cols) {
      if (c == name || c.rfind(name + "/", 0) == 0) ordered.push_back(c);
    }
  }
  return ordered;
}

std::string replay_file_name(size_t i) { return fmt::format("replay-{:03d}.json", i + 1); }

json summary_json(const SweepReport& r, const RunInfo& info) {
  json j;
  j["tool"] = "strata-lab crash";
  j["command"] = info.command;
  j["verdict"] = one_line_verdict(r);
  j["pass"] = r.violations == 0;
  j["workload"] = r.workload;
  j["statements"] = r.statements;
  j["versions"] = r.versions;
  j["ops"] = r.ops;
  j["disk_ops"] = r.disk_ops;
  j["crash_points"] = r.crash_points;
  j["states"] = r.states;
  j["states_exhaustive"] = r.states_exhaustive;
  j["states_sampled"] = r.states_sampled;
  j["distinct_images"] = r.distinct_images;
  j["fault_runs"] = r.fault_runs;
  j["fault_fired"] = r.fault_fired;
  j["violations"] = r.violations;
  j["seconds"] = r.seconds;
  j["states_per_second"] = r.states_per_second();
  j["op_log_hash"] = hex64(r.op_log_hash);
  j["matrix"] = r.matrix;
  j["fault_matrix"] = r.fault_matrix;
  if (info.options) {
    const SweepOptions& o = *info.options;
    json policies = json::array();
    for (auto p : o.policies) policies.push_back(std::string(faults::policy_name(p)));
    json fs = json::array();
    for (auto f : o.faults) fs.push_back(std::string(faults::fault_name(f)));
    j["options"] = {{"policies", policies},
                    {"faults", fs},
                    {"sector_sizes", o.sector_sizes},
                    {"tear", std::string(faults::tear_mode_name(o.tear))},
                    {"powersafe_overwrite", o.powersafe_overwrite},
                    {"points", o.points},
                    {"exhaustive_bound", o.exhaustive_bound},
                    {"samples", o.samples},
                    {"fault_points", o.fault_points},
                    {"seed", o.seed},
                    {"shard", std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count)},
                    {"page_size", o.page_size},
                    {"protocol_bug", std::string(protocol_bug_name(o.protocol_bug))},
                    {"commit_protocol", std::string(commit_protocol_name(o.commit_protocol))}};
  }
  json vs = json::array();
  for (size_t i = 0; i < r.violation_records.size(); ++i) {
    json v = record_json(r.violation_records[i]);
    v["replay"] = replay_file_name(i);
    vs.push_back(v);
  }
  j["violation_records"] = vs;
  return j;
}

std::string junit_xml(const SweepReport& r) {
  std::ostringstream out;
  size_t tests = 0, failures = 0;
  std::ostringstream cases;
  auto add_cell = [&](const std::string& suite, const std::string& name,
                      const std::map<std::string, uint64_t>& counts) {
    ++tests;
    uint64_t total = 0;
    std::string tally;
    for (const auto& [verdict, n] : counts) {
      total += n;
      tally += (tally.empty() ? "" : ", ") + verdict + " " + std::to_string(n);
    }
    cases << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\"" << xml_escape(name)
          << "\" time=\"0\">\n";
    auto v = counts.find("VIOLATION");
    if (v != counts.end() && v->second > 0) {
      ++failures;
      cases << "      <failure message=\"" << v->second << " of " << total
            << " states violate the commit protocol\">" << xml_escape(tally) << "</failure>\n";
    }
    cases << "      <system-out>" << xml_escape(tally) << "</system-out>\n";
    cases << "    </testcase>\n";
  };
  for (const std::string& phase : phase_order()) {
    auto row = r.matrix.find(phase);
    if (row == r.matrix.end()) continue;
    for (const auto& [col, counts] : row->second) {
      add_cell("strata.crash." + r.workload, phase + " x " + col, counts);
    }
  }
  for (const auto& [fault, row] : r.fault_matrix) {
    for (const auto& [col, counts] : row) {
      add_cell("strata.faults." + r.workload, fault + " x " + col, counts);
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << tests << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"strata-lab crash " << xml_escape(r.workload) << "\" tests=\""
      << tests << "\" failures=\"" << failures << "\" time=\"" << r.seconds << "\">\n";
  out << cases.str();
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

const char* verdict_color(std::string_view verdict) {
  if (verdict == "recovered-old") return "#4caf50";
  if (verdict == "recovered-new") return "#2196f3";
  if (verdict == "corruption-detected") return "#ff9800";
  if (verdict == "VIOLATION") return "#e53935";
  return "#cfd8dc";
}

std::string counts_html(const std::map<std::string, uint64_t>& counts) {
  std::string s;
  for (const char* v : {"recovered-old", "recovered-new", "corruption-detected", "VIOLATION"}) {
    auto it = counts.find(v);
    if (it == counts.end() || it->second == 0) continue;
    s += fmt::format("<span class=\"v\" style=\"background:{}\" title=\"{}\">{} {}</span>",
                     verdict_color(v), v, it->second,
                     std::string_view(v) == "VIOLATION" ? "VIOLATION" : std::string_view(v));
  }
  return s.empty() ? "&mdash;" : s;
}

std::string timeline_svg(const SweepReport& r) {
  const size_t n = r.timeline.size();
  if (n == 0) return "<p>No disk operations.</p>";
  const double width = 1100, bar = std::max(1.0, std::min(12.0, width / n));
  const double w = bar * n;
  std::string svg = fmt::format(
      "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"90\" "
      "viewBox=\"0 0 {:.0f} 90\" role=\"img\" aria-label=\"op log timeline\">\n",
      w + 20, w + 20);
  // Phase band above, verdict bar below.
  auto phase_color = [](const std::string& phase) {
    if (phase == "create") return "#9575cd";
    if (phase == "pages") return "#90a4ae";
    if (phase == "sync pages") return "#607d8b";
    if (phase == "meta slot") return "#f06292";
    if (phase == "sync meta") return "#ad1457";
    return "#e0e0e0";
  };
  for (size_t i = 0; i < n; ++i) {
    const TimelineOp& op = r.timeline[i];
    double x = 10 + i * bar;
    std::string title = html_escape(fmt::format("op {} {} [{}] — {}", op.seq, op.kind, op.label,
                                                op.worst.empty() ? "not a crash point" : op.worst));
    svg += fmt::format(
        "<rect x=\"{:.2f}\" y=\"10\" width=\"{:.2f}\" height=\"14\" fill=\"{}\"><title>{}</title>"
        "</rect>",
        x, bar, phase_color(op.phase), title);
    svg += fmt::format(
        "<rect x=\"{:.2f}\" y=\"30\" width=\"{:.2f}\" height=\"40\" fill=\"{}\"><title>{}</title>"
        "</rect>\n",
        x, bar, verdict_color(op.worst), title);
  }
  svg += fmt::format(
      "<text x=\"10\" y=\"86\" font-size=\"11\">op {}</text><text x=\"{:.0f}\" y=\"86\" "
      "font-size=\"11\" text-anchor=\"end\">op {}</text>\n",
      r.timeline.front().seq, w + 10, r.timeline.back().seq);
  svg += "</svg>";
  return svg;
}

std::string report_html(const SweepReport& r, const RunInfo& info,
                        const std::vector<std::string>& replay_files) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>strata-lab crash: " + html_escape(r.workload) + "</title>\n<style>\n";
  h += "body{font-family:system-ui,sans-serif;margin:24px;color:#263238}"
       "table{border-collapse:collapse;margin:8px 0 20px}"
       "td,th{border:1px solid #cfd8dc;padding:4px 8px;text-align:left;vertical-align:top}"
       "th{background:#eceff1}.v{display:inline-block;color:#fff;border-radius:3px;"
       "padding:1px 5px;margin:1px;font-size:12px}.pass{color:#2e7d32}.fail{color:#c62828}"
       "code{background:#f5f5f5;padding:1px 4px}.legend span{margin-right:12px}\n</style></head>"
       "<body>\n";
  h += "<h1>Crash sweep: " + html_escape(r.workload) + "</h1>\n";
  h += fmt::format("<p id=\"verdict\" class=\"{}\"><strong>{}</strong></p>\n",
                   r.violations == 0 ? "pass" : "fail", html_escape(one_line_verdict(r)));
  h += "<p>Command: <code>" + html_escape(info.command) + "</code></p>\n";
  h += "<h2>Figures</h2><table id=\"figures\">";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  };
  row("statements / committed versions", fmt::format("{} / {}", r.statements, r.versions));
  row("ops in the log / disk-changing ops", fmt::format("{} / {}", r.ops, r.disk_ops));
  row("crash points visited", std::to_string(r.crash_points));
  row("crash states verified", fmt::format("{} ({} from fully enumerated points, {} sampled)",
                                           r.states, r.states_exhaustive, r.states_sampled));
  row("distinct images recovered", std::to_string(r.distinct_images));
  row("fault runs", std::to_string(r.fault_runs));
  row("throughput", fmt::format("{:.0f} states/s over {:.2f} s", r.states_per_second(), r.seconds));
  row("op log hash (same seed, same log)", hex64(r.op_log_hash));
  h += "</table>\n";

  h += "<h2>Verdicts: commit phase &times; policy</h2>\n";
  h += "<p class=\"legend\">";
  for (const char* v : {"recovered-old", "recovered-new", "corruption-detected", "VIOLATION"}) {
    h += fmt::format("<span><span class=\"v\" style=\"background:{}\">&nbsp;</span> {}</span>",
                     verdict_color(v), v);
  }
  h += "</p>\n<table id=\"verdict-matrix\"><tr><th>phase \\ policy</th>";
  std::vector<std::string> cols = columns_of(r);
  for (const std::string& c : cols) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr>\n";
  for (const std::string& phase : phase_order()) {
    auto it = r.matrix.find(phase);
    if (it == r.matrix.end()) continue;
    h += "<tr><th>" + html_escape(phase) + "</th>";
    for (const std::string& c : cols) {
      auto cell = it->second.find(c);
      h += "<td>" + (cell == it->second.end() ? std::string("&mdash;") : counts_html(cell->second)) +
           "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n";

  if (!r.fault_matrix.empty()) {
    h += "<h2>Faults without a crash</h2>\n<table id=\"fault-matrix\"><tr><th>fault</th>"
         "<th>fired</th><th>answers</th><th>process-kill</th><th>drop-unsynced</th></tr>\n";
    for (const auto& [fault, cells] : r.fault_matrix) {
      auto fired = r.fault_fired.find(fault);
      h += "<tr><th>" + html_escape(fault) + "</th><td>" +
           std::to_string(fired == r.fault_fired.end() ? 0 : fired->second) + "</td>";
      for (const char* c : {"answers", "process-kill", "drop-unsynced"}) {
        auto cell = cells.find(c);
        h += "<td>" + (cell == cells.end() ? std::string("&mdash;") : counts_html(cell->second)) +
             "</td>";
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h2>Op log timeline</h2>\n<p>Upper band: commit phase of each disk-changing op; lower "
       "band: the worst verdict of the crash states after it (grey: not a crash point of this "
       "run). Hover for details.</p>\n";
  h += timeline_svg(r) + "\n";

  h += "<h2>Failures</h2>\n";
  if (r.violation_records.empty()) {
    h += "<p id=\"failures\">None.</p>\n";
  } else {
    h += fmt::format("<p>{} violating states; the first {} recorded:</p>\n<table id=\"failures\">"
                     "<tr><th>#</th><th>violation</th><th>where</th><th>policy</th><th>detail</th>"
                     "<th>replay</th></tr>\n",
                     r.violations, r.violation_records.size());
    for (size_t i = 0; i < r.violation_records.size(); ++i) {
      const ViolationRecord& v = r.violation_records[i];
      std::string where = v.mode == "crash" ? "after " + v.op + " (" + v.phase + ")"
                                            : "fault " + v.fault;
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>strata-lab "
          "replay {}</code></td></tr>\n",
          i + 1, html_escape(violation_name(v.outcome.kind)), html_escape(where),
          html_escape(v.policy + (v.mode == "crash" ? " " + v.device.to_string() : "")),
          html_escape(v.outcome.detail), html_escape(i < replay_files.size() ? replay_files[i] : ""));
    }
    h += "</table>\n";
  }
  h += "</body></html>\n";
  return h;
}

Status write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::io_error("cannot write " + path.string());
  return Status::ok();
}

}  // namespace

std::string text_summary(const SweepReport& r) {
  std::string s = fmt::format(
      "workload {}: {} statements, {} committed versions, {} ops ({} can change the disk)\n",
      r.workload, r.statements, r.versions, r.ops, r.disk_ops);
  s += fmt::format(
      "crash points {}, states {} ({} fully enumerated, {} sampled), distinct images {}, fault "
      "runs {}\n",
      r.crash_points, r.states, r.states_exhaustive, r.states_sampled, r.distinct_images,
      r.fault_runs);
  std::vector<std::string> cols = columns_of(r);
  for (const std::string& phase : phase_order()) {
    auto it = r.matrix.find(phase);
    if (it == r.matrix.end()) continue;
    for (const std::string& c : cols) {
      auto cell = it->second.find(c);
      if (cell == it->second.end()) continue;
      std::string tally;
      for (const auto& [v, n] : cell->second) tally += fmt::format(" {}={}", v, n);
      s += fmt::format("  {:<11} x {:<19}{}\n", phase, c, tally);
    }
  }
  for (const auto& [fault, cells] : r.fault_matrix) {
    for (const auto& [c, counts] : cells) {
      std::string tally;
      for (const auto& [v, n] : counts) tally += fmt::format(" {}={}", v, n);
      s += fmt::format("  {:<17} x {:<13}{}\n", fault, c, tally);
    }
  }
  s += fmt::format("throughput: {:.0f} crash states/s ({:.2f} s)\n", r.states_per_second(),
                   r.seconds);
  for (size_t i = 0; i < r.violation_records.size() && i < 5; ++i) {
    const ViolationRecord& v = r.violation_records[i];
    s += fmt::format("VIOLATION {}: {} — {}{}: {}\n", i + 1, violation_name(v.outcome.kind),
                     v.mode == "crash" ? "crash after " + v.op : "fault " + v.fault,
                     v.mode == "crash" ? " under " + v.policy + " " + v.device.to_string() : "",
                     v.outcome.detail);
  }
  return s;
}

std::string one_line_verdict(const SweepReport& r) {
  std::string states = fmt::format("{} crash states ({} fully enumerated, {} sampled) and {} "
                                   "fault runs",
                                   r.states, r.states_exhaustive, r.states_sampled, r.fault_runs);
  if (r.violations == 0) return "PASS: 0 violations in " + states;
  return fmt::format("FAIL: {} violations in {}", r.violations, states);
}

std::string ReplayFile::summary() const {
  std::string s = fmt::format("workload {} ({} statements), ", workload.name, record.statements);
  if (record.mode == "crash") {
    s += fmt::format("crash after op {} under {} {}", record.crash_after_op, record.policy,
                     record.device.to_string());
  } else {
    s += "fault " + record.fault + ", then " + record.policy;
  }
  if (options.protocol_bug != ProtocolBug::kNone) {
    s += ", protocol bug " + std::string(protocol_bug_name(options.protocol_bug));
  }
  return s + fmt::format("; recorded {}", violation_name(record.outcome.kind));
}

std::string replay_json(const ReplayFile& replay) {
  json j;
  j["strata_replay"] = 1;
  j["workload"] = {{"name", replay.workload.name}, {"statements", replay.workload.statements}};
  j["page_size"] = replay.options.page_size;
  j["protocol_bug"] = std::string(protocol_bug_name(replay.options.protocol_bug));
  j["commit_protocol"] = std::string(commit_protocol_name(replay.options.commit_protocol));
  j["seed"] = replay.options.seed;
  j["op_log_hash"] = hex64(replay.op_log_hash);
  j["record"] = record_json(replay.record);
  j["replay"] = "strata-lab replay FILE";
  return j.dump(2) + "\n";
}

Result<ReplayFile> parse_replay_json(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("strata_replay")) {
    return Status::invalid_argument("not a strata replay file (JSON with \"strata_replay\")");
  }
  ReplayFile r;
  try {
    r.workload.name = j.at("workload").at("name").get<std::string>();
    r.workload.statements = j.at("workload").at("statements").get<std::vector<std::string>>();
    r.options.page_size = j.at("page_size").get<uint32_t>();
    auto bug = parse_protocol_bug(j.at("protocol_bug").get<std::string>());
    if (!bug) return Status::invalid_argument("unknown protocol_bug in replay file");
    r.options.protocol_bug = *bug;
    // Replay files written before the one-sync protocol existed ran two-sync.
    auto protocol = parse_commit_protocol(j.value("commit_protocol", std::string("two-sync")));
    if (!protocol) return Status::invalid_argument("unknown commit_protocol in replay file");
    r.options.commit_protocol = *protocol;
    r.options.seed = j.value("seed", uint64_t{1});
    r.op_log_hash = std::stoull(j.value("op_log_hash", std::string("0")), nullptr, 16);
    const json& rec = j.at("record");
    ViolationRecord& v = r.record;
    v.mode = rec.at("mode").get<std::string>();
    if (v.mode != "crash" && v.mode != "fault") {
      return Status::invalid_argument("record.mode must be \"crash\" or \"fault\"");
    }
    v.crash_after_op = rec.at("crash_after_op").get<uint64_t>();
    v.op = rec.value("op", "");
    v.phase = rec.value("phase", "");
    v.policy = rec.at("policy").get<std::string>();
    const json& dev = rec.at("device");
    v.device.sector_size = dev.at("sector_size").get<uint32_t>();
    auto tear = faults::parse_tear_mode(dev.at("tear").get<std::string>());
    if (!tear) return Status::invalid_argument("unknown tear mode in replay file");
    v.device.tear = *tear;
    v.device.powersafe_overwrite = dev.at("powersafe_overwrite").get<bool>();
    const json& choice = rec.at("choice");
    for (char c : choice.at("applied").get<std::string>()) v.choice.applied.push_back(c == '1');
    v.choice.torn_unit = choice.at("torn_unit").get<int64_t>();
    v.choice.tear_seed = choice.at("tear_seed").get<uint64_t>();
    v.fault = rec.value("fault", "");
    v.statements = rec.at("statements").get<size_t>();
    const json& e = rec.at("expected");
    v.expected.durable = e.at("durable").get<uint64_t>();
    if (!e.at("in_flight").is_null()) v.expected.in_flight = e.at("in_flight").get<uint64_t>();
    v.expected.lied = e.value("lied", false);
    std::string kind = rec.value("violation", "none");
    for (auto k : {ViolationKind::kLostCommit, ViolationKind::kPhantomCommit,
                   ViolationKind::kMixedVersions, ViolationKind::kCheckerFailure,
                   ViolationKind::kWrongError, ViolationKind::kWrongAnswer, ViolationKind::kCrash,
                   ViolationKind::kHang}) {
      if (violation_name(k) == kind) v.outcome.kind = k;
    }
    v.outcome.detail = rec.value("detail", "");
  } catch (const json::exception& e) {
    return Status::invalid_argument(std::string("malformed replay file: ") + e.what());
  }
  if (r.record.statements > r.workload.statements.size()) {
    return Status::invalid_argument("replay file: record.statements exceeds the workload");
  }
  return r;
}

Result<ReplayFile> read_replay_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read replay file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_replay_json(ss.str());
  if (!r.ok()) return r.status().with_context(path);
  return r;
}

Result<std::vector<std::string>> write_run_folder(const std::string& dir, const SweepReport& report,
                                                  const RunInfo& info) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("cannot create " + dir + ": " + ec.message());
  // Old replay files of an earlier run would be misleading.
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("replay-", 0) == 0 && entry.path().extension() == ".json") {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  std::vector<std::string> replays;
  for (size_t i = 0; i < report.violation_records.size(); ++i) {
    ReplayFile rf;
    rf.record = report.violation_records[i];
    if (info.options) {
      rf.options = *info.options;
      rf.workload = info.options->workload;
    }
    rf.workload.statements.resize(std::min(rf.workload.statements.size(), rf.record.statements));
    rf.op_log_hash = report.op_log_hash;
    std::filesystem::path p = std::filesystem::path(dir) / replay_file_name(i);
    STRATA_TRY(write_text(p, replay_json(rf)));
    replays.push_back(p.string());
  }
  STRATA_TRY(write_text(std::filesystem::path(dir) / "summary.json",
                        summary_json(report, info).dump(2) + "\n"));
  STRATA_TRY(write_text(std::filesystem::path(dir) / "junit.xml", junit_xml(report)));
  STRATA_TRY(write_text(std::filesystem::path(dir) / "report.html",
                        report_html(report, info, replays)));
  return replays;
}

void shrink_first_violation(const SweepOptions& options, SweepReport* report) {
  auto first = std::find_if(report->violation_records.begin(), report->violation_records.end(),
                            [](const ViolationRecord& r) { return r.mode == "crash"; });
  if (first == report->violation_records.end()) return;
  SweepOptions o = options;
  o.policies = {faults::parse_policy(first->policy).value_or(faults::Policy::kProcessKill)};
  o.sector_sizes = {first->device.sector_size};
  o.faults.clear();
  o.points = "all";
  o.shard_count = 1;
  o.shard_index = 0;
  o.stop_at_first_violation = true;
  o.max_violation_records = 1;
  o.on_progress = nullptr;
  const size_t n = std::min(options.statement_limit, options.workload.statements.size());
  for (size_t m = 0; m <= n; ++m) {
    o.statement_limit = m;
    auto shrunk = run_sweep(o);
    if (!shrunk.ok() || shrunk->violation_records.empty()) continue;
    ViolationRecord r = shrunk->violation_records.front();
    r.statements = m;
    *first = std::move(r);
    return;
  }
}

}  // namespace strata::lab
