#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mh::report {

namespace {

void write_all(int fd, const std::string& content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) throw std::runtime_error(path + ": cannot create a temporary file: " + std::strerror(errno));
  try {
    write_all(fd, content, path);
    if (::fsync(fd) != 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  ::chmod(temp.c_str(), 0644);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error(path + ": " + std::strerror(saved));
  }
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  struct stat target {};
  for (const auto& [path, content] : files)
    if (::stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode))
      throw std::runtime_error(path + ": exists and is not a regular file");
  std::vector<std::string> temps;
  const auto discard = [&temps] {
    for (const auto& temp : temps) ::unlink(temp.c_str());
  };
  try {
    for (const auto& [path, content] : files) {
      std::string temp = path + ".tmp.XXXXXX";
      const int fd = ::mkstemp(temp.data());
      if (fd < 0)
        throw std::runtime_error(path + ": cannot create a temporary file: " + std::strerror(errno));
      temps.push_back(temp);
      try {
        write_all(fd, content, path);
        if (::fsync(fd) != 0) throw std::runtime_error(path + ": " + std::strerror(errno));
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
      ::chmod(temp.c_str(), 0644);
    }
  } catch (...) {
    discard();
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      const int saved = errno;
      temps.erase(temps.begin(), temps.begin() + static_cast<long>(i));
      discard();
      throw std::runtime_error(files[i].first + ": " + std::strerror(saved));
    }
  }
}

void append_line(const std::string& path, const std::string& line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  try {
    write_all(fd, line + "\n", path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace mh::report
