#include "faults/fault_vfs.h"

#include <charconv>
#include <random>

namespace strata::faults {

namespace {

struct FaultName {
  FaultKind kind;
  std::string_view name;
};
constexpr FaultName kFaultNames[] = {
    {FaultKind::kEioRead, "eio-read"},
    {FaultKind::kEioWrite, "eio-write"},
    {FaultKind::kEnospc, "enospc"},
    {FaultKind::kShortWrite, "short-write"},
    {FaultKind::kFsyncFail, "fsync-fail"},
    {FaultKind::kBitFlip, "bit-flip"},
    {FaultKind::kMisdirectedWrite, "misdirected-write"},
    {FaultKind::kLyingFsync, "lying-fsync"},
};

std::shared_ptr<const std::vector<uint8_t>> copy_bytes(std::span<const uint8_t> data) {
  return std::make_shared<const std::vector<uint8_t>>(data.begin(), data.end());
}

// Deterministic per (seed, op): whether a random-trigger fault fires at this op.
bool coin(uint64_t seed, uint64_t seq, double probability) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + seq);
  return static_cast<double>(rng() >> 11) / static_cast<double>(uint64_t{1} << 53) < probability;
}

}  // namespace

std::string_view fault_name(FaultKind kind) {
  for (const auto& f : kFaultNames) {
    if (f.kind == kind) return f.name;
  }
  return "?";
}

std::optional<FaultKind> parse_fault(std::string_view name) {
  for (const auto& f : kFaultNames) {
    if (f.name == name) return f.kind;
  }
  return std::nullopt;
}

const std::vector<FaultKind>& all_faults() {
  static const std::vector<FaultKind> all = {
      FaultKind::kEioRead,    FaultKind::kEioWrite, FaultKind::kEnospc,
      FaultKind::kShortWrite, FaultKind::kFsyncFail, FaultKind::kBitFlip,
      FaultKind::kMisdirectedWrite, FaultKind::kLyingFsync};
  return all;
}

Result<std::vector<FaultKind>> parse_fault_list(const std::vector<std::string>& names) {
  std::vector<FaultKind> out;
  for (const std::string& name : names) {
    if (name == "io") {
      out.insert(out.end(), {FaultKind::kEioRead, FaultKind::kEioWrite, FaultKind::kEnospc,
                             FaultKind::kShortWrite, FaultKind::kFsyncFail});
    } else if (name == "dishonest") {
      out.insert(out.end(),
                 {FaultKind::kBitFlip, FaultKind::kMisdirectedWrite, FaultKind::kLyingFsync});
    } else if (name == "all") {
      out = all_faults();
    } else if (name == "none") {
      out.clear();
    } else if (auto kind = parse_fault(name)) {
      out.push_back(*kind);
    } else {
      return Status::invalid_argument("unknown fault \"" + name + "\"");
    }
  }
  return out;
}

bool is_dishonest(FaultKind kind) {
  return kind == FaultKind::kBitFlip || kind == FaultKind::kMisdirectedWrite ||
         kind == FaultKind::kLyingFsync;
}

std::optional<OpKind> fault_target(FaultKind kind) {
  switch (kind) {
    case FaultKind::kEioRead: return OpKind::kRead;
    case FaultKind::kEioWrite:
    case FaultKind::kEnospc:
    case FaultKind::kShortWrite:
    case FaultKind::kMisdirectedWrite: return OpKind::kWrite;
    case FaultKind::kFsyncFail:
    case FaultKind::kLyingFsync: return OpKind::kSync;
    case FaultKind::kBitFlip: return std::nullopt;
  }
  return std::nullopt;
}

std::string FaultSpec::to_string() const {
  std::string s(fault_name(kind));
  if (space_cap > 0) return s + "@cap=" + std::to_string(space_cap);
  if (at_op) return s + "@op=" + std::to_string(*at_op) + (kind == FaultKind::kBitFlip ? ",seed=" + std::to_string(seed) : "");
  if (!at_label.empty()) return s + "@label=" + at_label;
  if (probability > 0) {
    return s + "@p=" + std::to_string(probability) + ",seed=" + std::to_string(seed);
  }
  return s;
}

