// Meta: the commit point. Pages 0 and 1 are the two meta slots.
//
// A commit of generation g writes its meta into slot g % 2 (the inactive one)
// after every other page of the commit is durable. On open both slots are read
// and validated; the valid slot with the higher generation wins. A torn or
// corrupt slot fails its checksum and is ignored; two bad slots are an error.
//
// Meta page body (after the common 32-byte page header of page.h, whose
// generation field is the meta's generation and page_no is the slot):
//
//   offset  size  field
//   32      8     magic          "STRATADB"
//   40      4     format_version 2
//   44      4     page_size      power of two, 512..65536
//   48      8     root           root page of the B+ tree, 0 = empty tree
//   56      8     freelist_head  first freelist page, 0 = no freelist pages
//   64      8     page_count     pages 0..page_count-1 are in use or free
//   72      8     commit_pages   pages the commit wrote (diagnostic)
//   80      8     root_generation  the generation that wrote the root page
//   88      4     flags          bit 0: one-sync commit, verify its pages at open
//   92      4     retain_generations  older generations kept readable (AS OF GENERATION)
//   96      ...   zero
//
// Freelist pages are rewritten by every commit, so they carry the meta's generation.
// Format 2 added root_generation and the generation in every pointer (node.h).
#pragma once

#include <cstdint>
#include <string>

#include "engine/page.h"
#include "vfs/status.h"
#include "vfs/vfs.h"

namespace strata {

inline constexpr char kMetaMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'D', 'B'};
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr uint64_t kFirstDataPage = 2;  // pages 0 and 1 are the meta slots
// The commit wrote its pages and this meta under one sync (docs/commit-protocols.md): the
// meta may be on the disk while some of its pages are not, so open verifies them.
inline constexpr uint32_t kMetaFlagVerifyOnOpen = 1;

struct Meta {
  uint32_t page_size = kDefaultPageSize;
  uint64_t generation = 0;
  uint64_t root = 0;
  uint64_t root_generation = 0;
  uint32_t flags = 0;  // kMetaFlagVerifyOnOpen
  uint64_t freelist_head = 0;
  uint64_t page_count = kFirstDataPage;
  uint64_t commit_pages = 0;
  // How many generations before this one stay readable (PRAGMA retain_generations): the pages
  // retired by commit c are reused only once c <= generation - retain_generations, and the
  // tree keeps the roots of those generations (store.h, kTagGenerationHistory).
  uint32_t retain_generations = 0;

  uint64_t slot() const { return generation % 2; }
};

// Encodes meta into a full page buffer (page_size bytes), sealed with checksum.
void encode_meta(const Meta& meta, uint8_t* page);

// Decodes and validates one slot's bytes (at least kMinPageSize bytes are
// needed; `available` says how many were read). `slot` is 0 or 1. When the
// page size is unknown, pass expected_page_size = 0 and it is taken from the
// bytes. Errors say what is wrong: "meta slot 1: checksum mismatch". Strict
// decoding is the exact inverse of encode_meta: a slot decodes only if
// re-encoding its Meta gives back its bytes (unused header fields and reserved
// bytes zero).
// `strict` = false is for the crash testbed's deliberately broken protocols only: it skips
// the checksum and the rule that generation g lives in slot g % 2.
Result<Meta> decode_meta(const uint8_t* bytes, size_t available, uint64_t slot,
                         uint32_t expected_page_size, bool strict = true);

// A slot's fields exactly as its bytes say, validating nothing: what `strata inspect meta`
// shows of a slot that decode_meta rejects. REQUIRES: kMinPageSize readable bytes.
struct MetaFields {
  std::string magic;  // the 8 magic bytes
  uint64_t checksum = 0;
  uint64_t page_no = 0;
  uint64_t generation = 0;
  uint8_t type = 0;
  uint32_t format_version = 0;
  uint32_t page_size = 0;
  uint64_t root = 0;
  uint64_t freelist_head = 0;
  uint64_t page_count = 0;
  uint64_t commit_pages = 0;
  uint64_t root_generation = 0;
  uint32_t flags = 0;
  uint32_t retain_generations = 0;
};
MetaFields read_meta_fields(const uint8_t* bytes);

// Both slots as found on disk, for open and for `strata inspect meta`.
struct MetaSlots {
  Result<Meta> slot[2] = {Status::not_found("unread"), Status::not_found("unread")};
  // Index of the slot that wins (valid, higher generation), or -1.
  int active = -1;
};

// Reads and validates both slots of a file.
MetaSlots read_meta_slots(vfs::File* file, bool strict = true);

}  // namespace strata
