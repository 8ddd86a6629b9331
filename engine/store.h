// Store: the transactional key/value engine on one file.
//
// One tree of byte keys holds everything (collections, tables, indexes, the
// catalog). Transactions: any number of ReadTx, each on the snapshot that was
// current when it began; one WriteTx at a time, across every handle and process
// that has the file open. A commit follows the protocol of DESIGN.md §3
// exactly, labelling each VFS operation for the crash testbed:
//
//   1. write every page of the transaction   label "commit G: pages"
//   2. sync the file                          label "commit G: sync pages"
//   3. write meta slot G % 2 (commit point)   label "commit G: meta slot S"
//   4. sync the file                          label "commit G: sync meta"
//
// Only then does commit() return OK. Any failure while committing poisons the
// store: it refuses further writes (kPoisoned) until reopened, and never
// retries a sync. Readers keep working on their snapshots.
//
// A new file is created crash-safely: both meta slots are written to
// "<path>.creating", synced, and renamed into place; a crash leaves either no
// database or a valid empty one.
//
// Several handles (threads of one process share one Store; other Stores and other
// processes open their own) coordinate through byte-range locks far beyond the end of
// the file (docs/concurrency.md):
//
//   kWriteLockOffset    exclusive while a write transaction is open (one writer)
//   kCommitLockOffset   exclusive from a commit's meta write until its last sync returns
//   kOpenLockOffset     shared by every open handle (a writer asks whether it is alone)
//   kReaderLockBase + g shared while this handle has a reader on snapshot g
//
// Invariant: a page retired by commit g is reused only when no reader of this handle
// holds a snapshot older than g, no other handle holds a reader lock below
// kReaderLockBase + g, and — when other handles are open — g is older than the newest
// commit (g < base of the writer). A reader takes the newest durable meta (the other
// slot while a commit's meta is being published) but never one older than the newest
// this handle knows durable (meta_, which open takes only when no commit is being
// published), announces it, and re-reads the slots: it keeps the snapshot only if at
// most one commit happened meanwhile, which together with the rule above means no
// writer can have handed its pages out. Readers never wait for a writer (a test of the
// lock, never a lock, sees the commit in progress); writers never wait for readers.
// A writer whose base generation was committed by another handle reloads the meta and
// freelist and drops its page cache. docs/concurrency.md has the argument.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/btree.h"
#include "engine/cursor.h"
#include "engine/freelist.h"
#include "engine/meta.h"
#include "engine/pager.h"
#include "vfs/vfs.h"

