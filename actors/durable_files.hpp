#pragma once
// Crash-safe file writes shared by the state and card stores: a file is
// either its old content or its new content, never a torn mix, and it is
// on disk (data and directory entry) before the call returns.

#include <filesystem>
#include <string>
#include <string_view>

namespace alc::durable {

enum class publish {
  replace,    ///< over whatever `target` holds
  exclusive,  ///< only if `target` does not exist (atomically)
};

struct write_outcome {
  bool exists = false;  ///< exclusive, and `target` was there: nothing written
  std::string error;    ///< why the write failed; empty on success
};

/// Writes `text` to `temp` (in `target`'s directory), fsyncs it, moves it to
/// `target` (rename, or link for `exclusive`), and fsyncs the directory.
/// On failure `target` is untouched and `temp` removed.
write_outcome write_file(const std::filesystem::path& target, std::string_view text,
                         const std::filesystem::path& temp, publish mode);

/// Creates `dir` and its missing parents, each made durable in its own
/// parent; empty on success, else why not.
std::string make_directories(const std::filesystem::path& dir);

}  // namespace alc::durable
