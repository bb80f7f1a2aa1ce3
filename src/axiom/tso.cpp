// x86-TSO (Owens, Sarkar, Sewell 2009), following herd's x86tso.cat: stores
// may be delayed past later loads (a store buffer); MFENCE and locked
// instructions drain it.
#include "axiom/model.hpp"

namespace mh::axiom {

ModelVerdict check_tso(const Execution& x, const Derived& d) {
  const EventSet M = x.memory(), R = x.reads, W = x.writes;
  const EventSet locked = x.select([](const Event& e) { return (e.flags & litmus::kLocked) != 0; });
  const EventSet mfence = x.select([](const Event& e) {
    return e.kind == Event::Kind::Fence && e.fence == litmus::FenceKind::MFence;
  });

  const bool uniproc = acyclic(d.po_loc | x.rf | d.fr | x.co);
  const bool atomic = (x.rmw & seq(d.fre, d.coe)).empty();

  const Relation po_ghb = restrict(x.po, W, W) | restrict(x.po, R, M);
  const Relation fenced = restrict(seq(x.po, identity(mfence), x.po), M, M);
  const Relation po_wr = restrict(x.po, W, R);
  const Relation implied = restrict(po_wr, M, locked) | restrict(po_wr, locked, M);
  const Relation ghb = fenced | implied | po_ghb | d.rfe | d.fr | x.co;

  ModelVerdict verdict;
  verdict.consistent = uniproc && atomic && acyclic(ghb);
  return verdict;
}

}  // namespace mh::axiom
