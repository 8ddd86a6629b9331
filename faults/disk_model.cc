#include "faults/disk_model.h"

#include <algorithm>
#include <random>

#include "vfs/vfs.h"

namespace strata::faults {

namespace {

struct PolicyName {
  Policy policy;
  std::string_view name;
};
constexpr PolicyName kPolicyNames[] = {
    {Policy::kProcessKill, "process-kill"},   {Policy::kDropUnsynced, "drop-unsynced"},
    {Policy::kSectorSubset, "sector-subset"}, {Policy::kTornSector, "torn-sector"},
    {Policy::kReorder, "reorder"},
};

constexpr std::string_view kTearNames[] = {"atomic", "prefix", "suffix", "arbitrary"};

void write_into(std::vector<uint8_t>* bytes, uint64_t offset, const uint8_t* data, size_t n) {
  if (bytes->size() < offset + n) bytes->resize(offset + n, 0);
  std::copy(data, data + n, bytes->begin() + static_cast<std::ptrdiff_t>(offset));
}

}  // namespace

std::string_view policy_name(Policy policy) {
  for (const auto& p : kPolicyNames) {
    if (p.policy == policy) return p.name;
  }
  return "?";
}

std::optional<Policy> parse_policy(std::string_view name) {
  for (const auto& p : kPolicyNames) {
    if (p.name == name) return p.policy;
  }
  return std::nullopt;
}

const std::vector<Policy>& all_policies() {
  static const std::vector<Policy> all = {Policy::kProcessKill, Policy::kDropUnsynced,
                                          Policy::kSectorSubset, Policy::kTornSector,
                                          Policy::kReorder};
  return all;
}

Result<std::vector<Policy>> parse_policy_list(const std::vector<std::string>& names) {
  std::vector<Policy> out;
  for (const std::string& name : names) {
    if (name == "honest" || name == "all") {
      out = all_policies();
    } else if (name == "none") {
      out.clear();
    } else if (auto policy = parse_policy(name)) {
      out.push_back(*policy);
    } else {
      return Status::invalid_argument("unknown policy \"" + name + "\"");
    }
  }
  return out;
}

std::string_view tear_mode_name(TearMode mode) { return kTearNames[static_cast<int>(mode)]; }

std::optional<TearMode> parse_tear_mode(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (kTearNames[i] == name) return static_cast<TearMode>(i);
  }
  return std::nullopt;
}

std::string DeviceModel::to_string() const {
  return "sector=" + std::to_string(sector_size) + " tear=" + std::string(tear_mode_name(tear)) +
         " psow=" + (powersafe_overwrite ? "on" : "off");
}

std::string ImageChoice::describe() const {
  std::string s;
  s.reserve(applied.size());
  for (bool a : applied) s += a ? '1' : '0';
  if (s.empty()) s = "-";
  if (torn_unit >= 0) s += " torn " + std::to_string(torn_unit) + "@" + std::to_string(tear_seed);
  return s;
}

// ---------------------------------------------------------------- DiskModel

void DiskModel::apply(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen:
      if (op.ok() && op.offset == 1) {  // created a new, empty file
        inodes_[op.file_id] = Inode{};
        current_ns_[op.path] = op.file_id;
      } else if (op.ok() && op.offset == 2 && !inodes_.count(op.file_id)) {
        // A file that existed before the log began: durable as found.
        Inode inode;
        if (op.data) inode.durable = *op.data;
        inodes_[op.file_id] = std::move(inode);
        current_ns_[op.path] = op.file_id;
        durable_ns_[op.path] = op.file_id;
      }
      return;
    case OpKind::kWrite:
      if (op.data && !op.data->empty()) {
        inodes_[op.file_id].pending.push_back(Pending{op.seq, false, op.offset, op.data});
      }
      return;
    case OpKind::kTruncate:
      if (op.ok()) inodes_[op.file_id].pending.push_back(Pending{op.seq, true, op.offset, nullptr});
      return;
    case OpKind::kSync: {
      Inode& inode = inodes_[op.file_id];
      if (op.fault == "lying-fsync") return;  // reported success, kept nothing
      if (op.ok()) {
        for (const Pending& p : inode.pending) {
          if (p.truncate) {
            inode.durable.resize(p.offset, 0);
          } else {
            write_into(&inode.durable, p.offset, p.data->data(), p.data->size());
          }
        }
      }
      // A failed sync drops the pending data too (Linux: the pages are marked clean).
      inode.pending.clear();
      return;
    }
    case OpKind::kRemove:
      if (op.ok()) current_ns_.erase(op.path);
      return;
    case OpKind::kRename:
      if (op.ok()) {
        auto it = current_ns_.find(op.path);
        if (it != current_ns_.end()) {
          uint64_t id = it->second;
          current_ns_.erase(it);
          current_ns_[op.path_to] = id;
        }
      }
      return;
    case OpKind::kSyncDir:
      if (op.ok()) {
        for (auto it = durable_ns_.begin(); it != durable_ns_.end();) {
          if (vfs::dir_of(it->first) == op.path && !current_ns_.count(it->first)) {
            it = durable_ns_.erase(it);
          } else {
            ++it;
          }
        }
        for (const auto& [path, id] : current_ns_) {
          if (vfs::dir_of(path) == op.path) durable_ns_[path] = id;
        }
      }
      return;
    case OpKind::kBitFlip: {
      Inode& inode = inodes_[op.file_id];
      if (op.offset < inode.durable.size()) {
        inode.durable[op.offset] ^= static_cast<uint8_t>(1u << (op.length & 7));
      }
      return;
    }
    default:
      return;
  }
}

