# Each module folder adds its own sources and tests, so modules can grow without
# touching one shared list.
function(stocktake_sources)
  target_sources(stocktake_core PRIVATE ${ARGN})
endfunction()

function(stocktake_tests)
  if(STOCKTAKE_BUILD_TESTS)
    target_sources(stocktake_tests PRIVATE ${ARGN})
  endif()
endfunction()
