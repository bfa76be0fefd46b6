# embed_text(FILE SYMBOL OUT): write OUT defining `const char SYMBOL[]` with FILE's bytes.
function(embed_text file symbol out)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  file(WRITE ${out} "/* generated from ${file} */\nconst char ${symbol}[] = {${bytes}0x00};\n")
endfunction()
