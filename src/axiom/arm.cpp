// ARMv8 AArch64, other-multi-copy-atomic (Pulte et al., POPL 2018; the Arm
// ARM's B2.3 ordering rules): an execution is consistent when ordered-before
// is acyclic (external visibility), each location is coherent (internal
// visibility) and exclusive pairs and atomics are atomic.
#include "axiom/model.hpp"

namespace mh::axiom {

using litmus::FenceKind;

ModelVerdict check_arm(const Execution& x, const Derived& d) {
  const EventSet all = x.all, R = x.reads, W = x.writes;
  const auto flagged = [&](std::uint8_t flag) {
    return x.select([flag](const Event& e) { return (e.flags & flag) != 0; });
  };
  const auto fence = [&](FenceKind kind) {
    return x.select([kind](const Event& e) { return e.kind == Event::Kind::Fence && e.fence == kind; });
  };
  const EventSet A = flagged(litmus::kAcquire) & R, Q = flagged(litmus::kAcquirePC) & R;
  const EventSet L = flagged(litmus::kRelease) & W;
  const EventSet dmb_full = fence(FenceKind::DmbFull), dmb_ld = fence(FenceKind::DmbLd);
  const EventSet dmb_st = fence(FenceKind::DmbSt), isb = fence(FenceKind::Isb);
  const Relation po = x.po;

  const bool internal_visibility = acyclic(d.po_loc | d.fr | x.co | x.rf);
  const bool atomic = (x.rmw & seq(d.fre, d.coe)).empty();

  const Relation obs = d.rfe | d.fre | d.coe;
  const Relation dob = x.addr | x.data                                                  //
                       | restrict(x.ctrl, all, W)                                       //
                       | seq(x.ctrl | seq(x.addr, po), identity(isb), po, identity(R))  //
                       | restrict(seq(x.addr, po), all, W)                              //
                       | seq(x.ctrl | x.data, d.coi)                                    //
                       | seq(x.addr | x.data, d.rfi);
  const Relation aob = x.rmw | seq(identity(x.rmw.range()), d.rfi, identity(A | Q));
  const Relation bob = seq(po, identity(dmb_full), po)            //
                       | restrict(po, L, A)                        //
                       | seq(identity(R), po, identity(dmb_ld), po)  //
                       | seq(identity(A | Q), po)                  //
                       | seq(identity(W), po, identity(dmb_st), po, identity(W))  //
                       | seq(po, identity(L))                      //
                       | seq(po, identity(L), d.coi);
  const bool external_visibility = acyclic(obs | dob | aob | bob);

  ModelVerdict verdict;
  verdict.consistent = internal_visibility && atomic && external_visibility;
  return verdict;
}

}  // namespace mh::axiom
