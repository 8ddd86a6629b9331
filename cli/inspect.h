// `strata inspect`, `strata stats` and `strata check`: a database file shown page by page.
//
// The views read the file through the Vfs as it is, without opening it as a database, so
// they work on damaged files too (a bad checksum is shown, not refused): the meta slots are
// decoded whether or not they validate, every page is read raw and its checksum verified
// on the spot, and which pages are reachable, free or leaked comes from the checker's page
// map (engine/check.h). Owners come from the keys themselves: a leaf's keys name the table,
// index or collection they belong to, read from the catalog entries found in the leaves.
// Only `table` and `index` open the database (they decode rows with the table's schema).
//
//   meta       both slots: state (valid/invalid, active), every field, stored and computed
//              checksum and the verdict
//   pages      every page: type, state (meta, reachable, freelist, free, pending, leaked,
//              unused), depth, owner, generation, fill, cells, checksum verdict
//   page N     one page: header, decoded body (cells with decoded keys, runs, meta fields),
//              any layout problems, and a hex dump
//   freelist   the chain's pages and every run with the generation that retired it
//   tree       the tree by levels: each page with its type, keys, fill, owner and key range
//   schema     the catalog: collections, tables and indexes with prefixes, keys and SQL
//   table T    the stored rows of T: rowid, leaf page, every column as an SQL literal
//   index I    the stored entries of I: leaf page, decoded values and rowid, raw key
//   generations  the generations readable AS OF GENERATION: the retention setting, each
//              retained generation's root and page count, and the pending pages kept for it
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/records.h"
#include "vfs/status.h"
#include "vfs/vfs.h"

namespace strata::cli {

enum class InspectView {
  kMeta, kPages, kPage, kFreelist, kTree, kSchema, kTable, kIndex, kGenerations
};

struct InspectRequest {
  InspectView view = InspectView::kMeta;
  uint64_t page_no = 0;  // kPage
  std::string name;      // kTable, kIndex
  bool json = false;     // values as JSON types instead of SQL literals
};

// kNotFound if the file does not exist; kInvalidArgument for a page or object that is not
// there.
Result<std::vector<Record>> inspect(vfs::Vfs* vfs, const std::string& path,
                                    const InspectRequest& request);

// `strata stats`: one record of pages by type, depth, fill factor, keys, free pages, file size.
Result<Record> database_stats(vfs::Vfs* vfs, const std::string& path);

// `strata check`: the full check (query::check_database_file) as text — one line per
// violation and note, then the summary — or as one JSON object. *clean says whether it
// found no violation.
Result<std::string> check_report(vfs::Vfs* vfs, const std::string& path, bool json, bool* clean);

}  // namespace strata::cli
