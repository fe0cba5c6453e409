#include "stocktake/report/taking_stock.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "stocktake/analysis/risk.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// A header value on one line: every control character (a CR or LF above all,
// which would start a header of its own, such as a Bcc:) becomes a space.
std::string OneHeaderLine(std::string_view value) {
  std::string line(value);
  for (char& c : line) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return CollapseSpaces(line);
}

// A list item or change on one line: a title or reason holding a line break
// would otherwise start lines of its own, such as a forged "== Finished
// features ==" heading.
void MakeOneLine(std::string& text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
}

constexpr char kDefaultTemplate[] =
    "{{schedule}}\n\nBelow are the features on my list, sorted by how likely they are to be "
    "completed.\n\n\n{{features}}";

struct Builder {
  const Process& process;
  const std::string& version;
  FeatureGraph graph;
  std::vector<EffectiveStatus> effective;
  std::vector<char> partial;  // Some in-release sub-item has another effective status.

  Builder(const Process& p, const std::vector<Feature>& features, const std::string& v)
      : process(p),
        version(v),
        graph(p, features),
        effective(ComputeEffectiveStatuses(graph)),
        partial(features.size(), 0) {
    // The effective statuses (as bits of their ranks) of each feature's
    // in-release sub-items at any depth, gathered deepest first.
    std::vector<std::vector<int>> by_depth;
    for (size_t i = 0; i < features.size(); ++i) {
      auto depth = static_cast<size_t>(graph.depth(static_cast<int>(i)));
      if (by_depth.size() <= depth) by_depth.resize(depth + 1);
      by_depth[depth].push_back(static_cast<int>(i));
    }
    auto bit = [](int rank) { return std::uint64_t{1} << std::min(rank, 63); };
    std::vector<std::uint64_t> below(features.size(), 0);
    for (auto level = by_depth.rbegin(); level != by_depth.rend(); ++level) {
      for (int index : *level) {
        int parent = graph.parent(index);
        if (parent < 0) continue;
        auto& into = below[static_cast<size_t>(parent)];
        into |= below[static_cast<size_t>(index)];
        if (InRelease(index)) into |= bit(effective[static_cast<size_t>(index)].rank);
      }
    }
    for (size_t i = 0; i < features.size(); ++i) {
      partial[i] = (below[i] & ~bit(effective[i].rank)) != 0 ? 1 : 0;
    }
  }

  bool InRelease(int index) const {
    if (graph.at(index).removed) return false;
    int rank = graph.rank(index);
    return rank >= 0 && process.statuses[static_cast<size_t>(rank)].in_release;
  }

  ReportItem Item(int index, const StatusDefinition& section, int depth, bool listed) const {
    const Feature& feature = graph.at(index);
    const EffectiveStatus& status = effective[static_cast<size_t>(index)];
    ReportItem item;
    item.slug = feature.slug;
    item.title = feature.DisplayName();
    item.status = feature.status;
    item.effective_status = process.statuses[static_cast<size_t>(status.rank)].id;
    for (int at : status.chain) item.chain.push_back(graph.at(at).slug);
    item.external = feature.external;
    item.must_have = feature.must_have;
    item.owners = feature.owners;
    item.listed = listed;
    item.depth = depth;
    // A parent shown in a done list only to hold its finished sub-items is
    // itself not done: it is partly finished too.
    item.partial = section.done && (!listed || partial[static_cast<size_t>(index)] != 0);
    // Appended in place: a temporary per part cost as much as the rest of
    // the report on a 10,000-feature release.
    std::string& label = item.label;
    label.reserve(item.title.size() + 64);
    label = item.title;
    if (!feature.remark.empty()) label.append(" (").append(feature.remark).append(")");
    if (item.partial) label += " (partial)";
    if (feature.external) label += " (external)";
    if (!feature.depends_on.empty()) {
      label += " (depends on ";
      const auto& dependencies = graph.dependencies(index);
      for (size_t d = 0; d < dependencies.size(); ++d) {
        if (d > 0) label += ", ";
        label +=
            dependencies[d] < 0 ? feature.depends_on[d] : graph.at(dependencies[d]).ReferenceName();
      }
      label += ')';
    }
    if (listed && status.Differs()) {
      label.append(" [marked ").append(feature.status).append("; ");
      label.append(item.effective_status).append(" through ");
      for (size_t at = 0; at < status.chain.size(); ++at) {
        if (at > 0) label += " -> ";
        if (status.chain_cut && at + 1 == status.chain.size()) label += "… -> ";
        label += graph.at(status.chain[at]).DisplayName();
      }
      label += ']';
    }
    MakeOneLine(label);
    return item;
  }
};

