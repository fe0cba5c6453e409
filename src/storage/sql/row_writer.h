#pragma once

// RowWriter: one prepared INSERT or UPDATE run once per row, the same way for
// every back end, with one SQL text and one row mapping. SQLite is written
// through its C API (values bound in place, no per-row copies through SOCI's
// `use` elements): ingesting 27,000 mails spent most of its store time there.
// Other back ends go through a SOCI statement over the writer's own values.

#include <soci/soci.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake {

/// The type of a statement parameter, fixed when it is prepared.
enum class SqlType { kText, kInteger };

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  /// Binds parameter `index` (0-based, in the order of the `:name`
  /// placeholders). Text is not copied: it must stay valid until Execute().
  virtual void Text(int index, std::string_view value) = 0;
  virtual void Integer(int index, long long value) = 0;
  virtual void Null(int index) = 0;
  /// Runs the statement and returns how many rows it changed; every parameter
  /// is NULL again afterwards. Throws soci::soci_error on failure, as the
  /// store's Guarded() expects.
  virtual long long Execute() = 0;
};

/// Prepares `sql`, whose parameters have `types`, on `session`.
std::unique_ptr<RowWriter> PrepareRowWriter(soci::session& session, const std::string& sql,
                                            std::vector<SqlType> types);

}  // namespace stocktake
