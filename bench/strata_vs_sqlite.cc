// strata_vs_sqlite: the SQL workloads of issue 9 on Strata and on SQLite, side by side.
//
//   ./build/default/bench/strata_vs_sqlite [--rows N] [--lookups N] [--rounds N] [--dir DIR]
//                                          [--cache-mib N] [--markdown FILE]
//   (scripts/bench.sh builds it and runs it at full size.)
//
// Defaults are the sizes. Workloads (each engine runs the same statements on a fresh
// file under --dir):
//   W1 bulk load: t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT), N rows in one transaction
//      through a prepared statement; a pseudo-random 31-bit, b 16-100 random letters
//   W2 `lookups` point lookups by id
//   W3 200 range sums over 10,000 ids each; one full count(*), sum(a)
//   W4 CREATE INDEX on a, then lookups/2 lookups by a (of rows that exist)
//   W6 u(id INTEGER PRIMARY KEY, g, w) with N/5 rows; t joined with u on u's primary key and
//      grouped into 100 groups; a GROUP BY over t into 100 groups (rows of t per second)
//   W5 2,000 single-row INSERTs into t, each its own durable transaction (autocommit); and
//      the raw rate of `write 4 KiB + fdatasync` on a file in the same directory: the limit
//   plus each engine's file size after W1 and after W4, and its peak memory.
//
// How it measures:
//   * A round runs one pass per engine, each in a forked child of this process, then the raw
//     sync pass; the engine that goes first alternates from round to round. Each figure is
//     the median over rounds; ratios are Strata / SQLite (or engine / raw for W5), taken
//     from the medians. Ratios, not absolute times, are the point: machines here are noisy.
//   * Every query folds its results into a checksum; the checksums of every pass of both
//     engines must agree, or the program stops (exit 2).
//   * Memory: a pass runs alone in its child, so the child's resident set is that engine's.
//     Before each workload the child resets its peak (writes 5 to /proc/self/clear_refs) and
//     after it reads VmHWM: the peak resident set during the workload, including the child's
//     start (the baseline printed alongside). Freed heap is returned first (malloc_trim), so
//     the figure is what the workload holds live, not what the allocator kept from before. SQLite's own allocator high-water mark
//     (sqlite3_memory_highwater) is printed too.
// SQLite runs with its defaults (synchronous=FULL, rollback journal, cache_size -2000); Strata
// with its defaults (one-sync commits, 32 MiB cache) unless --cache-mib says otherwise.
#include <malloc.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/query/database.h"
#include "vfs/posix_vfs.h"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "strata_vs_sqlite: %s\n", what.c_str());
  std::_Exit(1);
}

void check(const strata::Status& s, const char* what) {
  if (!s.is_ok()) die(std::string(what) + ": " + s.to_string());
}

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
// Column a of row `id`: pseudo-random 31-bit, computable from the id so that W4 can look up
// values that exist without keeping a million of them in memory.
int64_t a_of(int64_t id) { return static_cast<int64_t>(splitmix(static_cast<uint64_t>(id)) & 0x7fffffff); }

std::string random_text(std::mt19937_64& rng) {
  std::string s(16 + rng() % 85, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

uint64_t mix(uint64_t h, int64_t v) { return (h ^ static_cast<uint64_t>(v)) * 0x100000001b3ULL; }

uint64_t file_bytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// /proc/self/status field in KiB (VmRSS, VmHWM); 0 if unavailable.
uint64_t proc_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::strtoull(line.c_str() + n + 1, nullptr, 10);
    }
  }
  return 0;
}