// Appends the group of `root` in one list: the root, then its members in
// tree order, each under its own parent one level deeper, with the parents
// that are not in this list shown (not listed) to hold them. `marks` is
// all zero on entry and on return.
void AddGroup(const Builder& builder, const StatusDefinition& status, int root,
              const std::vector<int>& members, std::vector<char>& marks,
              std::vector<ReportItem>& items) {
  const FeatureGraph& graph = builder.graph;
  constexpr char kNeeded = 1, kMember = 2, kShown = 4;
  auto mark = [&](int index) -> char& { return marks[static_cast<size_t>(index)]; };
  const auto limit = static_cast<int>(graph.size());
  for (int member : members) {
    mark(member) |= kMember;
    // The bound cuts a parent cycle, which the graph leaves in place.
    for (int at = member, steps = 0; at >= 0 && steps < limit; at = graph.parent(at), ++steps) {
      if ((mark(at) & kNeeded) != 0) break;
      mark(at) |= kNeeded;
    }
  }
  std::vector<int> stack = {root};
  while (!stack.empty()) {
    int at = stack.back();
    stack.pop_back();
    if ((mark(at) & kShown) != 0) continue;
    mark(at) |= kShown;
    int depth = at == root ? 0 : std::max(graph.depth(at), 1);
    items.push_back(builder.Item(at, status, depth, (mark(at) & kMember) != 0));
    const auto& children = graph.children(at);
    for (auto child = children.rbegin(); child != children.rend(); ++child) {
      if ((mark(*child) & kNeeded) != 0) stack.push_back(*child);
    }
  }
  for (int member : members) {
    if ((mark(member) & kShown) == 0) {
      items.push_back(builder.Item(member, status, std::max(graph.depth(member), 1), true));
    }
  }
  for (int member : members) {
    for (int at = member, steps = 0; at >= 0 && steps < limit && marks[static_cast<size_t>(at)];
         at = graph.parent(at), ++steps) {
      mark(at) = 0;
    }
  }
  mark(root) = 0;
}

std::vector<ReportSection> BuildSections(const Builder& builder) {
  const FeatureGraph& graph = builder.graph;
  const Process& process = builder.process;
  // One pass puts each feature of the release into its effective status's list.
  std::vector<std::vector<int>> by_rank(process.statuses.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    int index = static_cast<int>(i);
    const Feature& feature = graph.at(index);
    if (feature.release != builder.version || feature.removed || !builder.InRelease(index)) {
      continue;
    }
    by_rank[static_cast<size_t>(builder.effective[i].rank)].push_back(index);
  }
  std::vector<ReportSection> sections;
  std::vector<int> group_of_root(graph.size(), -1);
  std::vector<char> marks(graph.size(), 0);
  for (size_t rank = 0; rank < process.statuses.size(); ++rank) {
    const StatusDefinition& status = process.statuses[rank];
    if (!status.in_release || by_rank[rank].empty()) continue;
    // Group the list under top-level items; a group takes the place of its
    // first member in list order.
    std::vector<int> roots;
    std::vector<std::vector<int>> groups;
    for (int index : by_rank[rank]) {
      int root = graph.root(index);
      int& group = group_of_root[static_cast<size_t>(root)];
      if (group < 0) {
        group = static_cast<int>(groups.size());
        roots.push_back(root);
        groups.emplace_back();
      }
      groups[static_cast<size_t>(group)].push_back(index);
    }
    ReportSection section{status.id, status.heading, {}};
    section.items.reserve(by_rank[rank].size() + groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      group_of_root[static_cast<size_t>(roots[g])] = -1;
      AddGroup(builder, status, roots[g], groups[g], marks, section.items);
    }
    sections.push_back(std::move(section));
  }
  return sections;
}

