// stocktake series list; stocktake thread show MESSAGE-ID; stocktake stats

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "cli/cli.h"
#include "stocktake/ingest/threading.h"
#include "stocktake/report/evidence_json.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {
namespace {

std::string BareId(std::string id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

std::string DateText(const std::optional<Timestamp>& at) {
  return at ? FormatTimestamp(*at).substr(0, 10) : std::string("(no date)");
}

Result<int> ListSeries(const Cli& cli) {
  auto store = ST_TRY(cli.Open());
  auto series = ST_TRY(store->evidence().ListSeries());
  if (cli.options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& one : series) out.push_back(EvidenceSeriesJson(one));
    Cli::PrintJson(out);
    return kExitOk;
  }
  for (const auto& one : series) {
    int acks = 0, reviews = 0, naks = 0;
    for (const auto& trailer : one.trailers) {
      const std::string& key = trailer.trailer.canonical_key;
      acks += key == "acked-by";
      reviews += key == "reviewed-by";
      naks += key == "nacked-by";
    }
    std::cout << fmt::format(
        "{}  v{:<2} {:>2}/{:<2}{} {}  ({}; {} acked, {} reviewed, {} nacked)\n", DateText(one.date),
        one.version, one.patches.size(), one.total, one.received_all() ? " " : "!", one.name,
        one.submitter.email, acks, reviews, naks);
  }
  return kExitOk;
}

Result<int> ShowThread(const Cli& cli, const std::string& wanted) {
  std::string id = BareId(wanted);
  auto store = ST_TRY(cli.Open());
  EvidenceReader& evidence = store->evidence();
  auto message = ST_TRY(evidence.FindMessage(id));
  if (!message) return Fail(Error::NotFound(fmt::format("no message <{}> was ingested", id)));
  MessageQuery query;
  query.thread_root = message->thread_root;
  std::vector<EvidenceMessage> messages = ST_TRY(evidence.ListMessages(query));
  std::vector<MailMessage> headers;
  for (const auto& one : messages) {
    MailMessage header;
    header.message_id = one.message_id;
    header.date = one.date;
    header.subject = one.subject;
    header.in_reply_to = one.in_reply_to;
    header.references = one.references;
    headers.push_back(std::move(header));
  }
  ThreadSet threads = ThreadMessages(headers);
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& thread : threads.threads) {
    for (const auto& node : thread.nodes) {
      std::string indent(static_cast<std::size_t>(node.depth) * 2, ' ');
      if (node.ghost()) {
        if (cli.options.json) {
          nodes.push_back({{"message_id", node.message_id},
                           {"parent", node.parent_id.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(node.parent_id)},
                           {"depth", node.depth},
                           {"ghost", true}});
        } else {
          std::cout << fmt::format("{}(not received) <{}>\n", indent, node.message_id);
        }
        continue;
      }
      const EvidenceMessage& one = messages[*node.message];
      if (cli.options.json) {
        nlohmann::json item = EvidenceMessageJson(one);
        item["parent"] =
            node.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(node.parent_id);
        item["depth"] = node.depth;
        item["ghost"] = false;
        nodes.push_back(std::move(item));
        continue;
      }
      std::string trailers;
      for (const auto& trailer : one.trailers) {
        if (trailer.canonical_key == "signed-off-by") continue;
        trailers +=
            fmt::format(" [{}: {}]", trailer.key,
                        trailer.person.email.empty() ? trailer.value : trailer.person.email);
      }
      std::cout << fmt::format("{}{}  {}  {}{}{}\n", indent, DateText(one.date),
                               one.from.email.empty() ? one.from.name : one.from.email, one.subject,
                               trailers, one.message_id == id ? "  <==" : "");
    }
  }
  if (cli.options.json) {
    auto thread = ST_TRY(evidence.FindThread(message->thread_root));
    Cli::PrintJson({{"root", message->thread_root},
                    {"subject", thread ? thread->subject : message->subject},
                    {"message_count", messages.size()},
                    {"messages", std::move(nodes)}});
  }
  return kExitOk;
}

Result<int> ShowStats(const Cli& cli) {
  auto store = ST_TRY(cli.Open());
  EvidenceStats stats = ST_TRY(store->evidence().Stats());
  if (cli.options.json) {
    Cli::PrintJson(EvidenceStatsJson(stats));
    return kExitOk;
  }
  std::cout << fmt::format("messages  {}\nthreads   {}\nseries    {}\ncommits   {}\nlinks     {}\n",
                           stats.messages, stats.threads, stats.series, stats.commits, stats.links);
  std::cout << "trailers (occurrences, commits carrying it)\n";
  for (const auto& [key, count] : stats.trailers) {
    auto it = stats.commits_with_trailer.find(key);
    std::cout << fmt::format("  {:<24} {:>8} {:>8}\n", key, count,
                             it == stats.commits_with_trailer.end() ? 0 : it->second);
  }
  return kExitOk;
}

}  // namespace