namespace strata {

// Testing only: deliberately broken commit protocols, so that the crash testbed can prove it
// notices each one (strata-lab crash --protocol-bug). Never set by the engine's users. Each
// variant but the last is a broken two-sync protocol and commits that way whatever
// commit_protocol says.
enum class ProtocolBug : uint8_t {
  kNone,
  kMetaBeforeDataSync,     // the meta slot is written before the data pages are synced
  kNoDataSync,             // step 2 skipped: the meta can reach the disk before its pages
  kOverwriteActiveSlot,    // the new meta overwrites the active slot instead of the inactive
  kEarlyPageReuse,         // a page retired by this commit is reused before it is durable
  kNoMetaChecksum,         // meta slots are not checksummed on open
  kUnsyncedPageReachable,  // the last page of a commit is written after the data sync
  kNoMetaSync,             // commit() returns before the meta is synced
  kOneSyncNoVerify,        // one-sync commits, but open trusts the meta without verifying
};
std::string_view protocol_bug_name(ProtocolBug bug);
std::optional<ProtocolBug> parse_protocol_bug(std::string_view name);

// How a commit reaches the disk (docs/commit-protocols.md).
//   kTwoSync: pages, sync, meta, sync — the meta never reaches the disk before its pages.
//   kOneSync: pages and meta, one sync; the meta is flagged and open verifies the commit's
//             pages (every page reachable through a pointer that records this generation),
//             falling back to the previous meta when one is missing, torn or stale.
enum class CommitProtocol : uint8_t { kTwoSync, kOneSync };
std::string_view commit_protocol_name(CommitProtocol protocol);
std::optional<CommitProtocol> parse_commit_protocol(std::string_view name);

struct StoreOptions {
  uint32_t page_size = kDefaultPageSize;  // for a new file; an existing file keeps its own
  size_t cache_bytes = 32u << 20;
  bool create_if_missing = true;
  bool error_if_exists = false;
  CommitProtocol commit_protocol = CommitProtocol::kOneSync;  // the default since both pass
                                                             // every crash sweep (issue 9)
  // How long begin_write() waits for another handle's write transaction before kBusy
  // ("database is locked"), in milliseconds; 0 = fail at once (SQLite's default).
  uint32_t busy_timeout_ms = 0;
  ProtocolBug protocol_bug = ProtocolBug::kNone;  // testing only, see above
};

struct StoreStats {
  uint64_t generation = 0;
  uint32_t page_size = 0;
  uint64_t page_count = 0;
  uint64_t free_pages = 0;
  uint64_t pending_pages = 0;
  uint64_t freelist_pages = 0;
  uint32_t retain_generations = 0;
  uint64_t commits = 0;
  PagerStats pager;
};

class ReadTx;
class WriteTx;
class Tx;

// Time travel (docs/concurrency.md, "Retained generations"). With retain_generations = N in
// the meta, commit g+1 records generation g's tree root under this tag, and deletes the
// records older than g+1-N; the pages those generations reach stay pending until they fall
// out of the window. Key: tag, u64 big-endian generation. Value: root, root_generation and
// page_count of that generation (u64 little-endian each). Collections and the SQL layer use
// other tags (collection.h).
inline constexpr char kTagGenerationHistory = 0x03;
inline constexpr size_t kGenerationHistoryKeySize = 9;
inline constexpr size_t kGenerationHistoryValueSize = 24;

struct RetainedGeneration {
  uint64_t generation = 0;
  uint64_t root = 0;
  uint64_t root_generation = 0;
  uint64_t page_count = 0;
};
std::string generation_history_key(uint64_t generation);
// Decodes one history record; corruption (naming the generation) when malformed.
Result<RetainedGeneration> decode_generation_history(std::string_view key, std::string_view value);
// The history records of a snapshot, oldest first.
Result<std::vector<RetainedGeneration>> retained_generations(Tx* tx);

class Store {
 public:
  // REQUIRES: vfs outlives the store.
  static Result<std::unique_ptr<Store>> open(vfs::Vfs* vfs, const std::string& path,
                                             const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // REQUIRES: the store outlives every transaction it hands out.
  Result<std::unique_ptr<ReadTx>> begin_read();
  // kBusy if another write transaction of this store is open, or ("database is locked") if
  // another handle's stays open longer than the busy timeout; kPoisoned after a failed commit.
  Result<std::unique_ptr<WriteTx>> begin_write();
  // A read transaction on generation g: the newest durable one, or one it retains (Meta::
  // retain_generations). not_found names what is retained when g is not; invalid_argument
  // when g has not been committed yet.
  Result<std::unique_ptr<ReadTx>> begin_read_at(uint64_t generation);

  void set_busy_timeout(uint32_t ms) { busy_timeout_ms_.store(ms); }
  uint32_t busy_timeout() const { return busy_timeout_ms_.load(); }

  Meta meta() const;
  uint32_t page_size() const { return page_size_; }
  bool poisoned() const;
  StoreStats stats() const;
  const std::string& path() const { return path_; }
  Pager* pager() { return pager_.get(); }
  vfs::File* file() { return file_.get(); }
  vfs::Vfs* vfs() { return vfs_; }
  // What open had to do beyond reading the newest meta, e.g. "commit 9 was incomplete (…);
  // opened generation 8". Empty when nothing.
  const std::string& open_note() const { return open_note_; }
  // The pages of the current durable freelist chain.
  std::vector<uint64_t> freelist_chain() const;

  // The lock bytes (see the top of this file); all beyond any database file.
  static constexpr uint64_t kWriteLockOffset = uint64_t{1} << 40;
  static constexpr uint64_t kCommitLockOffset = kWriteLockOffset + 1;
  static constexpr uint64_t kOpenLockOffset = kWriteLockOffset + 2;
  static constexpr uint64_t kReaderLockBase = uint64_t{1} << 41;

 private:
  friend class ReadTx;
  friend class WriteTx;

  Store() = default;
  static Status create(vfs::Vfs* vfs, const std::string& path, uint32_t page_size);
  // Reads every page a one-sync commit wrote (reachable through pointers recording its
  // generation) and checks it; corruption if one is missing, torn or stale.
  Status verify_commit(const Meta& meta);
  // verify_commit plus the page count and the freelist chain: all open checks (see store.cc).
  Status verify_whole(const Meta& meta);
  // Opens the pager and freelist on `meta`.
  Status load(const Meta& meta, const StoreOptions& options);
  // Both meta slots as they are on disk now (a slot that does not decode, or that open found
  // to be an incomplete commit, is absent).
  struct DiskMetas {
    std::optional<Meta> newest, other;
    std::optional<Meta> hidden;  // the slot left out as open's incomplete commit
  };
  Result<DiskMetas> read_disk_metas();
  // The newest meta whose commit is durable: the newest slot, or the other one while another
  // handle is publishing a commit (it holds the commit lock).
  Result<Meta> durable_disk_meta();
  // Waits (bounded) until no other handle holds the commit lock.
  Status wait_for_no_publish();
  // Pins snapshot `generation` for a reader. REQUIRES: mu_ held.
  Status pin_locked(uint64_t generation);
  Status end_read(uint64_t generation);
  // A commit of another handle was seen: adopt its meta and forget cached pages (one of them
  // may have been reused). REQUIRES: mu_ held, no write transaction of this store.
  void adopt_foreign_meta_locked(const Meta& meta);
  // Takes the write lock, waiting up to the busy timeout.
  Status acquire_write_lock();
  // Makes the freelist that of `meta`, read from the file. REQUIRES: the write lock.
  Status reload_freelist(const Meta& meta);
  Status end_write();
  // The writer's use of the free set (under mu_, so that stats() may run meanwhile).
  std::optional<uint64_t> allocate_free();
  void give_back(const std::vector<uint64_t>& pages);
  Status commit(WriteTx* tx);
  void poison();

  vfs::Vfs* vfs_ = nullptr;
  std::string path_;
  std::unique_ptr<vfs::File> file_;
  std::unique_ptr<Pager> pager_;
  uint32_t page_size_ = kDefaultPageSize;
  ProtocolBug bug_ = ProtocolBug::kNone;
  CommitProtocol protocol_ = CommitProtocol::kOneSync;
  std::string open_note_;
  // The slot holding a one-sync meta that open refused (its pages were incomplete), or -1.
  // The next commit overwrites it before writing pages of that generation (see commit()).
  int stale_slot_ = -1;

  mutable std::mutex mu_;
  Meta meta_;
  Freelist freelist_;                 // touched by the writer; release under mu_
  std::vector<uint64_t> freelist_chain_;
  uint64_t freelist_generation_ = 0;  // the meta generation freelist_ belongs to
  std::multiset<uint64_t> readers_;   // generations pinned by open ReadTx
  bool writer_active_ = false;  // a WriteTx of this store exists (or is being begun)
  bool write_locked_ = false;   // ... and holds the write lock on the newest commit
  bool committing_ = false;     // ... and has written (part of) its meta slot
  bool poisoned_ = false;
  uint64_t commits_ = 0;  // in this session
  // The generation of this handle's last commit (0 = none yet). A commit is one-sync only on
  // top of this handle's own previous commit (see commit()).
  uint64_t last_commit_generation_ = 0;
  // The newest meta when open found its commit incomplete and opened the previous one: that
  // slot stays on disk until the next commit replaces it, and must not be read as current.
  std::optional<Meta> incomplete_meta_;
  bool strict_meta_ = true;
  std::atomic<uint32_t> busy_timeout_ms_{0};
};

// What both transaction kinds can do: read the tree of one snapshot.
class Tx : public PageAccess {
 public:
  ~Tx() override = default;
  uint32_t page_size() const override { return store_->page_size(); }

