#pragma once

// The text Printer: what a person reads at a terminal, laid out as the CLI
// has always printed it (tests/integration/*.sh check these lines). Stored
// text passes through a TerminalSafeBuffer: control characters are shown,
// never sent to the terminal.

#include <ostream>

#include "stocktake/view/printer.h"
#include "stocktake/view/terminal_safe.h"

namespace stocktake::view {

class TextPrinter final : public Printer {
 public:
  /// `out` must outlive the printer.
  explicit TextPrinter(std::ostream& out) : safe_buffer_(out.rdbuf()), out_(&safe_buffer_) {}

  void Print(const PersonList& view) override;
  void Print(const ReleaseList& view) override;
  void Print(const ReleaseShow& view) override;
  void Print(const FeatureList& view) override;
  void Print(const FeatureShow& view) override;
  void Print(const EventLog& view) override;
  void Print(const EventFeed& view) override;
  void Print(const ReleaseCheck& view) override;
  void Print(const ImportReport& view) override;
  void Print(const ImportDryRun& view) override;
  void Print(const TakingStock& view) override;
  void Print(const ProtocolList& view) override;
  void Print(const ProtocolShow& view) override;
  void Print(const ProposalList& view) override;
  void Print(const ProposalState& view) override;
  void Print(const LifecycleCheck& view) override;
  void Print(const DesignCheckShow& view) override;
  void Print(const SupportMatrix& view) override;
  void Print(const SeriesList& view) override;
  void Print(const ThreadShow& view) override;
  void Print(const EvidenceStats& view) override;
  void Print(const DraftObjectionList& view) override;
  void Print(const IngestReport& view) override;
  void Print(const Changed<InitDone>& view) override;
  void Print(const Changed<MigrateDone>& view) override;
  void Print(const Changed<Person>& view) override;
  void Print(const Changed<Release>& view) override;
  void Print(const Changed<Intervention>& view) override;
  void Print(const Changed<Feature>& view) override;
  void Print(const Changed<ProtocolState>& view) override;
  void Print(const Changed<ProposalState>& view) override;
  void Print(const Changed<ObjectionRaised>& view) override;
  void Print(const Changed<DraftSettled>& view) override;
  void Print(const TokenList& view) override;
  void Print(const Changed<NewToken>& view) override;
  void Print(const Changed<ApiToken>& view) override;

 private:
  TerminalSafeBuffer safe_buffer_;
  std::ostream out_;  // Writes through safe_buffer_.
};

}  // namespace stocktake::view