const std::map<std::string, uint64_t>& DiskModel::namespace_for(Policy policy) const {
  return policy == Policy::kProcessKill ? current_ns_ : durable_ns_;
}

size_t DiskModel::pending_writes() const {
  size_t n = 0;
  for (const auto& [id, inode] : inodes_) n += inode.pending.size();
  return n;
}

std::vector<DiskModel::Unit> DiskModel::units(Policy policy, const DeviceModel& device) const {
  std::vector<Unit> out;
  if (policy == Policy::kProcessKill || policy == Policy::kDropUnsynced) return out;
  // Pending writes of the files in the namespace, in issue order.
  std::vector<std::pair<uint64_t, std::pair<uint64_t, size_t>>> order;  // seq -> (file, index)
  for (const auto& [path, id] : namespace_for(policy)) {
    auto it = inodes_.find(id);
    if (it == inodes_.end()) continue;
    for (size_t i = 0; i < it->second.pending.size(); ++i) {
      if (!it->second.pending[i].truncate) order.push_back({it->second.pending[i].seq, {id, i}});
    }
  }
  std::sort(order.begin(), order.end());
  order.erase(std::unique(order.begin(), order.end()), order.end());
  const uint64_t sector = std::max<uint32_t>(device.sector_size, 1);
  for (const auto& [seq, where] : order) {
    const Pending& p = inodes_.at(where.first).pending[where.second];
    uint64_t begin = p.offset, end = p.offset + p.data->size();
    if (policy == Policy::kReorder) {
      out.push_back(Unit{where.first, where.second, begin, end});
      continue;
    }
    for (uint64_t s = begin - begin % sector; s < end; s += sector) {
      out.push_back(Unit{where.first, where.second, std::max(begin, s), std::min(end, s + sector)});
    }
  }
  return out;
}

size_t DiskModel::unit_count(Policy policy, const DeviceModel& device) const {
  return units(policy, device).size();
}

DiskImage DiskModel::build(Policy policy, const DeviceModel& device,
                           const ImageChoice& choice) const {
  DiskImage image;
  const auto& ns = namespace_for(policy);
  std::map<uint64_t, std::vector<uint8_t>> bytes;  // file id -> image bytes
  for (const auto& [path, id] : ns) {
    auto it = inodes_.find(id);
    if (it != inodes_.end()) bytes.emplace(id, it->second.durable);
  }
  auto apply_whole = [&](uint64_t id, const Pending& p) {
    std::vector<uint8_t>& b = bytes[id];
    if (p.truncate) {
      b.resize(p.offset, 0);
    } else {
      write_into(&b, p.offset, p.data->data(), p.data->size());
    }
  };

  if (policy == Policy::kProcessKill) {
    for (auto& [id, b] : bytes) {
      for (const Pending& p : inodes_.at(id).pending) apply_whole(id, p);
    }
  } else if (policy != Policy::kDropUnsynced) {
    std::vector<Unit> us = units(policy, device);
    // Truncates always apply, in order; then the chosen units, in issue order.
    for (auto& [id, b] : bytes) {
      for (const Pending& p : inodes_.at(id).pending) {
        if (p.truncate) apply_whole(id, p);
      }
    }
    const uint64_t sector = std::max<uint32_t>(device.sector_size, 1);
    for (size_t u = 0; u < us.size(); ++u) {
      const Unit& unit = us[u];
      const Pending& p = inodes_.at(unit.file_id).pending[unit.pending_index];
      const uint8_t* src = p.data->data() + (unit.begin - p.offset);
      const size_t len = unit.end - unit.begin;
      std::vector<uint8_t>& b = bytes[unit.file_id];
      if (static_cast<int64_t>(u) == choice.torn_unit && device.tear != TearMode::kAtomic) {
        std::mt19937_64 rng(choice.tear_seed * 0x9E3779B97F4A7C15ull + u);
        if (b.size() < unit.end) b.resize(unit.end, 0);
        uint8_t* dst = b.data() + unit.begin;
        size_t cut = len > 1 ? 1 + rng() % (len - 1) : 0;
        switch (device.tear) {
          case TearMode::kPrefix:
            std::copy(src, src + cut, dst);
            break;
          case TearMode::kSuffix:
            std::copy(src + cut, src + len, dst + cut);
            break;
          case TearMode::kArbitrary:
            for (size_t i = 0; i < len; ++i) {
              if (rng() & 1) dst[i] = src[i];
            }
            break;
          case TearMode::kAtomic:
            break;
        }
        if (!device.powersafe_overwrite) {
          // The rest of the sector, which this write did not cover, is damaged too.
          uint64_t s_begin = unit.begin - unit.begin % sector;
          uint64_t s_end = std::min<uint64_t>(s_begin + sector, b.size());
          for (uint64_t i = s_begin; i < s_end; ++i) {
            if (i < unit.begin || i >= unit.end) b[i] = static_cast<uint8_t>(rng());
          }
        }
        continue;
      }
      if (u < choice.applied.size() && choice.applied[u]) {
        write_into(&b, unit.begin, src, len);
      }
    }
  }
  for (const auto& [path, id] : ns) {
    auto it = bytes.find(id);
    image[path] = it != bytes.end() ? it->second : std::vector<uint8_t>{};
  }
  return image;
}

