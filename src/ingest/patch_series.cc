#include "stocktake/ingest/patch_series.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// Patches sent without threading are grouped by their markers only when they
// were sent within this window of the series' first message.
constexpr std::chrono::hours kMarkerWindow{12};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimView(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Strips "Re:", "RE :", "Fwd:", "Re[2]:", "AW:", "Sv:" at the start.
bool StripReplyMarker(std::string_view& rest) {
  static constexpr std::string_view kMarkers[] = {"re", "fwd", "fw", "aw", "sv"};
  std::string lower = Lower(rest.substr(0, 8));
  for (std::string_view marker : kMarkers) {
    if (!lower.starts_with(marker)) continue;
    std::size_t position = marker.size();
    if (position < rest.size() && rest[position] == '[') {
      std::size_t close = rest.find(']', position);
      if (close == std::string_view::npos) continue;
      position = close + 1;
    }
    while (position < rest.size() && rest[position] == ' ') ++position;
    if (position < rest.size() && rest[position] == ':') {
      rest.remove_prefix(position + 1);
      return true;
    }
  }
  return false;
}

bool ParseCounter(std::string_view token, int& index, int& total) {
  std::size_t slash = token.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view left = token.substr(0, slash), right = token.substr(slash + 1);
  if (!AllDigits(left) || !AllDigits(right)) return false;
  index = ToInt(left);
  total = ToInt(right);
  return total >= 1 && index <= total;
}

bool ParseVersion(std::string_view token, int& version) {
  if (token.size() < 2 || (token[0] != 'v' && token[0] != 'V')) return false;
  if (!AllDigits(token.substr(1))) return false;
  version = ToInt(token.substr(1));
  return version >= 1;
}

// Reads the tokens of one bracket group; returns false if none was a patch token.
bool ReadGroup(std::string_view group, SubjectPrefix& prefix, std::vector<std::string>& unknown) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < group.size()) {
    while (start < group.size() && (IsSpace(group[start]) || group[start] == ',')) ++start;
    std::size_t end = start;
    while (end < group.size() && !IsSpace(group[end]) && group[end] != ',') ++end;
    if (end > start) tokens.push_back(group.substr(start, end - start));
    start = end;
  }
  bool known = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string_view token = tokens[i];
    std::string lower = Lower(token);
    std::string_view rest = lower;
    if (rest.starts_with("patch") && rest != "patches") {
      prefix.is_patch = true;
      known = true;
      rest.remove_prefix(5);
      if (rest.empty()) continue;
    }
    int index = 0, total = 0, version = 0;
    if (rest == "patches") {
      prefix.is_patch = known = true;
    } else if (rest == "rfc") {
      prefix.is_rfc = known = true;
    } else if (rest == "resend") {
      prefix.is_resend = known = true;
    } else if (ParseVersion(rest, version)) {
      prefix.version = version;
      prefix.version_explicit = known = true;
    } else if (ParseCounter(rest, index, total)) {
      prefix.index = index;
      prefix.total = total;
      prefix.has_counter = known = true;
    } else if (AllDigits(rest) && i + 2 < tokens.size() && Lower(tokens[i + 1]) == "of" &&
               AllDigits(tokens[i + 2]) && ToInt(tokens[i + 2]) >= ToInt(rest) &&
               ToInt(tokens[i + 2]) >= 1) {
      prefix.index = ToInt(rest);
      prefix.total = ToInt(tokens[i + 2]);
      prefix.has_counter = known = true;
      i += 2;
    } else {
      unknown.emplace_back(token);
    }
  }
  return known;
}

struct SeriesBuild {
  PatchSeries series;
  std::string submitter_key;
  bool version_explicit = false;
  std::optional<Timestamp> first_date;
  std::vector<std::string> names;  // normalized names of cover and patches
};

std::string SubmitterKey(const MailAddress& address) {
  return address.email.empty() ? Lower(address.name) : Lower(address.email);
}

bool HasIndex(const PatchSeries& series, int index) {
  return std::any_of(series.patches.begin(), series.patches.end(),
                     [index](const SeriesPatch& patch) { return patch.index == index; });
}

