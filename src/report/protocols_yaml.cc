#include "stocktake/report/protocols_yaml.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "report/protocols_yaml_internal.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// Turns yaml-cpp's node positions into file:line:column errors.
class Reader {
 public:
  explicit Reader(std::string_view file_name) : file_name_(file_name) {}

  std::string Where(const YAML::Node& node) const {
    YAML::Mark mark = node.Mark();
    if (mark.is_null()) return file_name_;
    return fmt::format("{}:{}:{}", file_name_, mark.line + 1, mark.column + 1);
  }

  Error Malformed(const YAML::Node& node, std::string message) const {
    return Error(ErrorCode::kCorruption, std::move(message), Where(node));
  }
  Error Invalid(const YAML::Node& node, std::string message) const {
    return Error(ErrorCode::kInvalidArgument, std::move(message), Where(node));
  }

  Result<void> ExpectMap(const YAML::Node& node, std::string_view what) const {
    if (!node.IsMap()) return Fail(Malformed(node, fmt::format("{} must be a mapping", what)));
    return Ok();
  }

  // A misspelt key would silently drop evidence, so unknown keys are errors.
  Result<void> OnlyKeys(const YAML::Node& map, std::string_view what,
                        std::initializer_list<std::string_view> known) const {
    for (const auto& entry : map) {
      std::string key = entry.first.Scalar();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string names;
      for (auto name : known) names += (names.empty() ? "" : ", ") + std::string(name);
      return Fail(Invalid(
          entry.first, fmt::format("unknown key '{}' in {}: known keys are {}", key, what, names)));
    }
    return Ok();
  }

  // A scalar field; empty when absent.
  Result<std::string> String(const YAML::Node& map, const char* key) const {
    YAML::Node value = map[key];
    if (!value || value.IsNull()) return std::string();
    if (!value.IsScalar()) {
      return Fail(Malformed(value, fmt::format("'{}' must be a single value", key)));
    }
    return value.Scalar();
  }

  Result<std::string> Required(const YAML::Node& map, const char* key,
                               std::string_view what) const {
    std::string value = ST_TRY(String(map, key));
    if (Trim(value).empty()) {
      return Fail(Invalid(map, fmt::format("{} needs '{}'", what, key)));
    }
    return value;
  }

  Result<std::vector<std::string>> Strings(const YAML::Node& map, const char* key) const {
    std::vector<std::string> result;
    YAML::Node value = map[key];
    if (!value || value.IsNull()) return result;
    if (value.IsScalar()) return std::vector<std::string>{value.Scalar()};
    if (!value.IsSequence()) {
      return Fail(Malformed(value, fmt::format("'{}' must be a list of values", key)));
    }
    for (const auto& item : value) {
      if (!item.IsScalar()) {
        return Fail(Malformed(item, fmt::format("each item of '{}' must be a single value", key)));
      }
      result.push_back(item.Scalar());
    }
    return result;
  }

  Result<Timestamp> Instant(const YAML::Node& map, const char* key, std::string_view what) const {
    std::string text = ST_TRY(Required(map, key, what));
    auto at = ParseTimestamp(text);
    if (!at) return Fail(Invalid(map[key], at.error().message()));
    return *at;
  }

  Result<std::string> Stage(const YAML::Node& map, const char* key, std::string_view what,
                            const ProtocolProcess& process) const {
    std::string id = ST_TRY(Required(map, key, what));
    if (process.FindStage(id) == nullptr) {
      return Fail(Invalid(
          map[key], fmt::format("unknown stage '{}': use one of {}", id, process.StageIds())));
    }
    return id;
  }