Result<nlohmann::json> LinkedEvidenceJson(Store& store, EvidenceOwnerKind kind,
                                          const std::string& owner) {
  constexpr std::size_t kShown = 20;
  EvidenceReader& evidence = store.evidence();
  auto links = ST_TRY(evidence.ListLinks(kind, owner));
  std::optional<Timestamp> last;
  std::set<std::string> series_ids, lineages;
  std::vector<std::string> message_ids, shas;
  for (const auto& link : links) {
    if (link.at && (!last || *link.at > *last)) last = link.at;
    if (link.target_kind == "series") series_ids.insert(link.target_id);
    if (link.target_kind == "message" && message_ids.size() < kShown) {
      message_ids.push_back(link.target_id);
    }
    if (link.target_kind == "commit" && shas.size() < kShown) shas.push_back(link.target_id);
  }
  nlohmann::json series = nlohmann::json::array();
  if (!series_ids.empty()) {
    auto all = ST_TRY(evidence.ListSeries());
    for (const auto& one : all) {
      if (series_ids.count(one.id) > 0) lineages.insert(one.lineage);
    }
    // The latest posted version of each linked lineage, with who acked,
    // reviewed, tested or NAKed any of its patches.
    std::map<std::string, const EvidenceSeries*> latest;
    for (const auto& one : all) {
      if (lineages.count(one.lineage) == 0) continue;
      const EvidenceSeries*& best = latest[one.lineage];
      if (best == nullptr || one.version > best->version ||
          (one.version == best->version && one.date > best->date)) {
        best = &one;
      }
    }
    for (const auto& [lineage, one] : latest) {
      std::map<std::string, std::set<std::string>> by_key;
      for (const auto& trailer : one->trailers) {
        const std::string& key = trailer.trailer.canonical_key;
        if (key != "acked-by" && key != "reviewed-by" && key != "nacked-by" && key != "tested-by") {
          continue;
        }
        by_key[key].insert(trailer.trailer.person.email.empty() ? trailer.trailer.value
                                                                : trailer.trailer.person.email);
      }
      nlohmann::json item = {{"id", one->id},
                             {"name", one->name},
                             {"version", one->version},
                             {"date", one->date ? nlohmann::json(FormatTimestamp(*one->date))
                                                : nlohmann::json(nullptr)},
                             {"received_all", one->received_all()},
                             {"lineage", lineage}};
      for (const char* key : {"acked-by", "reviewed-by", "tested-by", "nacked-by"}) {
        item[key] = by_key[key];
      }
      series.push_back(std::move(item));
    }
    std::stable_sort(series.begin(), series.end(), [](const auto& a, const auto& b) {
      return a.at("date").dump() > b.at("date").dump();
    });
  }
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& id : message_ids) {
    if (auto message = ST_TRY(evidence.FindMessage(id))) {
      messages.push_back(EvidenceMessageJson(*message));
    }
  }
  nlohmann::json commits = nlohmann::json::array();
  for (const auto& commit : ST_TRY(evidence.ListCommits(shas))) {
    commits.push_back({{"sha", commit.sha},
                       {"subject", commit.subject},
                       {"date", FormatTimestamp(commit.commit_date)},
                       {"paths", commit.touched_paths}});
  }
  return nlohmann::json{
      {"last_activity", last ? nlohmann::json(FormatTimestamp(*last)) : nlohmann::json(nullptr)},
      {"links", links.size()},
      {"series", std::move(series)},
      {"messages", std::move(messages)},
      {"commits", std::move(commits)}};
}

