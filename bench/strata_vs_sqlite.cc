// strata_vs_sqlite: the same SQL workloads on Strata and on SQLite, side by side
// in one process, printing each engine's rate, the ratio and a checksum of the
// results (which must agree). Ratios, not absolute times, are the point: the
// machines here are small and noisy.
//
//   ./build/default/bench/strata_vs_sqlite [--rows N] [--lookups N] [--dir DIR]
//
// Workloads (issue numbering W1-W4; joins and grouping come with the query engine):
//   W1 bulk load: t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT), N rows in one
//      transaction through a prepared statement
//   W2 point lookups by id;  W3 range scans of 10,000 ids, and a full scan
//   W4 CREATE INDEX on a, then lookups by a
//   W6 u(id INTEGER PRIMARY KEY, g, w) with N/5 rows; t joined with u on u's primary key
//      (u.id = t.a % (N/5) + 1) and grouped into 100 groups of u.g; and a GROUP BY over t
//      into 100 groups (rows of t per second)
// SQLite runs with its defaults (synchronous=FULL, rollback journal); both use
// real files under --dir.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/exec/value_ops.h"
#include "engine/query/database.h"
#include "vfs/posix_vfs.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  double seconds = 0;
  uint64_t checksum = 0;
};

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void die(const std::string& what) {
  std::fprintf(stderr, "strata_vs_sqlite: %s\n", what.c_str());
  std::exit(1);
}

void check(const strata::Status& s, const char* what) {
  if (!s.is_ok()) die(std::string(what) + ": " + s.to_string());
}

std::string random_text(std::mt19937_64& rng) {
  std::string s(16 + rng() % 85, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

// ---------------------------------------------------------------- SQLite side
struct Lite {
  sqlite3* db = nullptr;
  explicit Lite(const std::string& path) {
    std::remove(path.c_str());
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) die("sqlite3_open");
  }
  ~Lite() { sqlite3_close(db); }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) die(std::string("sqlite: ") + err);
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db));
    return st;
  }
};

// ---------------------------------------------------------------- Strata side
struct Strata {
  strata::vfs::PosixVfs vfs;
  std::unique_ptr<strata::query::Database> db;
  explicit Strata(const std::string& path) {
    (void)vfs.remove(path);
    auto d = strata::query::Database::open(&vfs, path);
    if (!d.ok()) die(d.status().to_string());
    db = std::move(d).value();
  }
  void exec(const std::string& sql) { check(db->execute(sql), sql.c_str()); }
  std::unique_ptr<strata::query::Statement> prepare(const std::string& sql) {
    auto st = db->prepare(sql);
    if (!st.ok()) die(st.status().to_string());
    return std::move(st).value();
  }
};

uint64_t mix(uint64_t h, int64_t v) { return (h ^ static_cast<uint64_t>(v)) * 0x100000001b3ULL; }

