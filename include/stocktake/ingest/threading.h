#pragma once

// Threading: Jamie Zawinski's algorithm over a set of messages. A message's
// parent comes from its own headers (the last References id, or In-Reply-To
// when there is no References or when the last reference was never received
// but the In-Reply-To message was); ids of References that were never received
// become ghost nodes. Consecutive References ids are linked parent → child
// where the child has no parent yet (a root message referenced by a reply
// joins that reply's thread, as notmuch does). Subjects group
// messages only where the references are absent (a "Re: x" with neither
// References nor In-Reply-To joins the thread whose root is "x").
// Pure function; thread-safe.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktake/ingest/mail_message.h"

namespace stocktake {

/// One node of a thread tree: a received message or a ghost.
struct ThreadNode {
  std::string message_id;
  std::string parent_id;  ///< Empty for the root.
  int depth = 0;          ///< 0 for the root.
  /// Index of the message in the input; absent for a ghost (referenced, never received).
  std::optional<std::size_t> message;
  bool ghost() const { return !message.has_value(); }
};

struct MailThread {
  std::string root_id;  ///< May be a ghost when the thread's first mail is missing.
  /// Depth-first, root first; siblings by date, then id.
  std::vector<ThreadNode> nodes;
  std::size_t message_count = 0;  ///< Received messages (ghosts not counted).
};

struct ThreadingOptions {
  /// Attach reference-less "Re:" messages to the thread of the same subject.
  bool group_by_subject = true;
};

struct ThreadSet {
  /// Ordered by the input position of each thread's first received message.
  std::vector<MailThread> threads;
  /// Every message and ghost id → index into `threads`.
  std::unordered_map<std::string, std::size_t> thread_of;
};

/// Threads `messages`. Messages that share a Message-ID count once (the first
/// copy). The result does not depend on the number of threads used to parse.
ThreadSet ThreadMessages(std::span<const MailMessage> messages,
                         const ThreadingOptions& options = {});

}  // namespace stocktake
