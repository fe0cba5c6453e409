#include "stocktake/service/evidence_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "stocktake/ingest/git_history.h"
#include "stocktake/ingest/patch_series.h"
#include "stocktake/ingest/threading.h"
#include "stocktake/ingest/trailers.h"
#include "stocktake/service/authorization.h"
#include "stocktake/util/pattern.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// Parsing is cut into chunks of about this size so that progress can be shown.
constexpr std::size_t kChunkBytes = std::size_t{16} << 20;
constexpr std::size_t kFingerprintBytes = 4096;

EvidencePerson ToPerson(const MailAddress& address) { return {address.name, address.email}; }

EvidenceTrailer ToTrailer(const Trailer& trailer) {
  return {trailer.key, trailer.canonical_key, trailer.value, ToPerson(trailer.person)};
}

// Ingest writes only evidence, but the archives it reads decide which
// features look active and which NAKs become draft objections, so admins and
// maintainers choose them (docs/process.md). Checked before reading, so a
// refusal costs no parsing, and again inside each write's transaction.
Result<void> MayIngest(Store& store, const IngestOptions& options) {
  return AuthorizeIn(store, options.actor, Action::kIngest);
}

std::string AbsolutePath(const std::string& path) {
  std::error_code error;
  auto absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

std::string HashHex(std::string_view bytes) {
  return fmt::format("{:016x}", std::hash<std::string_view>{}(bytes));
}

// What identifies a mailbox's content up to `end`, where the last run
// stopped: its first bytes and the first bytes of the last message read.
std::string Fingerprint(std::string_view bytes, std::uint64_t last_offset, std::uint64_t end) {
  if (last_offset > end || end > bytes.size()) return "";
  std::uint64_t tail = std::min<std::uint64_t>(end - last_offset, kFingerprintBytes);
  return HashHex(bytes.substr(0, std::min<std::uint64_t>(end, kFingerprintBytes))) + ":" +
         HashHex(bytes.substr(last_offset, tail));
}

// A reply line that says NAK ("NAK.", "Nak, because …") outside quotes and
// before the signature: the sender NAKs what the thread proposes. Lines are
// walked in place: bodies are large and most have no NAK.
std::optional<std::string> FindNakLine(std::string_view body) {
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    std::string_view text = Trim(line);
    if (text == "--" || line.starts_with("-- ")) break;
    if (text.starts_with(">")) continue;
    if (text.size() < 3) continue;
    std::string head = ToLower(text.substr(0, 4));
    bool nak = head.starts_with("nak") || head.starts_with("nack");
    std::size_t word = head.starts_with("nack") ? 4 : 3;
    if (!nak) continue;
    if (text.size() > word && std::isalpha(static_cast<unsigned char>(text[word]))) continue;
    return std::string(text);
  }
  return std::nullopt;
}

// A message without its trailers (see TrailersOf).
EvidenceMessage ToEvidence(const MailMessage& message) {
  EvidenceMessage out;
  out.message_id = message.message_id;
  out.synthetic_id = message.synthetic_id;
  out.date = message.date;
  out.from = ToPerson(message.from);
  out.subject = message.subject;
  out.in_reply_to = message.in_reply_to;
  out.references = message.references;
  out.list_id = message.list_id;
  out.file = message.file;
  out.offset = message.offset;
  return out;
}

std::vector<EvidenceTrailer> TrailersOf(const MailMessage& message) {
  std::vector<EvidenceTrailer> out;
  SubjectPrefix prefix = ParseSubjectPrefix(message.subject);
  bool patch = prefix.is_patch && !prefix.is_reply;
  std::vector<Trailer> trailers =
      patch ? ParseTrailers(message.body) : ParseReplyTrailers(message.body);
  bool has_nak = false;
  out.reserve(trailers.size());
  for (const auto& trailer : trailers) {
    out.push_back(ToTrailer(trailer));
    has_nak = has_nak || trailer.canonical_key == "nacked-by";
  }
  if (!patch && !has_nak) {
    if (auto line = FindNakLine(message.body)) {
      out.push_back({"NAK", "nacked-by", *line, ToPerson(message.from)});
    }
  }
  return out;
}

// Parses the trailers of `messages` on `threads` threads (0: one per core)
// while the calling thread does other work: the constructor starts the other
// threads, and Finish() lends the calling thread to what is left and waits.
class TrailerJobs {
 public:
  TrailerJobs(const std::vector<const MailMessage*>& messages, int threads)
      : messages_(messages), trailers_(messages.size()) {
    int count = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
    for (int i = 1; i < count; ++i) workers_.emplace_back([this] { Work(); });
  }
  TrailerJobs(const TrailerJobs&) = delete;
  TrailerJobs& operator=(const TrailerJobs&) = delete;
  ~TrailerJobs() { Join(); }

  std::vector<std::vector<EvidenceTrailer>> Finish() {
    Work();
    Join();
    return std::move(trailers_);
  }

 private:
  static constexpr std::size_t kBatch = 256;

