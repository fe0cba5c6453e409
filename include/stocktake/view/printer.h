#pragma once

// One printer for every view, with a text and a JSON implementation, in the
// way notmuch's sprinter serves every output format: a command (or an HTTP
// handler) builds a view, then hands it to whichever Printer the caller chose,
// and never formats output itself. The text printer writes what a person
// reads at a terminal; the JSON printer writes the shapes of
// docs/api-schema.md, one value per Print, and never throws: bytes that are
// not UTF-8 come out as U+FFFD.
//
// Unlike sprinter's map/list/string calls, the interface takes whole typed
// views: our text pages are laid out by hand (aligned columns, headings), and
// a typed call lets the compiler check that both formats print every view.
//
// A Printer writes to the std::ostream it was made with, which must outlive
// it. Use one Printer from one thread at a time.

#include <memory>
#include <ostream>
#include <string>

#include "stocktake/report/taking_stock.h"
#include "stocktake/view/accounts.h"
#include "stocktake/view/evidence.h"
#include "stocktake/view/lifecycle.h"
#include "stocktake/view/planning.h"

namespace stocktake::view {

/// What a write prints: one sentence for people, the changed value for
/// scripts. The text printer prints `message` (a proposal adds its state); the
/// JSON printer prints `value`.
template <typename T>
struct Changed {
  std::string message;
  T value;
};

class Printer {
 public:
  virtual ~Printer() = default;

  // Planning.
  virtual void Print(const PersonList& view) = 0;
  virtual void Print(const ReleaseList& view) = 0;
  virtual void Print(const ReleaseShow& view) = 0;
  virtual void Print(const FeatureList& view) = 0;
  virtual void Print(const FeatureShow& view) = 0;
  virtual void Print(const EventLog& view) = 0;
  virtual void Print(const EventFeed& view) = 0;
  virtual void Print(const ReleaseCheck& view) = 0;
  virtual void Print(const ImportReport& view) = 0;
  virtual void Print(const ImportDryRun& view) = 0;
  /// The Taking-stock report: the text is RenderTakingStockText's, byte for byte.
  virtual void Print(const TakingStock& view) = 0;

  // Protocols and lazy consensus.
  virtual void Print(const ProtocolList& view) = 0;
  virtual void Print(const ProtocolShow& view) = 0;
  virtual void Print(const ProposalList& view) = 0;
  virtual void Print(const ProposalState& view) = 0;
  virtual void Print(const LifecycleCheck& view) = 0;
  virtual void Print(const DesignCheckShow& view) = 0;
  virtual void Print(const SupportMatrix& view) = 0;

  // Evidence.
  virtual void Print(const SeriesList& view) = 0;
  virtual void Print(const ThreadShow& view) = 0;
  virtual void Print(const EvidenceStats& view) = 0;
  virtual void Print(const DraftObjectionList& view) = 0;
  virtual void Print(const IngestReport& view) = 0;

  // Accounts of the server.
  virtual void Print(const TokenList& view) = 0;

  // Writes.
  virtual void Print(const Changed<InitDone>& view) = 0;
  virtual void Print(const Changed<MigrateDone>& view) = 0;
  virtual void Print(const Changed<Person>& view) = 0;
  virtual void Print(const Changed<Release>& view) = 0;
  virtual void Print(const Changed<Intervention>& view) = 0;
  virtual void Print(const Changed<Feature>& view) = 0;
  virtual void Print(const Changed<ProtocolState>& view) = 0;
  virtual void Print(const Changed<ProposalState>& view) = 0;
  virtual void Print(const Changed<ObjectionRaised>& view) = 0;
  virtual void Print(const Changed<DraftSettled>& view) = 0;
  /// `token create`: the text shows the secret on a line of its own, the
  /// JSON in "token"; nothing else ever shows it.
  virtual void Print(const Changed<NewToken>& view) = 0;
  /// `token revoke`.
  virtual void Print(const Changed<ApiToken>& view) = 0;
};

enum class Format { kText, kJson };

/// A printer of `format` writing to `out`, which must outlive it.
std::unique_ptr<Printer> MakePrinter(Format format, std::ostream& out);

}  // namespace stocktake::view
