#pragma once

namespace alc::cli {

/// Ctrl-C while a session runs cancels that session, never the program.
/// Installs a SIGINT handler (without SA_RESTART, so a blocking read returns).
void install_interrupt_handler();
/// True once per Ctrl-C since the last call.
bool take_interrupt();

}  // namespace alc::cli