  void Work() {
    for (;;) {
      std::size_t begin = next_.fetch_add(kBatch);
      if (begin >= messages_.size()) return;
      std::size_t end = std::min(messages_.size(), begin + kBatch);
      for (std::size_t i = begin; i < end; ++i) trailers_[i] = TrailersOf(*messages_[i]);
    }
  }
  void Join() {
    for (auto& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

  const std::vector<const MailMessage*>& messages_;
  std::vector<std::vector<EvidenceTrailer>> trailers_;  // One per message, each by one thread.
  std::atomic<std::size_t> next_{0};
  std::vector<std::thread> workers_;
};

MailMessage HeadersOf(const EvidenceMessage& message) {
  MailMessage out;
  out.message_id = message.message_id;
  out.synthetic_id = message.synthetic_id;
  out.date = message.date;
  out.from = {message.from.name, message.from.email};
  out.subject = message.subject;
  out.in_reply_to = message.in_reply_to;
  out.references = message.references;
  out.list_id = message.list_id;
  out.file = message.file;
  out.offset = message.offset;
  return out;
}

// Evidence rules, compiled once per run.
struct CompiledRules {
  EvidenceOwnerKind kind = EvidenceOwnerKind::kFeature;
  std::string owner;
  std::vector<Pattern> subjects;
  std::vector<std::string> paths;
  std::vector<std::string> tags;  // lower case
};

std::vector<CompiledRules> Compile(const std::vector<EvidenceRuleSet>& sets) {
  std::vector<CompiledRules> out;
  for (const auto& set : sets) {
    CompiledRules rules{set.owner_kind, set.owner, {}, set.rules.paths, {}};
    for (const auto& subject : set.rules.subjects) {
      // Import refuses a pattern that does not compile; one stored before
      // that check existed is matched as literal text.
      auto pattern = Pattern::Compile(subject);
      rules.subjects.push_back(pattern ? *std::move(pattern) : Pattern::Literal(subject));
    }
    for (const auto& tag : set.rules.tags) rules.tags.push_back(ToLower(tag));
    out.push_back(std::move(rules));
  }
  return out;
}

std::optional<std::string> MatchSubject(const CompiledRules& rules, const std::string& subject) {
  for (const auto& pattern : rules.subjects) {
    if (pattern.Search(subject)) return "subject:" + pattern.text();
  }
  return std::nullopt;
}

// A tag is "[tag]" among a subject's bracket groups, or the value of a
// "Stocktake:" trailer.
std::optional<std::string> MatchTag(const CompiledRules& rules, const std::string& subject,
                                    const std::vector<EvidenceTrailer>& trailers) {
  if (rules.tags.empty()) return std::nullopt;
  std::string lower = ToLower(subject);
  for (const auto& tag : rules.tags) {
    if (lower.find("[" + tag + "]") != std::string::npos) return "tag:" + tag;
    for (const auto& trailer : trailers) {
      if (trailer.canonical_key == "stocktake" && ToLower(Trim(trailer.value)) == tag) {
        return "tag:" + tag;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> MatchPaths(const CompiledRules& rules,
                                      const std::vector<std::string>& paths) {
  for (const auto& prefix : rules.paths) {
    for (const auto& path : paths) {
      if (path.starts_with(prefix)) return "path:" + prefix;
    }
  }
  return std::nullopt;
}

std::vector<EvidenceLink> LinkMail(const std::vector<CompiledRules>& rules,
                                   const std::vector<EvidenceMessage>& messages,
                                   const std::vector<EvidenceSeries>& series) {
  std::vector<EvidenceLink> links;
  if (rules.empty()) return links;
  std::unordered_set<std::string> in_series;
  for (const auto& one : series) {
    if (!one.cover_letter.empty()) in_series.insert(one.cover_letter);
    for (const auto& patch : one.patches) in_series.insert(patch.second);
  }
  for (const auto& rule : rules) {
    for (const auto& one : series) {
      auto matched = MatchSubject(rule, one.name);
      if (!matched) matched = MatchTag(rule, one.name, {});
      if (matched) links.push_back({rule.kind, rule.owner, "series", one.id, *matched, one.date});
    }
    for (const auto& message : messages) {
      // A series and the replies to its mails are linked through the series.
      if (in_series.count(message.message_id) > 0) continue;
      if (in_series.count(message.in_reply_to) > 0) continue;
      if (std::any_of(message.references.begin(), message.references.end(),
                      [&](const std::string& id) { return in_series.count(id) > 0; })) {
        continue;
      }
      auto matched = MatchSubject(rule, message.subject);
      if (!matched) matched = MatchTag(rule, message.subject, message.trailers);
      if (matched) {
        links.push_back(
            {rule.kind, rule.owner, "message", message.message_id, *matched, message.date});
      }
    }
  }
  return links;
}

std::vector<EvidenceLink> LinkCommits(const std::vector<CompiledRules>& rules,
                                      const std::vector<EvidenceCommit>& commits) {
  std::vector<EvidenceLink> links;
  for (const auto& rule : rules) {
    for (const auto& commit : commits) {
      auto matched = MatchPaths(rule, commit.touched_paths);
      if (!matched) matched = MatchSubject(rule, commit.subject);
      if (!matched) matched = MatchTag(rule, commit.subject, commit.trailers);
      if (matched) {
        links.push_back(
            {rule.kind, rule.owner, "commit", commit.sha, *matched, commit.commit_date});
      }
    }
  }
  return links;
}

// Features whose linked evidence is newer than their last recorded change,
// among `features` (all of them, as ListFeatures({}) returns them).
std::vector<Feature> TouchFeatures(std::vector<Feature> features,
                                   const std::vector<EvidenceLink>& links) {
  std::unordered_map<std::string, Timestamp> latest;
  for (const auto& link : links) {
    if (link.owner_kind != EvidenceOwnerKind::kFeature || !link.at) continue;
    auto [it, added] = latest.emplace(link.owner, *link.at);
    if (!added && *link.at > it->second) it->second = *link.at;
  }
  std::vector<Feature> touched;
  if (latest.empty()) return touched;
  for (auto& feature : features) {
    auto it = latest.find(feature.slug);
    if (it == latest.end() || it->second <= feature.updated_at) continue;
    feature.updated_at = it->second;
    touched.push_back(std::move(feature));
  }
  return touched;
}

Result<std::vector<Feature>> TouchFeatures(Store& store, const std::vector<EvidenceLink>& links) {
  bool any = std::any_of(links.begin(), links.end(), [](const EvidenceLink& link) {
    return link.owner_kind == EvidenceOwnerKind::kFeature && link.at;
  });
  if (!any) return std::vector<Feature>();
  return TouchFeatures(ST_TRY(store.ListFeatures({})), links);
}

std::string Basename(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  std::string name = std::filesystem::path(trimmed).filename().string();
  if (name.ends_with(".git")) name.resize(name.size() - 4);
  return name;
}

// Commits that show a protocol's entry criteria: the first commit touching the
// design document's path, and commits matching the protocol's path rules for
// its implementations in the ingested code base.
std::vector<Protocol> FillCriteria(const std::vector<Protocol>& protocols,
                                   const std::vector<CompiledRules>& rules,
                                   const std::vector<EvidenceCommit>& oldest_first,
                                   const std::string& code_base, std::int64_t& filled) {
  std::vector<Protocol> changed;
  for (Protocol protocol : protocols) {
    bool touched = false;
    if (!protocol.design_doc.path.empty() && protocol.design_doc.commit.empty()) {
      for (const auto& commit : oldest_first) {
        if (std::find(commit.touched_paths.begin(), commit.touched_paths.end(),
                      protocol.design_doc.path) != commit.touched_paths.end()) {
          protocol.design_doc.commit = commit.sha;
          touched = true;
          ++filled;
          break;
        }
      }
    }
    const CompiledRules* own = nullptr;
    for (const auto& rule : rules) {
      if (rule.kind == EvidenceOwnerKind::kProtocol && rule.owner == protocol.name) own = &rule;
    }
    if (own != nullptr && !own->paths.empty()) {
      for (auto& implementation : protocol.implementations) {
        if (implementation.state == ImplementationState::kCommitted) continue;
        if (ToLower(implementation.code_base) != ToLower(code_base)) continue;
        for (const auto& commit : oldest_first) {
          if (!MatchPaths(*own, commit.touched_paths)) continue;
          implementation.state = ImplementationState::kCommitted;
          implementation.refs.push_back(
              fmt::format("{}.git {}", ToLower(code_base), commit.sha.substr(0, 12)));
          touched = true;
          ++filled;
          break;
        }
      }
    }
    if (touched) changed.push_back(std::move(protocol));
  }
  return changed;
}

nlohmann::json SummaryDetail(const IngestSummary& summary) {
  return {{"sources", summary.sources},
          {"messages_added", summary.messages_added},
          {"duplicates", summary.duplicates},
          {"skipped", summary.skipped.size()},
          {"commits_added", summary.commits_added},
          {"links", summary.links},
          {"draft_objections", summary.draft_objections}};
}

Event RunEvent(const IngestOptions& options, const std::string& kind, const std::string& subject,
               const IngestSummary& summary) {
  Event event;
  event.at = options.now;
  event.recorded_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  event.actor = options.actor;
  event.kind = kind;
  event.subject = subject;
  event.to = fmt::format("{} messages, {} commits", summary.messages_added, summary.commits_added);
  event.detail = SummaryDetail(summary).dump();
  return event;
}

// Parses `bytes` from `start` in chunks that begin at a separator, so that
// progress can be reported; offsets are made absolute again. Several chunks
// are split and parsed at once, one per thread, and joined in order: splitting
// a chunk takes one thread, so chunks parsed one after the other with their
// messages spread over the threads left the other threads idle meanwhile.
MailBatch ParseInChunks(std::string_view bytes, std::uint64_t start, const std::string& file,
                        const IngestOptions& options, std::uint64_t done_before,
                        std::uint64_t total) {
  MailReadOptions read;
  read.format = options.format;
  read.threads = options.threads;
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  std::size_t begin = static_cast<std::size_t>(start);
  while (begin < bytes.size()) {
    std::size_t end = bytes.size();
    if (bytes.size() - begin > kChunkBytes) {
      std::size_t next = bytes.find("\n\nFrom ", begin + kChunkBytes);
      if (next != std::string_view::npos) end = next + 2;
    }
    chunks.emplace_back(begin, end);
    begin = end;
  }
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, std::min(threads, static_cast<int>(chunks.size())));
  std::vector<MailBatch> parts(chunks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> parsed_bytes{0};
  if (threads > 1) read.threads = 1;  // The chunks are the unit of work.
  auto work = [&](bool report) {
    for (;;) {
      std::size_t index = next.fetch_add(1);
      if (index >= chunks.size()) return;
      auto [from, to] = chunks[index];
      MailReadOptions chunk = read;
      chunk.ends_file = to == bytes.size();
      parts[index] = ParseMboxBytes(bytes.substr(from, to - from), file, chunk);
      std::uint64_t done = parsed_bytes.fetch_add(to - from) + (to - from);
      // Progress is reported by the calling thread only.
      if (report && options.progress) options.progress(done_before + start + done, total);
    }
  };
  {
    std::vector<std::jthread> workers;
    for (int i = 1; i < threads; ++i) workers.emplace_back([&] { work(false); });
    work(true);
  }
  MailBatch batch;
  for (std::size_t index = 0; index < chunks.size(); ++index) {
    MailBatch& part = parts[index];
    std::uint64_t offset = chunks[index].first;
    for (auto& message : part.messages) {
      message.offset += offset;
      batch.messages.push_back(std::move(message));
    }
    for (auto& failure : part.failures) {
      failure.offset += offset;
      batch.failures.push_back(std::move(failure));
    }
    batch.bytes += part.bytes;
    part = MailBatch();
  }
  if (options.progress && !chunks.empty()) options.progress(done_before + bytes.size(), total);
  return batch;
}

}  // namespace

namespace {

// What a mail run computes from all stored and new mail and then writes. The
// thread that computes it and the writer thread share it (see StoreMail).
struct MailRun {
  std::vector<EvidenceMessage> all;  // The stored messages, then the added ones.
  std::size_t stored_count = 0;
  std::vector<EvidenceThread> thread_rows;
  std::vector<std::pair<std::string, std::string>> moved;  // Stored messages' new roots.
  std::vector<EvidenceSeries> series_rows;
  std::vector<EvidenceLink> links;
  std::vector<Feature> touched;
  std::vector<DraftObjection> drafts;
};

// The messages of `parsed` whose Message-ID is not in `known` (the stored
// ones), the first copy of each; `known` grows by them.
std::vector<const MailMessage*> NewMessages(const std::vector<MailMessage>& parsed,
                                            std::unordered_set<std::string>& known,
                                            IngestSummary& summary) {
  std::vector<const MailMessage*> added;
  for (const auto& message : parsed) {
    if (!known.insert(message.message_id).second) {
      ++summary.duplicates;
      continue;
    }
    added.push_back(&message);
  }
  summary.messages_added = static_cast<std::int64_t>(added.size());
  return added;
}

// The thread root of every stored message, to find those whose thread moved.
Result<std::unordered_map<std::string, std::string>> StoredRoots(EvidenceReader& reader,
                                                                 std::size_t stored_count) {
  std::unordered_map<std::string, std::string> roots;
  if (stored_count == 0) return roots;
  MessageQuery roots_only;
  roots_only.with_references = false;
  roots_only.with_trailers = false;
  for (auto& message : ST_TRY(reader.ListMessages(roots_only))) {
    roots.emplace(std::move(message.message_id), std::move(message.thread_root));
  }
  return roots;
}

// One row per thread; sets each message's thread root and lists the stored
// messages whose root changed (mail that arrived late can join two threads).
void ThreadRows(const ThreadSet& threads,
                const std::unordered_map<std::string, std::string>& stored_roots, MailRun& run) {
  run.thread_rows.reserve(threads.threads.size());
  for (const auto& thread : threads.threads) {
    EvidenceThread row;
    row.root_id = thread.root_id;
    row.message_count = static_cast<std::int64_t>(thread.message_count);
    for (const auto& node : thread.nodes) {
      if (node.ghost()) continue;
      EvidenceMessage& message = run.all[*node.message];
      message.thread_root = thread.root_id;
      if (row.subject.empty()) row.subject = message.subject;
      if (message.date) {
        if (!row.first_date || *message.date < *row.first_date) row.first_date = message.date;
        if (!row.last_date || *message.date > *row.last_date) row.last_date = message.date;
      }
    }
    run.thread_rows.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < run.stored_count; ++i) {
    auto it = stored_roots.find(run.all[i].message_id);
    if (it != stored_roots.end() && it->second != run.all[i].thread_root) {
      run.moved.emplace_back(run.all[i].message_id, run.all[i].thread_root);
    }
  }
}

std::vector<EvidenceSeries> SeriesRows(const SeriesSet& assembled) {
  std::vector<EvidenceSeries> rows;
  rows.reserve(assembled.series.size());
  for (const auto& one : assembled.series) {
    EvidenceSeries row;
    row.id = one.id;
    row.name = one.name;
    row.cover_letter = one.cover_letter_id;
    row.submitter = ToPerson(one.submitter);
    row.date = one.date;
    row.version = one.version;
    row.total = one.total;
    row.is_rfc = one.is_rfc;
    row.is_resend = one.is_resend;
    row.tags = one.tags;
    for (const auto& patch : one.patches) row.patches.emplace_back(patch.index, patch.message_id);
    row.missing = one.missing;
    row.lineage = assembled.lineages[one.lineage].id;
    rows.push_back(std::move(row));
  }
  return rows;
}

// Trailers apply to the patch or series they answer (see CollectSeriesTrailers):
// the message itself, else the mail it replies to, else the nearest reference.
void AttributeTrailers(const SeriesSet& assembled, const std::vector<EvidenceMessage>& all,
                       std::vector<EvidenceSeries>& rows) {
  for (const auto& message : all) {
    if (message.trailers.empty()) continue;
    auto attribute = [&](const std::string& target) {
      auto found = assembled.series_of.find(target);
      if (found == assembled.series_of.end()) return false;
      EvidenceSeries& row = rows[found->second];
      bool cover = row.cover_letter == target;
      for (const auto& trailer : message.trailers) {
        row.trailers.push_back({cover, cover ? row.id : target, message.message_id, trailer});
      }
      return true;
    };
    if (attribute(message.message_id)) continue;
    if (!message.in_reply_to.empty() && attribute(message.in_reply_to)) continue;
    for (auto it = message.references.rbegin(); it != message.references.rend(); ++it) {
      if (*it != message.in_reply_to && attribute(*it)) break;
    }
  }
}

// NAKs in the threads of open proposals become draft objections, one per
// message: the Czar confirms or dismisses each, as a NAK on the list is not
// yet an objection in the lazy-consensus sense.
std::vector<DraftObjection> DraftObjections(const std::vector<Proposal>& proposals,
                                            const ThreadSet& threads,
                                            const std::vector<EvidenceMessage>& all,
                                            Timestamp now) {
  std::vector<DraftObjection> drafts;
  for (const auto& proposal : proposals) {
    std::string root = proposal.thread;
    if (root.size() >= 2 && root.front() == '<' && root.back() == '>') {
      root = root.substr(1, root.size() - 2);
    }
    if (root.empty()) continue;
    auto thread = threads.thread_of.find(root);
    if (thread == threads.thread_of.end()) continue;
    for (const auto& node : threads.threads[thread->second].nodes) {
      if (node.ghost() || node.message_id == root) continue;
      const EvidenceMessage& message = all[*node.message];
      for (const auto& trailer : message.trailers) {
        if (trailer.canonical_key != "nacked-by") continue;
        std::string by = trailer.key == "NAK" || trailer.person.email.empty()
                             ? message.from.email
                             : trailer.person.email;
        drafts.push_back({message.message_id, proposal.id, ToLower(by), message.date.value_or(now),
                          trailer.value, "draft"});
        break;
      }
    }
  }
  return drafts;
}

// The added messages sorted by primary key, so that SQLite appends to its
// B-tree pages in order.
std::vector<const EvidenceMessage*> NewInKeyOrder(const MailRun& run) {
  std::vector<const EvidenceMessage*> fresh;
  fresh.reserve(run.all.size() - run.stored_count);
  for (std::size_t i = run.stored_count; i < run.all.size(); ++i) fresh.push_back(&run.all[i]);
  std::sort(fresh.begin(), fresh.end(), [](const EvidenceMessage* a, const EvidenceMessage* b) {
    return a->message_id < b->message_id;
  });
  return fresh;
}

// The writer thread's transaction. It inserts the new messages as soon as
// their thread roots are set, then waits on `rest` for everything else; if
// the computing thread gives up, `rest.get()` throws and the store rolls back.
Result<void> WriteMail(StoreWriter& writer, const std::vector<const EvidenceMessage*>& fresh,
                       std::future<void>& rest, const MailRun& run,
                       const std::vector<IngestSource>& sources, const IngestOptions& options,
                       const std::string& event_kind, const std::string& event_subject,
                       IngestSummary& summary) {
  EvidenceWriter& evidence = writer.evidence_writer();
  ST_TRY(evidence.InsertMessages(fresh));
  rest.get();
  ST_TRY(evidence.InsertMessageTrailers(fresh));
  ST_TRY(evidence.SetThreadRoots(run.moved));
  ST_TRY(evidence.ReplaceThreads(run.thread_rows));
  ST_TRY(evidence.ReplaceSeries(run.series_rows));
  ST_TRY(evidence.ReplaceLinks({"message", "series"}, run.links));
  for (const auto& feature : run.touched) {
    ST_TRY(writer.TouchFeature(feature.slug, feature.updated_at));
  }
  for (const auto& draft : run.drafts) {
    if (ST_TRY(evidence.AddDraftObjection(draft))) ++summary.draft_objections;
  }
  for (const auto& source : sources) ST_TRY(evidence.SaveSource(source));
  summary.event_id =
      ST_TRY(writer.AppendEvent(RunEvent(options, event_kind, event_subject, summary)));
  return Ok();
}

// The writer thread: sorts the new messages while the other thread threads
// them, waits for their thread roots, then runs WriteMail's transaction.
Result<void> WriteWhenReady(Store& store, std::future<void>& roots_set, std::future<void>& rest,
                            const MailRun& run, const std::vector<IngestSource>& sources,
                            const IngestOptions& options, const std::string& event_kind,
                            const std::string& event_subject, IngestSummary& summary) {
  std::vector<const EvidenceMessage*> fresh = NewInKeyOrder(run);
  try {
    roots_set.get();
  } catch (const std::future_error&) {
    return Fail(Error::Internal("mail ingestion stopped before writing"));
  }
  return store.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(MayIngest(store, options));
    return WriteMail(writer, fresh, rest, run, sources, options, event_kind, event_subject,
                     summary);
  });
}

// The trailers parsed meanwhile, one list per added message, in order.
void AddTrailers(std::vector<std::vector<EvidenceTrailer>> trailers, MailRun& run,
                 IngestSummary& summary) {
  for (std::size_t i = 0; i < trailers.size(); ++i) {
    summary.trailers += static_cast<std::int64_t>(trailers[i].size());
    run.all[run.stored_count + i].trailers = std::move(trailers[i]);
  }
}

// The part of a mail run after parsing: deduplicate, rebuild threads and
// series over all stored mail, link, and write everything in one transaction.
Result<void> StoreMail(Store& store, const IngestOptions& options, const std::string& event_kind,
                       const std::string& event_subject, std::vector<MailMessage> parsed,
                       const std::vector<IngestSource>& sources, IngestSummary& summary) {
  EvidenceReader& reader = store.evidence();
  std::unordered_set<std::string> known;
  for (auto& id : ST_TRY(reader.ListMessageIds())) known.insert(std::move(id));
  const bool had_mail = !known.empty();
  std::vector<const MailMessage*> added = NewMessages(parsed, known, summary);
  if (added.empty()) {
    // Nothing new: only remember where the sources stand.
    if (sources.empty()) return Ok();
    return store.Transact([&](StoreWriter& writer) -> Result<void> {
      ST_TRY(MayIngest(store, options));
      for (const auto& source : sources) ST_TRY(writer.evidence_writer().SaveSource(source));
      return Ok();
    });
  }

  MailRun run;
  if (had_mail) run.all = ST_TRY(reader.ListMessages({}));
  run.stored_count = run.all.size();
  run.all.reserve(run.stored_count + added.size());
  for (const MailMessage* message : added) run.all.push_back(ToEvidence(*message));
  // Trailers come from the bodies, which threading and series assembly do not
  // need: they are parsed on other cores meanwhile.
  TrailerJobs trailer_jobs(added, options.threads);
  std::vector<MailMessage> headers;
  headers.reserve(run.all.size());
  for (const auto& message : run.all) headers.push_back(HeadersOf(message));

  // Everything the run needs from the store is read now: from here on another
  // thread owns the connection (a connection is used by one thread at a time).
  // It sorts the new messages while this thread threads them, then
  // writes them and their references while this one assembles series and
  // waits for the trailers.
  auto stored_roots = ST_TRY(StoredRoots(reader, run.stored_count));
  auto rules = Compile(ST_TRY(reader.ListRules()));
  std::vector<Feature> features;
  if (!rules.empty()) features = ST_TRY(store.ListFeatures({}));
  std::vector<Proposal> proposals = ST_TRY(store.ListProposals({}));

  // The writer sorts the new messages by primary key, so that SQLite appends
  // to its B-tree pages in order, then writes them once their thread roots are
  // set; this thread only sets their trailers meanwhile.
  Result<void> written = Ok();
  std::jthread writer_thread;
  // Declared after the writer thread, so destroyed before it is joined: if this
  // thread leaves early, the writer sees a broken promise and rolls back.
  std::promise<void> threaded;
  std::promise<void> rest_ready;
  writer_thread = std::jthread(
      [&, roots_set = threaded.get_future(), rest = rest_ready.get_future()]() mutable {
        written = WriteWhenReady(store, roots_set, rest, run, sources, options, event_kind,
                                 event_subject, summary);
      });
  ThreadSet threads = ThreadMessages(headers);
  ThreadRows(threads, stored_roots, run);
  summary.threads = static_cast<std::int64_t>(run.thread_rows.size());
  threaded.set_value();

  SeriesSet assembled = AssembleSeries(headers);
  AddTrailers(trailer_jobs.Finish(), run, summary);
  // The bodies are freed on another thread.
  std::jthread release_bodies([bodies = std::move(parsed)]() mutable { bodies.clear(); });
  run.series_rows = SeriesRows(assembled);
  AttributeTrailers(assembled, run.all, run.series_rows);
  summary.series = static_cast<std::int64_t>(run.series_rows.size());
  run.links = LinkMail(rules, run.all, run.series_rows);
  summary.links = static_cast<std::int64_t>(run.links.size());
  run.touched = TouchFeatures(std::move(features), run.links);
  summary.features_touched = static_cast<std::int64_t>(run.touched.size());
  run.drafts = DraftObjections(proposals, threads, run.all, options.now);

  rest_ready.set_value();
  writer_thread.join();
  return written;
}

}  // namespace

Result<IngestSummary> EvidenceIngest::IngestMbox(const std::vector<std::string>& files,
                                                 const IngestOptions& options) {
  ST_TRY(MayIngest(store_, options));
  IngestSummary summary;
  summary.kind = "mbox";
  std::vector<std::unique_ptr<MboxFile>> opened;
  std::uint64_t total = 0;
  for (const auto& path : files) {
    opened.push_back(ST_TRY(MboxFile::Open(path)));
    total += opened.back()->bytes().size();
  }
  std::vector<MailMessage> parsed;
  std::vector<IngestSource> sources;
  std::uint64_t done = 0;
  for (const auto& file : opened) {
    ++summary.sources;
    std::string_view bytes = file->bytes();
    IngestSource source;
    source.source = "mbox:" + AbsolutePath(file->path());
    source.kind = "mbox";
    source.ingested_at = options.now;
    std::uint64_t start = 0;
    auto stored = ST_TRY(store_.evidence().FindSource(source.source));
    if (stored && stored->size <= bytes.size() &&
        stored->fingerprint == Fingerprint(bytes, stored->last_offset, stored->size)) {
      if (stored->size == bytes.size()) {
        ++summary.sources_unchanged;
        done += bytes.size();
        continue;
      }
      start = stored->last_offset;
    }
    MailBatch batch = ParseInChunks(bytes, start, file->path(), options, done, total);
    done += bytes.size();
    summary.bytes += batch.bytes;
    std::uint64_t last = start;
    for (const auto& message : batch.messages) last = std::max(last, message.offset);
    for (const auto& failure : batch.failures) last = std::max(last, failure.offset);
    // A cut-off last message is read again from its start by the next run,
    // even when the file has not grown meanwhile: it is recorded as if the
    // file ended before it.
    bool cut_off = !batch.failures.empty() && batch.failures.back().cut_off;
    source.size = cut_off ? last : bytes.size();
    source.last_offset = last;
    source.fingerprint = Fingerprint(bytes, last, source.size);
    sources.push_back(std::move(source));
    summary.messages_read += static_cast<std::int64_t>(batch.messages.size());
    for (auto& message : batch.messages) {
      message.body.shrink_to_fit();
      parsed.push_back(std::move(message));
    }
    for (auto& failure : batch.failures) summary.skipped.push_back(std::move(failure));
  }
  std::string subject =
      files.size() == 1 ? AbsolutePath(files[0]) : fmt::format("{} mbox files", files.size());
  ST_TRY(StoreMail(store_, options, "ingest.mbox", subject, std::move(parsed), sources, summary));
  return summary;
}

Result<IngestSummary> EvidenceIngest::IngestMaildir(const std::string& root,
                                                    const IngestOptions& options) {
  ST_TRY(MayIngest(store_, options));
  IngestSummary summary;
  summary.kind = "maildir";
  summary.sources = 1;
  auto files = ST_TRY(ListMaildirFiles(root));
  IngestSource source;
  source.source = "maildir:" + AbsolutePath(root);
  source.kind = "maildir";
  source.ingested_at = options.now;
  source.size = files.size();
  source.fingerprint = HashHex(Join(files, "\n"));
  auto stored = ST_TRY(store_.evidence().FindSource(source.source));
  if (stored && stored->size == source.size && stored->fingerprint == source.fingerprint) {
    summary.sources_unchanged = 1;
    return summary;
  }
  MailReadOptions read;
  read.format = options.format;
  read.threads = options.threads;
  if (options.progress) options.progress(0, files.size());
  MailBatch batch = ST_TRY(ReadMaildir(root, read));
  if (options.progress) options.progress(files.size(), files.size());
  summary.bytes = batch.bytes;
  summary.messages_read = static_cast<std::int64_t>(batch.messages.size());
  summary.skipped = std::move(batch.failures);
  ST_TRY(StoreMail(store_, options, "ingest.maildir", AbsolutePath(root), std::move(batch.messages),
                   {source}, summary));
  return summary;
}

Result<IngestSummary> EvidenceIngest::IngestGit(const std::string& repository,
                                                const IngestOptions& options) {
  ST_TRY(MayIngest(store_, options));
  IngestSummary summary;
  summary.kind = "git";
  summary.sources = 1;
  std::string range = options.revision_range.empty() ? "HEAD" : options.revision_range;
  std::string head_revision = range;
  if (auto dots = range.find(".."); dots != std::string::npos) {
    head_revision = range.substr(dots + (range.compare(dots, 3, "...") == 0 ? 3 : 2));
    if (head_revision.empty()) head_revision = "HEAD";
  }
  std::string head = ST_TRY(ResolveGitRevision(repository, head_revision, options.git_program));
  IngestSource source;
  source.source = "git:" + AbsolutePath(repository) + "#" + range;
  source.kind = "git";
  source.ingested_at = options.now;
  source.last_head = head;
  auto stored = ST_TRY(store_.evidence().FindSource(source.source));
  if (stored && stored->last_head == head) {
    summary.sources_unchanged = 1;
    return summary;
  }
  GitReadOptions read;
  read.revision_range = options.revision_range;
  read.git_program = options.git_program;
  if (stored && !stored->last_head.empty()) read.seen_commits.push_back(stored->last_head);
  std::vector<EvidenceCommit> commits;
  std::string repository_name = AbsolutePath(repository);
  ST_TRY(ForEachGitCommit(repository, read, [&](GitCommit&& commit) {
    EvidenceCommit row;
    row.sha = std::move(commit.sha);
    row.repository = repository_name;
    row.parents = std::move(commit.parents);
    row.author = ToPerson(commit.author);
    row.author_date = commit.author_date;
    row.committer = ToPerson(commit.committer);
    row.commit_date = commit.commit_date;
    row.subject = std::move(commit.subject);
    for (const auto& trailer : commit.trailers) row.trailers.push_back(ToTrailer(trailer));
    row.touched_paths = std::move(commit.touched_paths);
    commits.push_back(std::move(row));
    if (options.progress && commits.size() % 1024 == 0) options.progress(commits.size(), 0);
  }));
  if (options.progress) options.progress(commits.size(), commits.size());
  summary.commits_read = static_cast<std::int64_t>(commits.size());
  for (const auto& commit : commits) {
    summary.trailers += static_cast<std::int64_t>(commit.trailers.size());
  }
  std::reverse(commits.begin(), commits.end());  // oldest first
  auto rules = Compile(ST_TRY(store_.evidence().ListRules()));
  std::vector<EvidenceLink> links = LinkCommits(rules, commits);
  summary.links = static_cast<std::int64_t>(links.size());
  std::vector<Feature> touched = ST_TRY(TouchFeatures(store_, links));
  summary.features_touched = static_cast<std::int64_t>(touched.size());
  std::string code_base = options.code_base.empty() ? Basename(repository) : options.code_base;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(MayIngest(store_, options));
    // The protocols are read inside the transaction that saves them, so a
    // `protocol set` that commits while the history is read is not undone.
    std::vector<Protocol> filled = FillCriteria(ST_TRY(store_.ListProtocols()), rules, commits,
                                                code_base, summary.criteria_filled);
    EvidenceWriter& evidence = writer.evidence_writer();
    summary.commits_added = ST_TRY(evidence.InsertCommits(commits));
    ST_TRY(evidence.ReplaceLinks({}, links));
    for (const auto& feature : touched) {
      ST_TRY(writer.TouchFeature(feature.slug, feature.updated_at));
    }
    for (const auto& protocol : filled) ST_TRY(writer.SaveProtocol(protocol));
    ST_TRY(evidence.SaveSource(source));
    if (summary.commits_added > 0 || !filled.empty()) {
      summary.event_id = ST_TRY(
          writer.AppendEvent(RunEvent(options, "ingest.git", AbsolutePath(repository), summary)));
    }
    return Ok();
  }));
  return summary;
}