void AddTags(PatchSeries& series, const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    if (std::find(series.tags.begin(), series.tags.end(), tag) == series.tags.end()) {
      series.tags.push_back(tag);
    }
  }
}

// Union-find over series indexes, for lineages.
struct DisjointSets {
  std::vector<std::size_t> parent;
  explicit DisjointSets(std::size_t count) : parent(count) {
    std::iota(parent.begin(), parent.end(), std::size_t{0});
  }
  std::size_t Find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Union(std::size_t a, std::size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// Ids a message points to, nearest first: In-Reply-To, then References backwards.
std::vector<std::string_view> AncestorIds(const MailMessage& message) {
  std::vector<std::string_view> ids;
  if (!message.in_reply_to.empty()) ids.push_back(message.in_reply_to);
  for (auto it = message.references.rbegin(); it != message.references.rend(); ++it) {
    if (*it != message.in_reply_to) ids.push_back(*it);
  }
  return ids;
}

// A patch mail that may belong to a series.
struct Candidate {
  std::size_t message;
  SubjectPrefix prefix;
};

// The first copy of each patch mail that is not a reply, by date (undated
// last), then patch index, then input order.
std::vector<Candidate> CollectCandidates(std::span<const MailMessage> messages) {
  std::vector<Candidate> candidates;
  std::unordered_map<std::string_view, bool> seen_ids;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const MailMessage& message = messages[i];
    if (!seen_ids.emplace(message.message_id, true).second) continue;  // duplicate copy
    SubjectPrefix prefix = ParseSubjectPrefix(message.subject);
    if (!prefix.is_patch || prefix.is_reply) continue;
    candidates.push_back({i, std::move(prefix)});
  }
  auto sort_key = [&](const Candidate& candidate) {
    const MailMessage& message = messages[candidate.message];
    return std::make_tuple(message.date ? 0 : 1,
                           message.date ? message.date->time_since_epoch().count() : 0,
                           candidate.prefix.index, candidate.message);
  };
  std::sort(candidates.begin(), candidates.end(),
            [&](const Candidate& a, const Candidate& b) { return sort_key(a) < sort_key(b); });
  return candidates;
}

// Puts candidates into series, then links the series into lineages.
class SeriesAssembler {
 public:
  explicit SeriesAssembler(std::span<const MailMessage> messages) : messages_(messages) {}

  SeriesSet Run() {
    for (const Candidate& candidate : CollectCandidates(messages_)) {
      std::optional<std::size_t> target = FindSeries(candidate);
      if (!target) target = Create(candidate);
      Join(*target, candidate);
    }
    DisjointSets sets(builds_.size());
    Finish(sets);
    LinkAnswers(sets);
    return Collect(sets);
  }

 private:
  // The series a numbered patch joins: the nearest series member it answers,
  // or, sent without threading, a recent series with the same markers.
  std::optional<std::size_t> FindSeries(const Candidate& candidate) const {
    const MailMessage& message = messages_[candidate.message];
    const SubjectPrefix& prefix = candidate.prefix;
    if (prefix.is_cover_letter() || !prefix.has_counter) return std::nullopt;
    std::string submitter = SubmitterKey(message.from);
    for (std::string_view id : AncestorIds(message)) {
      auto found = series_of_.find(std::string(id));
      if (found == series_of_.end()) continue;
      const SeriesBuild& build = builds_[found->second];
      bool same_version = !prefix.version_explicit || prefix.version == build.series.version;
      if (build.submitter_key == submitter && build.series.total == prefix.total && same_version &&
          !HasIndex(build.series, prefix.index)) {
        return found->second;
      }
      return std::nullopt;
    }
    if (!message.in_reply_to.empty() || !message.references.empty()) return std::nullopt;
    auto list = by_markers_.find({submitter, prefix.version, prefix.total});
    if (list == by_markers_.end()) return std::nullopt;
    for (auto it = list->second.rbegin(); it != list->second.rend(); ++it) {
      const SeriesBuild& build = builds_[*it];
      if (HasIndex(build.series, prefix.index)) continue;
      if (message.date && build.first_date &&
          (*message.date - *build.first_date > kMarkerWindow ||
           *message.date < *build.first_date)) {
        continue;
      }
      return *it;
    }
    return std::nullopt;
  }

