// A user's own protocol, model-checked through the installed package:
// message passing, where the release store of `ready` publishes the plain
// write of `payload` to the thread whose acquire load reads it.
#include <memharness/check/mh.hpp>

#include <cstdio>
#include <string>

MH_MODEL(consumer_message_passing) {
  mh::var<int> payload(0, "payload");
  mh::atomic<bool> ready(false, "ready");
  mh::thread producer([&] {
    payload.store(42);
    ready.store(true, std::memory_order_release);
  });
  // No spin loop: the reader looks once, and if it sees the flag the payload
  // must be there (and reading it must not race with the write).
  if (ready.load(std::memory_order_acquire)) MH_ASSERT(payload.load() == 42);
  producer.join();
}

int main() {
  const mh::check_result result = mh::check_model("consumer_message_passing");
  std::printf("consumer_message_passing: %s, %llu executions\n", std::string(mh::to_string(result.verdict)).c_str(),
              static_cast<unsigned long long>(result.executions));
  if (result.trace) std::printf("%s\n", mh::check::format_trace(*result.trace).c_str());
  return result.ok() ? 0 : 1;
}
