#pragma once

// ProtocolProcess: the lifecycle part of a project's process, i.e. the stages
// protocols move through, their entry criteria and the lazy-consensus windows.
// The default is the Xen PV drivers lifecycle (Design → Prototype → Production)
// with 7-day windows; an Apache-style 72-hour vote or a Kubernetes-style
// alpha/beta/stable ladder is expressed by other values, not other code.
// Windows and time frames are TimeSpans (util/time_span.h).
// All types here are values; read-only use from several threads is safe.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/util/time_span.h"

namespace stocktake {

/// Known criterion ids that libstocktake can check against a protocol's
/// evidence (see process/stage_criteria.h). A stage may name other ids; those
/// have no automatic evidence and are met only by a waiver.
namespace criterion_id {
inline constexpr char kDesignCommitted[] = "design-committed";
inline constexpr char kFrontendCommitted[] = "frontend-committed";
inline constexpr char kBackendCommitted[] = "backend-committed";
inline constexpr char kCompatPromises[] = "compat-promises";
inline constexpr char kVersionRecorded[] = "version-recorded";
}  // namespace criterion_id

/// One condition a protocol must satisfy to enter a stage.
struct StageCriterion {
  std::string id;           ///< "design-committed".
  std::string description;  ///< What it means, shown by `protocol show`.

  bool operator==(const StageCriterion&) const = default;
};

/// One stage of the lifecycle.
struct StageDefinition {
  std::string id;    ///< "prototype": lower case, used in files and commands.
  std::string name;  ///< "Prototype": shown in reports.
  /// The "reasonable time frame" a protocol may stay in this stage before it
  /// is flagged as stalled. Zero: no limit (the last stage).
  TimeSpan time_frame;
  /// The SUPPORT.md-style status of a protocol in this stage: "Experimental /
  /// Tech Preview", "Supported"; empty when the stage ships nothing.
  std::string support_label;
  /// What must hold to enter this stage from the previous one.
  std::vector<StageCriterion> entry_criteria;

  bool operator==(const StageDefinition&) const = default;
};

struct ProtocolProcess {
  /// Ordered; a protocol moves one stage at a time to the next.
  std::vector<StageDefinition> stages = DefaultStages();
  /// How long a proposal stays open for objections (per-proposal override possible).
  TimeSpan proposal_window = TimeSpan::Days(7);
  /// How long an objector has to respond once their objection is answered.
  TimeSpan responsiveness_window = TimeSpan::Days(7);
  /// How long a passed proposal may wait for the Czar before it is flagged.
  TimeSpan czar_wait_limit = TimeSpan::Days(7);
  /// Answered objections that lapse within this span are flagged.
  TimeSpan lapse_warning = TimeSpan::Days(2);
  /// An objection's reason needs at least this many words, three of them
  /// different: a sentence that says what is wrong and where ("no no no"
  /// is not one).
  int objection_min_words = 5;

  bool operator==(const ProtocolProcess&) const = default;

  /// The stage with `id`, or nullptr.
  const StageDefinition* FindStage(std::string_view id) const;
  /// Position of `id` in `stages`, -1 when unknown.
  int StageIndex(std::string_view id) const;
  /// The stage after `id`, or nullptr when `id` is the last or unknown.
  const StageDefinition* NextStage(std::string_view id) const;
  /// All stage ids, comma separated, for error messages.
  std::string StageIds() const;
  /// The display name of stage `id`, or `id` itself when unknown.
  std::string StageName(std::string_view id) const;

  /// The Xen stages: design, prototype (6 months in design allowed before,
  /// criteria design-committed), production (frontend-committed,
  /// backend-committed, compat-promises, version-recorded).
  static std::vector<StageDefinition> DefaultStages();
};

/// The Xen PV drivers lifecycle: Design (6 months) → Prototype (12 months) →
/// Production, 7-day proposal, responsiveness and Czar-wait windows.
ProtocolProcess XenProtocolProcess();

/// The stages of `lifecycle` as a JSON array of {id, name, time_frame,
/// support, entry_criteria[{id, description}]}: how the store keeps them and
/// how an import compares them.
std::string StagesJson(const ProtocolProcess& lifecycle);

}  // namespace stocktake
