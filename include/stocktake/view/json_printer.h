#pragma once

// The JSON Printer: one indented JSON value per Print, in the shapes of
// docs/api-schema.md, followed by a newline. It never throws: text that is not
// valid UTF-8 is printed with U+FFFD in place of the bad bytes.

#include <nlohmann/json.hpp>
#include <ostream>

#include "stocktake/view/printer.h"

namespace stocktake::view {

/// `value` as indented JSON; invalid UTF-8 becomes U+FFFD instead of throwing.
std::string DumpJson(const nlohmann::json& value);

class JsonPrinter final : public Printer {
 public:
  /// `out` must outlive the printer.
  explicit JsonPrinter(std::ostream& out) : out_(out) {}

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
  void Write(const nlohmann::json& value);

  std::ostream& out_;
};

/// The JSON of a linked-evidence block (`evidence` in `feature show`).
nlohmann::json LinkedEvidenceJson(const LinkedEvidence& evidence);

}  // namespace stocktake::view