std::vector<uint64_t> DiskModel::current_files() const {
  std::vector<uint64_t> ids;
  for (const auto& [path, id] : current_ns_) ids.push_back(id);
  return ids;
}

uint64_t DiskModel::durable_size(uint64_t file_id) const {
  auto it = inodes_.find(file_id);
  return it == inodes_.end() ? 0 : it->second.durable.size();
}

bool DiskModel::pending_covers(uint64_t file_id, uint64_t offset) const {
  auto it = inodes_.find(file_id);
  if (it == inodes_.end()) return false;
  for (const Pending& p : it->second.pending) {
    if (p.truncate) {
      if (offset >= p.offset) return true;
    } else if (offset >= p.offset && offset < p.offset + p.data->size()) {
      return true;
    }
  }
  return false;
}

DiskImage DiskModel::current_image() const {
  return build(Policy::kProcessKill, DeviceModel{}, ImageChoice{});
}

// ---------------------------------------------------------------- ImageEnumerator

ImageEnumerator::ImageEnumerator(size_t units, Policy policy, uint32_t exhaustive_bound,
                                 uint32_t samples, uint64_t seed)
    : units_(units), policy_(policy), samples_(samples), seed_(seed) {
  const bool torn = policy == Policy::kTornSector;
  exhaustive_ = units <= exhaustive_bound && units < 40;
  if (units == 0) {
    count_ = 1;
  } else if (exhaustive_) {
    count_ = torn ? units * (size_t{1} << (units - 1)) : size_t{1} << units;
  } else {
    // Every prefix in issue order, then seeded samples.
    count_ = (torn ? units : units + 1) + samples;
  }
}

ImageChoice ImageEnumerator::choice(size_t index) const {
  ImageChoice c;
  c.applied.assign(units_, false);
  if (units_ == 0) return c;
  const bool torn = policy_ == Policy::kTornSector;
  if (exhaustive_) {
    if (torn) {
      size_t per = size_t{1} << (units_ - 1);
      c.torn_unit = static_cast<int64_t>(index / per);
      size_t mask = index % per;
      for (size_t u = 0, bit = 0; u < units_; ++u) {
        if (static_cast<int64_t>(u) == c.torn_unit) continue;
        c.applied[u] = (mask >> bit++) & 1;
      }
      c.tear_seed = seed_ + index;
    } else {
      for (size_t u = 0; u < units_; ++u) c.applied[u] = (index >> u) & 1;
    }
    return c;
  }
  size_t prefixes = torn ? units_ : units_ + 1;
  if (index < prefixes) {
    for (size_t u = 0; u < index; ++u) c.applied[u] = true;
    if (torn) {
      c.torn_unit = static_cast<int64_t>(index);
      c.tear_seed = seed_ + index;
    }
    return c;
  }
  std::mt19937_64 rng(seed_ ^ (0xA24BAED4963EE407ull * (index + 1)));
  if (policy_ == Policy::kReorder) {
    // An order-respecting prefix, then any subset of what follows.
    size_t prefix = rng() % (units_ + 1);
    for (size_t u = 0; u < units_; ++u) c.applied[u] = u < prefix || (rng() & 1);
  } else {
    for (size_t u = 0; u < units_; ++u) c.applied[u] = rng() & 1;
  }
  if (torn) {
    c.torn_unit = static_cast<int64_t>(rng() % units_);
    c.applied[static_cast<size_t>(c.torn_unit)] = false;
    c.tear_seed = rng();
  }
  return c;
}

}  // namespace strata::faults