  Result<std::optional<std::string>> get(std::string_view key);
  // A cursor over this transaction's view. REQUIRES: the tx outlives it.
  Cursor cursor() { return Cursor(this, &root_, &root_generation_, &mod_counter_); }
  uint64_t generation() const { return generation_; }
  uint64_t root() const { return root_; }
  uint64_t root_generation() const { return root_generation_; }
  Store* store() { return store_; }

 protected:
  Tx(Store* store, uint64_t generation, uint64_t root, uint64_t root_generation)
      : store_(store), generation_(generation), root_(root), root_generation_(root_generation) {}
  Store* store_;
  uint64_t generation_;
  uint64_t root_;
  uint64_t root_generation_;
  uint64_t mod_counter_ = 0;
};

class ReadTx : public Tx {
 public:
  ~ReadTx() override;  // ends it if end() was not called (ignoring what end() would say)
  // Unpins the snapshot (the last reader of a generation in this handle unlocks its reader
  // byte). Idempotent; the tx must not be read from afterwards.
  Status end();
  Result<PageRef> read(uint64_t page_no) override;
  bool owns(uint64_t) const override { return false; }
  uint64_t write_generation() const override { return generation_; }
  Result<uint8_t*> mutable_page(uint64_t* page_no) override;
  Result<uint8_t*> allocate(uint64_t* page_no) override;
  Status retire(uint64_t page_no) override;