// The display names of the changes' subjects, each made once, and the day
// of the last change: the events come in time order, many on one day.
class ChangeNames {
 public:
  explicit ChangeNames(const Builder& builder)
      : builder_(builder), names_(builder.graph.size()), made_(builder.graph.size(), 0) {}

  const std::string& NameOf(const std::string& slug) {
    int index = builder_.graph.Find(slug);
    if (index < 0) return slug;
    auto at = static_cast<size_t>(index);
    if (made_[at] == 0) {
      names_[at] = builder_.graph.at(index).DisplayName();
      made_[at] = 1;
    }
    return names_[at];
  }

  const std::string& DayText(Timestamp at) {
    Date date = DayOf(at);
    if (day_text_.empty() || date != day_) {
      day_ = date;
      day_text_ = FormatDate(date);
    }
    return day_text_;
  }

 private:
  const Builder& builder_;
  std::vector<std::string> names_;
  std::vector<char> made_;
  Date day_{};
  std::string day_text_;
};

// "a, b", or "none".
std::string OwnerList(const std::vector<std::string>& owners) {
  return owners.empty() ? "none" : Join(owners, ", ");
}

// What one feature.updated event changed that "Changes since" tells: a move
// (seen from both releases), a rename, the must-have flag, the owners and the
// parent, one line each, under the feature's title.
void AddFieldChanges(const Event& event, const std::string& version, ChangeNames& names,
                     std::vector<ReportChange>& changes) {
  Feature old_side, new_side;
  auto fields = ApplyFeatureFieldChanges(old_side, event.detail, ChangeSide::kOld);
  if (!fields || !ApplyFeatureFieldChanges(new_side, event.detail, ChangeSide::kNew)) return;
  const std::string& name = names.NameOf(event.subject);
  std::string tail = fmt::format("({}, {}){}{}", names.DayText(event.at), event.actor,
                                 event.reason.empty() ? "" : ": ", event.reason);
  auto add = [&](const char* kind, std::string line) {
    changes.push_back({event.at, kind, event.subject, std::move(line)});
  };
  for (const std::string& field : *fields) {
    if (field == "release") {
      bool out = old_side.release == version;
      add("moved", out ? fmt::format("Moved to {}: {} {}", new_side.release, name, tail)
                       : fmt::format("Moved from {}: {} {}", old_side.release, name, tail));
    } else if (field == "removed") {
      add(new_side.removed ? "removed" : "restored",
          fmt::format("{}: {} {}", new_side.removed ? "Removed" : "Restored", name, tail));
    } else if (field == "title") {
      add("renamed", fmt::format("Renamed: {} -> {} {}", old_side.title, new_side.title, tail));
    } else if (field == "must_have") {
      add("must-have",
          fmt::format("{}: {} {}", new_side.must_have ? "Now a must-have" : "No longer a must-have",
                      name, tail));
    } else if (field == "owners") {
      add("owners", fmt::format("Owners of {}: {} -> {} {}", name, OwnerList(old_side.owners),
                                OwnerList(new_side.owners), tail));
    } else if (field == "parent") {
      std::string was =
          old_side.parent.empty() ? "a top-level item" : "under " + names.NameOf(old_side.parent);
      add("parent", new_side.parent.empty()
                        ? fmt::format("Made a top-level item: {} (was {}) {}", name, was, tail)
                        : fmt::format("Moved under {}: {} (was {}) {}",
                                      names.NameOf(new_side.parent), name, was, tail));
    }
  }
}

