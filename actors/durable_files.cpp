#include "actors/durable_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace alc::durable {
namespace {

std::string errno_text(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

/// Writes all of `data` to `fd`, retrying short writes.
bool write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

write_outcome write_file(const std::filesystem::path& target, std::string_view text,
                         const std::filesystem::path& temp, publish mode) {
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {false, errno_text("cannot create", temp)};
  const bool written = write_all(fd, text) && ::fsync(fd) == 0;
  const std::string write_error = written ? "" : errno_text("cannot write", temp);
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return {false, write_error};
  }
  if (mode == publish::exclusive) {
    // link() fails with EEXIST instead of replacing: create-if-absent in one step.
    const bool linked = ::link(temp.c_str(), target.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (!linked) {
      if (link_errno == EEXIST) return {true, {}};
      errno = link_errno;
      return {false, errno_text("cannot create", target)};
    }
  } else if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string error = errno_text("cannot replace", target);
    ::unlink(temp.c_str());
    return {false, error};
  }
  // The new name is durable only once the directory entry is.
  if (!fsync_directory(target.parent_path())) {
    return {false, errno_text("cannot sync", target.parent_path())};
  }
  return {};
}

std::string make_directories(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  const auto parent = dir.parent_path();
  if (parent != dir) {
    if (auto error = make_directories(parent); !error.empty()) return error;
  }
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno != EEXIST) return errno_text("cannot create", dir);
    if (!std::filesystem::is_directory(dir, ec))
      return "cannot create " + dir.string() + ": not a directory";
    return {};  // made meanwhile by someone else
  }
  if (!fsync_directory(parent)) return errno_text("cannot sync", parent);
  return {};
}

}  // namespace alc::durable
