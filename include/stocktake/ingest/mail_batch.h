#pragma once

// Parsing whole mailboxes: every message of an mbox file or a Maildir tree,
// parsed on several threads and merged back in file order, so the result is
// the same whatever the thread count. Messages that cannot be parsed are
// reported with their file and byte offset and skipped; the rest is kept.
//
// The functions are thread-safe; each call owns its threads and joins them
// before returning.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/ingest/mail_message.h"
#include "stocktake/ingest/mbox_reader.h"
#include "stocktake/result.h"

namespace stocktake {

/// A message that was skipped: where it is and why.
struct MailParseFailure {
  std::string file;
  std::uint64_t offset = 0;
  Error error;
  /// The last message of an mbox that the end of the file cut off (see
  /// LooksCutOff): not broken, only not there yet.
  bool cut_off = false;
};

/// The messages read from one or more mailboxes, in input order.
struct MailBatch {
  std::vector<MailMessage> messages;
  std::vector<MailParseFailure> failures;
  std::uint64_t bytes = 0;  ///< Bytes of mailbox data read (after decompression).
};

struct MailReadOptions {
  MboxFormat format = MboxFormat::kMboxrd;
  MailParseOptions parse;
  /// Parser threads; 0 means one per hardware core. Results do not depend on it.
  int threads = 0;
  /// Skip the messages of an mbox that start before this byte offset (resume a
  /// file that only grew since the last run).
  std::uint64_t start_offset = 0;
  /// The mbox bytes end where the file ends, so their last message may have
  /// been cut off; false for a slice that a separator follows.
  bool ends_file = true;
};

/// Parses every message of an mbox already in memory; `file` names it in
/// failures and MailMessage::file. When `options.ends_file`, a last message
/// that LooksCutOff is a failure with `cut_off` set ("incomplete message"),
/// not a message.
MailBatch ParseMboxBytes(std::string_view data, const std::string& file,
                         const MailReadOptions& options = {});

/// Opens (see MboxFile::Open) and parses an mbox file. Errors are those of
/// MboxFile::Open; broken messages inside a readable file are failures in the
/// batch, not errors.
[[nodiscard]] Result<MailBatch> ReadMbox(const std::string& path,
                                         const MailReadOptions& options = {});

/// Parses every message file of a Maildir tree (see ListMaildirFiles). A file
/// that cannot be read or parsed becomes a failure. Errors: those of
/// ListMaildirFiles.
[[nodiscard]] Result<MailBatch> ReadMaildir(const std::string& root,
                                            const MailReadOptions& options = {});

}  // namespace stocktake
