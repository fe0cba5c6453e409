#pragma once

// ProtocolProcess: the lifecycle part of a project's process, i.e. the stages
// protocols move through, their entry criteria and the lazy-consensus windows.
// The default is the Xen PV drivers lifecycle (Design → Prototype → Production).

namespace stocktake {

struct ProtocolProcess {};

}  // namespace stocktake