// Resets VmHWM to the current resident set (Linux >= 4.0). False if the kernel refused.
// Heap the previous workload freed goes back to the system first (malloc_trim), so that a
// workload's peak is what is live during it, not what glibc kept from the one before.
bool reset_peak() {
  ::malloc_trim(0);
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// ---------------------------------------------------------------- the two engines
// One interface, so that both engines run literally the same workload code.
class Stmt {
 public:
  virtual ~Stmt() = default;
  virtual void reset() = 0;
  virtual void bind_int(int index, int64_t v) = 0;
  virtual void bind_text(int index, const std::string& v) = 0;
  virtual bool step() = 0;  // true: a row is ready
  virtual int64_t column_int(int i) = 0;
  virtual int column_count() = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual void exec(const std::string& sql) = 0;
  virtual std::unique_ptr<Stmt> prepare(const std::string& sql) = 0;
  virtual uint64_t allocator_highwater() { return 0; }
};

class LiteStmt : public Stmt {
 public:
  LiteStmt(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~LiteStmt() override { sqlite3_finalize(st_); }
  void reset() override { sqlite3_reset(st_); }
  void bind_int(int index, int64_t v) override { sqlite3_bind_int64(st_, index, v); }
  void bind_text(int index, const std::string& v) override {
    sqlite3_bind_text(st_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  bool step() override {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) die(std::string("sqlite: ") + sqlite3_errmsg(db_));
    return false;
  }
  int64_t column_int(int i) override { return sqlite3_column_int64(st_, i); }
  int column_count() override { return sqlite3_column_count(st_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_;
};

class LiteEngine : public Engine {
 public:
  explicit LiteEngine(const std::string& path) {
    std::remove(path.c_str());
    std::remove((path + "-journal").c_str());
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) die("sqlite3_open " + path);
    exec("PRAGMA synchronous=FULL");  // the default, said out loud
  }
  ~LiteEngine() override { sqlite3_close(db_); }
  void exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) die(std::string("sqlite: ") + err);
  }
  std::unique_ptr<Stmt> prepare(const std::string& sql) override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db_));
    return std::make_unique<LiteStmt>(db_, st);
  }
  uint64_t allocator_highwater() override { return static_cast<uint64_t>(sqlite3_memory_highwater(0)); }

 private:
  sqlite3* db_ = nullptr;
};

class StrataStmt : public Stmt {
 public:
  explicit StrataStmt(std::unique_ptr<strata::query::Statement> st) : st_(std::move(st)) {}
  void reset() override { check(st_->reset(), "reset"); }
  void bind_int(int index, int64_t v) override { check(st_->bind(index, strata::Value::integer(v)), "bind"); }
  void bind_text(int index, const std::string& v) override {
    check(st_->bind(index, strata::Value::text(v)), "bind");
  }
  bool step() override {
    auto r = st_->step();
    if (!r.ok()) die(st_->sql() + ": " + r.status().to_string());
    return *r;
  }
  int64_t column_int(int i) override { return st_->column(i).as_integer(); }
  int column_count() override { return st_->column_count(); }

 private:
  std::unique_ptr<strata::query::Statement> st_;
};

class StrataEngine : public Engine {
 public:
  StrataEngine(const std::string& path, size_t cache_bytes) {
    (void)vfs_.remove(path);
    strata::query::DatabaseOptions options;
    if (cache_bytes != 0) options.store.cache_bytes = cache_bytes;
    auto d = strata::query::Database::open(&vfs_, path, options);
    if (!d.ok()) die(d.status().to_string());
    db_ = std::move(d).value();
  }
  void exec(const std::string& sql) override { check(db_->execute(sql), sql.c_str()); }
  std::unique_ptr<Stmt> prepare(const std::string& sql) override {
    auto st = db_->prepare(sql);
    if (!st.ok()) die(sql + ": " + st.status().to_string());
    return std::make_unique<StrataStmt>(std::move(st).value());
  }

 private:
  strata::vfs::PosixVfs vfs_;
  std::unique_ptr<strata::query::Database> db_;
};

// ---------------------------------------------------------------- one pass
struct Config {
  int64_t rows = 1000000;
  int64_t lookups = 200000;
  int64_t index_lookups = 100000;
  int64_t range_queries = 200;
  int64_t range_span = 10000;
  int64_t durable_commits = 2000;
  int rounds = 3;
  size_t strata_cache_bytes = 0;  // 0: the engine's default
  std::string dir = "/tmp";
  std::string markdown;
  std::string only_engine;  // --engine: one engine's pass, no comparison (for profiling)
};

// name -> value, in the order recorded. Timed figures: "<name>.seconds", "<name>.ops",
// "<name>.checksum"; others: file sizes and memory in bytes.
using Figures = std::vector<std::pair<std::string, double>>;

