#pragma once

// The account tables of SqlStore (see storage/account_store.h), kept apart
// from sql_store.cc. SqlStore owns one SqlAccounts over its own session.

#include <memory>

#include "stocktake/storage/account_store.h"

namespace soci {
class session;
}

namespace stocktake {

/// Reads and writes the account tables through `session`, which must outlive
/// it. Writes assume the caller (SqlStore::Transact) holds a transaction.
class SqlAccounts : public AccountReader, public AccountWriter {
 public:
  static std::unique_ptr<SqlAccounts> Create(soci::session& session);
};

}  // namespace stocktake
