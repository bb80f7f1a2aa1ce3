// A load of an atomic that nothing has initialized. A default-constructed
// mh::atomic has no value, as a std::atomic had none before C++20 (and a C11
// atomic has none until atomic_init): a reader that can run before the first
// store reads an indeterminate value. Found only in the interleavings where
// the reader runs first.
#include "check/mh.hpp"

MH_MODEL_EXPECT(uninitialized_atomic_read, mh::error::uninitialized_read,
                "the reader may load the atomic before the writer's first store, when it holds no value "
                "(pre-C++20 std::atomic default construction; C11 7.17.2.2 atomic_init)") {
  mh::atomic<int> value{mh::uninitialized, "value"};  // no initial value
  mh::thread writer([&] { value.store(1, std::memory_order_release); });
  // What the reader does with the value does not matter: the read is the error.
  mh::thread reader([&] { (void)value.load(std::memory_order_acquire); });
  writer.join();
  reader.join();
}
