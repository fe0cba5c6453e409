#include "stocktake/ingest/threading.h"

#include <algorithm>
#include <functional>
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

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
};

class Threader {
 public:
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
    if (child == parent || IsAncestor(child, parent)) return;  // would make a loop
    containers_[child].parent = parent;
  }

  std::vector<Container>& containers() { return containers_; }
  const std::unordered_map<std::string_view, std::size_t>& index() const { return index_; }

 private:
  std::vector<Container> containers_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

std::string BaseSubject(std::string_view subject, bool& is_reply) {
  SubjectPrefix prefix = ParseSubjectPrefix(subject);
  is_reply = prefix.is_reply;
  // Patch prefixes stay part of the subject: only reply markers and list tags go.
  std::string out = NormalizeSeriesName(prefix.name);
  if (prefix.is_patch) out = "[patch] " + out;
  return out;
}

}  // namespace

ThreadSet ThreadMessages(std::span<const MailMessage> messages, const ThreadingOptions& options) {
  Threader threader;
  std::vector<std::size_t> firsts;  // input indexes of first copies
  for (std::size_t i = 0; i < messages.size(); ++i) {
    std::size_t c = threader.Get(messages[i].message_id);
    if (threader.containers()[c].message) continue;
    threader.containers()[c].message = i;
    firsts.push_back(i);
  }
  auto& containers = threader.containers();
  for (std::size_t i : firsts) {
    const MailMessage& message = messages[i];
    std::size_t self = threader.index().at(message.message_id);
    // References are chained in order where no parent is known yet; a
    // received message's own headers override that below.
    std::size_t previous = Container::kNone;
    for (const std::string& reference : message.references) {
      std::size_t current = threader.Get(reference);
      if (previous != Container::kNone && containers[current].parent == Container::kNone) {
        threader.SetParent(current, previous);
      }
      previous = current;
    }
    std::size_t parent = Container::kNone;
    if (!message.references.empty()) parent = threader.Get(message.references.back());
    if (!message.in_reply_to.empty()) {
      std::size_t reply = threader.Get(message.in_reply_to);
      if (parent == Container::kNone ||
          (!containers[parent].message && containers[reply].message)) {
        parent = reply;
      }
    }
    if (parent != Container::kNone) threader.SetParent(self, parent);
  }
  for (std::size_t c = 0; c < containers.size(); ++c) {
    if (containers[c].parent != Container::kNone)
      containers[containers[c].parent].children.push_back(c);
  }
  // Ghosts without received descendants carry nothing.
  std::function<bool(std::size_t)> has_message = [&](std::size_t c) {
    bool any = containers[c].message.has_value();
    for (std::size_t child : containers[c].children) any = has_message(child) || any;
    containers[c].pruned = !any;
    return any;
  };
  std::vector<std::size_t> roots;
  for (std::size_t c = 0; c < containers.size(); ++c) {
    if (containers[c].parent == Container::kNone && has_message(c)) roots.push_back(c);
  }
  if (options.group_by_subject) {
    std::map<std::string, std::size_t> root_by_subject;
    for (std::size_t root : roots) {
      if (!containers[root].message) continue;
      bool is_reply = false;
      std::string base = BaseSubject(messages[*containers[root].message].subject, is_reply);
      if (!is_reply && !base.empty()) root_by_subject.emplace(base, root);
    }
    std::vector<std::size_t> kept;
    for (std::size_t root : roots) {
      const auto& container = containers[root];
      if (container.message) {
        const MailMessage& message = messages[*container.message];
        bool is_reply = false;
        std::string base = BaseSubject(message.subject, is_reply);
        auto found = root_by_subject.find(base);
        if (is_reply && message.references.empty() && message.in_reply_to.empty() &&
            found != root_by_subject.end() && found->second != root) {
          containers[root].parent = found->second;
          containers[found->second].children.push_back(root);
          continue;
        }
      }
      kept.push_back(root);
    }
    roots = std::move(kept);
  }

  auto date_of = [&](std::size_t c) {
    const auto& container = containers[c];
    if (!container.message || !messages[*container.message].date) return Timestamp::max();
    return *messages[*container.message].date;
  };
  // The first received message (input order) under each root orders the threads.
  std::function<std::size_t(std::size_t)> first_input = [&](std::size_t c) {
    std::size_t best = containers[c].message.value_or(static_cast<std::size_t>(-1));
    for (std::size_t child : containers[c].children) {
      if (!containers[child].pruned) best = std::min(best, first_input(child));
    }
    return best;
  };
  std::vector<std::pair<std::size_t, std::size_t>> ordered;
  for (std::size_t root : roots) ordered.emplace_back(first_input(root), root);
  std::sort(ordered.begin(), ordered.end());

  ThreadSet result;
  result.threads.reserve(ordered.size());
  for (const auto& [first, root] : ordered) {
    (void)first;
    MailThread thread;
    thread.root_id = std::string(containers[root].id);
    std::vector<std::pair<std::size_t, int>> stack{{root, 0}};
    while (!stack.empty()) {
      auto [c, depth] = stack.back();
      stack.pop_back();
      const Container& container = containers[c];
      ThreadNode node;
      node.message_id = std::string(container.id);
      if (container.parent != Container::kNone && depth > 0) {
        node.parent_id = std::string(containers[container.parent].id);
      }
      node.depth = depth;
      node.message = container.message;
      if (node.message) ++thread.message_count;
      result.thread_of.emplace(node.message_id, result.threads.size());
      thread.nodes.push_back(std::move(node));
      std::vector<std::size_t> children;
      for (std::size_t child : container.children) {
        if (!containers[child].pruned) children.push_back(child);
      }
      std::sort(children.begin(), children.end(), [&](std::size_t a, std::size_t b) {
        return std::make_pair(date_of(a), containers[a].id) <
               std::make_pair(date_of(b), containers[b].id);
      });
      for (auto it = children.rbegin(); it != children.rend(); ++it)
        stack.emplace_back(*it, depth + 1);
    }
    result.threads.push_back(std::move(thread));
  }
  return result;
}

}  // namespace stocktake
