#include "stocktake/report/taking_stock.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "stocktake/analysis/risk.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

constexpr char kDefaultTemplate[] =
    "{{schedule}}\n\nBelow are the features on my list, sorted by how likely they are to be "
    "completed.\n\n\n{{features}}";

std::string Replace(std::string text, std::string_view placeholder, std::string_view value) {
  size_t at = text.find(placeholder);
  if (at != std::string::npos) text.replace(at, placeholder.size(), value);
  return text;
}

struct Builder {
  const Process& process;
  const std::vector<Feature>& features;
  std::unordered_map<std::string, const Feature*> by_slug;
  std::unordered_map<std::string, EffectiveStatus> effective;
  std::unordered_map<std::string, std::vector<const Feature*>> children;

  Builder(const Process& p, const std::vector<Feature>& f, const std::string& version)
      : process(p), features(f) {
    for (const auto& feature : features) by_slug[feature.slug] = &feature;
    effective = ComputeEffectiveStatuses(process, features);
    for (const auto& feature : features) {
      if (feature.release == version && !feature.parent.empty()) {
        children[feature.parent].push_back(&feature);
      }
    }
  }

  const std::string& StatusOf(const Feature& feature) const {
    return effective.at(feature.slug).status;
  }

  bool InRelease(const Feature& feature) const {
    const StatusDefinition* status = process.FindStatus(feature.status);
    return status != nullptr && status->in_release;
  }

  std::string NameOf(const std::string& slug) const {
    auto it = by_slug.find(slug);
    return it == by_slug.end() ? slug : it->second->DisplayName();
  }

  ReportItem Item(const Feature& feature, const StatusDefinition& section, int depth,
                  bool listed) const {
    ReportItem item;
    item.slug = feature.slug;
    item.title = feature.DisplayName();
    item.status = feature.status;
    item.effective_status = StatusOf(feature);
    item.chain = effective.at(feature.slug).chain;
    item.external = feature.external;
    item.listed = listed;
    item.depth = depth;
    if (listed && section.done) {
      auto it = children.find(feature.slug);
      if (it != children.end()) {
        item.partial = std::any_of(it->second.begin(), it->second.end(), [&](const Feature* c) {
          return InRelease(*c) && StatusOf(*c) != section.id;
        });
      }
    }
    std::string label = item.title;
    if (!feature.remark.empty()) label += " (" + feature.remark + ")";
    if (item.partial) label += " (partial)";
    if (feature.external) label += " (external)";
    if (!feature.depends_on.empty()) {
      std::vector<std::string> names;
      for (const auto& slug : feature.depends_on) {
        auto it = by_slug.find(slug);
        names.push_back(it == by_slug.end() ? slug : it->second->ReferenceName());
      }
      label += " (depends on " + Join(names, ", ") + ")";
    }
    if (listed && !item.chain.empty()) {
      std::vector<std::string> names;
      for (const auto& slug : item.chain) names.push_back(NameOf(slug));
      label += fmt::format(" [marked {}; {} through {}]", feature.status, item.effective_status,
                           Join(names, " -> "));
    }
    item.label = std::move(label);
    return item;
  }
};

std::vector<ReportSection> BuildSections(const Builder& builder, const std::string& version) {
  std::vector<ReportSection> sections;
  for (const auto& status : builder.process.statuses) {
    if (!status.in_release) continue;
    ReportSection section{status.id, status.heading, {}};
    // Group the features shown in this list under their top-level item; a
    // group takes the place of its first member in list order.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Feature*>> members;
    for (const auto& feature : builder.features) {
      if (feature.release != version || !builder.InRelease(feature)) continue;
      if (builder.StatusOf(feature) != status.id) continue;
      const Feature* root = &feature;
      while (!root->parent.empty()) {
        auto it = builder.by_slug.find(root->parent);
        if (it == builder.by_slug.end() || it->second == root) break;
        root = it->second;
      }
      auto [it, inserted] = members.try_emplace(root->slug);
      if (inserted) order.push_back(root->slug);
      it->second.push_back(&feature);
    }
    for (const auto& root_slug : order) {
      const auto& group = members[root_slug];
      const Feature& root = *builder.by_slug.at(root_slug);
      bool root_listed = std::find(group.begin(), group.end(), &root) != group.end();
      section.items.push_back(builder.Item(root, status, 0, root_listed));
      for (const Feature* member : group) {
        if (member == &root) continue;
        int depth = 0;
        for (const Feature* up = member; !up->parent.empty() && depth < 16; ++depth) {
          auto it = builder.by_slug.find(up->parent);
          if (it == builder.by_slug.end()) break;
          up = it->second;
        }
        section.items.push_back(builder.Item(*member, status, std::max(depth, 1), true));
      }
    }
    if (!section.items.empty()) sections.push_back(std::move(section));
  }
  return sections;
}