void report(const char* name, double ops, const Figures& strata, const Figures& lite) {
  double s = ops / strata.seconds, q = ops / lite.seconds;
  std::printf("%-34s strata %12.0f/s   sqlite %12.0f/s   ratio %5.2fx   checksum %s\n", name, s, q,
              s / q, strata.checksum == lite.checksum ? "equal" : "DIFFERENT");
  if (strata.checksum != lite.checksum) std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1000000, lookups = 200000;
  std::string dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--lookups")) lookups = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::printf("rows %lld, lookups %lld, files in %s\n", static_cast<long long>(rows),
              static_cast<long long>(lookups), dir.c_str());
  Strata strata(dir + "/bench.strata");
  Lite lite(dir + "/bench.sqlite");
  const char* schema = "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)";
  strata.exec(schema);
  lite.exec(schema);

  // W1 bulk load
  Figures s1, l1;
  {
    std::mt19937_64 rng(42);
    auto t = Clock::now();
    strata.exec("BEGIN");
    auto ins = strata.prepare("INSERT INTO t VALUES (?, ?, ?)");
    for (int64_t i = 1; i <= rows; ++i) {
      check(ins->reset(), "reset");
      check(ins->bind(1, strata::Value::integer(i)), "bind");
      check(ins->bind(2, strata::Value::integer(static_cast<int64_t>(rng() & 0x7fffffff))), "bind");
      check(ins->bind(3, strata::Value::text(random_text(rng))), "bind");
      auto r = ins->step();
      if (!r.ok()) die(r.status().to_string());
    }
    strata.exec("COMMIT");
    s1.seconds = since(t);
  }
  {
    std::mt19937_64 rng(42);
    auto t = Clock::now();
    lite.exec("BEGIN");
    sqlite3_stmt* ins = lite.prepare("INSERT INTO t VALUES (?, ?, ?)");
    for (int64_t i = 1; i <= rows; ++i) {
      sqlite3_reset(ins);
      sqlite3_bind_int64(ins, 1, i);
      sqlite3_bind_int64(ins, 2, static_cast<int64_t>(rng() & 0x7fffffff));
      std::string b = random_text(rng);
      sqlite3_bind_text(ins, 3, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(ins) != SQLITE_DONE) die(sqlite3_errmsg(lite.db));
    }
    sqlite3_finalize(ins);
    lite.exec("COMMIT");
    l1.seconds = since(t);
  }
  report("W1 bulk insert (rows)", static_cast<double>(rows), s1, l1);

  // W2 point lookups
  auto point = [&](const char* sql, int64_t count, int64_t key_space, uint64_t seed, Figures* s, Figures* l) {
    {
      std::mt19937_64 rng(seed);
      auto st = strata.prepare(sql);
      auto t = Clock::now();
      for (int64_t i = 0; i < count; ++i) {
        check(st->reset(), "reset");
        check(st->bind(1, strata::Value::integer(static_cast<int64_t>(rng() % key_space) + 1)), "bind");
        while (true) {
          auto r = st->step();
          if (!r.ok()) die(r.status().to_string());
          if (!*r) break;
          s->checksum = mix(s->checksum, st->column(0).as_integer());
        }
      }
      s->seconds = since(t);
    }
    {
      std::mt19937_64 rng(seed);
      sqlite3_stmt* st = lite.prepare(sql);
      auto t = Clock::now();
      for (int64_t i = 0; i < count; ++i) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, static_cast<int64_t>(rng() % key_space) + 1);
        while (sqlite3_step(st) == SQLITE_ROW) l->checksum = mix(l->checksum, sqlite3_column_int64(st, 0));
      }
      sqlite3_finalize(st);
      l->seconds = since(t);
    }
  };
  Figures s2, l2;
  point("SELECT a FROM t WHERE id = ?", lookups, rows, 7, &s2, &l2);
  report("W2 point lookups by id", static_cast<double>(lookups), s2, l2);

  // W3 range scans of 10,000 ids (rows per second), and one full scan
  auto scan = [&](const std::string& sql, int repeats, Figures* s, Figures* l, uint64_t* rows_seen) {
    *rows_seen = 0;
    auto t = Clock::now();
    for (int i = 0; i < repeats; ++i) {
      check(strata.db->execute(sql, [&](const strata::query::Statement& st) {
              s->checksum = mix(s->checksum, st.column(0).as_integer());
              ++*rows_seen;
            }),
            sql.c_str());
    }
    s->seconds = since(t);
    sqlite3_stmt* st = lite.prepare(sql.c_str());
    t = Clock::now();
    for (int i = 0; i < repeats; ++i) {
      sqlite3_reset(st);
      while (sqlite3_step(st) == SQLITE_ROW) l->checksum = mix(l->checksum, sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    l->seconds = since(t);
  };
  Figures s3, l3;
  uint64_t seen = 0;
  int64_t span = std::min<int64_t>(10000, rows);
  int64_t start = rows / 3;
  scan("SELECT a FROM t WHERE id >= " + std::to_string(start) + " AND id < " + std::to_string(start + span), 20,
       &s3, &l3, &seen);
  report("W3 range scan, 10k ids (rows)", static_cast<double>(seen), s3, l3);
  Figures s3b, l3b;
  scan("SELECT a, b FROM t", 1, &s3b, &l3b, &seen);
  report("W3 full scan (rows)", static_cast<double>(seen), s3b, l3b);

  // W4 index build and lookups by a
  Figures s4, l4;
  {
    auto t = Clock::now();
    strata.exec("CREATE INDEX t_a ON t(a)");
    s4.seconds = since(t);
    t = Clock::now();
    lite.exec("CREATE INDEX t_a ON t(a)");
    l4.seconds = since(t);
  }
  report("W4 CREATE INDEX (rows indexed)", static_cast<double>(rows), s4, l4);
  Figures s5, l5;
  point("SELECT id FROM t WHERE a = ?", lookups / 2, 0x7fffffff, 9, &s5, &l5);
  report("W4 index lookups by a", static_cast<double>(lookups / 2), s5, l5);

  // W6 a join on the primary key, grouped; and a GROUP BY over t
  int64_t u_rows = std::max<int64_t>(1, rows / 5);
  {
    const char* u_schema = "CREATE TABLE u(id INTEGER PRIMARY KEY, g INTEGER, w TEXT)";
    strata.exec(u_schema);
    lite.exec(u_schema);
    strata.exec("BEGIN");
    auto ins = strata.prepare("INSERT INTO u VALUES (?, ?, ?)");
    for (int64_t i = 1; i <= u_rows; ++i) {
      check(ins->reset(), "reset");
      check(ins->bind(1, strata::Value::integer(i)), "bind");
      check(ins->bind(2, strata::Value::integer(i % 100)), "bind");
      check(ins->bind(3, strata::Value::text("w" + std::to_string(i))), "bind");
      auto r = ins->step();
      if (!r.ok()) die(r.status().to_string());
    }
    strata.exec("COMMIT");
    lite.exec("BEGIN");
    sqlite3_stmt* lins = lite.prepare("INSERT INTO u VALUES (?, ?, ?)");
    for (int64_t i = 1; i <= u_rows; ++i) {
      sqlite3_reset(lins);
      sqlite3_bind_int64(lins, 1, i);
      sqlite3_bind_int64(lins, 2, i % 100);
      std::string w = "w" + std::to_string(i);
      sqlite3_bind_text(lins, 3, w.data(), static_cast<int>(w.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(lins) != SQLITE_DONE) die(sqlite3_errmsg(lite.db));
    }
    sqlite3_finalize(lins);
    lite.exec("COMMIT");
  }
  // Every result column is an integer; each row is folded into the checksum.
  auto grouped = [&](const std::string& sql, Figures* s, Figures* l) {
    auto t = Clock::now();
    check(strata.db->execute(sql,
                             [&](const strata::query::Statement& st) {
                               for (int c = 0; c < st.column_count(); ++c)
                                 s->checksum = mix(s->checksum, st.column(c).as_integer());
                             }),
          sql.c_str());
    s->seconds = since(t);
    sqlite3_stmt* st = lite.prepare(sql.c_str());
    t = Clock::now();
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c)
        l->checksum = mix(l->checksum, sqlite3_column_int64(st, c));
    }
    sqlite3_finalize(st);
    l->seconds = since(t);
  };
  Figures s6, l6;
  grouped("SELECT u.g, count(*), sum(t.a % 1000) FROM t JOIN u ON u.id = t.a % " +
              std::to_string(u_rows) + " + 1 GROUP BY u.g ORDER BY u.g",
          &s6, &l6);
  report("W6 join on pk, GROUP BY (rows)", static_cast<double>(rows), s6, l6);
  Figures s7, l7;
  grouped("SELECT a % 100, count(*), sum(id) FROM t GROUP BY a % 100 ORDER BY 1", &s7, &l7);
  report("W6 GROUP BY over t (rows)", static_cast<double>(rows), s7, l7);

  auto strata_stats = strata.db->store()->stats();
  std::printf("strata file: %llu pages of %u bytes\n", static_cast<unsigned long long>(strata_stats.page_count),
              strata_stats.page_size);
  return 0;
}
