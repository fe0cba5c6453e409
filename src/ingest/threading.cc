#include "stocktake/ingest/threading.h"

#include <algorithm>
#include <map>

#include "stocktake/ingest/patch_series.h"

namespace stocktake {
namespace {

struct Container {
  std::string_view id;
  std::optional<std::size_t> message;
  std::size_t parent = kNone;
  std::vector<std::size_t> children;
  bool pruned = false;
  bool was_parent = false;  // Some container has been linked under this one.

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
};

std::string BaseSubject(std::string_view subject, bool& is_reply) {
  SubjectPrefix prefix = ParseSubjectPrefix(subject);
  is_reply = prefix.is_reply;
  // Patch prefixes stay part of the subject: only reply markers and list tags go.
  std::string out = NormalizeSeriesName(prefix.name);
  if (prefix.is_patch) out = "[patch] " + out;
  return out;
}

// The containers of one ThreadMessages() call and the steps that fill them.
class Threader {
 public:
  explicit Threader(std::span<const MailMessage> messages) : messages_(messages) {}

  ThreadSet Run(const ThreadingOptions& options) {
    for (std::size_t i : AddMessages()) Link(messages_[i]);
    for (std::size_t c = 0; c < containers_.size(); ++c) {
      if (containers_[c].parent != Container::kNone)
        containers_[containers_[c].parent].children.push_back(c);
    }
    std::vector<std::size_t> roots;
    for (std::size_t c = 0; c < containers_.size(); ++c) {
      if (containers_[c].parent == Container::kNone && MarkPruned(c)) roots.push_back(c);
    }
    if (options.group_by_subject) roots = GroupBySubject(roots);
    return Emit(OrderRoots(roots));
  }

 private:
  std::size_t Get(std::string_view id) {
    auto [it, inserted] = index_.emplace(id, containers_.size());
    if (inserted) containers_.push_back(Container{id, std::nullopt, Container::kNone, {}, false});
    return it->second;
  }

  // True when `ancestor` is `node` or one of its ancestors.
  bool IsAncestor(std::size_t ancestor, std::size_t node) const {
    for (std::size_t hops = 0; node != Container::kNone && hops <= containers_.size(); ++hops) {
      if (node == ancestor) return true;
      node = containers_[node].parent;
    }
    return false;
  }

  void SetParent(std::size_t child, std::size_t parent) {
    if (child == parent) return;
    // Only a container with something under it can be an ancestor: checking
    // that first keeps a long reply chain linear instead of walking the whole
    // chain for each new reply.
    if (containers_[child].was_parent && IsAncestor(child, parent)) return;  // would make a loop
    containers_[child].parent = parent;
    containers_[parent].was_parent = true;
  }

  // A container per Message-ID; returns the input indexes of first copies.
  std::vector<std::size_t> AddMessages() {
    std::vector<std::size_t> firsts;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
      std::size_t c = Get(messages_[i].message_id);
      if (containers_[c].message) continue;
      containers_[c].message = i;
      firsts.push_back(i);
    }
    return firsts;
  }

  void Link(const MailMessage& message) {
    std::size_t self = index_.at(message.message_id);
    // References are chained in order where no parent is known yet; a
    // received message's own headers override that below.
    std::size_t previous = Container::kNone;
    for (const std::string& reference : message.references) {
      std::size_t current = Get(reference);
      if (previous != Container::kNone && containers_[current].parent == Container::kNone) {
        SetParent(current, previous);
      }
      previous = current;
    }
    std::size_t parent = Container::kNone;
    if (!message.references.empty()) parent = Get(message.references.back());
    if (!message.in_reply_to.empty()) {
      std::size_t reply = Get(message.in_reply_to);
      if (parent == Container::kNone ||
          (!containers_[parent].message && containers_[reply].message)) {
        parent = reply;
      }
    }
    if (parent != Container::kNone) SetParent(self, parent);
  }

  // Ghosts without received descendants carry nothing: marks them pruned and
  // returns whether `root` keeps a received message. Children before parents,
  // on an explicit stack: a reply chain can be 150,000 messages deep.
  bool MarkPruned(std::size_t root) {
    std::vector<std::pair<std::size_t, std::size_t>> stack = {{root, 0}};  // node, next child
    while (!stack.empty()) {
      auto& [c, next] = stack.back();
      const auto& children = containers_[c].children;
      if (next < children.size()) {
        std::size_t child = children[next++];
        stack.emplace_back(child, 0);
        continue;
      }
      bool any = containers_[c].message.has_value();
      for (std::size_t child : children) any = any || !containers_[child].pruned;
      containers_[c].pruned = !any;
      stack.pop_back();
    }
    return !containers_[root].pruned;
  }

