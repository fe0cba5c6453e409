#pragma once

// Event: one row of the append-only log. Every change the store accepts writes
// one in the same transaction; history, audit and "changes since" read it.
// A value type.

#include <cstdint>
#include <string>

#include "stocktake/util/time.h"

namespace stocktake {

/// Event kinds written by libstocktake.
namespace event_kind {
inline constexpr char kProjectConfigured[] = "project.configured";
inline constexpr char kPersonSaved[] = "person.saved";
inline constexpr char kReleaseAdded[] = "release.added";
inline constexpr char kReleaseUpdated[] = "release.updated";
inline constexpr char kReleaseSlipped[] = "release.slipped";
/// An intervention in a release's features (`to` is its kind, `reason` its
/// text, `detail` {"features": [slugs]}).
inline constexpr char kReleaseIntervention[] = "release.intervention";
/// The release shipped (`to` is the date it was released on).
inline constexpr char kReleaseShipped[] = "release.shipped";
inline constexpr char kFeatureAdded[] = "feature.added";
inline constexpr char kFeatureUpdated[] = "feature.updated";
inline constexpr char kFeatureStatus[] = "feature.status";
inline constexpr char kProtocolAdded[] = "protocol.added";
inline constexpr char kProtocolUpdated[] = "protocol.updated";
/// A protocol moved to another stage (from/to are stage ids).
inline constexpr char kProtocolStage[] = "protocol.stage";
/// The Czar waived an entry criterion (to is "stage/criterion").
inline constexpr char kProtocolWaiver[] = "protocol.waiver";
inline constexpr char kProposalOpened[] = "proposal.opened";
/// An action on a proposal: `to` is the action kind, `detail` its fields.
inline constexpr char kProposalAction[] = "proposal.action";
/// The Czar confirmed a draft objection (the objection's own proposal.action
/// event names its sender).
inline constexpr char kDraftObjectionConfirmed[] = "draft-objection.confirmed";
inline constexpr char kDraftObjectionDismissed[] = "draft-objection.dismissed";
}  // namespace event_kind

struct Event {
  std::int64_t id = 0;      ///< Assigned by the store, increasing.
  Timestamp at{};           ///< When the change happened (may be in the past for imports).
  Timestamp recorded_at{};  ///< When the store wrote it.
  std::string actor;        ///< E-mail of who made the change.
  std::string kind;         ///< One of event_kind.
  std::string release;      ///< Release version it concerns, if any.
  std::string subject;      ///< Feature slug, release version, e-mail… the thing changed.
  std::string from;         ///< Previous value (status, date), if any.
  std::string to;           ///< New value, if any.
  std::string reason;       ///< Why, if given.
  std::string detail;       ///< JSON object with further fields, or empty.
};

}  // namespace stocktake
