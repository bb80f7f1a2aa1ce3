// Sequential consistency (Lamport 1979), as herd's sc.cat: one total order of
// all memory accesses that respects program order; RMWs are indivisible.
#include "axiom/model.hpp"

namespace mh::axiom {

ModelVerdict check_sc(const Execution& x, const Derived& d) {
  ModelVerdict verdict;
  verdict.consistent = acyclic(x.po | x.rf | x.co | d.fr) && (x.rmw & seq(d.fre, d.coe)).empty();
  return verdict;
}

}  // namespace mh::axiom
