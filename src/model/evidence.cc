#include "stocktake/model/evidence.h"

namespace stocktake {

std::string_view EvidenceOwnerKindName(EvidenceOwnerKind kind) {
  switch (kind) {
    case EvidenceOwnerKind::kFeature:
      return "feature";
    case EvidenceOwnerKind::kProtocol:
      return "protocol";
  }
  return "feature";
}

}  // namespace stocktake
