#pragma once

// Parsing one RFC 5322 message into the plain fields that evidence needs.
//
// A fast scan reads the header block (unfolding continuation lines) and picks
// out the headers below; GMime is called only where a message needs it: RFC
// 2047 encoded words, charsets other than UTF-8/ASCII/Latin-1, quoted-printable
// and base64 bodies. Multipart messages are walked to find the text/plain
// part. Every string in a MailMessage is valid UTF-8: a bogus or unknown
// charset falls back to UTF-8 when the bytes are valid UTF-8 and to Latin-1
// otherwise; it never fails the parse.
//
// All functions are thread-safe; GMime is initialised once on first use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// A mailbox as written in From: "Name <email>". Either part may be empty.
struct MailAddress {
  std::string name;
  std::string email;  ///< As written, lower-cased only by callers that compare.

  bool operator==(const MailAddress&) const = default;
};

/// The fields of one message. Message-IDs are stored without the angle brackets.
struct MailMessage {
  std::string message_id;
  /// True when the message had no usable Message-ID and `message_id` was made
  /// from a hash of its bytes ("stocktake-<16 hex digits>@synthetic"), so
  /// re-ingesting the same bytes gives the same id.
  bool synthetic_id = false;
  std::optional<Timestamp> date;  ///< Absent when Date is missing or unreadable.
  MailAddress from;
  std::string subject;                  ///< Decoded, unfolded, trimmed.
  std::string in_reply_to;              ///< The first id of In-Reply-To, or empty.
  std::vector<std::string> references;  ///< In order, duplicates and self removed.
  std::string list_id;                  ///< The id inside List-Id's angle brackets, or empty.
  std::string body;  ///< The text/plain content, decoded to UTF-8 with LF line ends.

  /// Where the message came from: a file name and the byte offset of the
  /// message in it (0 for Maildir files). Filled in by the mailbox readers.
  std::string file;
  std::uint64_t offset = 0;
};

struct MailParseOptions {
  /// Decode the body; false reads headers only.
  bool extract_body = true;
  /// Bodies longer than this (after decoding) are cut, to bound memory on junk.
  std::size_t max_body_bytes = std::size_t{64} << 20;
};

/// Parses one message (headers, a blank line, the body). The message must
/// start with a header line; an mbox "From " envelope line is skipped.
/// Malformed headers are tolerated field by field (an unreadable Date leaves
/// `date` empty, a missing Message-ID is synthesised). Errors: kCorruption when
/// the bytes hold no header at all (empty input, binary junk).
[[nodiscard]] Result<MailMessage> ParseMailMessage(std::string_view raw,
                                                   const MailParseOptions& options = {});

/// Parses an RFC 5322 date ("Tue, 6 Dec 2011 01:49:42 +0100", with the usual
/// liberties: no weekday, two-digit years, named zones, missing seconds).
/// Returns nullopt when the text is not a date.
std::optional<Timestamp> ParseMailDate(std::string_view text);

/// Decodes RFC 2047 encoded words in a header value and returns valid UTF-8.
std::string DecodeHeaderText(std::string_view value);

/// Splits a From-style address ("Name <a@b>", "a@b (Name)", "a@b") and decodes
/// the name.
MailAddress ParseMailAddress(std::string_view value);

/// The ids ("<id>" tokens) of a References or In-Reply-To value, in order.
std::vector<std::string> ParseMessageIds(std::string_view value);

}  // namespace stocktake