Result<FaultSpec> parse_fault_spec(std::string_view text) {
  FaultSpec spec;
  size_t at = text.find('@');
  std::string_view name = text.substr(0, at);
  auto kind = parse_fault(name);
  if (!kind) return Status::invalid_argument("unknown fault \"" + std::string(name) + "\"");
  spec.kind = *kind;
  if (at == std::string_view::npos) {
    // Bare name: every eligible op, at random, 1 in 50, seed 1.
    spec.probability = 0.02;
    spec.seed = 1;
    spec.max_fires = 1;
    return spec;
  }
  std::string_view rest = text.substr(at + 1);
  auto number = [](std::string_view v, uint64_t* out) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
    return ec == std::errc() && end == v.data() + v.size();
  };
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    if (item.substr(0, 6) == "label=") {
      spec.at_label = std::string(rest.substr(6));  // a label may contain commas: rest of text
      break;
    }
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    uint64_t n = 0;
    if (key == "op" && number(value, &n)) {
      spec.at_op = n;
    } else if (key == "seed" && number(value, &n)) {
      spec.seed = n;
    } else if (key == "cap" && number(value, &n) && n > 0) {
      spec.space_cap = n;
      spec.max_fires = 0;
    } else if (key == "fires" && number(value, &n)) {
      spec.max_fires = n;
    } else if (key == "p") {
      char* end = nullptr;
      std::string v(value);
      spec.probability = std::strtod(v.c_str(), &end);
      if (end != v.c_str() + v.size() || spec.probability <= 0 || spec.probability > 1) {
        return Status::invalid_argument("bad probability in fault \"" + std::string(text) + "\"");
      }
    } else {
      return Status::invalid_argument("bad fault schedule \"" + std::string(text) +
                                      "\" (want KIND@op=N, KIND@label=TEXT, KIND@p=P,seed=S or "
                                      "enospc@cap=BYTES)");
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return spec;
}

// ---------------------------------------------------------------- FaultFile

class FaultVfs::FaultFile final : public vfs::File {
 public:
  FaultFile(FaultVfs* owner, std::unique_ptr<vfs::File> base, uint64_t id)
      : owner_(owner), base_(std::move(base)), id_(id) {}

  Status read(uint64_t offset, std::span<uint8_t> out, size_t* bytes_read) override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kRead, offset, out.size());
    if (Status s = owner_->begin_op(OpKind::kRead, &fault); !s.is_ok()) return s;
    Status s;
    if (fault == FaultKind::kEioRead) {
      *bytes_read = 0;
      s = Status::io_error("read " + path() + " @" + std::to_string(offset) + ": EIO (injected)");
      op.fault = "eio-read";
    } else {
      s = base_->read(offset, out, bytes_read);
    }
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  Status write(uint64_t offset, std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kWrite, offset, data.size());
    if (Status s = owner_->begin_op(OpKind::kWrite, &fault); !s.is_ok()) return s;
    // The space cap applies whatever the schedule.
    for (const Armed& a : owner_->faults_) {
      if (a.spec.kind == FaultKind::kEnospc && a.spec.space_cap > 0 &&
          offset + data.size() > a.spec.space_cap) {
        auto size = base_->size();
        if (size.ok() && offset + data.size() > *size) fault = FaultKind::kEnospc;
      }
    }
    Status s;
    if (fault) op.fault = std::string(fault_name(*fault));
    if (fault == FaultKind::kEioWrite) {
      s = Status::io_error("write " + path() + ": EIO (injected)");
    } else if (fault == FaultKind::kEnospc) {
      s = Status::no_space("write " + path() + ": ENOSPC (injected)");
    } else if (fault == FaultKind::kShortWrite) {
      size_t landed = data.size() / 2;
      landed -= landed % 512;
      if (landed > 0) {
        s = base_->write(offset, data.subspan(0, landed));
        if (s.is_ok() && owner_->record_data_) op.data = copy_bytes(data.subspan(0, landed));
      }
      op.length = landed;
      if (s.is_ok()) s = Status::io_error("write " + path() + ": short write (injected)");
    } else if (fault == FaultKind::kMisdirectedWrite) {
      uint64_t aimed = offset;
      uint64_t landed = offset >= data.size() ? offset - data.size() : offset + data.size();
      s = base_->write(landed, data);
      op.offset = landed;
      op.fault += " (aimed @" + std::to_string(aimed) + ")";
      if (s.is_ok() && owner_->record_data_) op.data = copy_bytes(data);
    } else {
      s = base_->write(offset, data);
      if (s.is_ok() && owner_->record_data_) op.data = copy_bytes(data);
    }
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  Status sync() override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kSync, 0, 0);
    if (Status s = owner_->begin_op(OpKind::kSync, &fault); !s.is_ok()) return s;
    Status s;
    if (fault == FaultKind::kFsyncFail) {
      s = Status::io_error("sync " + path() + ": EIO (injected)");
      op.fault = "fsync-fail";
    } else if (fault == FaultKind::kLyingFsync) {
      op.fault = "lying-fsync";  // success, durable nothing
    } else {
      s = base_->sync();
    }
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  Result<uint64_t> size() override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kSize, 0, 0);
    if (Status s = owner_->begin_op(OpKind::kSize, &fault); !s.is_ok()) return s;
    auto r = base_->size();
    op.result = r.status_or_ok().code();
    owner_->record(std::move(op));
    return r;
  }

  Status truncate(uint64_t size) override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kTruncate, size, 0);
    if (Status s = owner_->begin_op(OpKind::kTruncate, &fault); !s.is_ok()) return s;
    Status s = base_->truncate(size);
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  Status lock(uint64_t start, uint64_t length, vfs::LockMode mode) override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kLock, start, length);
    if (Status s = owner_->begin_op(OpKind::kLock, &fault); !s.is_ok()) return s;
    Status s = base_->lock(start, length, mode);
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  // Not an op of the log: it changes nothing, and no fault targets it.
  Status test_lock(uint64_t start, uint64_t length, vfs::LockMode mode) override {
    return base_->test_lock(start, length, mode);
  }

  Status unlock(uint64_t start, uint64_t length) override {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    std::optional<FaultKind> fault;
    Op op = make(OpKind::kUnlock, start, length);
    if (Status s = owner_->begin_op(OpKind::kUnlock, &fault); !s.is_ok()) return s;
    Status s = base_->unlock(start, length);
    op.result = s.code();
    owner_->record(std::move(op));
    return s;
  }

  const std::string& path() const override { return base_->path(); }

 private:
  Op make(OpKind kind, uint64_t offset, uint64_t length) const {
    Op op;
    op.kind = kind;
    op.path = base_->path();
    op.file_id = id_;
    op.offset = offset;
    op.length = length;
    return op;
  }

  FaultVfs* owner_;
  std::unique_ptr<vfs::File> base_;
  uint64_t id_;
};