class Pass {
 public:
  Pass(Engine* engine, const Config& config, const std::string& path)
      : engine_(engine), config_(config), path_(path) {}

  // Runs every workload; `figures` gets each result.
  void run(Figures* figures, uint64_t* checksum_out) {
    out_ = figures;
    record("memory.baseline", static_cast<double>(proc_kib("VmRSS")) * 1024);
    const int64_t rows = config_.rows;
    engine_->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)");

    timed("W1", [&](uint64_t* sum) {
      std::mt19937_64 rng(42);
      engine_->exec("BEGIN");
      auto ins = engine_->prepare("INSERT INTO t VALUES (?, ?, ?)");
      for (int64_t id = 1; id <= rows; ++id) {
        ins->reset();
        ins->bind_int(1, id);
        ins->bind_int(2, a_of(id));
        ins->bind_text(3, random_text(rng));
        ins->step();
      }
      ins.reset();
      engine_->exec("COMMIT");
      *sum = mix(0, rows);
      return static_cast<double>(rows);
    });
    record("file.W1", static_cast<double>(file_bytes(path_)));

    timed("W2", [&](uint64_t* sum) {
      std::mt19937_64 rng(7);
      auto st = engine_->prepare("SELECT a FROM t WHERE id = ?");
      for (int64_t i = 0; i < config_.lookups; ++i) {
        st->reset();
        st->bind_int(1, static_cast<int64_t>(rng() % static_cast<uint64_t>(rows)) + 1);
        while (st->step()) *sum = mix(*sum, st->column_int(0));
      }
      return static_cast<double>(config_.lookups);
    });

    const int64_t span = std::min(config_.range_span, rows);
    timed("W3.range", [&](uint64_t* sum) {
      std::mt19937_64 rng(8);
      auto st = engine_->prepare("SELECT sum(a), count(*) FROM t WHERE id >= ? AND id < ?");
      int64_t seen = 0;
      for (int64_t i = 0; i < config_.range_queries; ++i) {
        int64_t start = static_cast<int64_t>(rng() % static_cast<uint64_t>(rows - span + 1)) + 1;
        st->reset();
        st->bind_int(1, start);
        st->bind_int(2, start + span);
        while (st->step()) {
          *sum = mix(*sum, st->column_int(0));
          seen += st->column_int(1);
        }
      }
      return static_cast<double>(seen);  // rows summed
    });

    timed("W3.full", [&](uint64_t* sum) {
      auto st = engine_->prepare("SELECT count(*), sum(a) FROM t");
      while (st->step()) *sum = mix(mix(*sum, st->column_int(0)), st->column_int(1));
      return static_cast<double>(rows);
    });

    timed("W4.create", [&](uint64_t* sum) {
      engine_->exec("CREATE INDEX t_a ON t(a)");
      *sum = mix(0, rows);
      return static_cast<double>(rows);
    });
    record("file.W4", static_cast<double>(file_bytes(path_)));

    timed("W4.lookup", [&](uint64_t* sum) {
      std::mt19937_64 rng(9);
      auto st = engine_->prepare("SELECT id FROM t WHERE a = ?");
      for (int64_t i = 0; i < config_.index_lookups; ++i) {
        st->reset();
        st->bind_int(1, a_of(static_cast<int64_t>(rng() % static_cast<uint64_t>(rows)) + 1));
        while (st->step()) *sum = mix(*sum, st->column_int(0));
      }
      return static_cast<double>(config_.index_lookups);
    });