std::vector<ReportChange> BuildChanges(const Builder& builder, const std::vector<Event>& events) {
  std::vector<ReportChange> changes;
  changes.reserve(events.size());
  ChangeNames names(builder);
  for (const auto& event : events) {
    bool status = event.kind == event_kind::kFeatureStatus;
    bool added = event.kind == event_kind::kFeatureAdded;
    bool slipped = event.kind == event_kind::kReleaseSlipped;
    if (event.kind == event_kind::kFeatureUpdated) {
      AddFieldChanges(event, builder.version, names, changes);
      continue;
    }
    if (event.kind == event_kind::kReleaseIntervention) {
      auto intervention = InterventionFromEvent(event);
      if (!intervention) continue;
      std::vector<std::string> targets;
      for (const auto& slug : intervention->features) targets.push_back(names.NameOf(slug));
      changes.push_back({event.at, "intervention", event.subject,
                         fmt::format("Intervention ({}) for {} ({}, {}): {}",
                                     InterventionKindName(intervention->kind), Join(targets, ", "),
                                     names.DayText(event.at), event.actor, event.reason)});
      continue;
    }
    if (!status && !added && !slipped) continue;
    if (status && event.from.empty()) continue;  // The creation is reported as "added".
    ReportChange change{event.at, "", event.subject, ""};
    const std::string& when = names.DayText(event.at);
    std::string_view separator = event.reason.empty() ? "" : ": ";
    if (status) {
      const StatusDefinition* to = builder.process.FindStatus(event.to);
      change.kind = event.from == event.to             ? "confirmed"
                    : to != nullptr && !to->in_release ? "dropped"
                                                       : "status";
      if (change.kind == "confirmed") {
        change.line =
            fmt::format("Confirmed: {} still {} ({}, {}){}{}", names.NameOf(event.subject),
                        event.to, when, event.actor, separator, event.reason);
      } else if (change.kind == "dropped") {
        change.line = fmt::format("Dropped: {} (was {}; {}, {}){}{}", names.NameOf(event.subject),
                                  event.from, when, event.actor, separator, event.reason);
      } else {
        change.line = fmt::format("{}: {} -> {} ({}, {}){}{}", names.NameOf(event.subject),
                                  event.from, event.to, when, event.actor, separator, event.reason);
      }
    } else if (added) {
      change.kind = "added";
      change.line = fmt::format("Added: {} ({}; {}, {})", names.NameOf(event.subject), event.to,
                                when, event.actor);
    } else {
      auto slip = ScheduleChangeFromEvent(event);
      if (!slip) continue;
      change.kind = "slipped";
      change.line = fmt::format(
          "Schedule slipped: feature freeze {} -> {}, release {} -> {} ({}, {}){}{}",
          FormatDate(slip->old_freeze), FormatDate(slip->new_freeze), FormatDate(slip->old_release),
          FormatDate(slip->new_release), when, event.actor, separator, event.reason);
    }
    MakeOneLine(change.line);
    changes.push_back(std::move(change));
  }
  for (auto& change : changes) MakeOneLine(change.line);
  return changes;
}

std::string FeaturesText(const TakingStock& report) {
  std::string text;
  for (const auto& section : report.sections) {
    if (!text.empty()) text += '\n';
    text += "== " + section.heading + " ==\n\n";
    for (const auto& item : section.items) {
      if (item.depth == 0) {
        text += "* ";
      } else {
        text.append(static_cast<size_t>(2 * item.depth - 1), ' ');
        text += "- ";
      }
      text += item.label;
      text += '\n';
    }
  }
  if (text.empty()) text = "(No features yet: add them with 'stocktake feature add'.)\n";
  return text;
}

std::string ChangesText(const TakingStock& report, bool markdown) {
  std::string title = fmt::format("Changes since {}", FormatDate(*report.since));
  std::string text = markdown ? "## " + title + "\n\n" : "== " + title + " ==\n\n";
  if (report.changes.empty()) text += "(none)\n";
  for (const auto& change : report.changes) {
    text += markdown ? "- " : "* ";
    text += change.line;
    text += '\n';
  }
  return text;
}

