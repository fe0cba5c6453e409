#pragma once

// The evidence tables of SqlStore (see storage/evidence_store.h), kept apart
// from sql_store.cc. SqlStore owns one SqlEvidence over its own session.

#include <memory>

#include "stocktake/storage/evidence_store.h"
#include "storage/sql/sql_store.h"

namespace soci {
class session;
}

namespace stocktake {

/// Reads and writes the evidence tables through `session`, which must outlive
/// it. Writes assume the caller (SqlStore::Transact) holds a transaction.
class SqlEvidence : public EvidenceReader, public EvidenceWriter {
 public:
  static std::unique_ptr<SqlEvidence> Create(SqlDialect dialect, soci::session& session);
};

}  // namespace stocktake
