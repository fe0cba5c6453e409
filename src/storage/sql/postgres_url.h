#pragma once

// SOCI reads "postgresql://…" as its own "backend://" prefix, so a URL is
// turned into libpq's keyword form before it reaches SOCI.

#include <string>
#include <string_view>

#include "stocktake/result.h"

namespace stocktake {

/// postgresql://user:password@host:port/dbname?key=value&… (or postgres://)
/// as "user='…' password='…' host='…' port='…' dbname='…' key='…' ", with
/// percent-escapes decoded and quotes and backslashes escaped. An IPv6 host
/// is written in brackets. kInvalidArgument for a malformed URL.
Result<std::string> PostgresConnectString(std::string_view url);

}  // namespace stocktake
