#include "engine/meta.h"

#include <cstring>
#include <vector>

namespace strata {

namespace {
constexpr size_t kOffMagic = 32;
constexpr size_t kOffVersion = 40;
constexpr size_t kOffPageSize = 44;
constexpr size_t kOffRoot = 48;
constexpr size_t kOffFreelist = 56;
constexpr size_t kOffPageCount = 64;
constexpr size_t kOffCommitPages = 72;
constexpr size_t kOffRootGeneration = 80;
constexpr size_t kOffMetaFlags = 88;
constexpr size_t kOffRetain = 92;
constexpr size_t kOffReserved = 96;  // zero to the end of the page

Status slot_error(uint64_t slot, const std::string& why) {
  return Status::corruption("meta slot " + std::to_string(slot) + ": " + why);
}
}  // namespace

void encode_meta(const Meta& meta, uint8_t* page) {
  init_page(page, meta.page_size, PageType::kMeta, meta.slot());
  std::memcpy(page + kOffMagic, kMetaMagic, sizeof kMetaMagic);
  store_u32(page + kOffVersion, kFormatVersion);
  store_u32(page + kOffPageSize, meta.page_size);
  store_u64(page + kOffRoot, meta.root);
  store_u64(page + kOffFreelist, meta.freelist_head);
  store_u64(page + kOffPageCount, meta.page_count);
  store_u64(page + kOffCommitPages, meta.commit_pages);
  store_u64(page + kOffRootGeneration, meta.root_generation);
  store_u32(page + kOffMetaFlags, meta.flags);
  store_u32(page + kOffRetain, meta.retain_generations);
  seal_page(page, meta.page_size, meta.slot(), meta.generation);
}

Result<Meta> decode_meta(const uint8_t* bytes, size_t available, uint64_t slot,
                         uint32_t expected_page_size, bool strict) {
  if (available < kMinPageSize) return slot_error(slot, "file too short to hold the slot");
  if (std::memcmp(bytes + kOffMagic, kMetaMagic, sizeof kMetaMagic) != 0) {
    bool all_zero = true;
    for (size_t i = 0; i < kMinPageSize && all_zero; ++i) all_zero = bytes[i] == 0;
    return slot_error(slot, all_zero ? "slot is all zeroes" : "bad magic (not a strata database)");
  }
  uint32_t page_size = load_u32(bytes + kOffPageSize);
  if (!is_valid_page_size(page_size)) {
    return slot_error(slot, "invalid page size " + std::to_string(page_size));
  }
  if (expected_page_size != 0 && page_size != expected_page_size) {
    return slot_error(slot, "page size " + std::to_string(page_size) + " differs from " +
                                std::to_string(expected_page_size));
  }
  if (available < page_size) return slot_error(slot, "file too short to hold the slot");
  Status verified = verify_page(bytes, page_size, slot);
  if (!strict && !verified.is_ok() && page_no_of(bytes) == slot) verified = Status::ok();
  if (!verified.is_ok()) {
    // verify_page says "page N: why"; the slot already names the page.
    const std::string& m = verified.message();
    size_t colon = m.find(": ");
    return slot_error(slot, colon == std::string::npos ? m : m.substr(colon + 2));
  }
  if (page_type(bytes) != PageType::kMeta) return slot_error(slot, "not a meta page");
  uint32_t version = load_u32(bytes + kOffVersion);
  if (version != kFormatVersion) {
    return slot_error(slot, "unsupported format version " + std::to_string(version));
  }
  if (strict) {
    // encode_meta writes nothing else: a checksum-valid slot with other bytes set is not one
    // the engine wrote, and decoding must stay the exact inverse of encoding.
    if (bytes[kOffFlags] != 0 || header_count(bytes) != 0 || page_aux(bytes) != 0) {
      return slot_error(slot, "unused header fields are not zero");
    }
    // Every read transaction decodes both slots: test the reserved bytes a word at a time,
    // and find the offending byte only when there is one.
    static constexpr uint8_t kZeros[kMaxPageSize] = {};
    if (std::memcmp(bytes + kOffReserved, kZeros, page_size - kOffReserved) != 0) {
      size_t i = kOffReserved;
      while (bytes[i] == 0) ++i;
      return slot_error(slot, "reserved byte at offset " + std::to_string(i) + " is not zero");
    }
  }
  Meta meta;
  meta.page_size = page_size;
  meta.generation = page_generation(bytes);
  meta.root = load_u64(bytes + kOffRoot);
  meta.freelist_head = load_u64(bytes + kOffFreelist);
  meta.page_count = load_u64(bytes + kOffPageCount);
  meta.commit_pages = load_u64(bytes + kOffCommitPages);
  meta.root_generation = load_u64(bytes + kOffRootGeneration);
  meta.flags = load_u32(bytes + kOffMetaFlags);
  meta.retain_generations = load_u32(bytes + kOffRetain);
  if (meta.flags & ~kMetaFlagVerifyOnOpen) {
    return slot_error(slot, "unknown flags " + std::to_string(meta.flags));
  }
  if (strict && meta.generation % 2 != slot) {
    return slot_error(slot, "generation " + std::to_string(meta.generation) +
                                " does not belong in this slot");
  }
  if (meta.page_count < kFirstDataPage) return slot_error(slot, "page count below 2");
  if (meta.root != 0 && (meta.root < kFirstDataPage || meta.root >= meta.page_count)) {
    return slot_error(slot, "root page " + std::to_string(meta.root) + " out of range");
  }
  if (meta.root != 0 && (meta.root_generation == 0 || meta.root_generation > meta.generation)) {
    return slot_error(slot, "root generation " + std::to_string(meta.root_generation) +
                                " out of range");
  }
  if (meta.freelist_head != 0 &&
      (meta.freelist_head < kFirstDataPage || meta.freelist_head >= meta.page_count)) {
    return slot_error(slot, "freelist page " + std::to_string(meta.freelist_head) +
                                " out of range");
  }
  return meta;
}

MetaFields read_meta_fields(const uint8_t* bytes) {
  MetaFields f;
  f.magic.assign(reinterpret_cast<const char*>(bytes + kOffMagic), sizeof kMetaMagic);
  f.checksum = load_u64(bytes + kOffChecksum);
  f.page_no = page_no_of(bytes);
  f.generation = page_generation(bytes);
  f.type = bytes[kOffType];
  f.format_version = load_u32(bytes + kOffVersion);
  f.page_size = load_u32(bytes + kOffPageSize);
  f.root = load_u64(bytes + kOffRoot);
  f.freelist_head = load_u64(bytes + kOffFreelist);
  f.page_count = load_u64(bytes + kOffPageCount);
  f.commit_pages = load_u64(bytes + kOffCommitPages);
  f.root_generation = load_u64(bytes + kOffRootGeneration);
  f.flags = load_u32(bytes + kOffMetaFlags);
  f.retain_generations = load_u32(bytes + kOffRetain);
  return f;
}

MetaSlots read_meta_slots(vfs::File* file, bool strict) {
  MetaSlots out;
  std::vector<uint8_t> buf(kMaxPageSize);
  size_t got = 0;
  Status s = file->read(0, buf, &got);
  if (!s.is_ok()) {
    out.slot[0] = s;
    out.slot[1] = s;
    return out;
  }
  out.slot[0] = decode_meta(buf.data(), got, 0, 0, strict);

  // Slot 1 lives at offset page_size. Trust slot 0's page size when it is
  // valid; otherwise try every legal size, so a lost slot 0 still opens.
  std::vector<uint32_t> sizes;
  if (out.slot[0].ok()) {
    sizes.push_back(out.slot[0]->page_size);
  } else {
    for (uint32_t ps = kMinPageSize; ps <= kMaxPageSize; ps *= 2) sizes.push_back(ps);
  }
  Status last = Status::corruption("meta slot 1: not found");
  for (uint32_t ps : sizes) {
    std::vector<uint8_t> b1(ps);
    size_t got1 = 0;
    Status rs = file->read(ps, b1, &got1);
    if (!rs.is_ok()) {
      last = rs;
      continue;
    }
    Result<Meta> m = decode_meta(b1.data(), got1, 1, ps, strict);
    if (m.ok()) {
      out.slot[1] = std::move(m);
      break;
    }
    // Keep the most telling reason: the one at slot 0's page size, or the first.
    if (sizes.size() == 1 || ps == kDefaultPageSize) last = m.status();
  }
  if (!out.slot[1].ok()) out.slot[1] = last;
  if (out.slot[0].ok() && out.slot[1].ok() &&
      out.slot[0]->page_size != out.slot[1]->page_size) {
    out.slot[1] = Status::corruption("meta slot 1: page size differs from slot 0");
  }

  bool ok0 = out.slot[0].ok(), ok1 = out.slot[1].ok();
  if (ok0 && ok1) {
    out.active = out.slot[0]->generation > out.slot[1]->generation ? 0 : 1;
  } else if (ok0) {
    out.active = 0;
  } else if (ok1) {
    out.active = 1;
  }
  return out;
}

}  // namespace strata
