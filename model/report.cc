#include "model/report.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lab/report.h"

namespace strata::model {

namespace {

using nlohmann::json;

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
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
      default:
        out += c;
    }
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
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
      case '\'':
        out += "&apos;";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? '?' : c;
    }
  }
  return out;
}

Status write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::io_error("cannot write " + path.string());
  return Status::ok();
}

double per_second(uint64_t n, double seconds) { return seconds > 0 ? n / seconds : 0; }

std::string policy_list(const std::vector<faults::Policy>& policies) {
  std::string s;
  for (faults::Policy p : policies)
    s += (s.empty() ? "" : " ") + std::string(faults::policy_name(p));
  return s.empty() ? "none" : s;
}

// What a failing seed left in the folder.
struct Written {
  std::string script;  // failure-NNN.sql
  std::string replay;  // replay-NNN.json, when the crash testbed reproduces the failure
  std::string replay_note;
  std::string script_command;
  std::string diff_command;
};

json stats_json(const ModelStats& s) {
  return {{"statements", s.statements},
          {"queries_diffed", s.queries},
          {"failed_alike", s.failed_alike},
          {"commits", s.commits},
          {"crashes_checked", s.crashes},
          {"crash_states", s.crash_states},
          {"distinct_images", s.distinct_images},
          {"fault_steps", s.fault_steps},
          {"fault_epochs", s.fault_epochs},
          {"faults_fired", s.faults_fired},
          {"fresh_restarts", s.fresh_restarts},
          {"sqlite_optimizer_disagreements", s.sqlite_optimizer},
          {"verdicts", s.verdicts},
          {"seconds", s.seconds},
          {"statements_per_second", per_second(s.statements, s.seconds)},
          {"crash_checks_per_second", per_second(s.crashes, s.seconds)},
          {"crash_states_per_second", per_second(s.crash_states, s.seconds)}};
}

json failure_json(const ModelResult& r, const Written& w) {
  const ModelRun& run = r.final_run();
  const Failure& f = *run.failure;
  json j = {{"kind", std::string(failure_kind_name(f.kind))},
            {"summary", f.summary},
            {"detail", f.detail},
            {"epoch", f.epoch},
            {"statements", run.statements_in_script()},
            {"steps", run.script.size()},
            {"shrunk", r.shrunk.has_value()},
            {"original_statements", r.run.statements_in_script()},
            {"shrink_runs", r.shrink_runs},
            {"shrink_seconds", r.shrink_seconds},
            {"script", w.script},
            {"replay_command", w.script_command}};
  if (!w.diff_command.empty()) j["diff_command"] = w.diff_command;
  if (!w.replay.empty()) j["replay"] = w.replay;
  if (!w.replay_note.empty()) j["replay_note"] = w.replay_note;
  if (f.kind == Failure::Kind::kCrashState) {
    j["violation"] = std::string(lab::violation_name(f.record.outcome.kind));
    j["crash_after_op"] = f.record.crash_after_op;
    j["phase"] = f.record.phase;
    j["policy"] = f.record.policy;
  }
  return j;
}