  // A reference-less reply joins the root whose subject it answers.
  std::vector<std::size_t> GroupBySubject(const std::vector<std::size_t>& roots) {
    std::map<std::string, std::size_t> root_by_subject;
    for (std::size_t root : roots) {
      if (!containers_[root].message) continue;
      bool is_reply = false;
      std::string base = BaseSubject(messages_[*containers_[root].message].subject, is_reply);
      if (!is_reply && !base.empty()) root_by_subject.emplace(base, root);
    }
    std::vector<std::size_t> kept;
    for (std::size_t root : roots) {
      const auto& container = containers_[root];
      if (container.message) {
        const MailMessage& message = messages_[*container.message];
        bool is_reply = false;
        std::string base = BaseSubject(message.subject, is_reply);
        auto found = root_by_subject.find(base);
        if (is_reply && message.references.empty() && message.in_reply_to.empty() &&
            found != root_by_subject.end() && found->second != root) {
          containers_[root].parent = found->second;
          containers_[found->second].children.push_back(root);
          continue;
        }
      }
      kept.push_back(root);
    }
    return kept;
  }

  Timestamp DateOf(std::size_t c) const {
    const auto& container = containers_[c];
    if (!container.message || !messages_[*container.message].date) return Timestamp::max();
    return *messages_[*container.message].date;
  }

  // The earliest input position of a received message under `root`.
  std::size_t FirstInput(std::size_t root) const {
    std::size_t best = static_cast<std::size_t>(-1);
    std::vector<std::size_t> stack = {root};
    while (!stack.empty()) {
      std::size_t c = stack.back();
      stack.pop_back();
      if (containers_[c].message) best = std::min(best, *containers_[c].message);
      for (std::size_t child : containers_[c].children) {
        if (!containers_[child].pruned) stack.push_back(child);
      }
    }
    return best;
  }

  // The first received message (input order) under each root orders the threads.
  std::vector<std::size_t> OrderRoots(const std::vector<std::size_t>& roots) const {
    std::vector<std::pair<std::size_t, std::size_t>> ordered;
    ordered.reserve(roots.size());
    for (std::size_t root : roots) ordered.emplace_back(FirstInput(root), root);
    std::sort(ordered.begin(), ordered.end());
    std::vector<std::size_t> sorted;
    sorted.reserve(ordered.size());
    for (const auto& entry : ordered) sorted.push_back(entry.second);
    return sorted;
  }

  ThreadSet Emit(const std::vector<std::size_t>& roots) const {
    ThreadSet result;
    result.threads.reserve(roots.size());
    for (std::size_t root : roots) result.threads.push_back(EmitThread(root, result));
    return result;
  }

  // The thread under `root`, depth first with siblings by date, then id; its
  // ids go into `result.thread_of` under the index the thread is about to get.
  MailThread EmitThread(std::size_t root, ThreadSet& result) const {
    MailThread thread;
    thread.root_id = std::string(containers_[root].id);
    std::vector<std::pair<std::size_t, int>> stack{{root, 0}};
    while (!stack.empty()) {
      auto [c, depth] = stack.back();
      stack.pop_back();
      const Container& container = containers_[c];
      ThreadNode node;
      node.message_id = std::string(container.id);
      if (container.parent != Container::kNone && depth > 0) {
        node.parent_id = std::string(containers_[container.parent].id);
      }
      node.depth = depth;
      node.message = container.message;
      if (node.message) ++thread.message_count;
      result.thread_of.emplace(node.message_id, result.threads.size());
      thread.nodes.push_back(std::move(node));
      std::vector<std::size_t> children;
      for (std::size_t child : container.children) {
        if (!containers_[child].pruned) children.push_back(child);
      }
      std::sort(children.begin(), children.end(), [&](std::size_t a, std::size_t b) {
        return std::make_pair(DateOf(a), containers_[a].id) <
               std::make_pair(DateOf(b), containers_[b].id);
      });
      for (auto it = children.rbegin(); it != children.rend(); ++it)
        stack.emplace_back(*it, depth + 1);
    }
    return thread;
  }

  std::span<const MailMessage> messages_;
  std::vector<Container> containers_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

}  // namespace

ThreadSet ThreadMessages(std::span<const MailMessage> messages, const ThreadingOptions& options) {
  return Threader(messages).Run(options);
}

}  // namespace stocktake
