#include "storage/sql/row_writer.h"

// SOCI includes the SQLite API inside namespace sqlite_api.
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>

namespace stocktake {
namespace {

class SqliteRowWriter final : public RowWriter {
 public:
  SqliteRowWriter(sqlite_api::sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite_api::sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_,
                                       nullptr) != SQLITE_OK) {
      Throw(sqlite_api::sqlite3_extended_errcode(db_));
    }
  }
  ~SqliteRowWriter() override { sqlite_api::sqlite3_finalize(statement_); }

  // Text is bound without a copy (SQLITE_STATIC): Execute() clears the
  // bindings, so SQLite never keeps a pointer past it.
  void Text(int index, std::string_view value) override {
    // An empty view may have no data: bind "" so that it stays text, not NULL.
    const char* data = value.data() == nullptr ? "" : value.data();
    Check(sqlite_api::sqlite3_bind_text(statement_, index + 1, data, static_cast<int>(value.size()),
                                        nullptr));
  }
  void Integer(int index, long long value) override {
    Check(sqlite_api::sqlite3_bind_int64(statement_, index + 1, value));
  }
  void Null(int index) override { Check(sqlite_api::sqlite3_bind_null(statement_, index + 1)); }

  long long Execute() override {
    int status = sqlite_api::sqlite3_step(statement_);
    if (status != SQLITE_DONE && status != SQLITE_ROW) {
      std::string message = sqlite_api::sqlite3_errmsg(db_);
      sqlite_api::sqlite3_reset(statement_);
      sqlite_api::sqlite3_clear_bindings(statement_);
      throw soci::sqlite3_soci_error(message, status);
    }
    long long changed = sqlite_api::sqlite3_changes(db_);
    sqlite_api::sqlite3_reset(statement_);
    sqlite_api::sqlite3_clear_bindings(statement_);
    return changed;
  }

 private:
  void Check(int status) {
    if (status != SQLITE_OK) Throw(status);
  }
  [[noreturn]] void Throw(int status) {
    throw soci::sqlite3_soci_error(sqlite_api::sqlite3_errmsg(db_), status);
  }

  sqlite_api::sqlite3* db_;
  sqlite_api::sqlite3_stmt* statement_ = nullptr;
};

class SociRowWriter final : public RowWriter {
 public:
  SociRowWriter(soci::session& session, const std::string& sql, const std::vector<SqlType>& types)
      : texts_(types.size()),
        integers_(types.size()),
        indicators_(types.size(), soci::i_null),
        statement_(session) {
    // The statement binds these vectors' elements by reference: they are sized
    // once here and never reallocated.
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i] == SqlType::kText) {
        statement_.exchange(soci::use(texts_[i], indicators_[i]));
      } else {
        statement_.exchange(soci::use(integers_[i], indicators_[i]));
      }
    }
    statement_.alloc();
    statement_.prepare(sql);
    statement_.define_and_bind();
  }

  void Text(int index, std::string_view value) override {
    auto position = static_cast<std::size_t>(index);
    texts_[position].assign(value);
    indicators_[position] = soci::i_ok;
  }
  void Integer(int index, long long value) override {
    auto position = static_cast<std::size_t>(index);
    integers_[position] = value;
    indicators_[position] = soci::i_ok;
  }
  void Null(int index) override { indicators_[static_cast<std::size_t>(index)] = soci::i_null; }

  long long Execute() override {
    statement_.execute(true);
    std::fill(indicators_.begin(), indicators_.end(), soci::i_null);
    return statement_.get_affected_rows();
  }

 private:
  std::vector<std::string> texts_;
  std::vector<long long> integers_;
  std::vector<soci::indicator> indicators_;
  soci::statement statement_;
};

}  // namespace

std::unique_ptr<RowWriter> PrepareRowWriter(soci::session& session, const std::string& sql,
                                            const std::vector<SqlType>& types) {
  if (session.get_backend_name() == "sqlite3") {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    return std::make_unique<SqliteRowWriter>(backend->conn_, sql);
  }
  return std::make_unique<SociRowWriter>(session, sql, types);
}

BatchInsert::BatchInsert(soci::session& session, std::string head, std::vector<SqlType> types,
                         std::string tail, int rows_per_statement)
    : session_(session),
      head_(std::move(head)),
      types_(std::move(types)),
      tail_(std::move(tail)),
      rows_per_statement_(std::max(1, rows_per_statement)),
      columns_(static_cast<int>(types_.size())),
      values_(static_cast<std::size_t>(rows_per_statement_) * static_cast<std::size_t>(columns_)) {}

BatchInsert::~BatchInsert() = default;

void BatchInsert::Text(int index, std::string_view value) {
  Value& slot = values_[Slot(index)];
  slot.kind = Value::Kind::kText;
  slot.text = value;
}

void BatchInsert::Integer(int index, long long value) {
  Value& slot = values_[Slot(index)];
  slot.kind = Value::Kind::kInteger;
  slot.integer = value;
}

void BatchInsert::Null(int index) { values_[Slot(index)].kind = Value::Kind::kNull; }

void BatchInsert::EndRow() {
  if (++rows_ == rows_per_statement_) {
    if (!full_) full_ = Prepare(rows_per_statement_);
    Write(rows_);
  }
}

long long BatchInsert::Flush() {
  if (rows_ > 0) Write(rows_);
  long long changed = changed_;
  changed_ = 0;
  return changed;
}

std::unique_ptr<RowWriter> BatchInsert::Prepare(int rows) {
  std::string sql = head_;
  sql += " VALUES ";
  std::vector<SqlType> types;
  types.reserve(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns_));
  for (int row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (int column = 0; column < columns_; ++column) {
      if (column > 0) sql += ", ";
      sql += ":r" + std::to_string(row) + "c" + std::to_string(column);
      types.push_back(types_[static_cast<std::size_t>(column)]);
    }
    sql += ')';
  }
  if (!tail_.empty()) sql += " " + tail_;
  return PrepareRowWriter(session_, sql, types);
}

void BatchInsert::Write(int rows) {
  std::unique_ptr<RowWriter> partial;
  RowWriter& writer = rows == rows_per_statement_ && full_ ? *full_ : *(partial = Prepare(rows));
  int count = rows * columns_;
  for (int i = 0; i < count; ++i) {
    Value& value = values_[static_cast<std::size_t>(i)];
    switch (value.kind) {
      case Value::Kind::kText:
        writer.Text(i, value.text);
        break;
      case Value::Kind::kInteger:
        writer.Integer(i, value.integer);
        break;
      case Value::Kind::kNull:
        writer.Null(i);
        break;
    }
    value = Value{};
  }
  rows_ = 0;
  changed_ += writer.Execute();
}

}  // namespace stocktake
