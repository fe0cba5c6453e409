// stocktake series list; thread show MESSAGE-ID; stats;
// draft-objection list|confirm|dismiss

#include <fmt/format.h>

#include "cli/cli.h"
#include "stocktake/service/lifecycle.h"

namespace stocktake::cli {
namespace {

// confirm and dismiss differ only in the decision they record.
Runner DeclareSettleDraft(CLI::App& command, bool confirm) {
  auto message_id = std::make_shared<std::string>();
  command.add_option("message-id", *message_id, "the NAK's Message-ID")->required();
  return [message_id, confirm](Invocation& run) -> Result<int> {
    std::string id = view::BareMessageId(*message_id);
    Lifecycle lifecycle(*run.store);
    std::int64_t objection = ST_TRY(lifecycle.SettleDraftObjection(run.context, id, confirm));
    std::string message =
        confirm ? fmt::format("Objection {} recorded from the NAK <{}>.", objection, id)
                : fmt::format("Dismissed the draft objection from <{}>.", id);
    run.printer.Print(view::Changed<view::DraftSettled>{message, {id, confirm, objection}});
    return kExitOk;
  };
}

}  // namespace

Runner DeclareSeriesList(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildSeriesList(*run.store)));
    return kExitOk;
  };
}

Runner DeclareThreadShow(CLI::App& command) {
  auto message_id = std::make_shared<std::string>();
  command.add_option("message-id", *message_id, "a Message-ID, with or without <>")->required();
  return [message_id](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildThreadShow(*run.store, *message_id)));
    return kExitOk;
  };
}

Runner DeclareStats(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildEvidenceStats(*run.store)));
    return kExitOk;
  };
}

Runner DeclareDraftObjectionList(CLI::App& command) {
  auto proposal = std::make_shared<std::int64_t>(0);
  command.add_option("--proposal", *proposal, "only this proposal's");
  return [proposal](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildDraftObjectionList(*run.store, *proposal)));
    return kExitOk;
  };
}

Runner DeclareDraftObjectionConfirm(CLI::App& command) { return DeclareSettleDraft(command, true); }

Runner DeclareDraftObjectionDismiss(CLI::App& command) {
  return DeclareSettleDraft(command, false);
}

}  // namespace stocktake::cli
