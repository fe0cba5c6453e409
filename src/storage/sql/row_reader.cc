#include "storage/sql/row_reader.h"

// SOCI includes the SQLite API inside namespace sqlite_api.
#include <soci/sqlite3/soci-sqlite3.h>

namespace stocktake {
namespace {

// SOCI undefines SQLITE_TRANSIENT: SQLite copies the bound text.
const auto kTransient = reinterpret_cast<sqlite_api::sqlite3_destructor_type>(-1);

class SqliteRowReader final : public RowReader {
 public:
  SqliteRowReader(sqlite_api::sqlite3* db, const std::string& sql,
                  const std::vector<SqlParameter>& parameters)
      : db_(db) {
    if (sqlite_api::sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_,
                                       nullptr) != SQLITE_OK) {
      Throw();
    }
    int index = 1;
    for (const auto& parameter : parameters) {
      int status =
          std::holds_alternative<long long>(parameter)
              ? sqlite_api::sqlite3_bind_int64(statement_, index, std::get<long long>(parameter))
              : sqlite_api::sqlite3_bind_text(
                    statement_, index, std::get<std::string>(parameter).data(),
                    static_cast<int>(std::get<std::string>(parameter).size()), kTransient);
      if (status != SQLITE_OK) Throw();
      ++index;
    }
  }
  ~SqliteRowReader() override { sqlite_api::sqlite3_finalize(statement_); }

  bool Next() override {
    int status = sqlite_api::sqlite3_step(statement_);
    if (status == SQLITE_ROW) return true;
    if (status != SQLITE_DONE) Throw();
    return false;
  }
  bool IsNull(int column) override {
    return sqlite_api::sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }
  std::string Text(int column) override { return std::string(TextView(column)); }
  std::string_view TextView(int column) override {
    const auto* text = sqlite_api::sqlite3_column_text(statement_, column);
    if (text == nullptr) return {};
    return std::string_view(
        reinterpret_cast<const char*>(text),
        static_cast<size_t>(sqlite_api::sqlite3_column_bytes(statement_, column)));
  }
  long long Integer(int column) override {
    return sqlite_api::sqlite3_column_int64(statement_, column);
  }

 private:
  [[noreturn]] void Throw() {
    throw soci::sqlite3_soci_error(sqlite_api::sqlite3_errmsg(db_),
                                   sqlite_api::sqlite3_extended_errcode(db_));
  }

  sqlite_api::sqlite3* db_;
  sqlite_api::sqlite3_stmt* statement_ = nullptr;
};

class SociRowReader final : public RowReader {
 public:
  SociRowReader(soci::session& session, const std::string& sql,
                std::vector<SqlParameter> parameters)
      : parameters_(std::move(parameters)), statement_(session) {
    statement_.exchange(soci::into(row_));
    for (auto& parameter : parameters_) {
      if (auto* text = std::get_if<std::string>(&parameter)) {
        statement_.exchange(soci::use(*text));
      } else {
        statement_.exchange(soci::use(std::get<long long>(parameter)));
      }
    }
    statement_.alloc();
    statement_.prepare(sql);
    statement_.define_and_bind();
    statement_.execute(false);
  }

  bool Next() override { return statement_.fetch(); }
  bool IsNull(int column) override {
    return row_.get_indicator(static_cast<size_t>(column)) == soci::i_null;
  }
  std::string Text(int column) override {
    if (IsNull(column)) return {};
    return row_.get<std::string>(static_cast<size_t>(column));
  }
  std::string_view TextView(int column) override {
    scratch_ = Text(column);
    return scratch_;
  }
  long long Integer(int column) override {
    if (IsNull(column)) return 0;
    auto position = static_cast<size_t>(column);
    switch (row_.get_properties(position).get_data_type()) {
      case soci::dt_integer:
        return row_.get<int>(position);
      case soci::dt_long_long:
        return row_.get<long long>(position);
      case soci::dt_unsigned_long_long:
        return static_cast<long long>(row_.get<unsigned long long>(position));
      case soci::dt_double:
        return static_cast<long long>(row_.get<double>(position));
      default:
        return std::stoll(row_.get<std::string>(position));
    }
  }

 private:
  std::vector<SqlParameter> parameters_;  // Bound by reference: must outlive statement_.
  std::string scratch_;                   // Holds the text TextView() returned last.
  soci::row row_;
  soci::statement statement_;
};

}  // namespace

std::unique_ptr<RowReader> ReadRows(soci::session& session, const std::string& sql,
                                    std::vector<SqlParameter> parameters) {
  if (session.get_backend_name() == "sqlite3") {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    return std::make_unique<SqliteRowReader>(backend->conn_, sql, parameters);
  }
  return std::make_unique<SociRowReader>(session, sql, std::move(parameters));
}

}  // namespace stocktake