// ---------------------------------------------------------------- FaultVfs

FaultVfs::FaultVfs(vfs::Vfs* base) : base_(base) {}
FaultVfs::~FaultVfs() = default;

void FaultVfs::crash_at(uint64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_at_ = seq;
}

bool FaultVfs::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

void FaultVfs::add_fault(const FaultSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(Armed{spec, 0});
}

std::map<std::string, uint64_t> FaultVfs::fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, uint64_t> out;
  for (const Armed& a : faults_) {
    if (a.fires > 0) out[std::string(fault_name(a.spec.kind))] += a.fires;
  }
  return out;
}

void FaultVfs::mark(std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  Op op;
  op.kind = OpKind::kMark;
  op.label = std::move(text);
  record(std::move(op));
}

void FaultVfs::set_label(std::string_view label) {
  std::lock_guard<std::mutex> lock(mu_);
  label_ = std::string(label);
}

Status FaultVfs::begin_op(OpKind kind, std::optional<FaultKind>* fault) {
  uint64_t seq = log_.size();
  if (crashed_ || (crash_at_ && seq >= *crash_at_)) {
    crashed_ = true;
    return Status::crashed("crashed at op " + std::to_string(crash_at_.value_or(seq)));
  }
  maybe_flip(seq);
  seq = log_.size();  // a flip is an op of its own
  for (Armed& a : faults_) {
    if (a.spec.kind == FaultKind::kBitFlip || a.spec.space_cap > 0) continue;
    if (a.spec.max_fires != 0 && a.fires >= a.spec.max_fires) continue;
    if (fault_target(a.spec.kind) != kind) continue;
    bool fire = false;
    if (a.spec.at_op) {
      fire = *a.spec.at_op == seq;
    } else if (!a.spec.at_label.empty()) {
      fire = label_.find(a.spec.at_label) != std::string::npos;
    } else if (a.spec.probability > 0) {
      fire = coin(a.spec.seed, seq, a.spec.probability);
    }
    if (fire) {
      ++a.fires;
      *fault = a.spec.kind;
      return Status::ok();
    }
  }
  return Status::ok();
}

