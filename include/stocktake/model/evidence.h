#pragma once

// Evidence: the mails, threads, patch series, trailers and commits that
// `stocktake ingest` reads, as the store keeps them, plus the rules that link
// them to features and protocols and the links those rules made. Value types;
// the parsing that produces them lives in ingest/.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/util/time.h"

namespace stocktake {

/// A name and e-mail address as a mail header or a trailer writes them.
struct EvidencePerson {
  std::string name;
  std::string email;

  bool operator==(const EvidencePerson&) const = default;
};

/// A trailer ("Acked-by: Jane <jane@example.org>") of a message or commit.
struct EvidenceTrailer {
  std::string key;            ///< As written: "Acked-by".
  std::string canonical_key;  ///< Lower case: "acked-by"; "nacked-by" for NAKs.
  std::string value;
  EvidencePerson person;

  bool operator==(const EvidenceTrailer&) const = default;
};

/// One stored mail (headers only: bodies are read, never kept).
struct EvidenceMessage {
  std::string message_id;  ///< Without angle brackets.
  bool synthetic_id = false;
  std::optional<Timestamp> date;
  EvidencePerson from;
  std::string subject;
  std::string in_reply_to;
  std::vector<std::string> references;
  std::string list_id;
  std::string file;  ///< The mailbox file (or Maildir file) it was read from.
  std::uint64_t offset = 0;
  std::string thread_root;  ///< Message-ID of its thread's root (possibly a ghost).
  /// Trailers of the message's own text: git's rules for a patch, the reply
  /// rules otherwise; a "NAK" line becomes a "nacked-by" trailer of the sender.
  std::vector<EvidenceTrailer> trailers;
};

/// One thread: its root and the span of its received messages.
struct EvidenceThread {
  std::string root_id;
  std::string subject;  ///< Of the earliest received message.
  std::int64_t message_count = 0;
  std::optional<Timestamp> first_date;
  std::optional<Timestamp> last_date;
};

/// A trailer that applies to a patch or a whole series.
struct EvidenceSeriesTrailer {
  bool whole_series = false;  ///< A reply to the cover letter.
  std::string target_id;      ///< The patch's Message-ID, or the series id.
  std::string source_id;      ///< The mail that carries it.
  EvidenceTrailer trailer;
};

/// One posted version of a patch series.
struct EvidenceSeries {
  std::string id;  ///< The cover letter's Message-ID, else the first patch's.
  std::string name;
  std::string cover_letter;  ///< Empty when no cover letter was received.
  EvidencePerson submitter;
  std::optional<Timestamp> date;
  int version = 1;
  int total = 1;
  bool is_rfc = false;
  bool is_resend = false;
  std::vector<std::string> tags;
  /// The patches' Message-IDs by index (1-based index, id).
  std::vector<std::pair<int, std::string>> patches;
  std::vector<int> missing;  ///< Indexes not received.
  std::string lineage;       ///< The id of the first series of its lineage.
  std::vector<EvidenceSeriesTrailer> trailers;

  bool received_all() const { return missing.empty(); }
};

/// One commit of a repository.
struct EvidenceCommit {
  std::string sha;
  std::string repository;  ///< As given to `ingest git`.
  std::vector<std::string> parents;
  EvidencePerson author;
  Timestamp author_date{};
  EvidencePerson committer;
  Timestamp commit_date{};
  std::string subject;
  std::vector<EvidenceTrailer> trailers;
  std::vector<std::string> touched_paths;
};

/// What the last ingest run read from one source, for incremental runs.
struct IngestSource {
  std::string source;             ///< "mbox:/abs/path", "maildir:/abs/dir", "git:/abs/repo#range".
  std::string kind;               ///< "mbox", "maildir", "git".
  std::uint64_t size = 0;         ///< Bytes of the (decompressed) mailbox.
  std::uint64_t last_offset = 0;  ///< Offset of the last message read.
  std::string fingerprint;        ///< Hash of the bytes before last_offset.
  std::string last_head;          ///< Full sha of the range's head (git).
  Timestamp ingested_at{};
};

enum class EvidenceOwnerKind { kFeature, kProtocol };
/// "feature", "protocol".
std::string_view EvidenceOwnerKindName(EvidenceOwnerKind kind);

/// How a feature or protocol recognises its evidence. Subjects are
/// case-insensitive ECMAScript regexes (a plain keyword is a regex too) over
/// mail subjects, series names and commit subjects; paths are path prefixes of
/// files a commit touched ("docs/misc/pvcalls.pandoc", "xen/include/public/io/");
/// tags are explicit markers in a subject or body line such as
/// "Stocktake: pvcalls" or "[pvcalls]".
struct EvidenceRules {
  std::vector<std::string> subjects;
  std::vector<std::string> paths;
  std::vector<std::string> tags;

  bool empty() const { return subjects.empty() && paths.empty() && tags.empty(); }
  bool operator==(const EvidenceRules&) const = default;
};

/// The rules of one feature or protocol.
struct EvidenceRuleSet {
  EvidenceOwnerKind owner_kind = EvidenceOwnerKind::kFeature;
  std::string owner;  ///< Feature slug or protocol name.
  EvidenceRules rules;
};

/// One piece of evidence a rule linked to a feature or protocol.
struct EvidenceLink {
  EvidenceOwnerKind owner_kind = EvidenceOwnerKind::kFeature;
  std::string owner;
  std::string target_kind;  ///< "message", "series" or "commit".
  std::string target_id;
  std::string rule;             ///< "subject:<regex>", "path:<prefix>", "tag:<tag>".
  std::optional<Timestamp> at;  ///< When the evidence happened.
};

/// A NAK in a proposal's thread, waiting for the Czar.
struct DraftObjection {
  std::string message_id;
  std::int64_t proposal_id = 0;
  std::string by;  ///< The sender's e-mail.
  Timestamp at{};
  std::string text;   ///< The NAK's reason as written (the trailer value or line).
  std::string state;  ///< "draft", "confirmed", "dismissed".
};

/// Counts over the stored evidence.
struct EvidenceStats {
  std::int64_t messages = 0;
  std::int64_t threads = 0;
  std::int64_t series = 0;
  std::int64_t commits = 0;
  std::int64_t links = 0;
  std::map<std::string, std::int64_t> trailers;              ///< Occurrences by canonical key.
  std::map<std::string, std::int64_t> commits_with_trailer;  ///< Commits carrying each key.
};

}  // namespace stocktake
