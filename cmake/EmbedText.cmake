# embed_text(<target> <input> <symbol>): compiles the text of <input> into
# <target> as `extern const std::string_view alc::<symbol>`; a change to the
# input re-runs the configure step.
function(embed_text target input symbol)
  set(input_path "${CMAKE_CURRENT_SOURCE_DIR}/${input}")
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp")
  file(READ "${input_path}" content)
  string(FIND "${content}" ")alc_embedded\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter )alc_embedded\"")
  endif()
  file(WRITE "${output}.tmp"
"// Generated from ${input} by cmake/EmbedText.cmake: edit that file instead.
#include <string_view>
namespace alc {
extern const std::string_view ${symbol};
const std::string_view ${symbol} = R\"alc_embedded(${content})alc_embedded\";
}  // namespace alc
")
  # Copy only when changed, so an unrelated re-configure rebuilds nothing.
  configure_file("${output}.tmp" "${output}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${input_path}")
  target_sources(${target} PRIVATE "${output}")
endfunction()
