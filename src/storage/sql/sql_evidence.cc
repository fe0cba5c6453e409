#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "stocktake/util/text.h"
#include "storage/sql/row_reader.h"
#include "storage/sql/row_writer.h"
#include "storage/sql/sql_error.h"
#include "storage/sql/sql_evidence_internal.h"

namespace stocktake {
namespace {

long long Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp FromSeconds(long long seconds) { return Timestamp(std::chrono::seconds(seconds)); }

std::optional<Timestamp> OptionalTime(long long seconds, soci::indicator indicator) {
  if (indicator == soci::i_null) return std::nullopt;
  return FromSeconds(seconds);
}

std::string JoinInts(const std::vector<int>& values) {
  std::string out;
  for (int value : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(value);
  }
  return out;
}

std::vector<int> SplitInts(const std::string& text) {
  std::vector<int> out;
  for (auto part : Split(text, ',')) {
    if (!part.empty()) out.push_back(std::stoi(std::string(part)));
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  for (auto part : Split(text, '\n')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// A message trailer's identity for ReplaceSeries: source, key and value.
std::string TrailerKey(std::string_view source, std::string_view key, std::string_view value) {
  // Lengths first, so that no text can make two keys equal.
  std::string out = fmt::format("{}:{}:", source.size(), key.size());
  out.append(source).append(key).append(value);
  return out;
}

std::optional<EvidenceOwnerKind> ParseOwnerKind(const std::string& text) {
  if (text == "feature") return EvidenceOwnerKind::kFeature;
  if (text == "protocol") return EvidenceOwnerKind::kProtocol;
  return std::nullopt;
}

class SqlEvidenceImpl final : public SqlEvidence {
 public:
  SqlEvidenceImpl(SqlDialect dialect, soci::session& session) : dialect_(dialect), sql_(session) {}

  Result<std::optional<IngestSource>> FindSource(const std::string& source) override;
  Result<std::vector<EvidenceMessage>> ListMessages(const MessageQuery& query) override;
  Result<std::optional<EvidenceMessage>> FindMessage(const std::string& message_id) override;
  Result<std::vector<std::string>> ListMessageIds() override;
  Result<std::optional<EvidenceThread>> FindThread(const std::string& root_id) override;
  Result<std::vector<EvidenceSeries>> ListSeries() override;
  Result<std::vector<EvidenceCommit>> ListCommits(const std::vector<std::string>& shas) override;
  Result<bool> HasCommit(const std::string& sha) override;
  Result<std::vector<EvidenceRuleSet>> ListRules() override;
  Result<std::vector<EvidenceLink>> ListLinks(EvidenceOwnerKind kind,
                                              const std::string& owner) override;
  Result<std::vector<DraftObjection>> ListDraftObjections(std::int64_t proposal_id) override;
  Result<EvidenceStats> Stats() override;

  Result<std::int64_t> InsertMessages(std::span<const EvidenceMessage* const> messages) override;
  Result<void> InsertMessageTrailers(std::span<const EvidenceMessage* const> messages) override;
  Result<void> SetThreadRoots(std::span<const std::pair<std::string, std::string>> roots) override;
  Result<void> ReplaceThreads(std::span<const EvidenceThread> threads) override;
  Result<void> ReplaceSeries(std::span<const EvidenceSeries> series) override;
  Result<std::int64_t> InsertCommits(std::span<const EvidenceCommit> commits) override;
  Result<void> SaveSource(const IngestSource& source) override;
  Result<void> SaveRules(const EvidenceRuleSet& rules) override;
  Result<void> ReplaceLinks(const std::vector<std::string>& target_kinds,
                            std::span<const EvidenceLink> links) override;
  Result<bool> AddDraftObjection(const DraftObjection& draft) override;
  Result<void> SetDraftObjectionState(const std::string& message_id,
                                      const std::string& state) override;

 private:
  void PrepareTrailerStatement();
  void InsertTrailers(const char* kind, const std::string& source_id,
                      const std::vector<EvidenceTrailer>& trailers);
  Result<std::vector<EvidenceTrailer>> LoadTrailers(const char* kind, const std::string& id);

  [[maybe_unused]] SqlDialect dialect_;
  soci::session& sql_;
  std::unique_ptr<RowWriter> insert_trailer_;  // Prepared on first use.
};

constexpr SqlType kText = SqlType::kText;
constexpr SqlType kInteger = SqlType::kInteger;

void BindOptionalTime(RowWriter& writer, int index, const std::optional<Timestamp>& at) {
  if (at) {
    writer.Integer(index, Seconds(*at));
  } else {
    writer.Null(index);
  }
}

constexpr const char* kInsertTrailerHead =
    "INSERT INTO trailers(source_kind, source_id, ordinal, trailer_key, canonical_key, value, "
    "person_name, person_email)";

void SqlEvidenceImpl::PrepareTrailerStatement() {
  if (insert_trailer_) return;
  insert_trailer_ =
      PrepareRowWriter(sql_,
                       std::string(kInsertTrailerHead) +
                           " VALUES (:k, :s, :o, :key, :ck, :v, :pn, :pe) ON CONFLICT DO NOTHING",
                       {kText, kText, kInteger, kText, kText, kText, kText, kText});
}

void SqlEvidenceImpl::InsertTrailers(const char* kind, const std::string& source_id,
                                     const std::vector<EvidenceTrailer>& trailers) {
  if (trailers.empty()) return;
  PrepareTrailerStatement();
  RowWriter& insert = *insert_trailer_;
  long long ordinal = 0;
  for (const auto& trailer : trailers) {
    insert.Text(0, kind);
    insert.Text(1, source_id);
    insert.Integer(2, ordinal);
    insert.Text(3, trailer.key);
    insert.Text(4, trailer.canonical_key);
    insert.Text(5, trailer.value);
    insert.Text(6, trailer.person.name);
    insert.Text(7, trailer.person.email);
    insert.Execute();
    ++ordinal;
  }
}

Result<std::vector<EvidenceTrailer>> SqlEvidenceImpl::LoadTrailers(const char* kind,
                                                                   const std::string& id) {
  std::vector<EvidenceTrailer> out;
  std::string source_kind = kind;
  EvidenceTrailer row;
  soci::statement statement =
      (sql_.prepare << "SELECT trailer_key, canonical_key, value, person_name, person_email "
                       "FROM trailers WHERE source_kind = :k AND source_id = :s ORDER BY ordinal",
       soci::into(row.key), soci::into(row.canonical_key), soci::into(row.value),
       soci::into(row.person.name), soci::into(row.person.email), soci::use(source_kind),
       soci::use(id));
  statement.execute();
  while (statement.fetch()) out.push_back(row);
  return out;
}

// Rows per multi-row INSERT: one statement binds at most 64 * 11 parameters,
// well under SQLite's limit (999 before 3.32, 32766 since) and PostgreSQL's.
constexpr int kRowsPerInsert = 64;

Result<std::int64_t> SqlEvidenceImpl::InsertMessages(
    std::span<const EvidenceMessage* const> messages) {
  // A message already stored, or earlier in `messages`, is skipped with its
  // references and trailers: the rest are then all new and can be written
  // many rows per statement.
  std::unordered_set<std::string_view> taken;
  std::vector<std::string> stored;
  bool any_stored = false;
  {
    auto rows = ReadRows(sql_, "SELECT 1 FROM messages LIMIT 1", {});
    any_stored = rows->Next();
  }
  if (any_stored) {
    auto rows = ReadRows(sql_, "SELECT message_id FROM messages", {});
    while (rows->Next()) stored.push_back(rows->Text(0));
    for (const auto& id : stored) taken.insert(id);
  }
  std::vector<const EvidenceMessage*> fresh;
  fresh.reserve(messages.size());
  for (const EvidenceMessage* message : messages) {
    if (taken.insert(message->message_id).second) fresh.push_back(message);
  }
  BatchInsert insert_message(
      sql_,
      "INSERT INTO messages(message_id, synthetic_id, date, from_name, "
      "from_email, subject, in_reply_to, list_id, source_file, "
      "source_offset, thread_root)",
      {kText, kInteger, kInteger, kText, kText, kText, kText, kText, kText, kInteger, kText},
      "ON CONFLICT (message_id) DO NOTHING", kRowsPerInsert);
  for (const EvidenceMessage* message : fresh) {
    insert_message.Text(0, message->message_id);
    insert_message.Integer(1, message->synthetic_id ? 1 : 0);
    if (message->date) {
      insert_message.Integer(2, Seconds(*message->date));
    } else {
      insert_message.Null(2);
    }
    insert_message.Text(3, message->from.name);
    insert_message.Text(4, message->from.email);
    insert_message.Text(5, message->subject);
    insert_message.Text(6, message->in_reply_to);
    insert_message.Text(7, message->list_id);
    insert_message.Text(8, message->file);
    insert_message.Integer(9, static_cast<long long>(message->offset));
    insert_message.Text(10,
                        message->thread_root.empty() ? message->message_id : message->thread_root);
    insert_message.EndRow();
  }
  std::int64_t added = insert_message.Flush();
  BatchInsert insert_reference(sql_,
                               "INSERT INTO message_references(message_id, ordinal, referenced)",
                               {kText, kInteger, kText}, "", kRowsPerInsert);
  for (const EvidenceMessage* message : fresh) {
    long long ordinal = 0;
    for (const auto& referenced : message->references) {
      insert_reference.Text(0, message->message_id);
      insert_reference.Integer(1, ordinal);
      insert_reference.Text(2, referenced);
      insert_reference.EndRow();
      ++ordinal;
    }
  }
  insert_reference.Flush();
  return added;
}

Result<void> SqlEvidenceImpl::InsertMessageTrailers(
    std::span<const EvidenceMessage* const> messages) {
  BatchInsert insert_trailer(sql_, kInsertTrailerHead,
                             {kText, kText, kInteger, kText, kText, kText, kText, kText},
                             "ON CONFLICT DO NOTHING", kRowsPerInsert);
  for (const EvidenceMessage* message : messages) {
    long long ordinal = 0;
    for (const auto& trailer : message->trailers) {
      insert_trailer.Text(0, "message");
      insert_trailer.Text(1, message->message_id);
      insert_trailer.Integer(2, ordinal);
      insert_trailer.Text(3, trailer.key);
      insert_trailer.Text(4, trailer.canonical_key);
      insert_trailer.Text(5, trailer.value);
      insert_trailer.Text(6, trailer.person.name);
      insert_trailer.Text(7, trailer.person.email);
      insert_trailer.EndRow();
      ++ordinal;
    }
  }
  insert_trailer.Flush();
  return Ok();
}

Result<void> SqlEvidenceImpl::SetThreadRoots(
    std::span<const std::pair<std::string, std::string>> roots) {
  if (roots.empty()) return Ok();
  std::string id, root;
  soci::statement update =
      (sql_.prepare << "UPDATE messages SET thread_root = :root WHERE message_id = :id",
       soci::use(root), soci::use(id));
  for (const auto& [message_id, thread_root] : roots) {
    id = message_id;
    root = thread_root;
    update.execute(true);
  }
  return Ok();
}

Result<void> SqlEvidenceImpl::ReplaceThreads(std::span<const EvidenceThread> threads) {
  sql_ << "DELETE FROM threads";
  auto insert = PrepareRowWriter(sql_,
                                 "INSERT INTO threads(root_id, subject, message_count, first_date, "
                                 "last_date) VALUES (:r, :s, :c, :f, :l)",
                                 {kText, kText, kInteger, kInteger, kInteger});
  for (const auto& thread : threads) {
    insert->Text(0, thread.root_id);
    insert->Text(1, thread.subject);
    insert->Integer(2, thread.message_count);
    BindOptionalTime(*insert, 3, thread.first_date);
    BindOptionalTime(*insert, 4, thread.last_date);
    insert->Execute();
  }
  return Ok();
}

// Trailers are referenced by (source, ordinal): each one's ordinal is the
// first stored trailer of its message with the same key and value. They are
// read in one query rather than looked up one by one.
std::unordered_map<std::string, long long> StoredTrailerOrdinals(
    soci::session& sql, std::span<const EvidenceSeries> series) {
  std::unordered_set<std::string_view> sources;
  for (const auto& one : series) {
    for (const auto& trailer : one.trailers) sources.insert(trailer.source_id);
  }
  std::unordered_map<std::string, long long> ordinals;
  if (!sources.empty()) {
    auto rows = ReadRows(sql,
                         "SELECT source_id, canonical_key, value, ordinal FROM trailers "
                         "WHERE source_kind = 'message' ORDER BY source_id, ordinal",
                         {});
    std::string key;
    while (rows->Next()) {
      std::string source = rows->Text(0);
      if (sources.count(source) == 0) continue;
      key = TrailerKey(source, rows->Text(1), rows->Text(2));
      ordinals.emplace(key, rows->Integer(3));  // The first (lowest) ordinal wins.
    }
  }
  return ordinals;
}

void InsertSeriesRows(soci::session& sql, std::span<const EvidenceSeries> series) {
  // Written many rows per statement; the texts bound must live until the
  // rows are written, so tags and missing lists are joined first.
  std::vector<std::string> tags(series.size()), missing(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    tags[i] = Join(series[i].tags, "\n");
    missing[i] = JoinInts(series[i].missing);
  }
  {
    BatchInsert insert_series(sql,
                              "INSERT INTO series(id, ordinal, name, cover_letter, submitter_name, "
                              "submitter_email, date, version, total, is_rfc, is_resend, tags, "
                              "missing, lineage)",
                              {kText, kInteger, kText, kText, kText, kText, kInteger, kInteger,
                               kInteger, kInteger, kInteger, kText, kText, kText},
                              "", kRowsPerInsert);
    long long ordinal = 0;
    for (const auto& one : series) {
      insert_series.Text(0, one.id);
      insert_series.Integer(1, ordinal);
      insert_series.Text(2, one.name);
      insert_series.Text(3, one.cover_letter);
      insert_series.Text(4, one.submitter.name);
      insert_series.Text(5, one.submitter.email);
      if (one.date) {
        insert_series.Integer(6, Seconds(*one.date));
      } else {
        insert_series.Null(6);
      }
      insert_series.Integer(7, one.version);
      insert_series.Integer(8, one.total);
      insert_series.Integer(9, one.is_rfc ? 1 : 0);
      insert_series.Integer(10, one.is_resend ? 1 : 0);
      insert_series.Text(11, tags[static_cast<std::size_t>(ordinal)]);
      insert_series.Text(12, missing[static_cast<std::size_t>(ordinal)]);
      insert_series.Text(13, one.lineage);
      insert_series.EndRow();
      ++ordinal;
    }
    insert_series.Flush();
  }
}

Result<void> SqlEvidenceImpl::ReplaceSeries(std::span<const EvidenceSeries> series) {
  sql_ << "DELETE FROM series_trailers";
  sql_ << "DELETE FROM series_patches";
  sql_ << "DELETE FROM series";
  std::unordered_map<std::string, long long> ordinals = StoredTrailerOrdinals(sql_, series);
  InsertSeriesRows(sql_, series);
  BatchInsert insert_patch(sql_, "INSERT INTO series_patches(series, patch_index, message_id)",
                           {kText, kInteger, kText}, "", kRowsPerInsert);
  for (const auto& one : series) {
    for (const auto& [index, message_id] : one.patches) {
      insert_patch.Text(0, one.id);
      insert_patch.Integer(1, index);
      insert_patch.Text(2, message_id);
      insert_patch.EndRow();
    }
  }
  insert_patch.Flush();
  BatchInsert insert_trailer(sql_,
                             "INSERT INTO series_trailers(series, ordinal, scope, target_id, "
                             "source_id, trailer_ordinal)",
                             {kText, kInteger, kText, kText, kText, kInteger}, "", kRowsPerInsert);
  std::string key;
  for (const auto& one : series) {
    long long trailer_index = 0;
    for (const auto& trailer : one.trailers) {
      key = TrailerKey(trailer.source_id, trailer.trailer.canonical_key, trailer.trailer.value);
      auto found = ordinals.find(key);
      if (found == ordinals.end()) continue;
      insert_trailer.Text(0, one.id);
      insert_trailer.Integer(1, trailer_index);
      insert_trailer.Text(2, trailer.whole_series ? "series" : "patch");
      insert_trailer.Text(3, trailer.target_id);
      insert_trailer.Text(4, trailer.source_id);
      insert_trailer.Integer(5, found->second);
      insert_trailer.EndRow();
      ++trailer_index;
    }
  }
  insert_trailer.Flush();
  return Ok();
}

Result<std::int64_t> SqlEvidenceImpl::InsertCommits(std::span<const EvidenceCommit> commits) {
  auto insert_commit = PrepareRowWriter(
      sql_,
      "INSERT INTO commits(sha, repository, parents, author_name, author_email, author_date, "
      "committer_name, committer_email, commit_date, subject) VALUES (:sha, :repo, :p, :an, :ae, "
      ":ad, :cn, :ce, :cd, :s) ON CONFLICT (sha) DO NOTHING",
      {kText, kText, kText, kText, kText, kInteger, kText, kText, kInteger, kText});
  auto insert_path = PrepareRowWriter(
      sql_, "INSERT INTO commit_paths(sha, path) VALUES (:sha, :path) ON CONFLICT DO NOTHING",
      {kText, kText});
  std::int64_t added = 0;
  std::string parents;
  for (const auto& commit : commits) {
    parents = Join(commit.parents, " ");
    insert_commit->Text(0, commit.sha);
    insert_commit->Text(1, commit.repository);
    insert_commit->Text(2, parents);
    insert_commit->Text(3, commit.author.name);
    insert_commit->Text(4, commit.author.email);
    insert_commit->Integer(5, Seconds(commit.author_date));
    insert_commit->Text(6, commit.committer.name);
    insert_commit->Text(7, commit.committer.email);
    insert_commit->Integer(8, Seconds(commit.commit_date));
    insert_commit->Text(9, commit.subject);
    if (insert_commit->Execute() == 0) continue;
    ++added;
    for (const auto& path : commit.touched_paths) {
      insert_path->Text(0, commit.sha);
      insert_path->Text(1, path);
      insert_path->Execute();
    }
    InsertTrailers("commit", commit.sha, commit.trailers);
  }
  return added;
}

Result<void> SqlEvidenceImpl::SaveSource(const IngestSource& source) {
  long long size = static_cast<long long>(source.size);
  long long offset = static_cast<long long>(source.last_offset);
  long long at = Seconds(source.ingested_at);
  sql_ << "INSERT INTO ingest_sources(source, kind, size, last_offset, fingerprint, last_head, "
          "ingested_at) VALUES (:s, :k, :size, :o, :f, :h, :at) ON CONFLICT (source) DO UPDATE "
          "SET kind = excluded.kind, size = excluded.size, last_offset = excluded.last_offset, "
          "fingerprint = excluded.fingerprint, last_head = excluded.last_head, "
          "ingested_at = excluded.ingested_at",
      soci::use(source.source), soci::use(source.kind), soci::use(size), soci::use(offset),
      soci::use(source.fingerprint), soci::use(source.last_head), soci::use(at);
  return Ok();
}

Result<void> SqlEvidenceImpl::SaveRules(const EvidenceRuleSet& rules) {
  std::string kind(EvidenceOwnerKindName(rules.owner_kind));
  sql_ << "DELETE FROM evidence_rules WHERE owner_kind = :k AND owner = :o", soci::use(kind),
      soci::use(rules.owner);
  int ordinal = 0;
  auto insert = [&](const char* rule_kind, const std::vector<std::string>& patterns) {
    std::string rule(rule_kind);
    for (const auto& pattern : patterns) {
      sql_ << "INSERT INTO evidence_rules(owner_kind, owner, ordinal, rule_kind, pattern) "
              "VALUES (:k, :o, :n, :r, :p)",
          soci::use(kind), soci::use(rules.owner), soci::use(ordinal), soci::use(rule),
          soci::use(pattern);
      ++ordinal;
    }
  };
  insert("subject", rules.rules.subjects);
  insert("path", rules.rules.paths);
  insert("tag", rules.rules.tags);
  return Ok();
}

Result<void> SqlEvidenceImpl::ReplaceLinks(const std::vector<std::string>& target_kinds,
                                           std::span<const EvidenceLink> links) {
  std::string target_kind;
  for (const auto& kind : target_kinds) {
    target_kind = kind;
    sql_ << "DELETE FROM evidence_links WHERE target_kind = :k", soci::use(target_kind);
  }
  std::string kind, owner, target_id, rule;
  long long at = 0;
  soci::indicator at_indicator = soci::i_null;
  soci::statement insert =
      (sql_.prepare << "INSERT INTO evidence_links(owner_kind, owner, target_kind, target_id, "
                       "rule, at) VALUES (:k, :o, :tk, :t, :r, :at) ON CONFLICT DO NOTHING",
       soci::use(kind), soci::use(owner), soci::use(target_kind), soci::use(target_id),
       soci::use(rule), soci::use(at, at_indicator));
  for (const auto& link : links) {
    kind = EvidenceOwnerKindName(link.owner_kind);
    owner = link.owner;
    target_kind = link.target_kind;
    target_id = link.target_id;
    rule = link.rule;
    at_indicator = link.at ? soci::i_ok : soci::i_null;
    at = link.at ? Seconds(*link.at) : 0;
    insert.execute(true);
  }
  return Ok();
}

Result<bool> SqlEvidenceImpl::AddDraftObjection(const DraftObjection& draft) {
  long long proposal = draft.proposal_id;
  long long at = Seconds(draft.at);
  soci::statement insert =
      (sql_.prepare << "INSERT INTO draft_objections(message_id, proposal_id, by_email, at, "
                       "text, state) VALUES (:m, :p, :b, :at, :t, :s) "
                       "ON CONFLICT (message_id) DO NOTHING",
       soci::use(draft.message_id), soci::use(proposal), soci::use(draft.by), soci::use(at),
       soci::use(draft.text), soci::use(draft.state));
  insert.execute(true);
  return insert.get_affected_rows() > 0;
}

Result<void> SqlEvidenceImpl::SetDraftObjectionState(const std::string& message_id,
                                                     const std::string& state) {
  soci::statement update =
      (sql_.prepare << "UPDATE draft_objections SET state = :s WHERE message_id = :m",
       soci::use(state), soci::use(message_id));
  update.execute(true);
  if (update.get_affected_rows() == 0) {
    return Fail(Error::NotFound(fmt::format("no draft objection from message {}", message_id)));
  }
  return Ok();
}

Result<std::optional<IngestSource>> SqlEvidenceImpl::FindSource(const std::string& source) {
  return Guarded("reading an ingest source", [&]() -> Result<std::optional<IngestSource>> {
    IngestSource row;
    long long size = 0, offset = 0, at = 0;
    soci::indicator indicator = soci::i_null;
    sql_ << "SELECT source, kind, size, last_offset, fingerprint, last_head, ingested_at FROM "
            "ingest_sources WHERE source = :s",
        soci::into(row.source, indicator), soci::into(row.kind), soci::into(size),
        soci::into(offset), soci::into(row.fingerprint), soci::into(row.last_head), soci::into(at),
        soci::use(source);
    if (!sql_.got_data()) return std::optional<IngestSource>();
    row.size = static_cast<std::uint64_t>(size);
    row.last_offset = static_cast<std::uint64_t>(offset);
    row.ingested_at = FromSeconds(at);
    return std::optional<IngestSource>(std::move(row));
  });
}

Result<std::vector<EvidenceMessage>> SqlEvidenceImpl::ListMessages(const MessageQuery& query) {
  return Guarded("reading messages", [&]() -> Result<std::vector<EvidenceMessage>> {
    std::vector<EvidenceMessage> messages;
    std::unordered_map<std::string, std::size_t> index;
    EvidenceMessage row;
    int synthetic = 0;
    long long date = 0, offset = 0;
    soci::indicator date_indicator = soci::i_null;
    std::string where = query.thread_root.empty() ? "" : " WHERE thread_root = :root";
    soci::statement statement(sql_);
    statement.alloc();
    statement.prepare(
        "SELECT message_id, synthetic_id, date, from_name, from_email, subject, in_reply_to, "
        "list_id, source_file, source_offset, thread_root FROM messages" +
        where + " ORDER BY COALESCE(date, 0), message_id");
    statement.exchange(soci::into(row.message_id));
    statement.exchange(soci::into(synthetic));
    statement.exchange(soci::into(date, date_indicator));
    statement.exchange(soci::into(row.from.name));
    statement.exchange(soci::into(row.from.email));
    statement.exchange(soci::into(row.subject));
    statement.exchange(soci::into(row.in_reply_to));
    statement.exchange(soci::into(row.list_id));
    statement.exchange(soci::into(row.file));
    statement.exchange(soci::into(offset));
    statement.exchange(soci::into(row.thread_root));
    if (!query.thread_root.empty()) statement.exchange(soci::use(query.thread_root));
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
      row.synthetic_id = synthetic != 0;
      row.date = OptionalTime(date, date_indicator);
      row.offset = static_cast<std::uint64_t>(offset);
      index.emplace(row.message_id, messages.size());
      messages.push_back(row);
    }
    if (query.with_references) {
      std::string id, referenced;
      soci::statement refs(sql_);
      refs.alloc();
      refs.prepare(
          query.thread_root.empty()
              ? "SELECT message_id, referenced FROM message_references ORDER BY message_id, "
                "ordinal"
              : "SELECT r.message_id, r.referenced FROM message_references r JOIN messages m ON "
                "m.message_id = r.message_id WHERE m.thread_root = :root ORDER BY r.message_id, "
                "r.ordinal");
      refs.exchange(soci::into(id));
      refs.exchange(soci::into(referenced));
      if (!query.thread_root.empty()) refs.exchange(soci::use(query.thread_root));
      refs.define_and_bind();
      refs.execute();
      while (refs.fetch()) {
        auto it = index.find(id);
        if (it != index.end()) messages[it->second].references.push_back(referenced);
      }
    }
    if (query.with_trailers) {
      std::string id;
      EvidenceTrailer trailer;
      soci::statement trailers(sql_);
      trailers.alloc();
      trailers.prepare(
          query.thread_root.empty()
              ? "SELECT source_id, trailer_key, canonical_key, value, person_name, person_email "
                "FROM trailers WHERE source_kind = 'message' ORDER BY source_id, ordinal"
              : "SELECT t.source_id, t.trailer_key, t.canonical_key, t.value, t.person_name, "
                "t.person_email FROM trailers t JOIN messages m ON m.message_id = t.source_id "
                "WHERE t.source_kind = 'message' AND m.thread_root = :root "
                "ORDER BY t.source_id, t.ordinal");
      trailers.exchange(soci::into(id));
      trailers.exchange(soci::into(trailer.key));
      trailers.exchange(soci::into(trailer.canonical_key));
      trailers.exchange(soci::into(trailer.value));
      trailers.exchange(soci::into(trailer.person.name));
      trailers.exchange(soci::into(trailer.person.email));
      if (!query.thread_root.empty()) trailers.exchange(soci::use(query.thread_root));
      trailers.define_and_bind();
      trailers.execute();
      while (trailers.fetch()) {
        auto it = index.find(id);
        if (it != index.end()) messages[it->second].trailers.push_back(trailer);
      }
    }
    return messages;
  });
}

Result<std::optional<EvidenceMessage>> SqlEvidenceImpl::FindMessage(const std::string& message_id) {
  return Guarded("reading a message", [&]() -> Result<std::optional<EvidenceMessage>> {
    std::string root;
    soci::indicator indicator = soci::i_null;
    sql_ << "SELECT thread_root FROM messages WHERE message_id = :id", soci::into(root, indicator),
        soci::use(message_id);
    if (!sql_.got_data()) return std::optional<EvidenceMessage>();
    MessageQuery query;
    query.thread_root = root;
    for (auto& message : ST_TRY(ListMessages(query))) {
      if (message.message_id == message_id) {
        return std::optional<EvidenceMessage>(std::move(message));
      }
    }
    return std::optional<EvidenceMessage>();
  });
}

Result<std::vector<std::string>> SqlEvidenceImpl::ListMessageIds() {
  return Guarded("reading message ids", [&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    std::string id;
    soci::statement statement = (sql_.prepare << "SELECT message_id FROM messages", soci::into(id));
    statement.execute();
    while (statement.fetch()) ids.push_back(id);
    return ids;
  });
}

Result<std::optional<EvidenceThread>> SqlEvidenceImpl::FindThread(const std::string& root_id) {
  return Guarded("reading a thread", [&]() -> Result<std::optional<EvidenceThread>> {
    EvidenceThread thread;
    long long count = 0, first = 0, last = 0;
    soci::indicator root_indicator = soci::i_null, first_indicator = soci::i_null,
                    last_indicator = soci::i_null;
    sql_ << "SELECT root_id, subject, message_count, first_date, last_date FROM threads "
            "WHERE root_id = :r",
        soci::into(thread.root_id, root_indicator), soci::into(thread.subject), soci::into(count),
        soci::into(first, first_indicator), soci::into(last, last_indicator), soci::use(root_id);
    if (!sql_.got_data()) return std::optional<EvidenceThread>();
    thread.message_count = count;
    thread.first_date = OptionalTime(first, first_indicator);
    thread.last_date = OptionalTime(last, last_indicator);
    return std::optional<EvidenceThread>(std::move(thread));
  });
}

Result<std::vector<EvidenceSeries>> SqlEvidenceImpl::ListSeries() {
  return Guarded("reading series", [&]() -> Result<std::vector<EvidenceSeries>> {
    std::vector<EvidenceSeries> series;
    std::unordered_map<std::string, std::size_t> index;
    {
      EvidenceSeries row;
      std::string tags, missing;
      long long date = 0;
      soci::indicator date_indicator = soci::i_null;
      int rfc = 0, resend = 0;
      soci::statement statement =
          (sql_.prepare << "SELECT id, name, cover_letter, submitter_name, submitter_email, "
                           "date, version, total, is_rfc, is_resend, tags, missing, lineage "
                           "FROM series ORDER BY ordinal",
           soci::into(row.id), soci::into(row.name), soci::into(row.cover_letter),
           soci::into(row.submitter.name), soci::into(row.submitter.email),
           soci::into(date, date_indicator), soci::into(row.version), soci::into(row.total),
           soci::into(rfc), soci::into(resend), soci::into(tags), soci::into(missing),
           soci::into(row.lineage));
      statement.execute();
      while (statement.fetch()) {
        EvidenceSeries one = row;
        one.date = OptionalTime(date, date_indicator);
        one.is_rfc = rfc != 0;
        one.is_resend = resend != 0;
        one.tags = SplitLines(tags);
        one.missing = SplitInts(missing);
        index.emplace(one.id, series.size());
        series.push_back(std::move(one));
      }
    }
    {
      std::string id, message_id;
      int patch_index = 0;
      soci::statement statement =
          (sql_.prepare << "SELECT series, patch_index, message_id FROM series_patches "
                           "ORDER BY series, patch_index",
           soci::into(id), soci::into(patch_index), soci::into(message_id));
      statement.execute();
      while (statement.fetch()) {
        auto it = index.find(id);
        if (it != index.end()) series[it->second].patches.emplace_back(patch_index, message_id);
      }
    }
    {
      std::string id, scope;
      EvidenceSeriesTrailer row;
      soci::statement statement =
          (sql_.prepare << "SELECT st.series, st.scope, st.target_id, st.source_id, "
                           "t.trailer_key, t.canonical_key, t.value, t.person_name, "
                           "t.person_email FROM series_trailers st JOIN trailers t ON "
                           "t.source_kind = 'message' AND t.source_id = st.source_id AND "
                           "t.ordinal = st.trailer_ordinal ORDER BY st.series, st.ordinal",
           soci::into(id), soci::into(scope), soci::into(row.target_id), soci::into(row.source_id),
           soci::into(row.trailer.key), soci::into(row.trailer.canonical_key),
           soci::into(row.trailer.value), soci::into(row.trailer.person.name),
           soci::into(row.trailer.person.email));
      statement.execute();
      while (statement.fetch()) {
        auto it = index.find(id);
        if (it == index.end()) continue;
        row.whole_series = scope == "series";
        series[it->second].trailers.push_back(row);
      }
    }
    return series;
  });
}

Result<std::vector<EvidenceCommit>> SqlEvidenceImpl::ListCommits(
    const std::vector<std::string>& shas) {
  return Guarded("reading commits", [&]() -> Result<std::vector<EvidenceCommit>> {
    std::vector<EvidenceCommit> commits;
    EvidenceCommit row;
    std::string parents, wanted;
    long long author_date = 0, commit_date = 0;
    std::string columns =
        "SELECT sha, repository, parents, author_name, author_email, author_date, "
        "committer_name, committer_email, commit_date, subject FROM commits";
    soci::statement statement(sql_);
    statement.alloc();
    statement.prepare(shas.empty() ? columns + " ORDER BY commit_date DESC, sha"
                                   : columns + " WHERE sha = :sha");
    statement.exchange(soci::into(row.sha));
    statement.exchange(soci::into(row.repository));
    statement.exchange(soci::into(parents));
    statement.exchange(soci::into(row.author.name));
    statement.exchange(soci::into(row.author.email));
    statement.exchange(soci::into(author_date));
    statement.exchange(soci::into(row.committer.name));
    statement.exchange(soci::into(row.committer.email));
    statement.exchange(soci::into(commit_date));
    statement.exchange(soci::into(row.subject));
    if (!shas.empty()) statement.exchange(soci::use(wanted));
    statement.define_and_bind();
    auto take = [&] {
      EvidenceCommit one = row;
      for (auto part : Split(parents, ' ')) {
        if (!part.empty()) one.parents.emplace_back(part);
      }
      one.author_date = FromSeconds(author_date);
      one.commit_date = FromSeconds(commit_date);
      commits.push_back(std::move(one));
    };
    if (shas.empty()) {
      statement.execute();
      while (statement.fetch()) take();
    } else {
      for (const auto& sha : shas) {
        wanted = sha;
        if (statement.execute(true)) take();
      }
      std::sort(commits.begin(), commits.end(),
                [](const auto& a, const auto& b) { return a.commit_date > b.commit_date; });
    }
    std::string path;
    for (auto& commit : commits) {
      commit.trailers = ST_TRY(LoadTrailers("commit", commit.sha));
      soci::statement paths =
          (sql_.prepare << "SELECT path FROM commit_paths WHERE sha = :sha ORDER BY path",
           soci::into(path), soci::use(commit.sha));
      paths.execute();
      while (paths.fetch()) commit.touched_paths.push_back(path);
    }
    return commits;
  });
}

Result<bool> SqlEvidenceImpl::HasCommit(const std::string& sha) {
  return Guarded("reading a commit", [&]() -> Result<bool> {
    int count = 0;
    sql_ << "SELECT COUNT(*) FROM commits WHERE sha = :sha", soci::into(count), soci::use(sha);
    return count > 0;
  });
}

Result<std::vector<EvidenceRuleSet>> SqlEvidenceImpl::ListRules() {
  return Guarded("reading evidence rules", [&]() -> Result<std::vector<EvidenceRuleSet>> {
    std::vector<EvidenceRuleSet> sets;
    std::string kind, owner, rule_kind, pattern;
    soci::statement statement =
        (sql_.prepare << "SELECT owner_kind, owner, rule_kind, pattern FROM evidence_rules "
                         "ORDER BY owner_kind, owner, ordinal",
         soci::into(kind), soci::into(owner), soci::into(rule_kind), soci::into(pattern));
    statement.execute();
    while (statement.fetch()) {
      auto parsed = ParseOwnerKind(kind);
      if (!parsed) continue;
      if (sets.empty() || sets.back().owner_kind != *parsed || sets.back().owner != owner) {
        sets.push_back({*parsed, owner, {}});
      }
      auto& rules = sets.back().rules;
      if (rule_kind == "subject") rules.subjects.push_back(pattern);
      if (rule_kind == "path") rules.paths.push_back(pattern);
      if (rule_kind == "tag") rules.tags.push_back(pattern);
    }
    return sets;
  });
}

Result<std::vector<EvidenceLink>> SqlEvidenceImpl::ListLinks(EvidenceOwnerKind kind,
                                                             const std::string& owner) {
  return Guarded("reading evidence links", [&]() -> Result<std::vector<EvidenceLink>> {
    std::vector<EvidenceLink> links;
    std::string kind_name(EvidenceOwnerKindName(kind));
    EvidenceLink row;
    long long at = 0;
    soci::indicator at_indicator = soci::i_null;
    soci::statement statement(sql_);
    statement.alloc();
    statement.prepare(std::string("SELECT owner, target_kind, target_id, rule, at FROM "
                                  "evidence_links WHERE owner_kind = :k") +
                      (owner.empty() ? "" : " AND owner = :o") +
                      " ORDER BY COALESCE(at, 0) DESC, target_kind, target_id");
    statement.exchange(soci::into(row.owner));
    statement.exchange(soci::into(row.target_kind));
    statement.exchange(soci::into(row.target_id));
    statement.exchange(soci::into(row.rule));
    statement.exchange(soci::into(at, at_indicator));
    statement.exchange(soci::use(kind_name));
    if (!owner.empty()) statement.exchange(soci::use(owner));
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
      EvidenceLink one = row;
      one.owner_kind = kind;
      one.at = OptionalTime(at, at_indicator);
      links.push_back(std::move(one));
    }
    return links;
  });
}

Result<std::vector<DraftObjection>> SqlEvidenceImpl::ListDraftObjections(std::int64_t proposal_id) {
  return Guarded("reading draft objections", [&]() -> Result<std::vector<DraftObjection>> {
    std::vector<DraftObjection> drafts;
    DraftObjection row;
    long long proposal = 0, at = 0, wanted = proposal_id;
    soci::statement statement(sql_);
    statement.alloc();
    statement.prepare(std::string("SELECT message_id, proposal_id, by_email, at, text, state "
                                  "FROM draft_objections") +
                      (proposal_id == 0 ? "" : " WHERE proposal_id = :p") +
                      " ORDER BY at, message_id");
    statement.exchange(soci::into(row.message_id));
    statement.exchange(soci::into(proposal));
    statement.exchange(soci::into(row.by));
    statement.exchange(soci::into(at));
    statement.exchange(soci::into(row.text));
    statement.exchange(soci::into(row.state));
    if (proposal_id != 0) statement.exchange(soci::use(wanted));
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
      DraftObjection one = row;
      one.proposal_id = proposal;
      one.at = FromSeconds(at);
      drafts.push_back(std::move(one));
    }
    return drafts;
  });
}

Result<EvidenceStats> SqlEvidenceImpl::Stats() {
  return Guarded("counting evidence", [&]() -> Result<EvidenceStats> {
    EvidenceStats stats;
    long long count = 0;
    sql_ << "SELECT COUNT(*) FROM messages", soci::into(count);
    stats.messages = count;
    sql_ << "SELECT COUNT(*) FROM threads", soci::into(count);
    stats.threads = count;
    sql_ << "SELECT COUNT(*) FROM series", soci::into(count);
    stats.series = count;
    sql_ << "SELECT COUNT(*) FROM commits", soci::into(count);
    stats.commits = count;
    sql_ << "SELECT COUNT(*) FROM evidence_links", soci::into(count);
    stats.links = count;
    std::string key;
    {
      soci::statement statement =
          (sql_.prepare << "SELECT canonical_key, COUNT(*) FROM trailers GROUP BY canonical_key",
           soci::into(key), soci::into(count));
      statement.execute();
      while (statement.fetch()) stats.trailers[key] = count;
    }
    {
      soci::statement statement =
          (sql_.prepare << "SELECT canonical_key, COUNT(DISTINCT source_id) FROM trailers "
                           "WHERE source_kind = 'commit' GROUP BY canonical_key",
           soci::into(key), soci::into(count));
      statement.execute();
      while (statement.fetch()) stats.commits_with_trailer[key] = count;
    }
    return stats;
  });
}

}  // namespace

std::unique_ptr<SqlEvidence> SqlEvidence::Create(SqlDialect dialect, soci::session& session) {
  return std::make_unique<SqlEvidenceImpl>(dialect, session);
}

}  // namespace stocktake
