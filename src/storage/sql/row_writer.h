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
                                            const std::vector<SqlType>& types);

/// A multi-row INSERT: rows are gathered and written `rows_per_statement` at a
/// time as `head VALUES (...), (...), ... tail` (one SQL text for every back
/// end), the rows left at Flush() in one statement of their own. Bulk loads
/// spend less per row this way than one statement per row. Keep
/// rows_per_statement * columns under SQLite's bound-parameter limit.
class BatchInsert {
 public:
  /// `head` is the statement up to VALUES ("INSERT INTO t(a, b)"), `tail` what
  /// follows the rows ("ON CONFLICT DO NOTHING", or empty).
  BatchInsert(soci::session& session, std::string head, std::vector<SqlType> types,
              std::string tail, int rows_per_statement);
  BatchInsert(const BatchInsert&) = delete;
  BatchInsert& operator=(const BatchInsert&) = delete;
  ~BatchInsert();

  /// Sets column `index` of the current row. Text is not copied: it must stay
  /// valid until the row is written (by the EndRow() that fills a statement,
  /// or by Flush()).
  void Text(int index, std::string_view value);
  void Integer(int index, long long value);
  void Null(int index);
  /// Ends the current row; writes the waiting rows when they fill a statement.
  void EndRow();
  /// Writes the waiting rows. Returns how many rows all statements changed
  /// since the last Flush().
  long long Flush();

 private:
  struct Value {
    enum class Kind : unsigned char { kNull, kText, kInteger } kind = Kind::kNull;
    long long integer = 0;
    std::string_view text;
  };
  void Write(int rows);
  /// Where column `index` of the row being filled sits in values_.
  std::size_t Slot(int index) const {
    return static_cast<std::size_t>(rows_) * static_cast<std::size_t>(columns_) +
           static_cast<std::size_t>(index);
  }
  std::unique_ptr<RowWriter> Prepare(int rows);

  soci::session& session_;
  std::string head_;
  std::vector<SqlType> types_;
  std::string tail_;
  int rows_per_statement_;
  int columns_;
  int rows_ = 0;  // Complete rows waiting.
  long long changed_ = 0;
  std::vector<Value> values_;
  std::unique_ptr<RowWriter> full_;  // Prepared on first use.
};

}  // namespace stocktake
