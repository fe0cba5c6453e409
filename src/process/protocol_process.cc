#include "stocktake/process/protocol_process.h"

#include <nlohmann/json.hpp>

#include "stocktake/util/text.h"
#include "stocktake/util/time_span.h"

namespace stocktake {

const StageDefinition* ProtocolProcess::FindStage(std::string_view id) const {
  for (const auto& stage : stages) {
    if (stage.id == id) return &stage;
  }
  return nullptr;
}

int ProtocolProcess::StageIndex(std::string_view id) const {
  for (size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

const StageDefinition* ProtocolProcess::NextStage(std::string_view id) const {
  int index = StageIndex(id);
  if (index < 0 || index + 1 >= static_cast<int>(stages.size())) return nullptr;
  return &stages[index + 1];
}

std::string ProtocolProcess::StageIds() const {
  std::vector<std::string> ids;
  for (const auto& stage : stages) ids.push_back(stage.id);
  return Join(ids, ", ");
}

std::string ProtocolProcess::StageName(std::string_view id) const {
  const StageDefinition* stage = FindStage(id);
  return stage != nullptr ? stage->name : std::string(id);
}

std::vector<StageDefinition> ProtocolProcess::DefaultStages() {
  return {
      {"design", "Design", TimeSpan::Months(6), "", {}},
      {"prototype",
       "Prototype",
       TimeSpan::Months(12),
       "Experimental / Tech Preview",
       {{criterion_id::kDesignCommitted,
         "the design was discussed and agreed on xen-devel and the document is committed to "
         "xen.git (a commit reference)"}}},
      {"production",
       "Production",
       TimeSpan{},
       "Supported",
       {{criterion_id::kFrontendCommitted,
         "at least one frontend is committed to an upstream code base (a commit reference)"},
        {criterion_id::kBackendCommitted,
         "at least one backend is committed to an upstream code base (a commit reference)"},
        {criterion_id::kCompatPromises,
         "the promises about backward and cross-platform compatibility are spelled out"},
        {criterion_id::kVersionRecorded, "the protocol version is recorded"}}},
  };
}

ProtocolProcess XenProtocolProcess() { return ProtocolProcess{}; }

std::string StagesJson(const ProtocolProcess& lifecycle) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& stage : lifecycle.stages) {
    nlohmann::json criteria = nlohmann::json::array();
    for (const auto& criterion : stage.entry_criteria) {
      criteria.push_back({{"id", criterion.id}, {"description", criterion.description}});
    }
    stages.push_back({{"id", stage.id},
                      {"name", stage.name},
                      {"time_frame", FormatTimeSpan(stage.time_frame)},
                      {"support", stage.support_label},
                      {"entry_criteria", std::move(criteria)}});
  }
  return stages.dump();
}

}  // namespace stocktake
