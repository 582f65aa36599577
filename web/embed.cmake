# web/embed.cmake: turns the files of a folder into a C array, so they are
# inside the binary (no files to install, no network). It embeds web/ (the
# dashboard of `baton serve`) and the Lua and bash that the C core runs or
# prints (core/lua/scripts/, core/cli/scripts/, core/cli/templates/).
#
#   cmake -DSRC=web -DOUT=build/web_assets.c -P web/embed.cmake
#   cmake -DSRC=core/lua/scripts -DOUT=build/lua_assets.c -DNAME=lua
#         -DHEADER=base.h -DTYPE=baton_asset_t -DRECURSE=1 -P web/embed.cmake
#
# NAME names the table (baton__NAME_assets, baton__NAME_nassets; default
# web), HEADER is the header declaring TYPE (default http.h and
# baton_web_asset_t), RECURSE=1 embeds every file below SRC, by its path
# relative to SRC. Each entry is "/path", a MIME type, the bytes followed
# by a NUL (so a text file is also a C string) and the length without it.
#
# Plain CMake on purpose: no xxd or other tool is needed to build baton.
if(NOT DEFINED NAME)
  set(NAME web)
endif()
if(NOT DEFINED HEADER)
  set(HEADER http.h)
endif()
if(NOT DEFINED TYPE)
  set(TYPE baton_web_asset_t)
endif()
if(RECURSE)
  file(GLOB_RECURSE files RELATIVE "${SRC}" "${SRC}/*")
else()
  file(GLOB files RELATIVE "${SRC}" "${SRC}/*.html" "${SRC}/*.js" "${SRC}/*.css"
    "${SRC}/*.svg" "${SRC}/*.ico")
endif()
list(SORT files)
file(RELATIVE_PATH from "${CMAKE_CURRENT_LIST_DIR}/.." "${SRC}")
set(body "/* Generated from ${from}/ by web/embed.cmake: do not edit. */\n#include \"${HEADER}\"\n\n")
set(table "")
set(i 0)
foreach(f ${files})
  file(READ "${SRC}/${f}" hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," arr "${hex}")
  string(REGEX REPLACE "((0x..,){24})" "\\1\n  " arr "${arr}")
  if(f MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(f MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(f MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  elseif(f MATCHES "\\.svg$")
    set(type "image/svg+xml")
  elseif(f MATCHES "\\.(lua|bash|md)$")
    set(type "text/plain; charset=utf-8")
  else()
    set(type "application/octet-stream")
  endif()
  string(APPEND body "static const unsigned char asset_${i}[] = {\n  ${arr}0x00};\n")
  string(APPEND table "    {\"/${f}\", \"${type}\", asset_${i}, ${n}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst ${TYPE} baton__${NAME}_assets[] = {\n${table}    {0, 0, 0, 0}};\n")
string(APPEND body "const size_t baton__${NAME}_nassets = ${i};\n")
# Rewrite only on change, so an unchanged file does not rebuild the library.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${body}")