std::string junit_xml(const ModelReport& report, const ModelStats& totals) {
  std::ostringstream cases;
  size_t tests = 0, failures = 0;
  for (const ModelResult& r : report.results) {
    ++tests;
    const ModelRun& run = r.final_run();
    cases << "    <testcase classname=\"strata.model\" name=\"seed " << r.seed << "\" time=\""
          << r.run.stats.seconds << "\">\n";
    if (run.failure) {
      ++failures;
      cases << "      <failure message=\"" << xml_escape(run.failure->summary) << "\">"
            << xml_escape(run.failure->detail) << "</failure>\n";
    }
    cases << "      <system-out>"
          << xml_escape(fmt::format("{} statements, {} queries diffed, {} crashes, {} crash states",
                                    r.run.stats.statements, r.run.stats.queries,
                                    r.run.stats.crashes, r.run.stats.crash_states))
          << "</system-out>\n    </testcase>\n";
  }
  for (const std::string& phase : lab::phase_order()) {
    auto row = totals.matrix.find(phase);
    if (row == totals.matrix.end()) continue;
    for (const auto& [policy, counts] : row->second) {
      ++tests;
      std::string tally;
      for (const auto& [verdict, n] : counts) {
        tally += (tally.empty() ? "" : ", ") + verdict + " " + std::to_string(n);
      }
      cases << "    <testcase classname=\"strata.model.crash\" name=\"" << xml_escape(phase)
            << " x " << xml_escape(policy) << "\" time=\"0\">\n";
      auto v = counts.find("VIOLATION");
      if (v != counts.end() && v->second > 0) {
        ++failures;
        cases << "      <failure message=\"" << v->second
              << " crash states violate the commit protocol\">" << xml_escape(tally)
              << "</failure>\n";
      }
      cases << "      <system-out>" << xml_escape(tally) << "</system-out>\n    </testcase>\n";
    }
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << tests << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"strata-lab model\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" time=\"" << totals.seconds << "\">\n"
      << cases.str() << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

const char* verdict_color(std::string_view verdict) {
  if (verdict == "recovered-old") return "#4caf50";
  if (verdict == "recovered-new") return "#2196f3";
  if (verdict == "corruption-detected") return "#ff9800";
  if (verdict == "VIOLATION") return "#e53935";
  return "#cfd8dc";
}

std::string report_html(const ModelReport& report, const ModelStats& t,
                        const std::vector<Written>& written) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<title>strata-lab model</title>\n<style>\n"
       "body{font-family:system-ui,sans-serif;margin:24px;color:#263238}"
       "table{border-collapse:collapse;margin:8px 0 20px}"
       "td,th{border:1px solid #cfd8dc;padding:4px 8px;text-align:left;vertical-align:top}"
       "th{background:#eceff1}.v{display:inline-block;color:#fff;border-radius:3px;"
       "padding:1px 5px;margin:1px;font-size:12px}.pass{color:#2e7d32}.fail{color:#c62828}"
       "code,pre{background:#f5f5f5;padding:1px 4px}pre{padding:8px;overflow-x:auto}\n"
       "</style></head><body>\n";
  h += "<h1>Model checker: random SQL against SQLite, through crashes</h1>\n";
  h += fmt::format("<p id=\"verdict\" class=\"{}\"><strong>{}</strong></p>\n",
                   report.failures() == 0 ? "pass" : "fail", html_escape(model_verdict(report)));
  h += "<p>Command: <code>" + html_escape(report.command) + "</code></p>\n";
  h += "<h2>Figures</h2><table id=\"figures\">";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  };
  row("seeds", std::to_string(report.results.size()));
  row("statements executed (on both engines)", std::to_string(t.statements));
  row("queries diffed", std::to_string(t.queries));
  row("statements both engines refused", std::to_string(t.failed_alike));
  row("commits (SQLite versions recorded)", std::to_string(t.commits));
  row("crash points checked", std::to_string(t.crashes));
  row("crash states (images recovered and compared)",
      fmt::format("{} ({} distinct)", t.crash_states, t.distinct_images));
  row("fault steps / epochs a fault ended", fmt::format("{} / {}", t.fault_steps, t.fault_epochs));
  row("divergences / crash-state violations",
      fmt::format("{} / {}", report.divergences(), report.violations()));
  row("SQLite optimizer disagreements (not failures)", std::to_string(t.sqlite_optimizer));
  row("throughput",
      fmt::format("{:.0f} statements/s, {:.1f} crash checks/s, {:.0f} crash states/s over {:.2f} s",
                  per_second(t.statements, t.seconds), per_second(t.crashes, t.seconds),
                  per_second(t.crash_states, t.seconds), t.seconds));
  row("policies", policy_list(report.options.policies));
  h += "</table>\n";

  h += "<h2>Crash states: commit phase &times; policy</h2>\n<table id=\"verdict-matrix\">"
       "<tr><th>phase \\ policy</th>";
  for (faults::Policy p : report.options.policies) {
    h += "<th>" + html_escape(faults::policy_name(p)) + "</th>";
  }
  h += "</tr>\n";
  for (const std::string& phase : lab::phase_order()) {
    auto it = t.matrix.find(phase);
    if (it == t.matrix.end()) continue;
    h += "<tr><th>" + html_escape(phase) + "</th>";
    for (faults::Policy p : report.options.policies) {
      auto cell = it->second.find(std::string(faults::policy_name(p)));
      std::string text;
      if (cell != it->second.end()) {
        for (const auto& [verdict, n] : cell->second) {
          text += fmt::format("<span class=\"v\" style=\"background:{}\">{} {}</span>",
                              verdict_color(verdict), n, html_escape(verdict));
        }
      }
      h += "<td>" + (text.empty() ? std::string("&mdash;") : text) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Seeds</h2>\n<table id=\"seeds\"><tr><th>seed</th><th>statements</th><th>queries</th>"
       "<th>crashes</th><th>crash states</th><th>outcome</th><th>replay</th></tr>\n";
  for (size_t i = 0; i < report.results.size(); ++i) {
    const ModelResult& r = report.results[i];
    const ModelRun& run = r.final_run();
    std::string outcome = "<span class=\"pass\">pass</span>";
    std::string replay;
    if (run.failure) {
      outcome = fmt::format(
          "<span class=\"fail\">{}</span>: {}<br>shrunk to {} statements "
          "(from {}, {} runs)<pre>{}</pre>",
          html_escape(failure_kind_name(run.failure->kind)), html_escape(run.failure->summary),
          run.statements_in_script(), r.run.statements_in_script(), r.shrink_runs,
          html_escape(run.failure->detail));
      const Written& w = written[i];
      replay = "<code>" + html_escape(w.script_command) + "</code>";
      if (!w.replay.empty()) {
        replay += "<br><code>strata-lab replay " + html_escape(w.replay) + "</code>";
      }
      if (!w.diff_command.empty()) replay += "<br><code>" + html_escape(w.diff_command) + "</code>";
    }
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        r.seed, r.run.stats.statements, r.run.stats.queries, r.run.stats.crashes,
        r.run.stats.crash_states, outcome, replay);
  }
  h += "</table>\n</body></html>\n";
  return h;
}

// The failure's files: the shrunk script, and a crash-testbed replay file when the crash
// testbed alone reproduces the state.
Result<Written> write_failure(const std::filesystem::path& dir, size_t index,
                              const ModelReport& report, const ModelResult& r) {
  Written w;
  const ModelRun& run = r.final_run();
  const Failure& f = *run.failure;
  std::filesystem::path script = dir / fmt::format("failure-{:03d}.sql", index + 1);
  ModelOptions replay_options = report.options;
  replay_options.seed = r.seed;
  w.script = script.string();
  w.script_command = "strata-lab model --script " + w.script + option_flags(replay_options);
  bool plain = std::all_of(run.script.begin(), run.script.end(),
                           [](const ScriptStep& s) { return s.kind == StepKind::kSql; });
  if (plain && f.kind == Failure::Kind::kDivergence &&
      report.options.planted_bug == oracle::PlantedBug::kNone &&
      report.options.protocol_bug == ProtocolBug::kNone) {
    w.diff_command = "strata-lab diff " + w.script;
  }
  std::string header = fmt::format(
      "strata-lab model, seed {}: {}\n{}\nshrunk to {} statements from {} ({} runs, {:.1f} s)\n"
      "replay: {}",
      r.seed, failure_kind_name(f.kind), f.summary, run.statements_in_script(),
      r.run.statements_in_script(), r.shrink_runs, r.shrink_seconds, w.script_command);
  STRATA_TRY(write_text(script, script_text(run.script, header)));
  if (f.kind != Failure::Kind::kCrashState) return w;
  if (!f.lab_replayable) {
    w.replay_note = "the crash lies after an earlier crash or a fault: replay the script";
    return w;
  }
  lab::ReplayFile replay;
  replay.workload.name = fmt::format("model seed {}", r.seed);
  replay.workload.statements = f.epoch_statements;
  replay.options.page_size = report.options.page_size;
  replay.options.commit_protocol = report.options.commit_protocol;
  replay.options.protocol_bug = report.options.protocol_bug;
  replay.options.seed = r.seed;
  replay.record = f.record;
  replay.op_log_hash = f.op_log_hash;
  auto again = lab::replay_state(replay.workload, replay.options, replay.record);
  if (!again.ok() || again->verdict != lab::Verdict::kViolation) {
    w.replay_note =
        "the crash testbed alone does not reproduce it (it compares with Strata's own "
        "versions, not SQLite's): replay the script";
    return w;
  }
  std::filesystem::path file = dir / fmt::format("replay-{:03d}.json", index + 1);
  STRATA_TRY(write_text(file, lab::replay_json(replay)));
  w.replay = file.string();
  return w;
}

}  // namespace

