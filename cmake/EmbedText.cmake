# embed_text(<target> <symbol> <input>...): compiles the text of the inputs,
# concatenated in the order given, into <target> as
# `extern const std::string_view alc::<symbol>`; a change to an input
# re-runs the configure step.
function(embed_text target symbol)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp")
  set(content "")
  foreach(input IN LISTS ARGN)
    set(input_path "${CMAKE_CURRENT_SOURCE_DIR}/${input}")
    file(READ "${input_path}" part)
    string(APPEND content "${part}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${input_path}")
  endforeach()
  string(FIND "${content}" ")alc_embedded\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${ARGN} contain the raw-string delimiter )alc_embedded\"")
  endif()
  list(JOIN ARGN ", " inputs)
  file(WRITE "${output}.tmp"
"// Generated from ${inputs} by cmake/EmbedText.cmake: edit those files instead.
#include <string_view>
namespace alc {
extern const std::string_view ${symbol};
const std::string_view ${symbol} = R\"alc_embedded(${content})alc_embedded\";
}  // namespace alc
")
  # Copy only when changed, so an unrelated re-configure rebuilds nothing.
  configure_file("${output}.tmp" "${output}" COPYONLY)
  target_sources(${target} PRIVATE "${output}")
endfunction()
