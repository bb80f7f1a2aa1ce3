#include "stress/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "stress/object_names.hpp"

namespace mh::stress {
namespace {

volatile sig_atomic_t interrupt_signal = 0;
struct sigaction previous_int {
}, previous_term{};

void on_interrupt(int signal) {
  interrupt_signal = signal;
}

std::string signal_text(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name != nullptr ? std::string("SIG") + name : "signal " + std::to_string(signal);
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    done += static_cast<std::size_t>(wrote);
  }
  return true;
}

Outcome failed_outcome(const Variant& variant, const RunSettings& settings, const HostFacts& host,
                       std::string error) {
  Outcome outcome = outcome_of(variant, settings, host);
  outcome.error = std::move(error);
  return outcome;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  interrupt_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &previous_int);
  ::sigaction(SIGTERM, &action, &previous_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
}

bool InterruptGuard::interrupted() {
  return interrupt_signal != 0;
}

int InterruptGuard::signal_number() {
  return interrupt_signal;
}

Outcome run_isolated(const Variant& variant, const RunSettings& settings, const HostFacts& host,
                     const ProgressCallback& progress) {
  int channel[2];
  if (::pipe2(channel, O_CLOEXEC) != 0)
    return failed_outcome(variant, settings, host, std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t supervisor = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(channel[0]);
    ::close(channel[1]);
    return failed_outcome(variant, settings, host, std::string("fork: ") + std::strerror(errno));
  }
  if (child == 0) {
    // Its own process group: the processes it forks die with it. And it dies
    // with the command, even one killed with SIGKILL (whose names the next
    // command then sweeps, the pid being gone).
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != supervisor) ::_exit(1);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    // An ignored SIGCHLD (inherited through exec) would make waitpid fail.
    ::signal(SIGCHLD, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    ::close(channel[0]);
    std::string text;
    try {
      text = to_json(run_variant(variant, settings, host)).dump();
    } catch (const std::exception& error) {
      Outcome outcome = failed_outcome(variant, settings, host, error.what());
      judge(outcome);
      text = to_json(outcome).dump();
    }
    write_all(channel[1], text);
    // Not exit(): a worker the watchdog could not wake may still hold locks
    // that static destructors would wait for.
    ::_exit(0);
  }
  ::setpgid(child, child);  // also here, so the group exists before any kill
  ::close(channel[1]);

  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // The in-process watchdog reports hangs within a few seconds of the end;
  // past this, the child itself is stuck.
  const double limit = settings.seconds + settings.no_progress_seconds + settings.stall_seconds + 10.0;
  std::string text;
  std::string error;
  char buffer[4096];
  // Whatever happens here, even an exception, nothing of the variant
  // survives it.
  const auto end_variant = [&](int& status) {
    ::close(channel[0]);
    ::kill(-child, SIGKILL);
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    remove_objects_of(child);
  };
  int status = 0;
  try {
    for (;;) {
      pollfd readable{channel[0], POLLIN, 0};
      const int ready = ::poll(&readable, 1, 100);
      if (interrupt_signal != 0) {
        error = "interrupted by " + signal_text(interrupt_signal);
        break;
      }
      if (ready < 0 && errno != EINTR) {
        error = std::string("poll: ") + std::strerror(errno);
        break;
      }
      if (ready > 0) {
        const ssize_t got = ::read(channel[0], buffer, sizeof buffer);
        if (got > 0) {
          text.append(buffer, static_cast<std::size_t>(got));
          continue;
        }
        if (got == 0) break;
        if (errno != EINTR) {
          error = std::string("read: ") + std::strerror(errno);
          break;
        }
      }
      if (progress) progress(elapsed());
      if (elapsed() > limit) {
        error = "the variant's process did not finish " + std::to_string(int(limit)) +
                " s after it started (its watchdog did not report): killed";
        break;
      }
    }
  } catch (...) {
    end_variant(status);
    throw;
  }
  end_variant(status);

  if (error.empty()) {
    if (!text.empty()) {
      try {
        return outcome_from_json(nlohmann::json::parse(text));
      } catch (const std::exception& parse_error) {
        error = std::string("unreadable outcome from the variant's process: ") + parse_error.what();
      }
    } else if (WIFSIGNALED(status)) {
      // A crash of the variant's own process: for a hunted bug, the bug
      // itself (a stale pointer followed) is the likeliest cause.
      Outcome outcome = failed_outcome(
          variant, settings, host, "the variant's process was killed by " + signal_text(WTERMSIG(status)));
      outcome.seconds = elapsed();
      outcome.violations = 1;
      outcome.first_failure = FirstFailure{outcome.seconds, "crash", outcome.error};
      judge(outcome);
      return outcome;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      // A crash a sanitizer caught: it reports on stderr and exits.
      Outcome outcome =
          failed_outcome(variant, settings, host,
                         "the variant's process exited with status " + std::to_string(WEXITSTATUS(status)) +
                             " without an outcome (a crash caught by a sanitizer? its report is on stderr)");
      outcome.seconds = elapsed();
      outcome.violations = 1;
      outcome.first_failure = FirstFailure{outcome.seconds, "crash", outcome.error};
      judge(outcome);
      return outcome;
    } else {
      error = "the variant's process ended without an outcome";
    }
  }
  Outcome outcome = failed_outcome(variant, settings, host, error);
  outcome.seconds = elapsed();
  judge(outcome);
  // Not a verdict on the variant: the caller drops it and stops.
  if (interrupt_signal != 0) outcome.verdict = "interrupted";
  return outcome;
}

}  // namespace mh::stress