ModelStats ModelReport::totals() const {
  ModelStats t;
  for (const ModelResult& r : results) t.add(r.run.stats);
  return t;
}

size_t ModelReport::failures() const {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(),
                                           [](const ModelResult& r) { return r.run.failure; }));
}

size_t ModelReport::divergences() const {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
    return r.run.failure && r.run.failure->kind == Failure::Kind::kDivergence;
  }));
}

size_t ModelReport::violations() const {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
    return r.run.failure && r.run.failure->kind == Failure::Kind::kCrashState;
  }));
}

std::string option_flags(const ModelOptions& o, bool with_seed) {
  const ModelOptions d;
  std::string s = with_seed ? fmt::format(" --seed {}", o.seed) : "";
  if (o.policies != d.policies) {
    s += " --policy " + (o.policies.empty() ? std::string("none") : policy_list(o.policies));
  }
  if (!o.faults.empty()) {
    s += " --faults";
    for (faults::FaultKind f : o.faults) s += " " + std::string(faults::fault_name(f));
  }
  if (o.device.sector_size != d.device.sector_size) {
    s += " --sector " + std::to_string(o.device.sector_size);
  }
  if (o.device.tear != d.device.tear) {
    s += " --tear " + std::string(faults::tear_mode_name(o.device.tear));
  }
  if (o.device.powersafe_overwrite != d.device.powersafe_overwrite) s += " --no-psow";
  if (o.exhaustive_bound != d.exhaustive_bound) {
    s += " --exhaustive-bound " + std::to_string(o.exhaustive_bound);
  }
  if (o.samples != d.samples) s += " --samples " + std::to_string(o.samples);
  if (o.crash_window != d.crash_window) s += " --crash-window " + std::to_string(o.crash_window);
  if (o.page_size != d.page_size) s += " --page-size " + std::to_string(o.page_size);
  if (o.commit_protocol != d.commit_protocol) {
    s += " --commit-protocol " + std::string(commit_protocol_name(o.commit_protocol));
  }
  if (o.protocol_bug != ProtocolBug::kNone) {
    s += " --protocol-bug " + std::string(protocol_bug_name(o.protocol_bug));
  }
  if (o.planted_bug != oracle::PlantedBug::kNone) {
    s += " --planted-bug " + std::string(oracle::planted_bug_name(o.planted_bug));
  }
  return s;
}

