# Warnings for the project's own targets only; third-party headers come in as SYSTEM.
function(stocktake_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wsuggest-override
    -Wimplicit-fallthrough -Wformat=2 -Wmissing-declarations -Wundef -Wcast-qual)
  if(STOCKTAKE_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
