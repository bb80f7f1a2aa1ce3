// Whether this binary is built with ThreadSanitizer: code loaded into it must
// be instrumented too, and `memharness tsan` runs only in such a build.
#pragma once

namespace mh::run {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

}  // namespace mh::run