std::vector<ReportChange> BuildChanges(const Builder& builder, const std::vector<Event>& events) {
  std::vector<ReportChange> changes;
  for (const auto& event : events) {
    ReportChange change{event.at, "", event.subject, ""};
    std::string when = FormatDate(DayOf(event.at));
    std::string reason = event.reason.empty() ? "" : ": " + event.reason;
    if (event.kind == event_kind::kFeatureStatus) {
      if (event.from.empty()) continue;  // The creation is reported as "added".
      const StatusDefinition* to = builder.process.FindStatus(event.to);
      change.kind = to != nullptr && !to->in_release ? "dropped" : "status";
      change.line = change.kind == "dropped"
                        ? fmt::format("Dropped: {} (was {}; {}, {}){}",
                                      builder.NameOf(event.subject), event.from, when,
                                      event.actor, reason)
                        : fmt::format("{}: {} -> {} ({}, {}){}", builder.NameOf(event.subject),
                                      event.from, event.to, when, event.actor, reason);
    } else if (event.kind == event_kind::kFeatureAdded) {
      change.kind = "added";
      change.line = fmt::format("Added: {} ({}; {}, {})", builder.NameOf(event.subject),
                                event.to, when, event.actor);
    } else if (event.kind == event_kind::kReleaseSlipped) {
      auto slip = ScheduleChangeFromEvent(event);
      if (!slip) continue;
      change.kind = "slipped";
      change.line = fmt::format(
          "Schedule slipped: feature freeze {} -> {}, release {} -> {} ({}, {}){}",
          FormatDate(slip->old_freeze), FormatDate(slip->new_freeze),
          FormatDate(slip->old_release), FormatDate(slip->new_release), when, event.actor,
          reason);
    } else {
      continue;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

std::string FeaturesText(const TakingStock& report) {
  std::string text;
  for (const auto& section : report.sections) {
    if (!text.empty()) text += '\n';
    text += "== " + section.heading + " ==\n\n";
    for (const auto& item : section.items) {
      if (item.depth == 0) {
        text += "* " + item.label + '\n';
      } else {
        text += std::string(static_cast<size_t>(2 * item.depth - 1), ' ') + "- " + item.label +
                '\n';
      }
    }
  }
  if (text.empty()) text = "(No features yet: add them with 'stocktake feature add'.)\n";
  return text;
}

std::string ChangesText(const TakingStock& report, bool markdown) {
  std::string title = fmt::format("Changes since {}", FormatDate(*report.since));
  std::string text = markdown ? "## " + title + "\n\n" : "== " + title + " ==\n\n";
  if (report.changes.empty()) text += "(none)\n";
  for (const auto& change : report.changes) text += (markdown ? "- " : "* ") + change.line + '\n';
  return text;
}

std::string Fill(const TakingStock& report, const std::string& features,
                 const std::string& changes) {
  std::string text = report.release.report_template.empty() ? std::string(kDefaultTemplate)
                                                            : report.release.report_template;
  text = Replace(text, "{{schedule}}", report.schedule.sentence);
  bool has_changes_slot = text.find("{{changes}}") != std::string::npos;
  text = Replace(text, "{{changes}}", changes);
  text = Replace(text, "{{features}}", features);
  if (!has_changes_slot && !changes.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += '\n' + changes;
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

TakingStock BuildTakingStock(const Process& process, const Release& release,
                             const std::vector<Feature>& features, Timestamp now,
                             std::optional<Date> since, const std::vector<Event>& events) {
  TakingStock report;
  report.version = release.version;
  report.as_of = now;
  report.release = release;
  report.schedule = PositionOn(release, DayOf(now));
  Builder builder(process, features, release.version);
  report.sections = BuildSections(builder, release.version);
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
      features += std::string(static_cast<size_t>(2 * item.depth), ' ') + "- " + item.label + '\n';
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
  std::string domain = "stocktake.invalid";
  if (size_t at = from.email.rfind('@'); at != std::string::npos) {
    domain = from.email.substr(at + 1);
  }
  std::string stamp = FormatTimestamp(report.as_of);
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
              stamp.end());
  std::string from_header =
      from.name.empty() ? from.email : EncodeDisplayName(from.name) + " <" + from.email + ">";
  return fmt::format(
      "From: {}\nTo: {}\nSubject: {} Planning: Taking stock\nDate: {}\n"
      "Message-ID: <taking-stock.{}.{}.{:016x}@{}>\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
      "X-Mailer: stocktake\n\n{}",
      from_header, to, report.version, FormatRfc5322(report.as_of), Slugify(report.version),
      stamp, hash, domain, body);
}

}  // namespace stocktake