std::string model_verdict(const ModelReport& report) {
  ModelStats t = report.totals();
  std::string figures = fmt::format(
      "{} seed{}, {} statements, {} queries diffed, {} crashes ({} crash states), {} "
      "divergence{}, {} violation{}",
      report.results.size(), report.results.size() == 1 ? "" : "s", t.statements, t.queries,
      t.crashes, t.crash_states, report.divergences(), report.divergences() == 1 ? "" : "s",
      report.violations(), report.violations() == 1 ? "" : "s");
  return (report.failures() == 0 ? "PASS: " : "FAIL: ") + figures;
}

std::string model_text_summary(const ModelReport& report) {
  std::string s;
  for (const ModelResult& r : report.results) {
    const ModelStats& st = r.run.stats;
    s += fmt::format(
        "seed {}: {} statements, {} queries diffed, {} commits, {} crashes ({} crash "
        "states, {} distinct images)",
        r.seed, st.statements, st.queries, st.commits, st.crashes, st.crash_states,
        st.distinct_images);
    if (st.fault_steps > 0) {
      s += fmt::format(", {} faults armed, {} ended an epoch, fired:", st.fault_steps,
                       st.fault_epochs);
      for (const auto& [name, n] : st.faults_fired) s += fmt::format(" {}={}", name, n);
      if (st.fresh_restarts > 0) s += fmt::format(", {} fresh restarts", st.fresh_restarts);
    }
    s += "\n";
    const ModelRun& run = r.final_run();
    if (run.failure) {
      s += fmt::format("  FAILED: {}: {}\n", failure_kind_name(run.failure->kind),
                       run.failure->summary);
      if (r.shrunk) {
        s += fmt::format(
            "  shrunk to {} statements in {} steps (from {} statements; {} runs, "
            "{:.1f} s)\n",
            run.statements_in_script(), run.script.size(), r.run.statements_in_script(),
            r.shrink_runs, r.shrink_seconds);
      }
    }
  }
  ModelStats t = report.totals();
  for (const std::string& phase : lab::phase_order()) {
    auto it = t.matrix.find(phase);
    if (it == t.matrix.end()) continue;
    for (const auto& [policy, counts] : it->second) {
      std::string tally;
      for (const auto& [v, n] : counts) tally += fmt::format(" {}={}", v, n);
      s += fmt::format("  {:<11} x {:<15}{}\n", phase, policy, tally);
    }
  }
  if (t.sqlite_optimizer > 0) {
    s += fmt::format("{} disagreements resolved by SQLite without its optimizer (SQLite's bugs)\n",
                     t.sqlite_optimizer);
  }
  s += fmt::format(
      "throughput: {:.0f} statements/s, {:.1f} crash checks/s, {:.0f} crash states/s ({:.2f} s)\n",
      per_second(t.statements, t.seconds), per_second(t.crashes, t.seconds),
      per_second(t.crash_states, t.seconds), t.seconds);
  return s;
}