  std::size_t Create(const Candidate& candidate) {
    const MailMessage& message = messages_[candidate.message];
    const SubjectPrefix& prefix = candidate.prefix;
    SeriesBuild build;
    build.series.version = prefix.version;
    build.series.total = prefix.has_counter ? prefix.total : 1;
    build.series.is_rfc = prefix.is_rfc;
    build.series.is_resend = prefix.is_resend;
    build.series.submitter = message.from;
    build.submitter_key = SubmitterKey(message.from);
    build.version_explicit = prefix.version_explicit;
    build.first_date = message.date;
    builds_.push_back(std::move(build));
    std::size_t index = builds_.size() - 1;
    // Markers of series that patches sent without threading may join.
    if (prefix.has_counter && prefix.total > 1) {
      by_markers_[{builds_[index].submitter_key, prefix.version, prefix.total}].push_back(index);
    }
    return index;
  }

  void Join(std::size_t index, const Candidate& candidate) {
    const MailMessage& message = messages_[candidate.message];
    SeriesBuild& build = builds_[index];
    if (candidate.prefix.is_cover_letter()) {
      build.series.cover_letter_id = message.message_id;
    } else {
      build.series.patches.push_back(
          {candidate.prefix.has_counter ? candidate.prefix.index : 1, message.message_id});
    }
    AddTags(build.series, candidate.prefix.tags);
    build.names.push_back(NormalizeSeriesName(candidate.prefix.name));
    if (message.date && (!build.series.date || *message.date < *build.series.date)) {
      build.series.date = message.date;
    }
    series_of_.emplace(message.message_id, index);
  }

  // Sorts each series' patches, names its id and missing patches, and joins
  // series with the same submitter and name into one lineage.
  void Finish(DisjointSets& sets) {
    std::map<std::pair<std::string, std::string>, std::size_t> by_name;
    for (std::size_t s = 0; s < builds_.size(); ++s) {
      SeriesBuild& build = builds_[s];
      std::sort(build.series.patches.begin(), build.series.patches.end(),
                [](const SeriesPatch& a, const SeriesPatch& b) { return a.index < b.index; });
      const std::string& head_id = build.series.cover_letter_id.empty()
                                       ? build.series.patches.front().message_id
                                       : build.series.cover_letter_id;
      build.series.id = head_id;
      for (int i = 1; i <= build.series.total; ++i) {
        if (!HasIndex(build.series, i)) build.series.missing.push_back(i);
      }
      for (const std::string& name : build.names) {
        if (name.empty()) continue;
        auto [it, inserted] = by_name.emplace(std::make_pair(build.submitter_key, name), s);
        if (!inserted) sets.Union(s, it->second);
      }
    }
  }

  // Names each series from its first mail, and joins a series whose first
  // mail answers an older version of another series into that lineage.
  void LinkAnswers(DisjointSets& sets) {
    std::unordered_map<std::string_view, std::size_t> message_index;
    for (std::size_t i = 0; i < messages_.size(); ++i)
      message_index.emplace(messages_[i].message_id, i);
    for (std::size_t s = 0; s < builds_.size(); ++s) {
      PatchSeries& series = builds_[s].series;
      const MailMessage& head = messages_[message_index.at(series.id)];
      series.name = ParseSubjectPrefix(head.subject).name;
      for (std::string_view id : AncestorIds(head)) {
        auto found = series_of_.find(std::string(id));
        if (found == series_of_.end() || found->second == s) continue;
        if (builds_[found->second].series.version < series.version) sets.Union(s, found->second);
        break;
      }
    }
  }

