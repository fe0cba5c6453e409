// stocktake log: the record's events in the order they were written, as a feed

#include "cli/cli.h"

namespace stocktake::cli {

Runner DeclareLog(CLI::App& command) {
  auto query = std::make_shared<view::EventFeedQuery>();
  command.add_option("--release", query->release, "only this release's events");
  command.add_option("--subject", query->subject,
                     "only events about this feature slug, release, person or protocol");
  command.add_option("--kind", query->kind_prefix,
                     "only kinds starting with this, e.g. feature. or release.slipped");
  command
      .add_option("--after", query->after,
                  "only events written after this one (the id `log` prints first; a feed's "
                  "cursor)")
      ->check(CLI::NonNegativeNumber);
  command
      .add_option("-n,--limit", query->limit,
                  "at most this many; the last line then names the next --after")
      ->check(CLI::NonNegativeNumber);
  return [query](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildEventFeed(*run.store, *query)));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
