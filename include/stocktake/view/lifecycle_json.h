#pragma once

// JSON views of protocols, proposals and lifecycle alerts, shared by
// `stocktake --json` and the HTTP API (schema: docs/api-schema.md, section
// "Lifecycle"). States are computed at `now`. Pure; thread-safe.

#include <nlohmann/json.hpp>
#include <vector>

#include "stocktake/analysis/lifecycle_check.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// {"name", "summary", "stage", "stage_name", "stage_entered_at", "design_doc":
///  {"path", "commit"}, "version", "compat_promises", "owners", "implementations":
///  [{"code_base", "role", "state", "refs"}], "next_stage": {"id", "name",
///  "criteria": [{"id", "description", "met", "detail", "waived", "waived_by",
///  "waiver_reason"}]} or null, "waivers": [...], "history": [{"at", "by", "from",
///  "to", "proposal", "reason", "commit"}], "proposals": [{"id", "to_stage",
///  "state"}]}. `proposals` are the protocol's, evaluated at `now`.
nlohmann::json ProtocolJson(const Protocol& protocol, const ProtocolProcess& process,
                            const std::vector<Proposal>& proposals, Timestamp now);

/// {"id", "protocol", "from_stage", "to_stage", "proposer", "thread",
///  "opened_at", "window", "window_ends", "state", "passed_at", "next_change",
///  "decision": {"kind", "by", "at", "text"} or null, "objections": [{"id",
///  "state", "by", "reason", "raised_at", "answered_at", "lapses_at",
///  "closed_at"}], "actions": [{"kind", "at", "by", "objection", "text",
///  "message_id"}], "as_of"}. Absent instants are null.
nlohmann::json ProposalJson(const Proposal& proposal, const ProtocolProcess& process,
                            Timestamp now);

/// {"subject", "rule", "message", "action"}.
nlohmann::json LifecycleAlertJson(const LifecycleAlert& alert);

}  // namespace stocktake