// One pass over the template, so text inside a filled-in part (a title that
// reads "{{features}}") is never taken for a placeholder.
std::string Fill(const TakingStock& report, const std::string& features,
                 const std::string& changes) {
  std::string_view layout = report.release.report_template.empty()
                                ? std::string_view(kDefaultTemplate)
                                : std::string_view(report.release.report_template);
  const std::pair<std::string_view, std::string_view> parts[] = {
      {"{{schedule}}", report.schedule.sentence},
      {"{{features}}", features},
      {"{{changes}}", changes},
  };
  std::string text;
  text.reserve(layout.size() + features.size() + changes.size() + 256);
  bool placed_changes = false;
  for (size_t at = 0; at < layout.size();) {
    size_t next = layout.find("{{", at);
    if (next == std::string_view::npos) next = layout.size();
    text.append(layout.substr(at, next - at));
    at = next;
    if (at == layout.size()) break;
    bool matched = false;
    for (const auto& [placeholder, value] : parts) {
      if (layout.substr(at, placeholder.size()) == placeholder) {
        text.append(value);
        at += placeholder.size();
        placed_changes = placed_changes || placeholder == "{{changes}}";
        matched = true;
        break;
      }
    }
    if (!matched) text.append(layout.substr(at++, 1));
  }
  if (!placed_changes && !changes.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += '\n';
    text += changes;
  }
  return text;
}

