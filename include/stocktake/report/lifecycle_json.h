#pragma once

// Moved to stocktake/view/lifecycle_json.h with the other views (issue 7). This forward
// keeps callers on other branches building until they are merged.
// FIXME: remove once no file includes this path.

#include "stocktake/view/lifecycle_json.h"
