// A real crash: a child process commits in a loop on a real file (PosixVfs)
// and is killed with SIGKILL at a random moment. The database it leaves must
// hold exactly the state of the last commit it reported, or of the one after
// (which may have completed without being reported), and be consistent.
//
// The child is this test binary after fork() (no exec): the gtest process is
// single-threaded, and the child only runs the engine and write(2)s to a pipe,
// then _exit()s; it never returns into GoogleTest.
//
// Commit k writes "counter" = k and a few keys derived from k (see
// apply_commit), so the state after any commit is known. The kill moments come
// from a seeded generator (printed, with the replay command, on failure;
// STRATA_SEED=<n> sets it) — the OS scheduler still decides exactly where
// each kill lands, so a replay repeats the plan, not the instruction.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "tests/support/store_scan.h"
#include "tests/support/temp_dir.h"
#include "vfs/posix_vfs.h"

namespace strata {
namespace {

using Model = std::map<std::string, std::string>;

constexpr int kKills = 5;
constexpr uint64_t kReportsBeforeKill = 50;  // per round, before the kill may come
constexpr uint64_t kChildMaxCommits = 1'000'000;

std::string slot_key(uint64_t slot) { return "slot/" + std::to_string(slot); }

std::string value_for(uint64_t k, size_t size) {
  std::string tag = "v" + std::to_string(k) + ";";
  std::string value;
  while (value.size() < size) value += tag;
  value.resize(size);
  return value;
}

// Commit k, applied to anything with put(key, value) and del(key). Slot
// k % 16 is set and slot (k + 8) % 16 deleted, so every commit both writes and
// deletes; every fifth commit replaces a value long enough for an overflow chain.
template <typename Sink>
bool apply_commit(uint64_t k, Sink& sink) {
  return sink.put("counter", std::to_string(k)) &&
         sink.put(slot_key(k % 16), value_for(k, 10 + k % 300)) &&
         sink.del(slot_key((k + 8) % 16)) &&
         (k % 5 != 0 || sink.put("big", value_for(k, 3000 + k % 9000)));
}

struct ModelSink {
  Model* model;
  bool put(const std::string& key, const std::string& value) {
    (*model)[key] = value;
    return true;
  }
  bool del(const std::string& key) {
    model->erase(key);
    return true;
  }
};

struct WriteTxSink {
  WriteTx* tx;
  bool put(const std::string& key, const std::string& value) { return tx->put(key, value).is_ok(); }
  bool del(const std::string& key) { return tx->del(key).ok(); }
};

// The database after commits 1..k.
Model state_after(uint64_t k) {
  Model model;
  ModelSink sink{&model};
  for (uint64_t i = 1; i <= k; ++i) apply_commit(i, sink);
  return model;
}

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The child: continues the commit stream where the database stands and
// reports every commit that returned OK. Never returns.
[[noreturn]] void child_main(const std::string& path, int report_fd) {
  vfs::PosixVfs vfs;
  Result<std::unique_ptr<Store>> opened = Store::open(&vfs, path);
  if (!opened.ok()) ::_exit(10);
  std::unique_ptr<Store> store = std::move(opened).value();
  uint64_t k = 0;
  {
    Result<std::unique_ptr<ReadTx>> reader = store->begin_read();
    if (!reader.ok()) ::_exit(11);
    Result<std::optional<std::string>> counter = (*reader)->get("counter");
    if (!counter.ok()) ::_exit(12);
    if (counter->has_value()) k = std::stoull(**counter);
  }
  for (uint64_t n = 0; n < kChildMaxCommits; ++n) {
    ++k;
    Result<std::unique_ptr<WriteTx>> writer = store->begin_write();
    if (!writer.ok()) ::_exit(13);
    WriteTxSink sink{writer->get()};
    if (!apply_commit(k, sink)) ::_exit(14);
    if (!(*writer)->commit().is_ok()) ::_exit(15);
    if (!write_all(report_fd, &k, sizeof k)) ::_exit(16);
  }
  ::_exit(0);
}

using test::scan_all;

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

TEST(SigkillCrash, KilledWriterLeavesTheLastReportedCommitOrTheNext) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  test::TempDir dir("sigkill");
  const std::string path = dir.file("counter.db");
  uint64_t last_recovered = 0;

  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE("kill " + std::to_string(round + 1) + " of " + std::to_string(kKills));
    // When to kill: after 50 reports, wait for 0..20 more and then 0..3 ms more.
    const uint64_t extra_reports = rng() % 21;
    const long extra_micros = static_cast<long>(rng() % 3000);

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0) << std::strerror(errno);
    std::fflush(nullptr);  // no buffered output duplicated into the child
    pid_t child = ::fork();
    ASSERT_GE(child, 0) << "fork: " << std::strerror(errno);
    if (child == 0) {
      ::close(fds[0]);
      child_main(path, fds[1]);
    }
    ::close(fds[1]);

    // Reads reports until `count` more arrive or the pipe closes; false on EOF.
    uint64_t reports = 0;
    std::optional<uint64_t> last_reported;
    auto read_reports = [&](uint64_t count) {
      for (uint64_t i = 0; i < count; ++i) {
        uint64_t k = 0;
        size_t got = 0;
        while (got < sizeof k) {
          ssize_t n = ::read(fds[0], reinterpret_cast<char*>(&k) + got, sizeof k - got);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) return false;
          got += static_cast<size_t>(n);
        }
        ++reports;
        last_reported = k;
      }
      return true;
    };
    const bool alive = read_reports(kReportsBeforeKill + extra_reports);
    if (alive) {
      timespec pause{0, extra_micros * 1000};
      ::nanosleep(&pause, nullptr);
    }
    ::kill(child, SIGKILL);
    read_reports(UINT64_MAX);  // what it reported before dying, up to EOF
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child) << std::strerror(errno);
    ASSERT_TRUE(alive && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child stopped before the kill: " << describe_exit(status) << " after " << reports
        << " reports";
    ASSERT_TRUE(last_reported.has_value());
    const uint64_t k = *last_reported;
    ASSERT_EQ(k, last_recovered + reports) << "reports must continue the recovered counter";

    // Recovery: exactly commit k or commit k + 1, nothing in between, and sound.
    vfs::PosixVfs vfs;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::open(&vfs, path));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> reader, store->begin_read());
    ASSERT_OK_AND_ASSIGN(std::optional<std::string> counter, reader->get("counter"));
    ASSERT_TRUE(counter.has_value()) << "no counter after " << k << " reported commits";
    const uint64_t recovered = std::stoull(*counter);
    ASSERT_TRUE(recovered == k || recovered == k + 1)
        << "recovered commit " << recovered << ", last reported " << k;
    EXPECT_TRUE(scan_all(reader.get()) == state_after(recovered))
        << "the database is not exactly the state of commit " << recovered;
    reader.reset();
    ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store.get()));
    EXPECT_TRUE(report.ok()) << report.to_string();
    last_recovered = recovered;
  }
}

}  // namespace
}  // namespace strata
