// Records: what `strata inspect`, `stats` and `check` print — a list of flat records, each
// an ordered set of named fields, shown either as stable `key=value` lines or as JSON.
//
//   key=value form: one record per line, fields separated by one space, in their order.
//   A string value is written bare when it is non-empty and made only of letters, digits
//   and _ . : / + - , ( ) ' @ #; otherwise in double quotes with \" \\ \n \r \t and \xNN
//   for other control bytes. Numbers and booleans as JSON writes them; null as "null".
//   JSON form: an array with one object per record, one record per line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace strata::cli {

using Record = nlohmann::ordered_json;  // a JSON object whose fields keep their order

std::string render_lines(const std::vector<Record>& records);
std::string render_json(const std::vector<Record>& records);

// A string as the key=value form writes it (bare or quoted).
std::string render_value(const nlohmann::ordered_json& value);

}  // namespace strata::cli
