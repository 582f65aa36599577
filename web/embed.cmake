# web/embed.cmake: turns the files of web/ into a C array, so the dashboard
# of `baton serve` is inside the binary (no files to install, no network).
#
#   cmake -DSRC=web -DOUT=build/web_assets.c -P web/embed.cmake
#
# Plain CMake on purpose: no xxd or other tool is needed to build baton.
file(GLOB files RELATIVE "${SRC}" "${SRC}/*.html" "${SRC}/*.js" "${SRC}/*.css"
  "${SRC}/*.svg" "${SRC}/*.ico")
list(SORT files)
set(body "/* Generated from web/ by web/embed.cmake: do not edit. */\n#include \"http.h\"\n\n")
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
  else()
    set(type "application/octet-stream")
  endif()
  string(APPEND body "static const unsigned char asset_${i}[] = {\n  ${arr}0x00};\n")
  string(APPEND table "    {\"/${f}\", \"${type}\", asset_${i}, ${n}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst baton_web_asset_t baton__web_assets[] = {\n${table}    {0, 0, 0, 0}};\n")
string(APPEND body "const size_t baton__web_nassets = ${i};\n")
# Rewrite only on change, so an unchanged UI does not rebuild the library.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${body}")
