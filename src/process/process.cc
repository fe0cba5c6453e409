#include "stocktake/process/process.h"

namespace stocktake {

const StatusDefinition* Process::FindStatus(std::string_view id) const {
  for (const auto& status : statuses) {
    if (status.id == id) return &status;
  }
  return nullptr;
}

int Process::Rank(std::string_view id) const {
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string Process::StatusIds() const {
  std::string ids;
  for (const auto& status : statuses) {
    if (!ids.empty()) ids += ", ";
    ids += status.id;
  }
  return ids;
}

const StatusDefinition& Process::LeastLikely() const {
  const StatusDefinition* least = &statuses.front();
  for (const auto& status : statuses) {
    if (status.in_release) least = &status;
  }
  return *least;
}

const std::string& Process::InitialStatus() const {
  if (!initial_status.empty()) return initial_status;
  for (const auto& status : statuses) {
    if (status.in_release && !status.done) return status.id;
  }
  return statuses.front().id;
}

Process XenProcess() {
  Process process;
  process.name = "xen";
  process.statuses = {
      {"finished", "Finished features", true, true},
      {"on-track", "Features on-track", false, true},
      {"fair", "Features marked as Fair", false, true},
      {"at-risk", "Features at risk", false, true},
      {"dropped", "Dropped features", false, false},
  };
  return process;
}

}  // namespace stocktake
