// stocktake series list; stocktake thread show MESSAGE-ID; stocktake stats

#include <iostream>

#include <fmt/format.h>

#include "cli/cli.h"
#include "stocktake/ingest/threading.h"
#include "stocktake/report/evidence_json.h"

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
    std::cout << fmt::format("{}  v{:<2} {:>2}/{:<2}{} {}  ({}; {} acked, {} reviewed, {} nacked)\n",
                             DateText(one.date), one.version, one.patches.size(), one.total,
                             one.received_all() ? " " : "!", one.name, one.submitter.email, acks,
                             reviews, naks);
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
        trailers += fmt::format(" [{}: {}]", trailer.key, trailer.person.email.empty()
                                                               ? trailer.value
                                                               : trailer.person.email);
      }
      std::cout << fmt::format("{}{}  {}  {}{}{}\n", indent, DateText(one.date),
                               one.from.email.empty() ? one.from.name : one.from.email,
                               one.subject, trailers,
                               one.message_id == id ? "  <==" : "");
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
                           stats.messages, stats.threads, stats.series, stats.commits,
                           stats.links);
  std::cout << "trailers (occurrences, commits carrying it)\n";
  for (const auto& [key, count] : stats.trailers) {
    auto it = stats.commits_with_trailer.find(key);
    std::cout << fmt::format("  {:<24} {:>8} {:>8}\n", key, count,
                             it == stats.commits_with_trailer.end() ? 0 : it->second);
  }
  return kExitOk;
}

}  // namespace

void RegisterEvidence(CLI::App& app, Cli& cli) {
  CLI::App* series = app.add_subcommand("series", "Patch series read from mail");
  series->require_subcommand(1);
  CLI::App* list = series->add_subcommand("list", "Every posted version of every series");
  list->callback([&cli] { cli.action = [&cli] { return ListSeries(cli); }; });

  CLI::App* thread = app.add_subcommand("thread", "Mail threads");
  thread->require_subcommand(1);
  auto id = std::make_shared<std::string>();
  CLI::App* show = thread->add_subcommand("show", "The thread of a message, as a tree");
  show->add_option("message-id", *id, "a Message-ID, with or without <>")->required();
  show->callback([&cli, id] { cli.action = [&cli, id] { return ShowThread(cli, *id); }; });

  CLI::App* stats = app.add_subcommand("stats", "Counts of the stored evidence");
  stats->callback([&cli] { cli.action = [&cli] { return ShowStats(cli); }; });
}

}  // namespace stocktake::cli
