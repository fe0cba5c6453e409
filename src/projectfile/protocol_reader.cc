// The `protocols:` section of the project file: one protocol with its
// implementations, stage history and waivers, read through the file's one
// YamlReader.

#include <fmt/format.h>

#include <charconv>

#include "projectfile/yaml_reader_internal.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

class ProtocolReader {
 public:
  ProtocolReader(const YamlReader& yaml, const ProtocolProcess& process)
      : yaml_(yaml), process_(process) {}

  Result<Protocol> Read(const YAML::Node& node) const {
    ST_TRY(yaml_.ExpectMap(node, "a protocol"));
    // "evidence" holds linking rules and "as_of" the time the file records the
    // protocol as of: the project file reads both itself.
    ST_TRY(
        yaml_.OnlyKeys(node, "a protocol",
                       {"name", "summary", "stage", "design_doc", "version", "implementations",
                        "compat_promises", "owners", "waivers", "history", "evidence", "as_of"}));
    Protocol protocol;
    protocol.name = ST_TRY(Required(node, "name", "a protocol"));
    std::string what = fmt::format("protocol {}", protocol.name);
    protocol.summary = ST_TRY(Optional(node, "summary", what));
    protocol.version = ST_TRY(Optional(node, "version", what));
    protocol.compat_promises = ST_TRY(Optional(node, "compat_promises", what));
    protocol.owners = ST_TRY(yaml_.List(node, "owners", what));
    if (YAML::Node doc = node["design_doc"]; doc && !doc.IsNull()) {
      ST_TRY(yaml_.ExpectMap(doc, "design_doc"));
      ST_TRY(yaml_.OnlyKeys(doc, "design_doc", {"path", "commit"}));
      protocol.design_doc.path = ST_TRY(Optional(doc, "path", "design_doc"));
      protocol.design_doc.commit = ST_TRY(Optional(doc, "commit", "design_doc"));
    }
    if (YAML::Node list = node["implementations"]; list && !list.IsNull()) {
      ST_TRY(yaml_.ExpectSequence(list, "'implementations'"));
      for (const auto& item : list) {
        protocol.implementations.push_back(ST_TRY(ReadImplementation(item)));
      }
    }
    ST_TRY(ReadHistory(node, what, protocol));
    ST_TRY(ReadStage(node, what, protocol));
    if (YAML::Node waivers = node["waivers"]; waivers && !waivers.IsNull()) {
      ST_TRY(yaml_.ExpectSequence(waivers, "'waivers'"));
      for (const auto& item : waivers) protocol.waivers.push_back(ST_TRY(ReadWaiver(item)));
    }
    return protocol;
  }

 private:
  // A single value; empty when absent or written as nothing ("summary:").
  Result<std::string> Optional(const YAML::Node& map, const char* key,
                               std::string_view what) const {
    if (YAML::Node value = map[key]; !value || value.IsNull()) return std::string();
    return yaml_.Text(map, key, what, false);
  }

  Result<std::string> Required(const YAML::Node& map, const char* key,
                               std::string_view what) const {
    std::string value = ST_TRY(Optional(map, key, what));
    if (Trim(value).empty()) return Fail(yaml_.At(map, fmt::format("{} needs '{}'", what, key)));
    return value;
  }

  Result<std::string> Stage(const YAML::Node& map, const char* key, std::string_view what) const {
    std::string id = ST_TRY(Required(map, key, what));
    if (process_.FindStage(id) == nullptr) {
      return Fail(yaml_.At(
          map[key], fmt::format("unknown stage '{}': use one of {}", id, process_.StageIds())));
    }
    return id;
  }

  Result<Implementation> ReadImplementation(const YAML::Node& node) const {
    constexpr std::string_view kWhat = "an implementation";
    ST_TRY(yaml_.ExpectMap(node, kWhat));
    ST_TRY(yaml_.OnlyKeys(node, kWhat, {"code_base", "role", "state", "refs"}));
    Implementation implementation;
    implementation.code_base = ST_TRY(Required(node, "code_base", kWhat));
    std::string role = ST_TRY(Required(node, "role", kWhat));
    auto parsed_role = ParseImplementationRole(role);
    if (!parsed_role) {
      return Fail(
          yaml_.At(node["role"], fmt::format("unknown role '{}': use frontend or backend", role)));
    }
    implementation.role = *parsed_role;
    std::string state = ST_TRY(Optional(node, "state", kWhat));
    if (!state.empty()) {
      auto parsed_state = ParseImplementationState(state);
      if (!parsed_state) {
        return Fail(yaml_.At(node["state"], fmt::format("unknown state '{}': use none, posted or "
                                                        "committed",
                                                        state)));
      }
      implementation.state = *parsed_state;
    }
    implementation.refs = ST_TRY(yaml_.List(node, "refs", kWhat));
    return implementation;
  }