Result<std::vector<std::string>> write_model_folder(const std::string& dir,
                                                    const ModelReport& report) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("cannot create " + dir + ": " + ec.message());
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if ((name.rfind("replay-", 0) == 0 && entry.path().extension() == ".json") ||
        (name.rfind("failure-", 0) == 0 && entry.path().extension() == ".sql")) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  std::vector<Written> written(report.results.size());
  std::vector<std::string> files;
  size_t failures = 0;
  for (size_t i = 0; i < report.results.size(); ++i) {
    if (!report.results[i].final_run().failure) continue;
    STRATA_ASSIGN(written[i], write_failure(dir, failures++, report, report.results[i]));
    files.push_back(written[i].script);
    if (!written[i].replay.empty()) files.push_back(written[i].replay);
  }
  const ModelStats t = report.totals();
  json j;
  j["tool"] = "strata-lab model";
  j["command"] = report.command;
  j["verdict"] = model_verdict(report);
  j["pass"] = report.failures() == 0;
  j["seeds"] = report.results.size();
  j["divergences"] = report.divergences();
  j["violations"] = report.violations();
  j["totals"] = stats_json(t);
  j["matrix"] = t.matrix;
  const ModelOptions& o = report.options;
  json fs = json::array();
  for (faults::FaultKind f : o.faults) fs.push_back(std::string(faults::fault_name(f)));
  j["options"] = {{"statements", o.statements},
                  {"crash_every", o.crash_every},
                  {"fault_every", o.fault_every},
                  {"policies", policy_list(o.policies)},
                  {"faults", fs},
                  {"device", o.device.to_string()},
                  {"exhaustive_bound", o.exhaustive_bound},
                  {"samples", o.samples},
                  {"crash_window", o.crash_window},
                  {"page_size", o.page_size},
                  {"commit_protocol", std::string(commit_protocol_name(o.commit_protocol))},
                  {"protocol_bug", std::string(protocol_bug_name(o.protocol_bug))},
                  {"planted_bug", std::string(oracle::planted_bug_name(o.planted_bug))}};
  json runs = json::array();
  for (size_t i = 0; i < report.results.size(); ++i) {
    const ModelResult& r = report.results[i];
    json run = {{"seed", r.seed}, {"steps", r.input_steps}, {"stats", stats_json(r.run.stats)}};
    run["failure"] = r.final_run().failure ? failure_json(r, written[i]) : json(nullptr);
    runs.push_back(std::move(run));
  }
  j["runs"] = std::move(runs);
  const std::filesystem::path root(dir);
  STRATA_TRY(write_text(root / "summary.json",
                        j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"));
  STRATA_TRY(write_text(root / "junit.xml", junit_xml(report, t)));
  STRATA_TRY(write_text(root / "report.html", report_html(report, t, written)));
  return files;
}

}  // namespace strata::model
