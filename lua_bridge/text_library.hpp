#pragma once
// alc.chunk, alc.match_enum and alc.match_bool (lua-api.md, Layer 0).

struct lua_State;

namespace alc {

/// Sets chunk, match_enum and match_bool in the `alc` table on top of the
/// stack (left there). Runs inside the protected setup call: may raise.
void open_text_library(lua_State* L);

}  // namespace alc