    const int64_t u_rows = std::max<int64_t>(1, rows / 5);
    {  // W6's second table: loaded untimed
      engine_->exec("CREATE TABLE u(id INTEGER PRIMARY KEY, g INTEGER, w TEXT)");
      engine_->exec("BEGIN");
      auto ins = engine_->prepare("INSERT INTO u VALUES (?, ?, ?)");
      for (int64_t i = 1; i <= u_rows; ++i) {
        ins->reset();
        ins->bind_int(1, i);
        ins->bind_int(2, i % 100);
        ins->bind_text(3, "w" + std::to_string(i));
        ins->step();
      }
      ins.reset();
      engine_->exec("COMMIT");
    }
    auto grouped = [&](const std::string& sql, uint64_t* sum) {
      auto st = engine_->prepare(sql);
      while (st->step()) {
        for (int c = 0; c < st->column_count(); ++c) *sum = mix(*sum, st->column_int(c));
      }
      return static_cast<double>(rows);
    };
    timed("W6.join", [&](uint64_t* sum) {
      return grouped("SELECT u.g, count(*), sum(t.a % 1000) FROM t JOIN u ON u.id = t.a % " +
                         std::to_string(u_rows) + " + 1 GROUP BY u.g ORDER BY u.g",
                     sum);
    });
    timed("W6.group", [&](uint64_t* sum) {
      return grouped("SELECT a % 100, count(*), sum(id) FROM t GROUP BY a % 100 ORDER BY 1", sum);
    });

    timed("W5", [&](uint64_t* sum) {
      std::mt19937_64 rng(5);
      auto ins = engine_->prepare("INSERT INTO t VALUES (?, ?, ?)");
      for (int64_t i = 1; i <= config_.durable_commits; ++i) {
        ins->reset();
        ins->bind_int(1, rows + i);
        ins->bind_int(2, a_of(rows + i));
        ins->bind_text(3, random_text(rng));
        ins->step();
      }
      ins.reset();
      auto st = engine_->prepare("SELECT count(*), sum(a) FROM t WHERE id > ?");
      st->bind_int(1, rows);
      while (st->step()) *sum = mix(mix(*sum, st->column_int(0)), st->column_int(1));
      return static_cast<double>(config_.durable_commits);
    });
    record("memory.allocator", static_cast<double>(engine_->allocator_highwater()));
    *checksum_out = checksum_;
  }

 private:
  void record(const std::string& name, double value) { out_->emplace_back(name, value); }

  // Runs one workload: f returns the operation count and folds its results into *sum.
  template <class F>
  void timed(const std::string& name, F f) {
    bool peak_reset = reset_peak();
    uint64_t sum = 0;
    auto t = Clock::now();
    double ops = f(&sum);
    double seconds = since(t);
    record(name + ".seconds", seconds);
    record(name + ".ops", ops);
    record(name + ".checksum", static_cast<double>(sum % (uint64_t{1} << 52)));
    if (peak_reset) record("memory." + name, static_cast<double>(proc_kib("VmHWM")) * 1024);
    checksum_ = mix(checksum_, static_cast<int64_t>(sum));
  }

  Engine* engine_;
  const Config& config_;
  std::string path_;
  Figures* out_ = nullptr;
  uint64_t checksum_ = 0;
};

// The limit W5 is measured against: one 4 KiB write and one fdatasync per item, in --dir.
Figures raw_sync_pass(const Config& config) {
  strata::vfs::PosixVfs vfs;
  const std::string path = config.dir + "/bench.raw";
  (void)vfs.remove(path);
  strata::vfs::OpenOptions o;
  o.create = true;
  auto file = vfs.open(path, o);
  if (!file.ok()) die(file.status().to_string());
  std::vector<uint8_t> page(4096, 0x5a);
  auto t = Clock::now();
  for (int64_t i = 0; i < config.durable_commits; ++i) {
    check((*file)->write(static_cast<uint64_t>(i % 64) * 4096, page), "raw write");
    check((*file)->sync(), "raw sync");
  }
  double seconds = since(t);
  file->reset();
  (void)vfs.remove(path);
  return {{"W5.seconds", seconds}, {"W5.ops", static_cast<double>(config.durable_commits)}};
}

