#pragma once

// Views of PV protocols, lazy-consensus proposals and lifecycle alerts. States
// are evaluated at the view's `now`, so a view is exact for any instant. Plain
// values, built from a Store by the Build* functions and printed by a Printer
// (printer.h); copy them between threads freely.

#include <cstdint>
#include <string>
#include <vector>

#include "stocktake/analysis/lifecycle_check.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/report/design_check.h"
#include "stocktake/report/support_matrix.h"
#include "stocktake/result.h"
#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"
#include "stocktake/view/evidence.h"
#include "stocktake/view/planning.h"

namespace stocktake::view {

/// A protocol with what its JSON and pages need: the process (stage names,
/// entry criteria) and its proposals, evaluated at `now`.
struct ProtocolState {
  Protocol protocol;
  ProtocolProcess process;
  std::vector<Proposal> proposals;
  Timestamp now{};
};

/// `protocol list`: every protocol; `proposals` are all proposals.
struct ProtocolList {
  std::vector<Protocol> protocols;
  ProtocolProcess process;
  std::vector<Proposal> proposals;
  Timestamp now{};
};

/// `protocol show`: a protocol's page, with its linked evidence.
struct ProtocolShow {
  ProtocolState state;
  LinkedEvidence evidence;
};

/// A proposal evaluated at `now` (`proposal show` and every proposal write).
struct ProposalState {
  Proposal proposal;
  ProtocolProcess process;
  Timestamp now{};
};

/// `proposal list`.
struct ProposalList {
  std::vector<Proposal> proposals;
  ProtocolProcess process;
  Timestamp now{};
};

/// `protocol check`: stalled protocols, proposals waiting for the Czar,
/// lapsing objections.
struct LifecycleCheck {
  Timestamp as_of{};
  std::vector<LifecycleAlert> alerts;
};

/// `object`: the objection just raised (it is live).
struct ObjectionRaised {
  std::int64_t id = 0;
  std::int64_t proposal = 0;
};

/// `design-check FILE`.
struct DesignCheckShow {
  DesignCheck check;
  std::string document;  ///< The file name, as given.
};

/// The protocol `protocol` with its process and proposals at `now`; store
/// errors only.
[[nodiscard]] Result<ProtocolState> BuildProtocolState(Store& store, Protocol protocol,
                                                       Timestamp now);
/// Every protocol at `now`; store errors only.
[[nodiscard]] Result<ProtocolList> BuildProtocolList(Store& store, Timestamp now);
/// The protocol `name` at `now` with its evidence; kNotFound when unknown.
[[nodiscard]] Result<ProtocolShow> BuildProtocolShow(Store& store, const std::string& name,
                                                     Timestamp now);
/// Every event of protocol `name`; kNotFound when unknown.
[[nodiscard]] Result<EventLog> BuildProtocolHistory(Store& store, const std::string& name);
/// `proposal` evaluated at `now`; store errors only.
[[nodiscard]] Result<ProposalState> BuildProposalState(Store& store, Proposal proposal,
                                                       Timestamp now);
/// Proposal number `id` at `now`; kNotFound when unknown.
[[nodiscard]] Result<ProposalState> BuildProposalShow(Store& store, std::int64_t id, Timestamp now);
/// The proposals of `protocol` (all when empty) at `now`.
[[nodiscard]] Result<ProposalList> BuildProposalList(Store& store, const std::string& protocol,
                                                     Timestamp now);
/// Every lifecycle alert at `now`; store errors only.
[[nodiscard]] Result<LifecycleCheck> BuildLifecycleCheck(Store& store, Timestamp now);
/// Each protocol's stage at each release's date; store errors only.
[[nodiscard]] Result<SupportMatrix> BuildSupportMatrix(Store& store);

}  // namespace stocktake::view
