// stocktake person passwd; stocktake token create|list|revoke: the accounts
// of `stocktake serve` (docs/api.md, "Authentication").

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/cli.h"
#include "stocktake/service/accounts.h"

namespace stocktake::cli {
namespace {

// One line of standard input, without its line end; echo off while a person
// types it at a terminal.
Result<std::string> ReadSecretLine(const std::string& prompt) {
  bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << prompt << std::flush;
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  bool read = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!read) return Fail(Error::InvalidArgument("no password given: standard input ended"));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> ReadNewPassword(const std::string& email) {
  std::string password = ST_TRY(ReadSecretLine(fmt::format("New password for {}: ", email)));
  if (isatty(STDIN_FILENO) != 0) {
    std::string again = ST_TRY(ReadSecretLine("Again: "));
    if (again != password) return Fail(Error::InvalidArgument("the two passwords differ"));
  }
  return password;
}

}  // namespace

Runner DeclarePersonPasswd(CLI::App& command) {
  auto email = std::make_shared<std::string>();
  command.add_option("email", *email, "whose password: your own, or anyone's for an admin")
      ->required();
  command.footer(
      "The password is read from the terminal with echo off, or as one line of standard input "
      "(e.g. from a password manager). It signs in to 'stocktake serve' (POST /api/v1/session).");
  return [email](Invocation& run) -> Result<int> {
    std::string password = ST_TRY(ReadNewPassword(*email));
    Accounts accounts(*run.store);
    ST_TRY(accounts.SetPassword(run.context, *email, password));
    Person person = ST_TRY(run.store->FindPerson(*email)).value_or(Person{*email, "", {}, {}});
    run.printer.Print(
        view::Changed<Person>{fmt::format("Set the password of {}.", person.Mailbox()), person});
    return kExitOk;
  };
}

Runner DeclareTokenCreate(CLI::App& command) {
  struct Options {
    std::string name, expires, scope = "read";
  };
  auto options = std::make_shared<Options>();
  command.add_option("--name", options->name, "what the token is for, e.g. ci")->required();
  command
      .add_option("--expires", options->expires,
                  "when it stops working, DATE or DATETIME (default: never)")
      ->check(IsoDateTime());
  command.add_option("--scope", options->scope, "read (default) or write")
      ->check(CLI::IsMember({"read", "write"}));
  return [options](Invocation& run) -> Result<int> {
    TokenRequest request;
    request.name = options->name;
    request.scope = ParseTokenScope(options->scope).value_or(TokenScope::kRead);
    if (!options->expires.empty()) {
      auto at = ParseTimestamp(options->expires);
      if (!at) return Fail(Error::InvalidArgument("--expires: " + at.error().message()));
      request.expires_at = *at;
    }
    NewToken made = ST_TRY(Accounts(*run.store).CreateToken(run.context, request));
    run.printer.Print(view::Changed<NewToken>{
        fmt::format("Made token {} '{}' for {} ({}, {}):", made.token.id, made.token.name,
                    made.token.person, TokenScopeName(made.token.scope),
                    made.token.expires_at ? "expires " + FormatTimestamp(*made.token.expires_at)
                                          : "never expires"),
        made});
    return kExitOk;
  };
}

Runner DeclareTokenList(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildTokenList(*run.store, run.context)));
    return kExitOk;
  };
}

Runner DeclareTokenRevoke(CLI::App& command) {
  auto token = std::make_shared<std::string>();
  command.add_option("token", *token, "its name or number (token list shows both)")->required();
  return [token](Invocation& run) -> Result<int> {
    ApiToken revoked = ST_TRY(Accounts(*run.store).RevokeToken(run.context, *token));
    run.printer.Print(view::Changed<ApiToken>{
        fmt::format("Revoked token {} '{}' of {}.", revoked.id, revoked.name, revoked.person),
        revoked});
    return kExitOk;
  };
}

}  // namespace stocktake::cli