// Runs one engine's pass in a forked child; its figures come back through a pipe as text.
Figures run_in_child(const std::string& engine_name, const Config& config, uint64_t* checksum) {
  int fds[2];
  if (::pipe(fds) != 0) die("pipe");
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    ::close(fds[0]);
    Figures figures;
    uint64_t sum = 0;
    {
      std::unique_ptr<Engine> engine;
      std::string path = config.dir + "/bench." + engine_name;
      if (engine_name == "strata") {
        engine = std::make_unique<StrataEngine>(path, config.strata_cache_bytes);
      } else {
        engine = std::make_unique<LiteEngine>(path);
      }
      Pass(engine.get(), config, path).run(&figures, &sum);
    }
    std::ostringstream text;
    text.precision(17);
    text << "checksum " << sum << "\n";
    for (const auto& [name, value] : figures) text << name << " " << value << "\n";
    std::string s = text.str();
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::write(fds[1], s.data() + off, s.size() - off);
      if (n <= 0) std::_Exit(3);
      off += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    std::_Exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die(engine_name + " pass failed");
  std::istringstream in(text);
  Figures figures;
  std::string name;
  double value;
  in >> name >> *checksum;
  while (in >> name >> value) figures.emplace_back(name, value);
  std::remove((config.dir + "/bench." + engine_name).c_str());
  return figures;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Row {
  std::string workload, unit, target;
  double strata = 0, sqlite = 0, ratio = 0;
  bool higher_is_better = true;
  double target_ratio = 0;  // 0: no target
};

std::string human_bytes(double b) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f MiB", b / (1 << 20));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--rows") config.rows = std::atoll(value().c_str());
    else if (arg == "--lookups") config.lookups = std::atoll(value().c_str());
    else if (arg == "--index-lookups") config.index_lookups = std::atoll(value().c_str());
    else if (arg == "--commits") config.durable_commits = std::atoll(value().c_str());
    else if (arg == "--rounds") config.rounds = std::atoi(value().c_str());
    else if (arg == "--dir") config.dir = value();
    else if (arg == "--cache-mib") config.strata_cache_bytes = std::stoull(value()) << 20;
    else if (arg == "--markdown") config.markdown = value();
    else if (arg == "--engine") config.only_engine = value();
    else if (arg == "--small") {  // a quick smoke run
      config.rows = 20000, config.lookups = 4000, config.index_lookups = 2000;
      config.range_queries = 20, config.range_span = 1000, config.durable_commits = 50;
      config.rounds = 1;
    } else die("unknown argument " + arg + " (see the header of bench/strata_vs_sqlite.cc)");
  }
  if (config.rows < 2 || config.rounds < 1) die("need --rows >= 2 and --rounds >= 1");
  std::printf("rows %lld, lookups %lld, index lookups %lld, range sums %lld x %lld ids, durable commits %lld, "
              "rounds %d, files in %s\n",
              static_cast<long long>(config.rows), static_cast<long long>(config.lookups),
              static_cast<long long>(config.index_lookups), static_cast<long long>(config.range_queries),
              static_cast<long long>(config.range_span), static_cast<long long>(config.durable_commits),
              config.rounds, config.dir.c_str());

  if (!config.only_engine.empty()) {  // one pass in this process, e.g. under perf record
    std::unique_ptr<Engine> engine;
    std::string path = config.dir + "/bench." + config.only_engine;
    if (config.only_engine == "strata") engine = std::make_unique<StrataEngine>(path, config.strata_cache_bytes);
    else if (config.only_engine == "sqlite") engine = std::make_unique<LiteEngine>(path);
    else die("--engine strata|sqlite");
    Figures figures;
    uint64_t sum = 0;
    Pass(engine.get(), config, path).run(&figures, &sum);
    for (size_t i = 0; i < figures.size(); ++i) {
      const auto& [name, value] = figures[i];
      if (name.ends_with(".seconds")) std::printf("%-12s %10.3f s  %12.0f /s\n", name.substr(0, name.size() - 8).c_str(), value, figures[i + 1].second / value);
      else if (!name.ends_with(".ops") && !name.ends_with(".checksum")) std::printf("%-20s %12.0f\n", name.c_str(), value);
    }
    return 0;
  }
  std::map<std::string, std::map<std::string, std::vector<double>>> samples;  // engine -> name
  uint64_t reference_checksum = 0;
  bool have_reference = false;
  for (int round = 0; round < config.rounds; ++round) {
    std::vector<std::string> order = round % 2 == 0 ? std::vector<std::string>{"strata", "sqlite"}
                                                    : std::vector<std::string>{"sqlite", "strata"};
    for (const auto& engine : order) {
      uint64_t checksum = 0;
      Figures figures = run_in_child(engine, config, &checksum);
      if (!have_reference) reference_checksum = checksum, have_reference = true;
      // Each workload's checksum must match across engines and rounds.
      for (const auto& [name, value] : figures) {
        auto& v = samples[engine][name];
        if (name.ends_with(".checksum")) {
          for (const auto& [other, by_name] : samples) {
            auto it = by_name.find(name);
            if (it != by_name.end() && !it->second.empty() && it->second.front() != value) {
              std::printf("CHECKSUM MISMATCH in %s: %s differs from %s\n", name.c_str(), engine.c_str(),
                          other.c_str());
              return 2;
            }
          }
        }
        v.push_back(value);
      }
      if (checksum != reference_checksum) {
        std::printf("CHECKSUM MISMATCH: %s round %d\n", engine.c_str(), round + 1);
        return 2;
      }
      std::printf("round %d: %s pass done (W1 %.1fs)\n", round + 1, engine.c_str(), samples[engine]["W1.seconds"].back());
      std::fflush(stdout);
    }
    for (const auto& [name, value] : raw_sync_pass(config)) samples["raw"][name].push_back(value);
  }

  auto med = [&](const std::string& engine, const std::string& name) {
    auto it = samples[engine].find(name);
    return it == samples[engine].end() ? 0.0 : median(it->second);
  };
  auto rate = [&](const std::string& engine, const std::string& w) {
    // The median of the per-round rates.
    std::vector<double> r;
    const auto& s = samples[engine][w + ".seconds"];
    const auto& o = samples[engine][w + ".ops"];
    for (size_t i = 0; i < s.size(); ++i) r.push_back(o[i] / s[i]);
    return r.empty() ? 0.0 : median(r);
  };

  std::vector<Row> table;
  auto add_rate = [&](const std::string& w, const std::string& label, const std::string& unit, double target) {
    Row row{label, unit, target > 0 ? "≥ " + std::to_string(target).substr(0, 3) + "×" : "—"};
    row.strata = rate("strata", w);
    row.sqlite = rate("sqlite", w);
    row.ratio = row.strata / row.sqlite;
    row.target_ratio = target;
    table.push_back(row);
  };
  add_rate("W1", "W1 bulk load", "rows/s", 1.0);
  add_rate("W2", "W2 point lookups by id", "lookups/s", 1.5);
  add_rate("W3.range", "W3 range sums, 10,000 ids", "rows/s", 0);
  add_rate("W3.full", "W3 full count(*), sum(a)", "rows/s", 2.0);
  add_rate("W4.create", "W4 CREATE INDEX", "rows/s", 0);
  add_rate("W4.lookup", "W4 lookups by a", "lookups/s", 1.5);
  add_rate("W6.join", "W6 join on pk + GROUP BY", "rows/s", 1.0);
  add_rate("W6.group", "W6 GROUP BY over t", "rows/s", 1.0);
  auto add_size = [&](const std::string& name, const std::string& label, double target) {
    Row row{label, "bytes", target > 0 ? "≤ " + std::to_string(target).substr(0, 3) + "×" : "—"};
    row.strata = med("strata", name);
    row.sqlite = med("sqlite", name);
    row.ratio = row.strata / row.sqlite;
    row.higher_is_better = false;
    row.target_ratio = target;
    table.push_back(row);
  };
  add_size("file.W1", "file size after W1", 1.1);
  add_size("file.W4", "file size after W4", 1.1);
  // Peak memory: W1 (one big transaction) and the largest of the read workloads.
  auto read_peak = [&](const std::string& engine) {
    double m = 0;
    for (const char* w : {"W2", "W3.range", "W3.full", "W4.lookup", "W6.join", "W6.group"}) {
      m = std::max(m, med(engine, std::string("memory.") + w));
    }
    return m;
  };
  auto add_memory = [&](const std::string& label, double s, double q) {
    Row row{label, "bytes", "bounded by cache"};
    row.strata = s, row.sqlite = q, row.ratio = s / q, row.higher_is_better = false;
    table.push_back(row);
  };
  add_memory("peak RSS during W1", med("strata", "memory.W1"), med("sqlite", "memory.W1"));
  add_memory("peak RSS during W4 CREATE INDEX", med("strata", "memory.W4.create"), med("sqlite", "memory.W4.create"));
  add_memory("peak RSS, queries (W2-W4, W6)", read_peak("strata"), read_peak("sqlite"));
  add_memory("peak RSS during W5", med("strata", "memory.W5"), med("sqlite", "memory.W5"));

  std::printf("\n%-34s %16s %16s %8s  %s\n", "workload", "strata", "sqlite", "ratio", "target");
  for (const auto& row : table) {
    bool bytes = row.unit == "bytes";
    std::string met;
    if (row.target_ratio > 0) {
      bool ok = row.higher_is_better ? row.ratio >= row.target_ratio : row.ratio <= row.target_ratio;
      met = ok ? "  met" : "  MISSED";
    }
    if (bytes) {
      std::printf("%-34s %16s %16s %7.2fx  %s%s\n", row.workload.c_str(), human_bytes(row.strata).c_str(),
                  human_bytes(row.sqlite).c_str(), row.ratio, row.target.c_str(), met.c_str());
    } else {
      std::printf("%-34s %11.0f %-4s %11.0f %-4s %7.2fx  %s%s\n", row.workload.c_str(), row.strata,
                  row.unit == "rows/s" ? "r/s" : "op/s", row.sqlite, row.unit == "rows/s" ? "r/s" : "op/s",
                  row.ratio, row.target.c_str(), met.c_str());
    }
  }
  double raw = rate("raw", "W5"), s5 = rate("strata", "W5"), q5 = rate("sqlite", "W5");
  std::printf("%-34s %11.0f c/s  %11.0f c/s  raw write 4 KiB + fdatasync %.0f/s: strata %.2fx raw, sqlite %.2fx "
              "raw (target strata ≥ 0.9x raw)%s\n",
              "W5 durable single-row commits", s5, q5, raw, s5 / raw, q5 / raw, s5 / raw >= 0.9 ? "  met" : "  MISSED");
  std::printf("memory baseline (child at start): strata %s, sqlite %s; SQLite allocator high-water %s; "
              "caches: strata %s, sqlite cache_size -2000 (2000 KiB)\n",
              human_bytes(med("strata", "memory.baseline")).c_str(), human_bytes(med("sqlite", "memory.baseline")).c_str(),
              human_bytes(med("sqlite", "memory.allocator")).c_str(),
              config.strata_cache_bytes ? human_bytes(static_cast<double>(config.strata_cache_bytes)).c_str()
                                        : "32.0 MiB (default)");
  std::printf("checksums: every workload equal on both engines in all %d round(s)\n", config.rounds);

  if (!config.markdown.empty()) {
    std::ofstream md(config.markdown);
    md << "| workload | Strata | SQLite | ratio | target |\n| --- | ---: | ---: | ---: | --- |\n";
    char line[512];
    for (const auto& row : table) {
      bool bytes = row.unit == "bytes";
      std::string met;
      if (row.target_ratio > 0) {
        bool ok = row.higher_is_better ? row.ratio >= row.target_ratio : row.ratio <= row.target_ratio;
        met = ok ? " (met)" : " (**missed**)";
      }
      if (bytes) {
        std::snprintf(line, sizeof line, "| %s | %s | %s | %.2f× | %s%s |\n", row.workload.c_str(),
                      human_bytes(row.strata).c_str(), human_bytes(row.sqlite).c_str(), row.ratio, row.target.c_str(),
                      met.c_str());
      } else {
        std::snprintf(line, sizeof line, "| %s (%s) | %.0f | %.0f | %.2f× | %s%s |\n", row.workload.c_str(),
                      row.unit.c_str(), row.strata, row.sqlite, row.ratio, row.target.c_str(), met.c_str());
      }
      md << line;
    }
    std::snprintf(line, sizeof line,
                  "| W5 durable single-row commits (commits/s) | %.0f | %.0f | %.2f× raw (SQLite %.2f× raw) | ≥ 0.9× "
                  "raw%s |\n| raw write 4 KiB + fdatasync (/s) | %.0f | | | |\n",
                  s5, q5, s5 / raw, q5 / raw, s5 / raw >= 0.9 ? " (met)" : " (**missed**)", raw);
    md << line;
  }
  return 0;
}
