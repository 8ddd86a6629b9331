// fuzz_make_seeds: writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/).
//
//   fuzz_make_seeds OUT_DIR SOURCE_DIR
//
// Seeds, all deterministic (the same files every run):
//   sql_parser   distinct statements of the sqllogictest scripts (SOURCE_DIR/tests/slt) and
//                the crash testbed's workloads, a sample of at most kMaxParserSeeds;
//   sql_exec     scripts: each built-in workload, and runs of consecutive slt records;
//   page_decode  every page of small databases the engine wrote (512-byte pages, one 4 KiB),
//                behind the target's control bytes: meta, leaf, branch, overflow, freelist;
//   db_file      whole database files the engine wrote (512-byte pages: empty, tables,
//                indexes, overflow values, a freelist), and crash images the crash testbed
//                builds from the built-in workloads' op logs (sector-subset and torn-sector
//                images at commit points);
//   sql_diff     seeded random bytes (the target's generator makes SQL of any bytes).
// Files are named <target>/<origin>-NNN; existing files of the same name are overwritten.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/page.h"
#include "engine/query/database.h"
#include "faults/disk_model.h"
#include "faults/fault_vfs.h"
#include "lab/run.h"
#include "lab/workload.h"
#include "vfs/mem_vfs.h"

namespace {

using namespace strata;  // NOLINT: a tool over the whole engine
namespace fs = std::filesystem;

constexpr size_t kMaxParserSeeds = 250;
constexpr size_t kMaxScriptBytes = 4096;
constexpr size_t kMaxFileSeedBytes = 48 << 10;

fs::path g_out;
size_t g_written = 0;

void write_seed(const std::string& target, const std::string& name, std::string_view bytes) {
  fs::create_directories(g_out / target);
  std::ofstream out(g_out / target / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ++g_written;
}

std::string numbered(const std::string& origin, size_t i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03zu", i);
  return origin + "-" + buf;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The SQL of every record of a sqllogictest script, in order.
std::vector<std::string> slt_statements(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  bool in_sql = false;
  std::string sql;
  auto flush = [&] {
    if (!sql.empty()) out.push_back(sql);
    sql.clear();
    in_sql = false;
  };
  while (std::getline(in, line)) {
    if (in_sql) {
      if (line.empty() || line == "----") {
        flush();
      } else {
        sql += (sql.empty() ? "" : "\n") + line;
      }
      continue;
    }
    if (line.rfind("statement ", 0) == 0 || line.rfind("query ", 0) == 0) in_sql = true;
  }
  flush();
  return out;
}

void sql_seeds(const fs::path& source) {
  std::vector<std::pair<std::string, std::vector<std::string>>> scripts;  // origin, statements
  std::vector<fs::path> files;
  for (const fs::path& dir : {source / "tests/slt", source / "tests/slt/evidence"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".test") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    scripts.emplace_back("slt-" + f.stem().string(), slt_statements(read_text(f)));
  }
  for (const std::string& name : lab::builtin_workloads()) {
    Result<lab::Workload> w = lab::load_workload(name);
    if (w.ok()) scripts.emplace_back("workload-" + name, w->statements);
  }

  // sql_parser: distinct statements, sampled evenly.
  std::set<std::string> distinct;
  for (const auto& [origin, statements] : scripts)
    distinct.insert(statements.begin(), statements.end());
  std::vector<std::string> all(distinct.begin(), distinct.end());
  size_t stride = std::max<size_t>(1, all.size() / kMaxParserSeeds);
  for (size_t i = 0, n = 0; i < all.size() && n < kMaxParserSeeds; i += stride, ++n) {
    write_seed("sql_parser", numbered("stmt", n), all[i]);
  }

  // sql_exec: whole workloads, and runs of consecutive records of each slt file.
  for (const auto& [origin, statements] : scripts) {
    std::string script;
    size_t made = 0;
    for (const std::string& s : statements) {
      if (script.size() + s.size() + 2 > kMaxScriptBytes) {
        write_seed("sql_exec", numbered(origin, made++), script);
        script.clear();
        if (made >= 12) break;
      }
      script += s + ";\n";
    }
    if (!script.empty() && made < 12) write_seed("sql_exec", numbered(origin, made++), script);
  }
}

// A database built on a MemVfs by the given statements; its file's bytes.
std::vector<uint8_t> build_database(uint32_t page_size, const std::vector<std::string>& sql) {
  vfs::MemVfs vfs;
  query::DatabaseOptions options;
  options.store.page_size = page_size;
  {
    auto db = query::Database::open(&vfs, "seed.strata", options);
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", db.status().to_string().c_str());
      std::exit(1);
    }
    for (const std::string& s : sql) {
      Status st = (*db)->execute(s);
      if (!st.is_ok()) {
        std::fprintf(stderr, "%s: %s\n", s.c_str(), st.to_string().c_str());
        std::exit(1);
      }
    }
  }
  return vfs.read_file("seed.strata").value();
}

std::vector<std::pair<std::string, std::vector<std::string>>> database_recipes() {
  std::vector<std::pair<std::string, std::vector<std::string>>> recipes;
  recipes.push_back({"empty", {}});
  recipes.push_back({"one-table",
                     {"CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)",
                      "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, NULL)"}});
  std::vector<std::string> indexed = {
      "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT, email TEXT "
      "UNIQUE)",
      "CREATE INDEX users_age ON users(age)"};
  for (int i = 0; i < 40; ++i) {
    indexed.push_back("INSERT INTO users(name, age, email) VALUES ('user" + std::to_string(i) +
                      "', " + std::to_string(20 + i % 7) + ", 'u" + std::to_string(i) +
                      "@example.com')");
  }
  recipes.push_back({"indexed", indexed});
  recipes.push_back({"overflow",
                     {"CREATE TABLE blobs(k INTEGER PRIMARY KEY, v BLOB)",
                      "INSERT INTO blobs VALUES (1, zeroblob(1500)), (2, 'short'), (3, "
                      "hex(zeroblob(900)))"}});
  std::vector<std::string> churn = {"CREATE TABLE q(id INTEGER PRIMARY KEY, payload TEXT)"};
  for (int i = 0; i < 60; ++i) {
    churn.push_back("INSERT INTO q(payload) VALUES ('" + std::string(20 + i % 30, 'p') + "')");
  }
  churn.push_back("DELETE FROM q WHERE id % 3 <> 0");
  churn.push_back("INSERT INTO q(payload) VALUES ('again')");
  recipes.push_back({"freelist", churn});
  recipes.push_back({"many-tables",
                     {"CREATE TABLE a(x)", "CREATE TABLE b(y INTEGER PRIMARY KEY, z REAL)",
                      "CREATE INDEX a_x ON a(x)", "INSERT INTO a VALUES (1), ('t'), (x'00')",
                      "INSERT INTO b VALUES (5, 1.5)", "CREATE VIEW v AS SELECT * FROM a",
                      "ANALYZE", "DROP TABLE a"}});
  return recipes;
}

void page_and_file_seeds() {
  for (const auto& [name, sql] : database_recipes()) {
    std::vector<uint8_t> file = build_database(512, sql);
    std::string body(file.begin(), file.end());
    write_seed("db_file", "engine-" + name, std::string(1, '\0') + body);
    write_seed("db_file", "engine-" + name + "-write", std::string(1, '\2') + body);
    // page_decode: control byte 0 (512-byte pages, checksums as written), page count 1000;
    // both meta slots and up to three pages of each other kind.
    std::map<std::string, int> per_kind;
    for (size_t off = 0; off + 512 <= file.size(); off += 512) {
      const uint8_t* p = file.data() + off;
      std::string kind = page_type_name(page_type(p));
      if (++per_kind[kind] > 3) continue;
      std::string seed("\x00\x03\xe8", 3);
      seed.append(reinterpret_cast<const char*>(p), 512);
      write_seed("page_decode", numbered(name + "-" + kind, off / 512), seed);
    }
  }
  // One database at 4 KiB pages: its meta slot and first tree pages (control byte 3).
  std::vector<uint8_t> big = build_database(4096, database_recipes()[2].second);
  for (size_t off = 0; off + 4096 <= big.size() && off < 4 * 4096; off += 4096) {
    std::string seed("\x03\x03\xe8", 3);
    seed.append(reinterpret_cast<const char*>(big.data() + off), 4096);
    write_seed(
        "page_decode",
        numbered(std::string("4k-") + page_type_name(page_type(big.data() + off)), off / 4096),
        seed);
  }
}

// Crash images of the built-in workloads at 512-byte pages: just before the "sync pages" and
// "sync meta" of every third commit (up to 8 points per workload), a sector-subset image and a
// torn-sector image each.
void crash_image_seeds() {
  std::mt19937_64 rng(8);
  for (const std::string& name : lab::builtin_workloads()) {
    Result<lab::Workload> workload = lab::load_workload(name);
    if (!workload.ok()) continue;
    vfs::MemVfs base;
    faults::FaultVfs vfs(&base);
    vfs.set_record_data(true);
    lab::RunOptions options;
    options.page_size = 512;
    options.record_versions = false;
    lab::run_workload(&vfs, "crash.strata", *workload, options);
    faults::DiskModel model;
    size_t made = 0;
    std::set<std::string> labels;
    for (const faults::Op& op : vfs.log()) {
      faults::LabelParts parts = faults::parse_label(op.label);
      // Just before a commit's syncs: its pages (or its meta slot) are all still pending.
      bool point = op.kind == faults::OpKind::kSync && parts.is_commit &&
                   labels.insert(op.label).second && parts.generation % 3 == 1;
      if (point && made < 8) {
        faults::DeviceModel device;
        for (faults::Policy policy : {faults::Policy::kSectorSubset, faults::Policy::kTornSector}) {
          faults::ImageChoice choice;
          size_t units = model.unit_count(policy, device);
          if (units == 0) continue;
          choice.applied.resize(units);
          for (size_t u = 0; u < units; ++u) choice.applied[u] = (rng() & 1) != 0;
          if (policy == faults::Policy::kTornSector) {
            choice.torn_unit = static_cast<int64_t>(rng() % units);
            choice.tear_seed = rng();
          }
          faults::DiskImage image = model.build(policy, device, choice);
          auto it = image.find("crash.strata");
          if (it == image.end() || it->second.empty() || it->second.size() > kMaxFileSeedBytes) {
            continue;
          }
          std::string body(it->second.begin(), it->second.end());
          write_seed(
              "db_file",
              numbered("crash-" + name + "-" + std::string(faults::policy_name(policy)), made),
              std::string(1, '\0') + body);
        }
        ++made;
      }
      model.apply(op);
    }
  }
}

void diff_seeds() {
  std::mt19937_64 rng(1);
  for (size_t i = 0; i < 40; ++i) {
    std::string bytes(32 + rng() % 160, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    write_seed("sql_diff", numbered("random", i), bytes);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR SOURCE_DIR\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  sql_seeds(argv[2]);
  page_and_file_seeds();
  crash_image_seeds();
  diff_seeds();
  std::printf("wrote %zu seeds to %s\n", g_written, g_out.c_str());
  return 0;
}