 private:
  friend class Store;
  using Tx::Tx;
  bool ended_ = false;
};

class WriteTx : public Tx {
 public:
  ~WriteTx() override;  // rolls back if neither committed nor rolled back

  // Keys starting with kTagGenerationHistory (0x03) are the store's own: invalid_argument.
  Status put(std::string_view key, std::string_view value);
  // True if the key existed.
  Result<bool> del(std::string_view key);
  // Durable when it returns OK. A commit with no changes writes nothing.
  Status commit();
  void rollback();
  bool finished() const { return finished_; }

  // Statement-level atomicity inside a transaction: between begin_statement()
  // and end_statement() every put and delete records the key's old value, and
  // undo_statement() writes those old values back in reverse order.
  void begin_statement();
  Status undo_statement();
  void end_statement();

  // Pages this transaction has modified or allocated so far.
  size_t dirty_pages() const { return dirty_.size(); }

  // PRAGMA retain_generations = n, effective with this commit (which writes even if nothing
  // else changed). Pages retired before it are released by the base's rule.
  void set_retain_generations(uint32_t n) { retain_ = n; }
  uint32_t retain_generations() const { return retain_; }

  Result<PageRef> read(uint64_t page_no) override;
  Result<uint8_t*> mutable_page(uint64_t* page_no) override;
  Result<uint8_t*> allocate(uint64_t* page_no) override;
  Status retire(uint64_t page_no) override;
  bool owns(uint64_t page_no) const override { return dirty_.count(page_no) != 0; }
  uint64_t write_generation() const override { return generation_ + 1; }

 private:
  friend class Store;
  WriteTx(Store* store, const Meta& meta)
      : Tx(store, meta.generation, meta.root, meta.root_generation),
        base_(meta),
        page_count_(meta.page_count),
        retain_(meta.retain_generations) {}
  // Records the base generation's root and drops the records that fall out of the window.
  Status update_generation_history();

  std::unordered_map<uint64_t, std::shared_ptr<PageBuf>> dirty_;
  std::vector<uint64_t> reusable_;   // allocated and retired by this tx: free again
  std::vector<uint64_t> from_free_;  // taken from the store's free set (undo on rollback)
  std::vector<uint64_t> retired_;    // durable pages this tx replaced or deleted
  Meta base_;  // the commit this transaction started from
  uint64_t page_count_;
  uint32_t retain_;
  bool finished_ = false;
  bool recording_ = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> undo_;
};

// Labels used on the VFS for each step of commit `generation`.
std::string commit_label(uint64_t generation, std::string_view step);

}  // namespace strata
