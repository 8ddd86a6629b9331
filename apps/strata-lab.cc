// strata-lab: Strata's testbed command.
//
// Subcommands grow with the testbed (crash sweeps, model checker, sqllogictest
// runner). Today: `demo`, which exercises the storage engine end to end on a
// real file: several transactions, a reopen, a full verification and the
// consistency checker.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <map>
#include <random>

#include "engine/check.h"
#include "engine/collection.h"
#include "engine/store.h"
#include "vfs/posix_vfs.h"

namespace {

using strata::Status;

std::string demo_value(uint64_t seed, int key) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(key));
  std::string v(16 + rng() % 200, '\0');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

int run_demo(const std::string& path, int keys, int transactions, uint64_t seed) {
  strata::vfs::PosixVfs vfs;
  if (*vfs.exists(path)) {
    if (Status s = vfs.remove(path); !s.is_ok()) {
      fmt::print(stderr, "error: {}\n", s.to_string());
      return 1;
    }
  }
  auto fail = [](const std::string& what, const Status& s) {
    fmt::print(stderr, "demo failed: {}: {}\n", what, s.to_string());
    return 1;
  };
  std::map<std::string, std::string> expected;
  {
    auto store = strata::Store::open(&vfs, path);
    if (!store.ok()) return fail("create", store.status());
    int per_tx = (keys + transactions - 1) / transactions;
    for (int t = 0; t < transactions; ++t) {
      auto w = (*store)->begin_write();
      if (!w.ok()) return fail("begin", w.status());
      auto coll = t == 0 ? strata::Collection::create(w->get(), "demo")
                         : strata::Collection::open(w->get(), "demo");
      if (!coll.ok()) return fail("collection", coll.status());
      for (int i = t * per_tx; i < std::min(keys, (t + 1) * per_tx); ++i) {
        std::string k = fmt::format("key-{:06d}", i);
        std::string v = demo_value(seed, i);
        if (Status s = coll->put(k, v); !s.is_ok()) return fail("put", s);
        expected[k] = v;
      }
      // Every transaction also deletes a few earlier keys, so pages are retired and reused.
      for (int i = 0; i < t * 3 && i < keys; i += 7) {
        std::string k = fmt::format("key-{:06d}", i);
        if (auto d = coll->del(k); !d.ok()) return fail("delete", d.status());
        expected.erase(k);
      }
      if (Status s = (*w)->commit(); !s.is_ok()) return fail("commit", s);
      fmt::print("commit {:>3}: generation {}, {} keys\n", t + 1, (*store)->meta().generation,
                  expected.size());
    }
  }
  // Reopen and verify everything.
  auto store = strata::Store::open(&vfs, path);
  if (!store.ok()) return fail("reopen", store.status());
  auto r = (*store)->begin_read();
  auto coll = strata::Collection::open(r->get(), "demo");
  if (!coll.ok()) return fail("open collection", coll.status());
  strata::RangeScan scan = coll->scan();
  if (Status s = scan.start(); !s.is_ok()) return fail("scan", s);
  auto it = expected.begin();
  size_t verified = 0;
  while (scan.valid()) {
    auto v = scan.value();
    if (!v.ok()) return fail("read", v.status());
    if (it == expected.end() || it->first != scan.key() || it->second != *v) {
      fmt::print(stderr, "demo failed: mismatch at key {}\n", std::string(scan.key()));
      return 1;
    }
    ++it;
    ++verified;
    if (Status s = scan.next(); !s.is_ok()) return fail("scan", s);
  }
  if (it != expected.end()) {
    fmt::print(stderr, "demo failed: key {} missing after reopen\n", it->first);
    return 1;
  }
  auto report = strata::check_store(store->get());
  if (!report.ok()) return fail("check", report.status());
  strata::StoreStats stats = (*store)->stats();
  fmt::print("reopened {}: verified {} keys; generation {}; {} pages of {} bytes, {} free\n", path,
             verified, stats.generation, stats.page_count, stats.page_size, stats.free_pages);
  fmt::print("check: {}", report->to_string());
  if (!report->ok()) return 1;
  fmt::print("verdict: OK\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"strata-lab: Strata's crash-simulation and fault-injection testbed"};
  app.require_subcommand(1);

  std::string path = "runs/demo/demo.strata";
  int keys = 5000, transactions = 10;
  uint64_t seed = 1;
  CLI::App* demo = app.add_subcommand(
      "demo", "Write keys in several transactions to a real file, reopen, verify and check it");
  demo->add_option("--db", path, "database file to create (replaced if it exists)");
  demo->add_option("--keys", keys, "number of keys")->check(CLI::Range(1, 10000000));
  demo->add_option("--transactions", transactions, "number of transactions")
      ->check(CLI::Range(1, 100000));
  demo->add_option("--seed", seed, "seed for the values");

  CLI11_PARSE(app, argc, argv);
  if (demo->parsed()) return run_demo(path, keys, transactions, seed);
  return 2;
}
