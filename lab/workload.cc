#include "lab/workload.h"

#include <fmt/core.h>

#include <fstream>
#include <random>
#include <sstream>

#include "engine/sql/parser.h"

namespace strata::lab {

namespace {

// Printable text of a given length, from a fixed generator.
std::string text_of(std::mt19937_64& rng, size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  std::string s(length, ' ');
  for (auto& c : s) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return s;
}

std::vector<std::string> default_workload() {
  std::mt19937_64 rng(20261121);
  std::vector<std::string> w = {
      "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, "
      "age INTEGER, note TEXT)",
      "CREATE INDEX users_age ON users(age)",
  };
  int next_id = 1;
  auto insert = [&] {
    int id = next_id++;
    return fmt::format("INSERT INTO users VALUES({}, 'user{}', 'u{}@example.com', {}, '{}')", id,
                       id, id, 18 + rng() % 60, text_of(rng, 20 + rng() % 180));
  };
  // Commit: a batch of inserts in one transaction.
  w.push_back("BEGIN");
  for (int i = 0; i < 12; ++i) w.push_back(insert());
  w.push_back("COMMIT");
  // Single-statement commits.
  for (int i = 0; i < 3; ++i) w.push_back(insert());
  w.push_back("UPDATE users SET age = age + 1 WHERE age < 40");
  w.push_back("DELETE FROM users WHERE id % 5 = 0");
  // A transaction rolled back: nothing of it may ever be visible.
  w.push_back("BEGIN");
  w.push_back(insert());
  w.push_back("UPDATE users SET note = 'rolled back' WHERE id < 6");
  w.push_back("DELETE FROM users WHERE age > 50");
  w.push_back("ROLLBACK");
  w.push_back(insert());
  w.push_back("UPDATE users SET email = 'changed' || id || '@example.org' WHERE id % 3 = 1");
  w.push_back("BEGIN");
  for (int i = 0; i < 6; ++i) w.push_back(insert());
  w.push_back("DELETE FROM users WHERE id = 2");
  w.push_back("COMMIT");
  w.push_back("UPDATE users SET note = NULL, age = NULL WHERE id = 3");
  w.push_back("DELETE FROM users WHERE age BETWEEN 30 AND 45");
  w.push_back(insert());
  w.push_back("SELECT id, age, email FROM users WHERE age > 30 ORDER BY id");
  w.push_back("UPDATE users SET name = upper(name) WHERE id > 10");
  // A statement that fails (UNIQUE): no commit, nothing changes.
  w.push_back("INSERT INTO users VALUES(1000, 'dup', 'u1@example.com', 1, NULL)");
  w.push_back(insert());
  return w;
}

std::vector<std::string> churn_workload() {
  std::mt19937_64 rng(7);
  std::vector<std::string> w = {"CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT)",
                                "CREATE INDEX kv_v ON kv(v)"};
  int next = 0;
  for (int round = 0; round < 6; ++round) {
    w.push_back("BEGIN");
    for (int i = 0; i < 25; ++i) {
      w.push_back(fmt::format("INSERT INTO kv VALUES({}, '{}')", next++,
                              text_of(rng, 40 + rng() % 120)));
    }
    w.push_back("COMMIT");
    // Free most of it again: the next round must reuse the pages.
    w.push_back(fmt::format("DELETE FROM kv WHERE k < {}", next - 5));
  }
  w.push_back("UPDATE kv SET v = v || v");
  return w;
}

std::vector<std::string> big_values_workload() {
  std::mt19937_64 rng(11);
  std::vector<std::string> w = {"CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT)"};
  for (int i = 1; i <= 5; ++i) {
    w.push_back(fmt::format("INSERT INTO docs VALUES({}, 'doc {}', '{}')", i, i,
                            text_of(rng, 3000 + rng() % 14000)));
  }
  w.push_back(fmt::format("UPDATE docs SET body = '{}' WHERE id = 2", text_of(rng, 9000)));
  w.push_back("DELETE FROM docs WHERE id = 3");
  w.push_back(fmt::format("INSERT INTO docs VALUES(6, 'doc 6', '{}')", text_of(rng, 20000)));
  w.push_back("UPDATE docs SET body = substr(body, 1, 100) WHERE id = 6");
  w.push_back("DELETE FROM docs WHERE id = 1");
  return w;
}

std::vector<std::string> many_tables_workload() {
  std::mt19937_64 rng(13);
  std::vector<std::string> w;
  for (int t = 1; t <= 4; ++t) {
    w.push_back(fmt::format("CREATE TABLE t{}(a INTEGER, b TEXT, c REAL)", t));
    w.push_back("BEGIN");
    for (int i = 0; i < 10; ++i) {
      w.push_back(fmt::format("INSERT INTO t{} VALUES({}, '{}', {}.5)", t, rng() % 1000,
                              text_of(rng, 10 + rng() % 40), i));
    }
    w.push_back("COMMIT");
  }
  w.push_back("CREATE INDEX t1_a ON t1(a)");         // back-filled in its commit
  w.push_back("CREATE UNIQUE INDEX t2_b ON t2(b)");
  w.push_back("CREATE INDEX t3_ab ON t3(a, b)");
  w.push_back("DROP TABLE t4");
  w.push_back("DROP INDEX t1_a");
  w.push_back("CREATE TABLE t5(x TEXT PRIMARY KEY, y INTEGER)");
  w.push_back("INSERT INTO t5 SELECT b, a FROM t2");
  w.push_back("BEGIN");
  w.push_back("CREATE TABLE t6(z)");
  w.push_back("INSERT INTO t6 VALUES(1), (2), (3)");
  w.push_back("DROP TABLE t1");
  w.push_back("COMMIT");
  return w;
}

}  // namespace

const std::vector<std::string>& builtin_workloads() {
  static const std::vector<std::string> names = {"default", "churn", "big-values", "many-tables"};
  return names;
}

Result<std::vector<std::string>> split_statements(std::string_view script) {
  std::vector<std::string> out;
  sql::Parser parser(script);
  for (;;) {
    STRATA_ASSIGN(std::optional<sql::ParsedStatement> next, parser.next());
    if (!next) break;
    out.emplace_back(script.substr(next->begin, next->end - next->begin));
  }
  return out;
}

Result<Workload> load_workload(const std::string& name_or_path) {
  Workload w;
  w.name = name_or_path;
  if (name_or_path == "default") {
    w.statements = default_workload();
  } else if (name_or_path == "churn") {
    w.statements = churn_workload();
  } else if (name_or_path == "big-values") {
    w.statements = big_values_workload();
  } else if (name_or_path == "many-tables") {
    w.statements = many_tables_workload();
  } else {
    // The testbed's own input file, read from the real disk (not the engine's I/O).
    std::ifstream in(name_or_path, std::ios::binary);
    if (!in) {
      return Status::not_found("workload \"" + name_or_path +
                               "\" is neither a built-in (default, churn, big-values, "
                               "many-tables) nor a readable .sql file");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto statements = split_statements(ss.str());
    if (!statements.ok()) return statements.status().with_context(name_or_path);
    w.statements = std::move(*statements);
  }
  return w;
}

}  // namespace strata::lab
