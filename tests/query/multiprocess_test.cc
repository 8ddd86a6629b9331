// Several processes on one database file (issue 10), over real files (PosixVfs, a temp dir).
//
// One writer process moves money between accounts (BEGIN IMMEDIATE ... COMMIT) and reports
// every commit on a pipe; several reader processes sum the balances, in autocommit SELECTs and
// in explicit read transactions, and exit non-zero at the first total that is not the bank's
// (a torn or mixed snapshot). After enough commits the parent kills the writer with SIGKILL
// wherever it is (perhaps inside a commit, holding the write lock); the readers go on; the
// parent then writes with busy_timeout = 0, which succeeds only if the dead writer left no
// lock behind; the readers check again while it does, and the file is checked at the end.
//
// The children are this test binary after fork() (no exec; the gtest process is
// single-threaded); they only run the engine and write(2) to pipes, then _exit().
// Iterations are bounded; nothing is timed. The transfers come from a seed printed on failure
// (STRATA_SEED=<n>); the scheduler decides where the kill lands.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "tests/support/temp_dir.h"
#include "vfs/posix_vfs.h"

namespace strata::query {
namespace {

constexpr int kAccounts = 30;
constexpr int64_t kInitial = 100;
constexpr int kReaders = 3;
constexpr uint64_t kCommitsBeforeKill = 60;
constexpr int kChecksAfterKill = 40;
constexpr int kMaxChecks = 1'000'000;

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

bool read_all(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

Result<int64_t> integer(Database* db, const std::string& sql) {
  STRATA_ASSIGN(std::unique_ptr<Statement> stmt, db->prepare(sql));
  STRATA_ASSIGN(bool row, stmt->step());
  if (!row) return Status::not_found("no row: " + sql);
  return stmt->column(0).as_integer();
}

Status transfer(Database* db, std::mt19937_64& rng) {
  int from = static_cast<int>(rng() % kAccounts);
  int to = static_cast<int>(rng() % kAccounts);
  int amount = static_cast<int>(rng() % 20);
  return db->execute("BEGIN IMMEDIATE;"
                     "UPDATE accounts SET balance = balance - " + std::to_string(amount) +
                     " WHERE id = " + std::to_string(from) + ";"
                     "UPDATE accounts SET balance = balance + " + std::to_string(amount) +
                     " WHERE id = " + std::to_string(to) + ";"
                     "COMMIT");
}

// Exit codes of the children: 0 = every check passed.
enum ChildExit { kOk = 0, kOpenFailed = 20, kWrongTotal = 21, kQueryFailed = 22, kWriteFailed = 23, kPipe = 24 };

[[noreturn]] void writer_main(const std::string& path, uint64_t seed, int report_fd) {
  vfs::PosixVfs vfs;
  auto db = Database::open(&vfs, path);
  if (!db.ok()) ::_exit(kOpenFailed);
  if (!(*db)->execute("PRAGMA busy_timeout = 60000").is_ok()) ::_exit(kWriteFailed);
  std::mt19937_64 rng(seed);
  for (uint64_t k = 1; k < 10'000'000; ++k) {
    if (!transfer(db->get(), rng).is_ok()) ::_exit(kWriteFailed);
    if (!write_all(report_fd, &k, sizeof k)) ::_exit(kPipe);
  }
  ::_exit(kOk);
}

// One check: an autocommit total, then a read transaction whose two reads agree.
int check_once(Database* db, int i) {
  const int64_t bank = kAccounts * kInitial;
  if (i % 2 == 0) {
    Result<int64_t> sum = integer(db, "SELECT sum(balance) FROM accounts");
    if (!sum.ok()) return kQueryFailed;
    return *sum == bank ? kOk : kWrongTotal;
  }
  if (!db->execute("BEGIN").is_ok()) return kQueryFailed;
  Result<int64_t> a = integer(db, "SELECT sum(balance) FROM accounts");
  Result<int64_t> b = integer(db, "SELECT sum(balance) FROM accounts WHERE id >= 0");
  if (!db->execute("COMMIT").is_ok() || !a.ok() || !b.ok()) return kQueryFailed;
  return *a == bank && *b == bank ? kOk : kWrongTotal;
}

// Checks until the parent writes to stop_fd (the writer was killed), then kChecksAfterKill
// more while the parent writes, then reports its count of checks.
[[noreturn]] void reader_main(const std::string& path, int stop_fd, int report_fd) {
  vfs::PosixVfs vfs;
  auto db = Database::open(&vfs, path);
  if (!db.ok()) ::_exit(kOpenFailed);
  uint64_t checks = 0;
  for (int i = 0; i < kMaxChecks; ++i) {
    if (int rc = check_once(db->get(), i); rc != kOk) ::_exit(rc);
    ++checks;
    struct pollfd p = {stop_fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) break;
  }
  for (int i = 0; i < kChecksAfterKill; ++i) {
    if (int rc = check_once(db->get(), i); rc != kOk) ::_exit(rc);
    ++checks;
  }
  if (!write_all(report_fd, &checks, sizeof checks)) ::_exit(kPipe);
  ::_exit(kOk);
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

TEST(Multiprocess, ReadersSeeWholeCommitsAndKeepGoingAfterTheWriterIsKilled) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  test::TempDir dir("multiprocess");
  const std::string path = dir.file("bank.db");
  vfs::PosixVfs vfs;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::open(&vfs, path));
    ASSERT_OK(db->execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER)"));
    ASSERT_OK(db->execute("BEGIN"));
    for (int i = 0; i < kAccounts; ++i) {
      ASSERT_OK(db->execute("INSERT INTO accounts VALUES(" + std::to_string(i) + ", " +
                            std::to_string(kInitial) + ")"));
    }
    ASSERT_OK(db->execute("COMMIT"));
  }

