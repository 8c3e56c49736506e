#pragma once
// alc's value types (session_spec, execution_state, session_event,
// resume_payload, ...) and their JSON codecs, without CAF: for code that
// handles sessions' data but sends no messages.

#include "messages/json_codec.hpp"
#include "messages/json_reader.hpp"
#include "messages/token_estimate.hpp"
