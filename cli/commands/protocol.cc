// stocktake protocol add|list|show|history|set|impl|waive|check; design-check;
// support-matrix

#include <fmt/format.h>

#include <functional>
#include <sstream>

#include "cli/cli.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/util/limits.h"

namespace stocktake::cli {
namespace {

// The sentence a write prints, phrased from the protocol's state (stage
// names come from the process in the view, not from a second read).
using ProtocolSentence = std::function<std::string(const view::ProtocolState&)>;

// A write's result: the protocol now, with its process and proposals.
Result<int> PrintProtocol(Invocation& run, Protocol protocol, const ProtocolSentence& sentence) {
  view::ProtocolState state =
      ST_TRY(view::BuildProtocolState(*run.store, std::move(protocol), run.context.now));
  std::string message = sentence(state);
  run.printer.Print(view::Changed<view::ProtocolState>{std::move(message), std::move(state)});
  return kExitOk;
}

Result<Implementation> MakeImplementation(const std::string& code_base, const std::string& role,
                                          const std::string& state,
                                          const std::vector<std::string>& refs) {
  Implementation implementation;
  implementation.code_base = code_base;
  auto parsed_role = ParseImplementationRole(role);
  if (!parsed_role) {
    return Fail(
        Error::InvalidArgument(fmt::format("unknown role '{}': use frontend or backend", role)));
  }
  auto parsed_state = ParseImplementationState(state);
  if (!parsed_state) {
    return Fail(Error::InvalidArgument(
        fmt::format("unknown state '{}': use none, posted or committed", state)));
  }
  implementation.role = *parsed_role;
  implementation.state = *parsed_state;
  implementation.refs = refs;
  return implementation;
}

}  // namespace

Runner DeclareProtocolAdd(CLI::App& command) {
  auto draft = std::make_shared<Protocol>();
  command.add_option("name", draft->name, "e.g. pvcalls")->required();
  command.add_option("--stage", draft->stage, "its stage now (default: the first, design)");
  command.add_option("--summary", draft->summary, "one line saying what it is");
  command.add_option("--owner", draft->owners, "owner e-mail (repeatable)");
  return [draft](Invocation& run) -> Result<int> {
    Lifecycle lifecycle(*run.store);
    Protocol added = ST_TRY(lifecycle.AddProtocol(run.context, *draft));
    return PrintProtocol(run, added, [](const view::ProtocolState& state) {
      return fmt::format("Added protocol {} at stage {}.", state.protocol.name,
                         state.process.StageName(state.protocol.stage));
    });
  };
}

Runner DeclareProtocolList(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildProtocolList(*run.store, run.context.now)));
    return kExitOk;
  };
}

Runner DeclareProtocolShow(CLI::App& command) {
  auto name = std::make_shared<std::string>();
  command.add_option("name", *name, "protocol name")->required();
  return [name](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildProtocolShow(*run.store, *name, run.context.now)));
    return kExitOk;
  };
}

Runner DeclareProtocolHistory(CLI::App& command) {
  auto name = std::make_shared<std::string>();
  command.add_option("name", *name, "protocol name")->required();
  return [name](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildProtocolHistory(*run.store, *name)));
    return kExitOk;
  };
}

Runner DeclareProtocolSet(CLI::App& command) {
  struct Options {
    std::string name;
    ProtocolUpdate update;
    std::vector<std::string> owners;
  };
  auto options = std::make_shared<Options>();
  ProtocolUpdate& given = options->update;
  command.add_option("name", options->name, "protocol name")->required();
  command.add_option("--summary", given.summary, "one line saying what it is");
  command.add_option("--design-doc", given.design_path, "path of the design document");
  command.add_option("--design-commit", given.design_commit,
                     "the xen.git commit that added the design document");
  command.add_option("--version", given.version, "the protocol (spec/ABI) version");
  command.add_option("--compat", given.compat_promises,
                     "the backward and cross-platform compatibility promises");
  command.add_option("--owner", options->owners, "owner e-mail (repeatable; replaces the list)");
  return [options](Invocation& run) -> Result<int> {
    ProtocolUpdate update = options->update;
    if (!options->owners.empty()) update.owners = options->owners;
    Lifecycle lifecycle(*run.store);
    Protocol protocol = ST_TRY(lifecycle.UpdateProtocol(run.context, options->name, update));
    return PrintProtocol(run, protocol, [](const view::ProtocolState& state) {
      return fmt::format("Updated protocol {}.", state.protocol.name);
    });
  };
}

