if(STOCKTAKE_SANITIZE)
  # vptr checks need the typeinfo of every polymorphic class we touch, and
  # Debian's SOCI does not export some (soci::details::ref_counted_statement).
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=vptr)
endif()