  Result<Implementation> ReadImplementation(const YAML::Node& node) const {
    ST_TRY(ExpectMap(node, "an implementation"));
    ST_TRY(OnlyKeys(node, "an implementation", {"code_base", "role", "state", "refs"}));
    Implementation implementation;
    implementation.code_base = ST_TRY(Required(node, "code_base", "an implementation"));
    std::string role = ST_TRY(Required(node, "role", "an implementation"));
    auto parsed_role = ParseImplementationRole(role);
    if (!parsed_role) {
      return Fail(
          Invalid(node["role"], fmt::format("unknown role '{}': use frontend or backend", role)));
    }
    implementation.role = *parsed_role;
    std::string state = ST_TRY(String(node, "state"));
    if (!state.empty()) {
      auto parsed_state = ParseImplementationState(state);
      if (!parsed_state) {
        return Fail(Invalid(node["state"], fmt::format("unknown state '{}': use none, posted or "
                                                       "committed",
                                                       state)));
      }
      implementation.state = *parsed_state;
    }
    implementation.refs = ST_TRY(Strings(node, "refs"));
    return implementation;
  }

  Result<Protocol> ReadProtocol(const YAML::Node& node, const ProtocolProcess& process) const {
    ST_TRY(ExpectMap(node, "a protocol"));
    ST_TRY(OnlyKeys(node, "a protocol",
                    {"name", "summary", "stage", "design_doc", "version", "implementations",
                     "compat_promises", "owners", "waivers", "history"}));
    Protocol protocol;
    protocol.name = ST_TRY(Required(node, "name", "a protocol"));
    std::string what = fmt::format("protocol {}", protocol.name);
    protocol.summary = ST_TRY(String(node, "summary"));
    protocol.version = ST_TRY(String(node, "version"));
    protocol.compat_promises = ST_TRY(String(node, "compat_promises"));
    protocol.owners = ST_TRY(Strings(node, "owners"));
    if (YAML::Node doc = node["design_doc"]; doc && !doc.IsNull()) {
      ST_TRY(ExpectMap(doc, "design_doc"));
      ST_TRY(OnlyKeys(doc, "design_doc", {"path", "commit"}));
      protocol.design_doc.path = ST_TRY(String(doc, "path"));
      protocol.design_doc.commit = ST_TRY(String(doc, "commit"));
    }
    if (YAML::Node list = node["implementations"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return Fail(Malformed(list, "'implementations' must be a list"));
      for (const auto& item : list) {
        protocol.implementations.push_back(ST_TRY(ReadImplementation(item)));
      }
    }
    YAML::Node history = node["history"];
    if (!history || !history.IsSequence() || history.size() == 0) {
      return Fail(Invalid(node, fmt::format("{} needs a 'history' list with at least its first "
                                            "stage, e.g. - {{at: 2017-03-01, to: design}}",
                                            what)));
    }
    for (const auto& item : history) {
      ST_TRY(ExpectMap(item, "a history entry"));
      ST_TRY(OnlyKeys(item, "a history entry",
                      {"at", "by", "from", "to", "proposal", "reason", "commit"}));
      StageChange change;
      change.at = ST_TRY(Instant(item, "at", "a history entry"));
      change.to = ST_TRY(Stage(item, "to", "a history entry", process));
      change.by = ST_TRY(String(item, "by"));
      change.reason = ST_TRY(String(item, "reason"));
      change.commit = ST_TRY(String(item, "commit"));
      std::string proposal = ST_TRY(String(item, "proposal"));
      if (!proposal.empty()) {
        try {
          change.proposal_id = std::stoll(proposal);
        } catch (const std::exception&) {
          return Fail(Invalid(item["proposal"], "'proposal' must be a proposal number"));
        }
      }
      if (!protocol.history.empty()) {
        change.from = protocol.history.back().to;
        if (change.at < protocol.history.back().at) {
          return Fail(
              Invalid(item, fmt::format("{}: history entries must be in time order", what)));
        }
      }
      protocol.history.push_back(std::move(change));
    }
    std::string stage = ST_TRY(String(node, "stage"));
    if (stage.empty()) {
      protocol.stage = protocol.history.back().to;
    } else {
      protocol.stage = ST_TRY(Stage(node, "stage", what, process));
      if (protocol.stage != protocol.history.back().to) {
        return Fail(Invalid(node["stage"],
                            fmt::format("{} is at stage '{}' but its history ends at '{}': make "
                                        "them agree or leave 'stage' out",
                                        what, protocol.stage, protocol.history.back().to)));
      }
    }
    if (YAML::Node waivers = node["waivers"]; waivers && !waivers.IsNull()) {
      if (!waivers.IsSequence()) return Fail(Malformed(waivers, "'waivers' must be a list"));
      for (const auto& item : waivers) {
        ST_TRY(ExpectMap(item, "a waiver"));
        ST_TRY(OnlyKeys(item, "a waiver", {"stage", "criterion", "by", "at", "reason"}));
        CriterionWaiver waiver;
        waiver.stage = ST_TRY(Stage(item, "stage", "a waiver", process));
        waiver.criterion = ST_TRY(Required(item, "criterion", "a waiver"));
        bool known = false;
        for (const auto& criterion : process.FindStage(waiver.stage)->entry_criteria) {
          if (criterion.id == waiver.criterion) known = true;
        }
        if (!known) {
          return Fail(
              Invalid(item["criterion"], fmt::format("stage '{}' has no entry criterion '{}'",
                                                     waiver.stage, waiver.criterion)));
        }
        waiver.by = ST_TRY(String(item, "by"));
        waiver.at = ST_TRY(Instant(item, "at", "a waiver"));
        waiver.reason = ST_TRY(Required(item, "reason", "a waiver"));
        protocol.waivers.push_back(std::move(waiver));
      }
    }
    return protocol;
  }

  Result<ProtocolsFile> ReadFile(const YAML::Node& root, const ProtocolProcess& process) const {
    ProtocolsFile file;
    if (!root || root.IsNull()) return file;
    ST_TRY(ExpectMap(root, "the file"));
    std::set<std::string> names;
    if (YAML::Node list = root["protocols"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return Fail(Malformed(list, "'protocols' must be a list"));
      for (const auto& item : list) {
        Protocol protocol = ST_TRY(ReadProtocol(item, process));
        if (!names.insert(protocol.name).second) {
          return Fail(Invalid(item, fmt::format("protocol {} is listed twice", protocol.name)));
        }
        file.protocols.push_back(std::move(protocol));
      }
    }
    if (YAML::Node list = root["releases"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return Fail(Malformed(list, "'releases' must be a list"));
      for (const auto& item : list) {
        ST_TRY(ExpectMap(item, "a release"));
        Release release;
        release.version = ST_TRY(Required(item, "version", "a release"));
        // The project-file schema names the date `release`; `date` is the older name.
        const char* key = item["release"] ? "release" : "date";
        std::string date = ST_TRY(Required(item, key, "a release"));
        auto parsed = ParseDate(date);
        if (!parsed) return Fail(Invalid(item[key], parsed.error().message()));
        release.release = *parsed;
        file.releases.push_back(std::move(release));
      }
    }
    return file;
  }

 private:
  std::string file_name_;
};

}  // namespace

Result<Protocol> ReadProtocolNode(const YAML::Node& node, std::string_view file_name,
                                  const ProtocolProcess& process) {
  Reader reader(file_name);
  try {
    return reader.ReadProtocol(node, process);
  } catch (const YAML::Exception& error) {
    return Fail(Error(ErrorCode::kCorruption, error.msg, reader.Where(node)));
  }
}

Result<ProtocolsFile> ParseProtocolsYaml(std::string_view text, std::string_view file_name,
                                         const ProtocolProcess& process) {
  Reader reader(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
    return reader.ReadFile(root, process);
  } catch (const YAML::Exception& error) {
    std::string where = std::string(file_name);
    if (!error.mark.is_null()) {
      where = fmt::format("{}:{}:{}", file_name, error.mark.line + 1, error.mark.column + 1);
    }
    return Fail(Error(ErrorCode::kCorruption, error.msg, where));
  }
}

Result<ProtocolsFile> LoadProtocolsYaml(const std::string& path, const ProtocolProcess& process) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::IoError("cannot open the file for reading", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Fail(Error::IoError("cannot read the file", path));
  return ParseProtocolsYaml(text.str(), path, process);
}

}  // namespace stocktake