// RFC 2047 encoded word for a display name that is not plain ASCII.
std::string EncodeDisplayName(const std::string& name) {
  bool ascii = std::all_of(name.begin(), name.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    bool special = name.find_first_of("()<>[]:;@\\,.\"") != std::string::npos;
    if (!special) return name;
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\"";
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  size_t i = 0;
  for (; i + 2 < name.size(); i += 3) {
    unsigned value = static_cast<unsigned char>(name[i]) << 16 |
                     static_cast<unsigned char>(name[i + 1]) << 8 |
                     static_cast<unsigned char>(name[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) encoded += kAlphabet[(value >> shift) & 63];
  }
  if (i < name.size()) {
    unsigned value = static_cast<unsigned char>(name[i]) << 16;
    if (i + 1 < name.size()) value |= static_cast<unsigned char>(name[i + 1]) << 8;
    encoded += kAlphabet[(value >> 18) & 63];
    encoded += kAlphabet[(value >> 12) & 63];
    encoded += i + 1 < name.size() ? kAlphabet[(value >> 6) & 63] : '=';
    encoded += '=';
  }
  return "=?UTF-8?B?" + encoded + "?=";
}

}  // namespace

const std::vector<std::string>& TakingStockChangeKinds() {
  static const std::vector<std::string> kinds = {
      event_kind::kFeatureAdded, event_kind::kFeatureStatus, event_kind::kFeatureUpdated,
      event_kind::kReleaseSlipped, event_kind::kReleaseIntervention};
  return kinds;
}

TakingStock BuildTakingStock(const Process& process, const Release& release,
                             const std::vector<Feature>& features, Timestamp now,
                             std::optional<Date> since, const std::vector<Event>& events) {
  TakingStock report;
  report.version = release.version;
  report.as_of = now;
  report.release = release;
  report.schedule = PositionOn(release, DayOf(now));
  Builder builder(process, features, release.version);
  report.sections = BuildSections(builder);
  report.since = since;
  if (since) report.changes = BuildChanges(builder, events);
  return report;
}

std::string RenderTakingStockText(const TakingStock& report) {
  return Fill(report, FeaturesText(report), report.since ? ChangesText(report, false) : "");
}

std::string RenderTakingStockMarkdown(const TakingStock& report) {
  std::string features;
  for (const auto& section : report.sections) {
    if (!features.empty()) features += '\n';
    features += "## " + section.heading + "\n\n";
    for (const auto& item : section.items) {
      features.append(static_cast<size_t>(2 * item.depth), ' ');
      features += "- ";
      features += item.label;
      // The text report is the mail as sent; Markdown also says who owns
      // what and what the release needs.
      if (item.must_have || !item.owners.empty()) {
        std::vector<std::string> notes;
        if (item.must_have) notes.emplace_back("must-have");
        if (!item.owners.empty()) notes.push_back("owners: " + Join(item.owners, ", "));
        features += " _(" + Join(notes, "; ") + ")_";
      }
      features += '\n';
    }
  }
  if (features.empty()) features = "_No features yet._\n";
  std::string body = Fill(report, features, report.since ? ChangesText(report, true) : "");
  return fmt::format("# {} Planning: Taking stock\n\n_As of {}._\n\n{}", report.version,
                     FormatDate(DayOf(report.as_of)), body);
}

nlohmann::json RenderTakingStockJson(const TakingStock& report) {
  nlohmann::json sections = nlohmann::json::array();
  for (const auto& section : report.sections) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : section.items) {
      items.push_back({{"slug", item.slug},
                       {"title", item.title},
                       {"label", item.label},
                       {"status", item.status},
                       {"effective_status", item.effective_status},
                       {"chain", item.chain},
                       {"external", item.external},
                       {"must_have", item.must_have},
                       {"owners", item.owners},
                       {"partial", item.partial},
                       {"listed", item.listed},
                       {"depth", item.depth}});
    }
    sections.push_back(
        {{"status", section.status}, {"heading", section.heading}, {"items", std::move(items)}});
  }
  nlohmann::json json = {
      {"version", report.version},
      {"as_of", FormatTimestamp(report.as_of)},
      {"schedule",
       {{"start", FormatDate(report.release.start)},
        {"freeze", FormatDate(report.release.freeze)},
        {"release", FormatDate(report.release.release)},
        {"days_since_start", report.schedule.days_since_start},
        {"days_to_freeze", report.schedule.days_to_freeze},
        {"days_to_release", report.schedule.days_to_release},
        {"schedule_months", report.schedule.schedule_months},
        {"sentence", report.schedule.sentence}}},
      {"sections", std::move(sections)},
      {"text", RenderTakingStockText(report)},
  };
  if (report.since) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& change : report.changes) {
      changes.push_back({{"at", FormatTimestamp(change.at)},
                         {"kind", change.kind},
                         {"subject", change.subject},
                         {"text", change.line}});
    }
    json["since"] = FormatDate(*report.since);
    json["changes"] = std::move(changes);
  }
  return json;
}

std::string RenderTakingStockEmail(const TakingStock& report, const Person& from,
                                   const std::string& to) {
  std::string body = RenderTakingStockText(report);
  // FNV-1a of the body keeps the Message-ID stable for the same report and
  // distinct for different ones sent in the same second.
  std::uint64_t hash = 1469598103934665603ULL;
  for (char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  // Every value from the store or the command line is made one header line;
  // an address or version holding a newline must not add a header.
  std::string email = OneHeaderLine(from.email);
  std::string name = OneHeaderLine(from.name);
  std::string version = OneHeaderLine(report.version);
  std::string domain = "stocktake.invalid";
  if (size_t at = email.rfind('@'); at != std::string::npos && at + 1 < email.size()) {
    domain = email.substr(at + 1);
    std::erase(domain, ' ');
  }
  std::string stamp = FormatTimestamp(report.as_of);
  stamp.erase(
      std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
      stamp.end());
  std::string from_header = name.empty() ? email : EncodeDisplayName(name) + " <" + email + ">";
  return fmt::format(
      "From: {}\nTo: {}\nSubject: {} Planning: Taking stock\nDate: {}\n"
      "Message-ID: <taking-stock.{}.{}.{:016x}@{}>\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
      "X-Mailer: stocktake\n\n{}",
      from_header, OneHeaderLine(to), version, FormatRfc5322(report.as_of), Slugify(version), stamp,
      hash, domain, body);
}

}  // namespace stocktake