Result<IngestSummary> EvidenceIngest::Relink(const IngestOptions& options) {
  ST_TRY(MayIngest(store_, options));
  IngestSummary summary;
  summary.kind = "relink";
  EvidenceReader& reader = store_.evidence();
  auto rules = Compile(ST_TRY(reader.ListRules()));
  std::vector<EvidenceMessage> messages = ST_TRY(reader.ListMessages({}));
  std::vector<EvidenceSeries> series = ST_TRY(reader.ListSeries());
  std::vector<EvidenceCommit> commits = ST_TRY(reader.ListCommits({}));
  std::reverse(commits.begin(), commits.end());
  std::vector<EvidenceLink> links = LinkMail(rules, messages, series);
  for (auto& link : LinkCommits(rules, commits)) links.push_back(std::move(link));
  summary.links = static_cast<std::int64_t>(links.size());
  std::vector<Feature> touched = ST_TRY(TouchFeatures(store_, links));
  summary.features_touched = static_cast<std::int64_t>(touched.size());
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(MayIngest(store_, options));
    ST_TRY(writer.evidence_writer().ReplaceLinks({"message", "series", "commit"}, links));
    for (const auto& feature : touched) {
      ST_TRY(writer.TouchFeature(feature.slug, feature.updated_at));
    }
    summary.event_id =
        ST_TRY(writer.AppendEvent(RunEvent(options, "ingest.relink", "evidence", summary)));
    return Ok();
  }));
  return summary;
}

}  // namespace stocktake