void PrintLinkedEvidence(const nlohmann::json& evidence) {
  if (evidence.at("links").get<std::size_t>() == 0) return;
  std::cout << fmt::format(
      "  evidence   {} links, last activity {}\n", evidence.at("links").get<std::size_t>(),
      evidence.at("last_activity").is_null() ? std::string("unknown")
                                             : evidence.at("last_activity").get<std::string>());
  for (const auto& one : evidence.at("series")) {
    std::string who;
    for (const char* key : {"acked-by", "reviewed-by", "tested-by", "nacked-by"}) {
      if (one.at(key).empty()) continue;
      std::vector<std::string> people = one.at(key).get<std::vector<std::string>>();
      who += fmt::format("; {} {}", key, Join(people, ", "));
    }
    std::cout << fmt::format("    series v{} {}{}{}\n", one.at("version").get<int>(),
                             one.at("name").get<std::string>(),
                             one.at("received_all").get<bool>() ? "" : " (incomplete)", who);
  }
  for (const auto& one : evidence.at("messages")) {
    std::cout << fmt::format("    mail   {} {}\n", one.at("subject").get<std::string>(),
                             one.at("message_id").get<std::string>());
  }
  for (const auto& one : evidence.at("commits")) {
    std::cout << fmt::format("    commit {} {}\n", one.at("sha").get<std::string>().substr(0, 12),
                             one.at("subject").get<std::string>());
  }
}

void RegisterEvidence(CLI::App& app, Cli& cli) {
  CLI::App* series = app.add_subcommand("series", "Patch series read from mail");
  series->require_subcommand(1);
  CLI::App* list = series->add_subcommand("list", "Every posted version of every series");
  list->callback([&cli] { cli.action = [&cli] { return ListSeries(cli); }; });

  CLI::App* thread = app.add_subcommand("thread", "Mail threads");
  thread->require_subcommand(1);
  auto thread_id = std::make_shared<std::string>();
  CLI::App* show = thread->add_subcommand("show", "The thread of a message, as a tree");
  show->add_option("message-id", *thread_id, "a Message-ID, with or without <>")->required();
  show->callback([&cli, thread_id] {
    cli.action = [&cli, thread_id] { return ShowThread(cli, *thread_id); };
  });

  CLI::App* stats = app.add_subcommand("stats", "Counts of the stored evidence");
  stats->callback([&cli] { cli.action = [&cli] { return ShowStats(cli); }; });

  // NAKs found by `ingest` in proposal threads wait here for the Czar.
  CLI::App* drafts = app.add_subcommand(
      "draft-objection", "NAKs found in proposal threads, for the Czar to confirm or dismiss");
  drafts->require_subcommand(1);
  auto proposal = std::make_shared<std::int64_t>(0);
  CLI::App* list_drafts = drafts->add_subcommand("list", "Draft objections, oldest first");
  list_drafts->add_option("--proposal", *proposal, "only this proposal's");
  list_drafts->callback([&cli, proposal] {
    cli.action = [&cli, proposal]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      auto found = ST_TRY(store->evidence().ListDraftObjections(*proposal));
      nlohmann::json out = nlohmann::json::array();
      for (const auto& draft : found) {
        if (cli.options.json) {
          out.push_back({{"message_id", draft.message_id},
                         {"proposal", draft.proposal_id},
                         {"by", draft.by},
                         {"at", FormatTimestamp(draft.at)},
                         {"text", draft.text},
                         {"state", draft.state}});
        } else {
          std::cout << fmt::format("proposal {}  {}  {}  {}  <{}>  {}\n", draft.proposal_id,
                                   FormatTimestamp(draft.at), draft.state, draft.by,
                                   draft.message_id, draft.text);
        }
      }
      if (cli.options.json) Cli::PrintJson(out);
      return kExitOk;
    };
  });
  auto draft_id = std::make_shared<std::string>();
  auto decide = [&cli, draft_id](bool confirm) {
    cli.action = [&cli, draft_id, confirm]() -> Result<int> {
      std::string id = BareId(*draft_id);
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      std::int64_t objection =
          ST_TRY(lifecycle.SettleDraftObjection(ST_TRY(cli.MakeContext()), id, confirm));
      if (cli.options.json) {
        Cli::PrintJson({{"message_id", id},
                        {"state", confirm ? "confirmed" : "dismissed"},
                        {"objection", objection}});
      } else if (confirm) {
        std::cout << fmt::format("Objection {} recorded from the NAK <{}>.\n", objection, id);
      } else {
        std::cout << fmt::format("Dismissed the draft objection from <{}>.\n", id);
      }
      return kExitOk;
    };
  };
  CLI::App* confirm =
      drafts->add_subcommand("confirm", "Record a draft as the sender's objection on its proposal");
  confirm->add_option("message-id", *draft_id, "the NAK's Message-ID")->required();
  confirm->callback([decide] { decide(true); });
  CLI::App* dismiss = drafts->add_subcommand("dismiss", "Drop a draft: not an objection");
  dismiss->add_option("message-id", *draft_id, "the NAK's Message-ID")->required();
  dismiss->callback([decide] { decide(false); });
}

}  // namespace stocktake::cli
