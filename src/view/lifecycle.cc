#include "stocktake/view/lifecycle.h"

#include "stocktake/service/lifecycle.h"

namespace stocktake::view {

Result<ProtocolState> BuildProtocolState(Store& store, Protocol protocol, Timestamp now) {
  Lifecycle lifecycle(store);
  ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
  std::vector<Proposal> proposals = ST_TRY(lifecycle.ListProposals(protocol.name));
  return ProtocolState{std::move(protocol), std::move(process), std::move(proposals), now};
}

Result<ProtocolList> BuildProtocolList(Store& store, Timestamp now) {
  Lifecycle lifecycle(store);
  ProtocolList view;
  view.process = ST_TRY(lifecycle.LoadProcess());
  view.protocols = ST_TRY(lifecycle.ListProtocols());
  view.proposals = ST_TRY(lifecycle.ListProposals(""));
  view.now = now;
  return view;
}

Result<ProtocolShow> BuildProtocolShow(Store& store, const std::string& name, Timestamp now) {
  Lifecycle lifecycle(store);
  Protocol protocol = ST_TRY(lifecycle.FindProtocol(name));
  ProtocolState state = ST_TRY(BuildProtocolState(store, std::move(protocol), now));
  LinkedEvidence evidence =
      ST_TRY(BuildLinkedEvidence(store, EvidenceOwnerKind::kProtocol, state.protocol.name));
  return ProtocolShow{std::move(state), std::move(evidence)};
}

Result<EventLog> BuildProtocolHistory(Store& store, const std::string& name) {
  Lifecycle lifecycle(store);
  return EventLog{ST_TRY(lifecycle.ProtocolHistory(name))};
}

Result<ProposalState> BuildProposalState(Store& store, Proposal proposal, Timestamp now) {
  Lifecycle lifecycle(store);
  return ProposalState{std::move(proposal), ST_TRY(lifecycle.LoadProcess()), now};
}

Result<ProposalState> BuildProposalShow(Store& store, std::int64_t id, Timestamp now) {
  Lifecycle lifecycle(store);
  ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
  return ProposalState{ST_TRY(lifecycle.FindProposal(id)), std::move(process), now};
}

Result<ProposalList> BuildProposalList(Store& store, const std::string& protocol, Timestamp now) {
  Lifecycle lifecycle(store);
  ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
  return ProposalList{ST_TRY(lifecycle.ListProposals(protocol)), std::move(process), now};
}

Result<LifecycleCheck> BuildLifecycleCheck(Store& store, Timestamp now) {
  Lifecycle lifecycle(store);
  return LifecycleCheck{now, ST_TRY(lifecycle.Check(now))};
}

Result<SupportMatrix> BuildSupportMatrix(Store& store) {
  Lifecycle lifecycle(store);
  ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
  return ComputeSupportMatrix(ST_TRY(store.ListProtocols()), ST_TRY(store.ListReleases()), process);
}

}  // namespace stocktake::view
