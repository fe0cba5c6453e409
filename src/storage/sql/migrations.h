#pragma once

#include <string_view>
#include <vector>

namespace stocktake {

/// One schema step; `sql` may contain the dialect placeholder {{AUTO_ID}}.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// All migrations, oldest first (generated from migrations/*.sql).
const std::vector<Migration>& Migrations();

}  // namespace stocktake
