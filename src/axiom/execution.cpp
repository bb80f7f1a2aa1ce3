#include "axiom/execution.hpp"

namespace mh::axiom {

Derived::Derived(const Execution& x) {
  // A read is from-read-before every write coherence-after the write it read
  // from; the identity is removed as rc11.cat does, so no event is fr-before
  // itself.
  fr = seq(inverse(x.rf), x.co) - identity(x.all);
  internal = cross(x.all, x.all) - x.ext;
  rfe = x.rf & x.ext;
  rfi = x.rf & internal;
  coe = x.co & x.ext;
  coi = x.co & internal;
  fre = fr & x.ext;
  fri = fr & internal;
  po_loc = x.po & x.loc;
}

}  // namespace mh::axiom
