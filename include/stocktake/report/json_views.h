#pragma once

// Moved to stocktake/view/json_views.h with the other views (issue 7). This forward
// keeps callers on other branches building until they are merged.
// FIXME: remove once no file includes this path.

#include "stocktake/view/json_views.h"