void FaultVfs::maybe_flip(uint64_t seq) {
  for (Armed& a : faults_) {
    if (a.spec.kind != FaultKind::kBitFlip) continue;
    if (a.spec.max_fires != 0 && a.fires >= a.spec.max_fires) continue;
    bool fire = false;
    if (a.spec.at_op) {
      fire = *a.spec.at_op <= seq;  // flips before op N (or the first op after it)
    } else if (!a.spec.at_label.empty()) {
      fire = label_.find(a.spec.at_label) != std::string::npos;
    } else if (a.spec.probability > 0) {
      fire = coin(a.spec.seed, seq, a.spec.probability);
    }
    if (!fire) continue;
    // Pick a durable byte of a file that has some, from the seed.
    std::mt19937_64 rng(a.spec.seed * 0xD1B54A32D192ED03ull + seq);
    std::vector<uint64_t> candidates;
    for (uint64_t id : model_.current_files()) {
      if (model_.durable_size(id) > 0) candidates.push_back(id);
    }
    if (candidates.empty()) continue;
    ++a.fires;
    uint64_t id = candidates[rng() % candidates.size()];
    Op op;
    op.kind = OpKind::kBitFlip;
    op.file_id = id;
    for (const auto& [path, fid] : ids_) {
      if (fid == id) op.path = path;
    }
    op.offset = rng() % model_.durable_size(id);
    op.length = rng() % 8;
    op.label = label_;
    op.fault = "bit-flip";
    // The page cache hides the flip while a newer write of that byte is pending; otherwise
    // the process sees it too (as after the cache dropped the page).
    if (!model_.pending_covers(id, op.offset)) {
      auto file = base_->open(op.path, vfs::OpenOptions{});
      if (file.ok()) {
        uint8_t byte = 0;
        size_t n = 0;
        if ((*file)->read(op.offset, std::span<uint8_t>(&byte, 1), &n).is_ok() && n == 1) {
          byte ^= static_cast<uint8_t>(1u << op.length);
          (void)(*file)->write(op.offset, std::span<const uint8_t>(&byte, 1));
        }
      }
    }
    record(std::move(op));
  }
}

void FaultVfs::record(Op op) {
  op.seq = log_.size();
  if (op.label.empty()) op.label = label_;
  model_.apply(op);
  log_.push_back(std::move(op));
}

Result<std::unique_ptr<vfs::File>> FaultVfs::open(const std::string& path,
                                                  const vfs::OpenOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kOpen;
  op.path = path;
  if (Status s = begin_op(OpKind::kOpen, &fault); !s.is_ok()) return s;
  auto known = ids_.find(path);
  STRATA_ASSIGN(bool existed, base_->exists(path));
  auto file = base_->open(path, options);
  op.result = file.status_or_ok().code();
  if (file.ok()) {
    if (!existed) {
      op.file_id = next_id_++;
      op.offset = 1;  // created
      ids_[path] = op.file_id;
    } else if (known != ids_.end()) {
      op.file_id = known->second;
    } else {
      // Existed before the log began: adopt its bytes as durable.
      op.file_id = next_id_++;
      op.offset = 2;
      ids_[path] = op.file_id;
      std::vector<uint8_t> bytes;
      auto size = (*file)->size();
      if (size.ok()) {
        bytes.resize(*size);
        size_t n = 0;
        if (!(*file)->read(0, bytes, &n).is_ok()) n = 0;
        bytes.resize(n);
      }
      op.data = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    }
  }
  uint64_t id = op.file_id;
  record(std::move(op));
  if (!file.ok()) return file.status();
  return std::unique_ptr<vfs::File>(new FaultFile(this, std::move(*file), id));
}

Status FaultVfs::remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kRemove;
  op.path = path;
  if (Status s = begin_op(OpKind::kRemove, &fault); !s.is_ok()) return s;
  Status s = base_->remove(path);
  if (s.is_ok()) ids_.erase(path);
  op.result = s.code();
  record(std::move(op));
  return s;
}

Status FaultVfs::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kRename;
  op.path = from;
  op.path_to = to;
  if (Status s = begin_op(OpKind::kRename, &fault); !s.is_ok()) return s;
  Status s = base_->rename(from, to);
  if (s.is_ok()) {
    auto it = ids_.find(from);
    if (it != ids_.end()) {
      uint64_t id = it->second;
      ids_.erase(it);
      ids_[to] = id;
    }
  }
  op.result = s.code();
  record(std::move(op));
  return s;
}

Result<bool> FaultVfs::exists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kExists;
  op.path = path;
  if (Status s = begin_op(OpKind::kExists, &fault); !s.is_ok()) return s;
  auto r = base_->exists(path);
  op.result = r.status_or_ok().code();
  record(std::move(op));
  return r;
}

Result<std::vector<std::string>> FaultVfs::list(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kList;
  op.path = dir;
  if (Status s = begin_op(OpKind::kList, &fault); !s.is_ok()) return s;
  auto r = base_->list(dir);
  op.result = r.status_or_ok().code();
  record(std::move(op));
  return r;
}

Status FaultVfs::sync_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FaultKind> fault;
  Op op;
  op.kind = OpKind::kSyncDir;
  op.path = dir;
  if (Status s = begin_op(OpKind::kSyncDir, &fault); !s.is_ok()) return s;
  Status s = base_->sync_dir(dir);
  op.result = s.code();
  record(std::move(op));
  return s;
}

}  // namespace strata::faults
