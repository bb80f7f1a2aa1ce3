// RC11 (Lahav, Vafeiadis, Kang, Hur, Dreyer, PLDI 2017, "Repairing sequential
// consistency in C/C++11"), with herd's rc11.cat reading of event modes: an
// RMW's read and write both carry the operation's order, so a release RMW's
// read is no acquire and an acquire RMW's write is no release.
#include "axiom/model.hpp"

namespace mh::axiom {

using litmus::MemOrder;

namespace {

template <typename Pred>
EventSet with_order(const Execution& x, Pred pred) {
  return x.select([&](const Event& e) { return pred(e.order); });
}

EventSet atomic_events(const Execution& x) {
  return with_order(x, [](MemOrder o) { return o != MemOrder::NonAtomic; }) | x.init;
}

}  // namespace

Relation rc11_happens_before(const Execution& x) {
  const EventSet all = x.all, R = x.reads, W = x.writes, F = x.fences;
  const EventSet release = with_order(
      x, [](MemOrder o) { return o == MemOrder::Release || o == MemOrder::AcqRel || o == MemOrder::SeqCst; });
  const EventSet acquire = with_order(
      x, [](MemOrder o) { return o == MemOrder::Acquire || o == MemOrder::AcqRel || o == MemOrder::SeqCst; });
  const EventSet relaxed_or_stronger = atomic_events(x) & ~x.init;
  const Relation& sb = x.po;

  // Release sequence and synchronises-with.
  const Relation rs = seq(identity(W), optional(sb & x.loc, all), identity(W & relaxed_or_stronger),
                          star(seq(x.rf, x.rmw), all));
  const Relation sw = seq(identity(release), optional(seq(identity(F), sb), all), rs, x.rf,
                          identity(R & relaxed_or_stronger), optional(seq(sb, identity(F)), all),
                          identity(acquire));
  return plus(sb | sw);
}

bool c11_data_race(const Execution& x, const Relation& hb) {
  const EventSet W = x.writes;
  const EventSet M = x.memory() & ~x.init;
  const Relation conflicting = (cross(W & M, M) | cross(M, W & M)) & x.loc;
  const EventSet atomic = atomic_events(x);
  const Relation race = (conflicting & x.ext) - hb - inverse(hb) - cross(atomic, atomic);
  return !race.empty();
}

ModelVerdict check_rc11(const Execution& x, const Derived& d) {
  const EventSet all = x.all, F = x.fences;
  const EventSet sc = with_order(x, [](MemOrder o) { return o == MemOrder::SeqCst; }) & ~x.init;
  const Relation& sb = x.po;
  const Relation eco = plus(x.rf | x.co | d.fr);
  const Relation hb = rc11_happens_before(x);

  // The SC order over SC accesses and fences.
  const Relation sb_other_loc = sb - x.loc;
  const Relation scb = sb | seq(sb_other_loc, hb, sb_other_loc) | (hb & x.loc) | x.co | d.fr;
  const Relation hb_opt = optional(hb, all);
  const Relation psc_base = seq(identity(sc) | seq(identity(F & sc), hb_opt), scb,
                                identity(sc) | seq(hb_opt, identity(F & sc)));
  const Relation psc_fence = seq(identity(F & sc), hb | seq(hb, eco, hb), identity(F & sc));

  ModelVerdict verdict;
  verdict.consistent = irreflexive(seq(hb, optional(eco, all)))   // coherence
                       && irreflexive(seq(x.rmw, eco))           // coherence of RMWs
                       && (x.rmw & seq(d.fr, x.co)).empty()      // atomicity
                       && acyclic(psc_base | psc_fence)          // SC
                       && acyclic(sb | x.rf);                    // no thin air
  if (verdict.consistent) verdict.undefined = c11_data_race(x, hb);
  return verdict;
}

}  // namespace mh::axiom