  int writer_pipe[2], stop_pipe[2], reader_pipe[2];
  ASSERT_EQ(::pipe(writer_pipe), 0);
  ASSERT_EQ(::pipe(stop_pipe), 0);
  ASSERT_EQ(::pipe(reader_pipe), 0);
  std::vector<pid_t> readers;
  for (int r = 0; r < kReaders; ++r) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << std::strerror(errno);
    if (pid == 0) reader_main(path, stop_pipe[0], reader_pipe[1]);
    readers.push_back(pid);
  }
  pid_t writer = ::fork();
  ASSERT_GE(writer, 0) << std::strerror(errno);
  if (writer == 0) writer_main(path, seed, writer_pipe[1]);
  ::close(writer_pipe[1]);

  // Let the writer commit while the readers read, then kill it wherever it is.
  uint64_t reported = 0;
  for (uint64_t k = 0; reported < kCommitsBeforeKill; reported = k) {
    if (!read_all(writer_pipe[0], &k, sizeof k)) break;
  }
  ::kill(writer, SIGKILL);
  int writer_status = 0;
  ASSERT_EQ(::waitpid(writer, &writer_status, 0), writer);
  ::close(writer_pipe[0]);
  EXPECT_EQ(reported, kCommitsBeforeKill) << "the writer " << describe_exit(writer_status);
  EXPECT_TRUE(WIFSIGNALED(writer_status) && WTERMSIG(writer_status) == SIGKILL)
      << describe_exit(writer_status);

  // Tell the readers, then write at once: a stale lock would make this "database is locked".
  char stop = 's';
  for (int r = 0; r < kReaders; ++r) ASSERT_TRUE(write_all(stop_pipe[1], &stop, 1));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::open(&vfs, path));
  std::mt19937_64 rng(seed + 1);
  for (int i = 0; i < 30; ++i) ASSERT_OK(transfer(db.get(), rng));

  for (pid_t pid : readers) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kOk)
        << "reader " << pid << " " << describe_exit(status)
        << " (21 = a snapshot with the wrong total, 22 = a query failed)";
  }
  ::close(reader_pipe[1]);
  uint64_t total_checks = 0, checks = 0;
  while (read_all(reader_pipe[0], &checks, sizeof checks)) total_checks += checks;
  ::close(reader_pipe[0]);
  ::close(stop_pipe[0]);
  ::close(stop_pipe[1]);
  EXPECT_GE(total_checks, uint64_t{kReaders} * kChecksAfterKill);

  // The writer's last reported commit or a later one, and the bank still balances.
  EXPECT_EQ(*integer(db.get(), "SELECT sum(balance) FROM accounts"), kAccounts * kInitial);
  EXPECT_GE(db->store()->meta().generation, reported + 30);
  db.reset();
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_database_file(&vfs, path));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

}  // namespace
}  // namespace strata::query
