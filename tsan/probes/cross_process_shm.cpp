// Two processes write and read a plain word of a shared mapping with no
// synchronization at all.
//
// Model: racy. The child's write and the parent's write and read of the same
// word are ordered by nothing while both processes run: a data race, as it
// would be between threads (the model checker's cross-process memory is the
// same memory; models/shm_semaphore.cpp).
// TSan: clean (false negative). Its shadow memory and clocks are per process;
// an access by another process is never seen.
// With the argument `threads` the same increments run in two threads of one
// process: TSan reports the race (the control case).
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <thread>

int main(int argc, char** argv) {
  void* mapping = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) return std::perror("mmap"), 3;
  auto* word = static_cast<volatile long*>(mapping);
  if (argc > 1 && std::string_view(argv[1]) == "threads") {
    std::thread other([word] {
      for (long i = 0; i < 100000; ++i) *word = *word + 1;
    });
    for (long i = 0; i < 100000; ++i) *word = *word + 1;
    other.join();
    std::printf("two threads incremented a shared plain word 200000 times in all: it holds %ld\n", *word);
    return 0;
  }
  const pid_t child = ::fork();
  if (child < 0) return std::perror("fork"), 3;
  if (child == 0) {
    for (long i = 0; i < 100000; ++i) *word = *word + 1;
    ::_exit(0);
  }
  for (long i = 0; i < 100000; ++i) *word = *word + 1;
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 3;
  std::printf("two processes incremented a shared plain word 200000 times in all: it holds %ld\n", *word);
  return 0;
}
