#pragma once

// RowReader: reads a query's rows column by column, the same way for every
// back end. SQLite is read through its C API: on a 10,000-feature release,
// SOCI's per-row copies cost about three times the query itself. Other back
// ends go through SOCI's dynamic rows. Writes stay on SOCI statements.

#include <soci/soci.h>

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stocktake {

/// A query parameter, bound in order to `:name` placeholders.
using SqlParameter = std::variant<std::string, long long>;

class RowReader {
 public:
  virtual ~RowReader() = default;
  /// Steps to the next row; false at the end. Throws soci::soci_error (with
  /// the SQLite result code or SQLSTATE) on failure, as Guarded() expects.
  virtual bool Next() = 0;
  virtual bool IsNull(int column) = 0;
  /// The column as text; empty for NULL.
  virtual std::string Text(int column) = 0;
  /// The column as text without a copy; valid until the next call on this reader.
  virtual std::string_view TextView(int column) = 0;
  virtual long long Integer(int column) = 0;
};

/// Runs `sql` on `session` with `parameters` and returns its reader.
std::unique_ptr<RowReader> ReadRows(soci::session& session, const std::string& sql,
                                    std::vector<SqlParameter> parameters);

}  // namespace stocktake