Runner DeclareProtocolImpl(CLI::App& command) {
  struct Options {
    std::string name, code_base, role, state = "posted";
    std::vector<std::string> refs;
  };
  auto options = std::make_shared<Options>();
  command.add_option("name", options->name, "protocol name")->required();
  command.add_option("--code-base", options->code_base, "Linux, QEMU, Xen, FreeBSD, …")->required();
  command.add_option("--role", options->role, "frontend or backend")->required();
  command.add_option("--state", options->state, "none, posted or committed (default posted)");
  command.add_option("--ref", options->refs,
                     "a commit, message-id or URL that shows it (repeatable)");
  return [options](Invocation& run) -> Result<int> {
    Implementation implementation = ST_TRY(
        MakeImplementation(options->code_base, options->role, options->state, options->refs));
    Lifecycle lifecycle(*run.store);
    Protocol protocol =
        ST_TRY(lifecycle.SetImplementation(run.context, options->name, implementation));
    return PrintProtocol(run, protocol, [&implementation](const view::ProtocolState& state) {
      return fmt::format("Recorded the {} {} of {} as {}.", implementation.code_base,
                         ImplementationRoleName(implementation.role), state.protocol.name,
                         ImplementationStateName(implementation.state));
    });
  };
}

Runner DeclareProtocolWaive(CLI::App& command) {
  struct Options {
    std::string name, criterion, reason, stage;
  };
  auto options = std::make_shared<Options>();
  command.add_option("name", options->name, "protocol name")->required();
  command.add_option("--criterion", options->criterion, "e.g. backend-committed")->required();
  command.add_option("--reason", options->reason, "why the protocol may do without it");
  command.add_option("--stage", options->stage, "the stage it is waived for (default: next)");
  return [options](Invocation& run) -> Result<int> {
    Lifecycle lifecycle(*run.store);
    Protocol protocol = ST_TRY(lifecycle.Waive(run.context, options->name, options->criterion,
                                               options->reason, options->stage));
    return PrintProtocol(run, protocol, [](const view::ProtocolState& state) {
      const CriterionWaiver& waiver = state.protocol.waivers.back();
      return fmt::format("Waived {} for {} entering {}: {}", waiver.criterion, state.protocol.name,
                         state.process.StageName(waiver.stage), waiver.reason);
    });
  };
}

Runner DeclareProtocolCheck(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    view::LifecycleCheck check = ST_TRY(view::BuildLifecycleCheck(*run.store, run.context.now));
    run.printer.Print(check);
    return check.alerts.empty() ? kExitOk : kExitAlerts;
  };
}

Runner DeclareDesignCheck(CLI::App& command) {
  auto file = std::make_shared<std::string>();
  command.add_option("file", *file, "a Markdown or pandoc document")->required();
  return [file](Invocation& run) -> Result<int> {
    std::string text = ST_TRY(ReadFile(*file, kMaxDesignDocumentBytes, "design document"));
    view::DesignCheckShow check{CheckDesignDocument(text), *file};
    run.printer.Print(check);
    return check.check.Passes() ? kExitOk : kExitAlerts;
  };
}

Runner DeclareSupportMatrix(CLI::App& command) {
  struct Options {
    std::string format = "text", output;
  };
  auto options = std::make_shared<Options>();
  command.add_option("--format", options->format, "text, markdown, html or json");
  command.add_option("-o,--output", options->output, "file to write (default: stdout)");
  return [options](Invocation& run) -> Result<int> {
    MatrixFormat format = ST_TRY(ParseMatrixFormat(run.options.json ? "json" : options->format));
    SupportMatrix matrix = ST_TRY(view::BuildSupportMatrix(*run.store));
    std::ostringstream out;
    if (format == MatrixFormat::kText || format == MatrixFormat::kJson) {
      // The two printer formats; -o may send them to a file.
      view::MakePrinter(format == MatrixFormat::kJson ? view::Format::kJson : view::Format::kText,
                        out)
          ->Print(matrix);
    } else {
      std::string text = RenderSupportMatrix(matrix, format);
      if (!text.empty() && text.back() != '\n') text.push_back('\n');
      out << view::TerminalSafe(text);
    }
    ST_TRY(WriteOutput(options->output, out.str()));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
