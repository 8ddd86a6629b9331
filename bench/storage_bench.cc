// Storage engine micro benchmarks (Google Benchmark), items_per_second each:
//   BM_PutSequential / BM_PutRandom  puts into one big write transaction (MemVfs;
//                                    the commit at the end is not timed)
//   BM_GetRandom                     point lookups in a committed tree of 100k keys
//   BM_FullScan                      cursor scan over the same tree (items = keys)
//   BM_DurableCommit/0               one small put + commit, PosixVfs on a real file
//                                    in /tmp, two-sync protocol (two real fdatasyncs)
//   BM_DurableCommit/1               the same with the one-sync protocol
//   BM_RawWriteSync                  write 4 KiB + fdatasync on the same disk: the limit
// Keys are 15 bytes, values 100 bytes, pages 4 KiB. Timings are for reading, not
// asserted anywhere. Run: ./build/default/bench/storage_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/store.h"
#include "vfs/mem_vfs.h"
#include "vfs/posix_vfs.h"

namespace strata {
namespace {

constexpr int kBatch = 10'000;  // puts per timed transaction
constexpr int kTreeKeys = 100'000;

std::string key_of(uint64_t i) {
  char name[24];
  std::snprintf(name, sizeof name, "key%012llu", static_cast<unsigned long long>(i));
  return name;
}

const std::string& value_100() {
  static const std::string value(100, 'v');
  return value;
}

// A benchmark on a broken engine measures nothing: stop loudly.
void must_ok(const Status& status) {
  if (!status.is_ok()) {
    std::fprintf(stderr, "storage_bench: %s\n", status.to_string().c_str());
    std::abort();
  }
}

template <typename T>
T must(Result<T> result) {
  must_ok(result.status());
  return std::move(result).value();
}

void run_puts(benchmark::State& state, const std::vector<uint64_t>& order) {
  for (auto _ : state) {
    state.PauseTiming();
    vfs::MemVfs vfs;
    auto store = must(Store::open(&vfs, "/bench.db"));
    auto writer = must(store->begin_write());
    state.ResumeTiming();
    for (uint64_t i : order) must_ok(writer->put(key_of(i), value_100()));
    state.PauseTiming();
    must_ok(writer->commit());
    writer.reset();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(order.size()));
}

void BM_PutSequential(benchmark::State& state) {
  std::vector<uint64_t> order(kBatch);
  for (int i = 0; i < kBatch; ++i) order[i] = static_cast<uint64_t>(i);
  run_puts(state, order);
}
BENCHMARK(BM_PutSequential)->Unit(benchmark::kMillisecond);

void BM_PutRandom(benchmark::State& state) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> order(kBatch);
  for (uint64_t& i : order) i = rng() % 1'000'000'000;
  run_puts(state, order);
}
BENCHMARK(BM_PutRandom)->Unit(benchmark::kMillisecond);

// One committed tree of kTreeKeys keys for the read benchmarks.
struct ReadFixture {
  vfs::MemVfs vfs;
  std::unique_ptr<Store> store;
  ReadFixture() {
    Result<std::unique_ptr<Store>> opened = Store::open(&vfs, "/read.db");
    must_ok(opened.status());
    store = std::move(opened).value();
    Result<std::unique_ptr<WriteTx>> writer = store->begin_write();
    must_ok(writer.status());
    for (int i = 0; i < kTreeKeys; ++i)
      must_ok((*writer)->put(key_of(static_cast<uint64_t>(i)), value_100()));
    must_ok((*writer)->commit());
  }
  static ReadFixture& get() {
    static ReadFixture fixture;
    return fixture;
  }
};

void BM_GetRandom(benchmark::State& state) {
  Store* store = ReadFixture::get().store.get();
  auto reader = must(store->begin_read());
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    auto value = must(reader->get(key_of(rng() % kTreeKeys)));
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetRandom);

void BM_FullScan(benchmark::State& state) {
  Store* store = ReadFixture::get().store.get();
  auto reader = must(store->begin_read());
  int64_t keys = 0;
  for (auto _ : state) {
    Cursor cursor = reader->cursor();
    must_ok(cursor.first());
    while (cursor.valid()) {
      auto value = must(cursor.value());
      benchmark::DoNotOptimize(value);
      ++keys;
      must_ok(cursor.next());
    }
  }
  state.SetItemsProcessed(keys);
}
BENCHMARK(BM_FullScan)->Unit(benchmark::kMillisecond);

void BM_DurableCommit(benchmark::State& state) {
  char dir_template[] = "/tmp/strata-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string dir = dir_template;
  {
    vfs::PosixVfs vfs;
    StoreOptions options;
    options.commit_protocol =
        state.range(0) == 1 ? CommitProtocol::kOneSync : CommitProtocol::kTwoSync;
    auto store = must(Store::open(&vfs, dir + "/commit.db", options));
    uint64_t k = 0;
    for (auto _ : state) {
      auto writer = must(store->begin_write());
      must_ok(writer->put(key_of(k++ % 1000), value_100()));
      must_ok(writer->commit());
    }
    state.SetItemsProcessed(state.iterations());
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_DurableCommit)->Arg(0)->Arg(1)->UseRealTime();

// The physical limit W5 is measured against: one 4 KiB write and one fdatasync per item.
void BM_RawWriteSync(benchmark::State& state) {
  char dir_template[] = "/tmp/strata-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string dir = dir_template;
  {
    vfs::PosixVfs vfs;
    vfs::OpenOptions o;
    o.create = true;
    auto file = must(vfs.open(dir + "/raw", o));
    std::vector<uint8_t> page(4096, 0x5a);
    uint64_t i = 0;
    for (auto _ : state) {
      must_ok(file->write((i++ % 64) * 4096, page));
      must_ok(file->sync());
    }
    state.SetItemsProcessed(state.iterations());
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_RawWriteSync)->UseRealTime();

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
