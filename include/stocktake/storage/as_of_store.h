#pragma once

// AsOfStore: the store as it was at an instant, for reads with --now.
//
// Every event keeps two times: `at`, when the change takes effect, and
// `recorded_at`, when it was written. A read as of T shows the state built
// from the changes in effect at T, whatever was recorded since: features
// (existence, every field, place, status and its history, last activity),
// releases (existence and schedule), people's roles, protocols (existence,
// stage history, waivers, fields and implementations), proposals and their
// actions, and the event log itself.
//
// The state of an object at T is replayed from its own events: each field
// holds the new value of the latest change in effect at T, or, when none is,
// the old value of its earliest change. A change written later but dated
// earlier (--backdate) thus takes its place in order. Objects with no change
// after T are read as stored, so a read as of now costs one indexed query
// more than a plain read.
//
// Not replayed (shown as stored): the project and its process, people's
// names and other e-mails, what ingestion wrote (evidence, and the protocol
// fields git fills), and changes recorded before events kept their old values.
//
// Read-only: Transact() fails. A value borrowed from the inner store, used by
// one thread at a time like any Store.

#include <memory>

#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// `inner` as it was at `at` (changes at exactly `at` count).
[[nodiscard]] std::unique_ptr<Store> MakeAsOfStore(Store& inner, Timestamp at);

}  // namespace stocktake
