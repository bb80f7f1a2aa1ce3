#include "litmus/ast.hpp"

#include <gtest/gtest.h>

namespace mh::litmus {
namespace {

TEST(Ast, AddressesRoundTripToTheirLocation) {
  EXPECT_EQ(location_of(address_of(0)), 0);
  EXPECT_EQ(location_of(address_of(7)), 7);
  EXPECT_FALSE(location_of(1).has_value());
  EXPECT_FALSE(location_of(address_of(3) + 1).has_value());
}

TEST(Ast, RegistersAreInternedOnce) {
  Thread thread;
  EXPECT_EQ(thread.intern_register("r0"), 0);
  EXPECT_EQ(thread.intern_register("r1"), 1);
  EXPECT_EQ(thread.intern_register("r0"), 0);
  EXPECT_EQ(thread.find_register("r2"), -1);
}

}  // namespace
}  // namespace mh::litmus