  SeriesSet Collect(DisjointSets& sets) {
    SeriesSet result;
    result.series.reserve(builds_.size());
    for (SeriesBuild& build : builds_) result.series.push_back(std::move(build.series));
    std::map<std::size_t, std::size_t> lineage_of_root;
    for (std::size_t s = 0; s < result.series.size(); ++s) {
      std::size_t root = sets.Find(s);
      auto [it, inserted] = lineage_of_root.emplace(root, result.lineages.size());
      if (inserted) result.lineages.emplace_back();
      result.lineages[it->second].series.push_back(s);
    }
    for (std::size_t l = 0; l < result.lineages.size(); ++l) {
      SeriesLineage& lineage = result.lineages[l];
      std::stable_sort(lineage.series.begin(), lineage.series.end(),
                       [&](std::size_t a, std::size_t b) {
                         return result.series[a].version < result.series[b].version;
                       });
      lineage.id = result.series[lineage.series.front()].id;
      for (std::size_t s : lineage.series) result.series[s].lineage = l;
    }
    result.series_of = std::move(series_of_);
    return result;
  }

  std::span<const MailMessage> messages_;
  std::vector<SeriesBuild> builds_;
  std::unordered_map<std::string, std::size_t> series_of_;
  std::map<std::tuple<std::string, int, int>, std::vector<std::size_t>> by_markers_;
};

}  // namespace

SubjectPrefix ParseSubjectPrefix(std::string_view subject) {
  SubjectPrefix prefix;
  std::string_view rest = TrimView(subject);
  while (true) {
    rest = TrimView(rest);
    if (StripReplyMarker(rest)) {
      prefix.is_reply = true;
      continue;
    }
    if (rest.starts_with("[")) {
      std::size_t close = rest.find(']');
      if (close == std::string_view::npos) break;
      std::string_view group = rest.substr(1, close - 1);
      std::vector<std::string> unknown;
      if (ReadGroup(group, prefix, unknown)) {
        prefix.tags.insert(prefix.tags.end(), unknown.begin(), unknown.end());
      } else {
        prefix.list_tags.push_back(CollapseSpaces(group));
      }
      rest.remove_prefix(close + 1);
      continue;
    }
    break;
  }
  if (prefix.has_counter) prefix.is_patch = true;
  prefix.name = CollapseSpaces(rest);
  return prefix;
}

std::string NormalizeSeriesName(std::string_view name) {
  std::string normalized = Lower(CollapseSpaces(name));
  while (!normalized.empty() &&
         (normalized.back() == '.' || normalized.back() == ' ' || normalized.back() == ':')) {
    normalized.pop_back();
  }
  return normalized;
}

SeriesSet AssembleSeries(std::span<const MailMessage> messages) {
  return SeriesAssembler(messages).Run();
}

std::vector<SeriesTrailer> CollectSeriesTrailers(std::span<const MailMessage> messages,
                                                 const SeriesSet& series) {
  std::vector<SeriesTrailer> out;
  std::unordered_map<std::string_view, bool> seen;
  for (const MailMessage& message : messages) {
    if (!seen.emplace(message.message_id, true).second) continue;
    auto member = series.series_of.find(message.message_id);
    if (member != series.series_of.end()) {
      const PatchSeries& owner = series.series[member->second];
      bool cover = owner.cover_letter_id == message.message_id;
      for (Trailer& trailer : ParseTrailers(message.body)) {
        out.push_back({message.message_id, cover ? TrailerScope::kSeries : TrailerScope::kPatch,
                       cover ? owner.id : message.message_id, member->second, std::move(trailer)});
      }
      continue;
    }
    for (std::string_view id : AncestorIds(message)) {
      auto found = series.series_of.find(std::string(id));
      if (found == series.series_of.end()) continue;
      const PatchSeries& owner = series.series[found->second];
      bool cover = owner.cover_letter_id == id;
      for (Trailer& trailer : ParseReplyTrailers(message.body)) {
        out.push_back({message.message_id, cover ? TrailerScope::kSeries : TrailerScope::kPatch,
                       cover ? owner.id : std::string(id), found->second, std::move(trailer)});
      }
      break;
    }
  }
  return out;
}

}  // namespace stocktake
