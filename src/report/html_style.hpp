// The report page's inline stylesheet and script, kept apart from the code
// that writes its content.
#pragma once

namespace mh::report {

// Colours follow jcstress's outcome tables: green acceptable, blue-violet
// interesting (a weak outcome allowed and seen), red forbidden and seen,
// grey never seen.
inline constexpr const char* kReportStyle = R"css(
:root { --fail: #c62828; --fail-bg: #fde0dc; --ok: #2e7d32; --ok-bg: #e3f3e4; --weak: #4527a0;
        --weak-bg: #e8e2fb; --warn: #8d6e00; --warn-bg: #fff4cc; --grey: #8a8a8a; --line: #d8d8d8; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 2em 4em; color: #202020; }
h1 { margin: .6em 0 .2em; } h2 { margin-top: 2em; border-bottom: 2px solid var(--line); }
h3 { margin: 1.4em 0 .3em; font-size: 1.05em; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-size: 1.3em; font-weight: 700; padding: .4em .8em; border-radius: 4px; display: inline-block; }
.verdict.pass { background: var(--ok-bg); color: var(--ok); } .verdict.fail { background: var(--fail-bg); color: var(--fail); }
.verdict.unsettled { background: var(--warn-bg); color: var(--warn); }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 600; }
.badge.pass { background: var(--ok-bg); color: var(--ok); } .badge.fail { background: var(--fail-bg); color: var(--fail); }
.badge.interesting { background: var(--weak-bg); color: var(--weak); }
.badge.unsettled, .badge.warning { background: var(--warn-bg); color: var(--warn); } .badge.skipped { background: #eee; color: var(--grey); }
tr.acceptable td.count { background: var(--ok-bg); }
tr.interesting td.count, td.count.interesting { background: var(--weak-bg); color: var(--weak); font-weight: 600; }
tr.forbidden-observed td, td.count.forbidden-observed { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
/* A zero stays grey in a row another host observed (outranks the row's colour). */
table.outcomes td.count.zero { background: #f4f4f4; color: var(--grey); font-weight: normal; }
tr.forbidden td.state { color: var(--grey); }
td.allowed { color: var(--ok); } td.forbidden { color: var(--grey); } td.unknown { color: #bbb; }
td.state .target { color: var(--weak); font-weight: 700; }
.filters { margin: 1em 0; position: sticky; top: 0; background: white; padding: .4em 0; z-index: 1; border-bottom: 1px solid var(--line); }
.filters button { font: inherit; padding: .25em .9em; margin-right: .3em; border: 1px solid #999; background: #fafafa; border-radius: 3px; cursor: pointer; }
.filters button[aria-pressed="true"] { background: #303030; color: white; border-color: #303030; }
.filters a { margin-left: 1em; }
body[data-filter="failures"] .item:not([data-status="fail"]) { display: none; }
body[data-filter="interesting"] .item[data-status="pass"], body[data-filter="interesting"] .item[data-status="skipped"] { display: none; }
.none-shown { color: var(--grey); font-style: italic; }
.muted { color: var(--grey); } .reason { max-width: 60em; }
details > summary { cursor: pointer; color: #1a4f9c; }
svg.bars rect.bar { fill: #7b8fb0; } svg.bars rect.bar.interesting { fill: var(--weak); } svg.bars rect.bar.forbidden-observed { fill: var(--fail); }
.notes li { color: var(--warn); }
)css";

// Filters: "failures" shows failed items, "interesting" adds the unsettled,
// the warnings and the interesting ones, "all" shows everything. Each
// button counts the items it would show (a litmus test is one item however
// many records it has; the blind-spot table repeats TSan items and is not
// counted). The choice is kept in the
// address's fragment so a link can point at a filtered view.
inline constexpr const char* kReportScript = R"js(
(function () {
  var filters = ['failures', 'interesting', 'all'];
  function apply(filter) {
    document.body.setAttribute('data-filter', filter);
    var buttons = document.querySelectorAll('.filters button[data-filter]');
    for (var i = 0; i < buttons.length; i++)
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-filter') === filter));
    var sections = document.querySelectorAll('section.kind');
    for (var s = 0; s < sections.length; s++) {
      var items = sections[s].querySelectorAll('.item'), shown = 0;
      for (var k = 0; k < items.length; k++)
        if (window.getComputedStyle(items[k]).display !== 'none') shown++;
      var note = sections[s].querySelector('.none-shown');
      if (note) note.hidden = items.length === 0 || shown > 0;
      // A table whose every row is filtered out would show only its header.
      var tables = sections[s].querySelectorAll('table');
      for (var t = 0; t < tables.length; t++) {
        var rows = tables[t].querySelectorAll(':scope > .item');
        if (rows.length === 0) continue;
        var any = false;
        for (var r = 0; r < rows.length && !any; r++) any = window.getComputedStyle(rows[r]).display !== 'none';
        tables[t].hidden = !any;
      }
    }
  }
  var shownBy = { failures: ['fail'], interesting: ['fail', 'unsettled', 'warning', 'interesting'], all: null };
  var counted = document.querySelectorAll('.item:not(.repeat)');
  var buttons = document.querySelectorAll('.filters button[data-filter]');
  for (var b = 0; b < buttons.length; b++) {
    var statuses = shownBy[buttons[b].getAttribute('data-filter')], n = 0;
    for (var c = 0; c < counted.length; c++)
      if (!statuses || statuses.indexOf(counted[c].getAttribute('data-status')) >= 0) n++;
    var label = buttons[b].querySelector('.count');
    if (label) label.textContent = '(' + n + ')';
  }
  for (var i = 0; i < buttons.length; i++)
    buttons[i].addEventListener('click', function (event) {
      var filter = event.currentTarget.getAttribute('data-filter');
      apply(filter);
      try { history.replaceState(null, '', '#' + filter); } catch (e) { /* file: pages may refuse; the view still changes */ }
    });
  var wanted = window.location.hash.slice(1);
  apply(filters.indexOf(wanted) >= 0 ? wanted : document.body.getAttribute('data-filter'));
})();
)js";

}  // namespace mh::report