  Result<void> ReadHistory(const YAML::Node& node, std::string_view what,
                           Protocol& protocol) const {
    YAML::Node history = node["history"];
    if (!history || !history.IsSequence() || history.size() == 0) {
      return Fail(yaml_.At(node, fmt::format("{} needs a 'history' list with at least its first "
                                             "stage, e.g. - {{at: 2017-03-01, to: design}}",
                                             what)));
    }
    for (const auto& item : history) {
      StageChange change = ST_TRY(ReadStageChange(item));
      if (!protocol.history.empty()) {
        change.from = protocol.history.back().to;
        if (change.at < protocol.history.back().at) {
          return Fail(
              yaml_.At(item, fmt::format("{}: history entries must be in time order", what)));
        }
      }
      protocol.history.push_back(std::move(change));
    }
    return Ok();
  }

  Result<StageChange> ReadStageChange(const YAML::Node& item) const {
    constexpr std::string_view kWhat = "a history entry";
    ST_TRY(yaml_.ExpectMap(item, kWhat));
    ST_TRY(yaml_.OnlyKeys(item, kWhat, {"at", "by", "from", "to", "proposal", "reason", "commit"}));
    StageChange change;
    change.at = ST_TRY(yaml_.TimeValue(item, "at", kWhat));
    change.to = ST_TRY(Stage(item, "to", kWhat));
    change.by = ST_TRY(Optional(item, "by", kWhat));
    change.reason = ST_TRY(Optional(item, "reason", kWhat));
    change.commit = ST_TRY(Optional(item, "commit", kWhat));
    std::string proposal = ST_TRY(Optional(item, "proposal", kWhat));
    if (!proposal.empty()) {
      const char* end = proposal.data() + proposal.size();
      auto [stop, error] = std::from_chars(proposal.data(), end, change.proposal_id);
      if (error != std::errc() || stop != end) {
        return Fail(yaml_.At(item["proposal"], "'proposal' must be a proposal number"));
      }
    }
    return change;
  }

  // `stage` may be left out: it is where the history ends.
  Result<void> ReadStage(const YAML::Node& node, std::string_view what, Protocol& protocol) const {
    std::string stage = ST_TRY(Optional(node, "stage", what));
    if (stage.empty()) {
      protocol.stage = protocol.history.back().to;
      return Ok();
    }
    protocol.stage = ST_TRY(Stage(node, "stage", what));
    if (protocol.stage != protocol.history.back().to) {
      return Fail(yaml_.At(node["stage"],
                           fmt::format("{} is at stage '{}' but its history ends at '{}': make "
                                       "them agree or leave 'stage' out",
                                       what, protocol.stage, protocol.history.back().to)));
    }
    return Ok();
  }

  Result<CriterionWaiver> ReadWaiver(const YAML::Node& item) const {
    constexpr std::string_view kWhat = "a waiver";
    ST_TRY(yaml_.ExpectMap(item, kWhat));
    ST_TRY(yaml_.OnlyKeys(item, kWhat, {"stage", "criterion", "by", "at", "reason"}));
    CriterionWaiver waiver;
    waiver.stage = ST_TRY(Stage(item, "stage", kWhat));
    waiver.criterion = ST_TRY(Required(item, "criterion", kWhat));
    bool known = false;
    for (const auto& criterion : process_.FindStage(waiver.stage)->entry_criteria) {
      if (criterion.id == waiver.criterion) known = true;
    }
    if (!known) {
      return Fail(yaml_.At(item["criterion"], fmt::format("stage '{}' has no entry criterion '{}'",
                                                          waiver.stage, waiver.criterion)));
    }
    waiver.by = ST_TRY(Optional(item, "by", kWhat));
    waiver.at = ST_TRY(yaml_.TimeValue(item, "at", kWhat));
    waiver.reason = ST_TRY(Required(item, "reason", kWhat));
    return waiver;
  }

  const YamlReader& yaml_;
  const ProtocolProcess& process_;
};

}  // namespace

Result<Protocol> ReadProtocolNode(const YamlReader& reader, const YAML::Node& node,
                                  const ProtocolProcess& process) {
  return ProtocolReader(reader, process).Read(node);
}

}  // namespace stocktake
