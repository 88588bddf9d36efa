/* Weekly availability picker: a grid of half-hour cells (Mon–Sun), in the member's zone.
 *
 * Reads and writes the hidden input #availability-input as
 *   {"timezone": "Europe/Berlin", "slots": [{"day": 0, "start": "18:00", "end": "19:30"}]}
 * (day 0 = Monday). Mouse: press and drag to paint. Touch: tap toggles (the page still
 * scrolls). Keyboard: one tab stop; arrow keys move, Space/Enter toggles, Home/End jump.
 */
(function () {
  "use strict";
  var root = document.getElementById("availability-picker");
  var input = document.getElementById("availability-input");
  var zoneSelect = document.getElementById("availability-zone");
  var summary = document.getElementById("availability-summary");
  if (!root || !input) return;

  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var LONG_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  var FIRST = 14; // rows before 07:00 start hidden (unless something there is picked)
  var LAST = 47; // 23:30
  var selected = {}; // "day:index" -> true
  var cells = []; // [row][day] -> element
  var focusRow = 0, focusDay = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function label(index) { return pad(Math.floor(index / 2)) + ":" + (index % 2 ? "30" : "00"); }
  function toIndex(hhmm) {
    var parts = String(hhmm).split(":");
    return parseInt(parts[0], 10) * 2 + (parts[1] === "30" ? 1 : 0);
  }

  // --- load -------------------------------------------------------------------------
  var initial = {};
  try { initial = input.value ? JSON.parse(input.value) : {}; } catch (e) { initial = {}; }
  (initial.slots || []).forEach(function (slot) {
    for (var i = toIndex(slot.start); i < toIndex(slot.end); i++) {
      selected[slot.day + ":" + i] = true;
      if (i < FIRST) FIRST = Math.max(0, i);
    }
  });
  var zone = initial.timezone || root.dataset.zone || "";
  if (!zone) {
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { zone = "UTC"; }
  }
  if (zoneSelect) {
    if (!Array.prototype.some.call(zoneSelect.options, function (o) { return o.value === zone; })) {
      var opt = document.createElement("option");
      opt.value = opt.textContent = zone;
      zoneSelect.appendChild(opt);
    }
    zoneSelect.value = zone;
    zoneSelect.addEventListener("change", function () { zone = zoneSelect.value; save(); });
  }

  // --- build ------------------------------------------------------------------------
  var table = document.createElement("table");
  table.className = "astn-availability-grid";
  table.setAttribute("role", "grid");
  table.setAttribute("aria-label", "Weekly availability, half-hour cells");
  var thead = table.createTHead().insertRow();
  thead.appendChild(document.createElement("th"));
  DAYS.forEach(function (d, i) {
    var th = document.createElement("th");
    th.scope = "col";
    th.textContent = d;
    th.title = LONG_DAYS[i];
    thead.appendChild(th);
  });
  var body = table.createTBody();
  for (var index = 0; index <= LAST; index++) {
    var tr = body.insertRow();
    if (index < FIRST) tr.hidden = true;
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = index % 2 ? "" : label(index);
    tr.appendChild(th);
    var row = [];
    for (var day = 0; day < 7; day++) {
      var td = tr.insertCell();
      td.setAttribute("role", "gridcell");
      td.dataset.day = day;
      td.dataset.index = index;
      td.tabIndex = -1;
      td.setAttribute("aria-label", LONG_DAYS[day] + " " + label(index) + "–" + label(index + 1));
      row.push(td);
    }
    cells.push(row);
  }
  root.appendChild(table);
  if (FIRST > 0) {
    var more = document.createElement("button");
    more.type = "button";
    more.className = "btn btn-link btn-sm px-0";
    more.textContent = "Show hours before 07:00";
    more.addEventListener("click", function () {
      Array.prototype.forEach.call(body.rows, function (tr) { tr.hidden = false; });
      FIRST = 0;
      more.remove();
    });
    root.appendChild(more);
  }
  focusRow = FIRST;
  cells[FIRST][0].tabIndex = 0;

  // --- state ------------------------------------------------------------------------
  function key(td) { return td.dataset.day + ":" + td.dataset.index; }
  function paint(td, on) {
    if (on) selected[key(td)] = true; else delete selected[key(td)];
    td.classList.toggle("is-on", on);
    td.setAttribute("aria-selected", on ? "true" : "false");
  }
  function serialise() {
    var slots = [];
    for (var day = 0; day < 7; day++) {
      var start = null;
      for (var i = 0; i <= 48; i++) {
        var on = i < 48 && selected[day + ":" + i];
        if (on && start === null) start = i;
        if (!on && start !== null) {
          slots.push({ day: day, start: label(start), end: i === 48 ? "24:00" : label(i) });
          start = null;
        }
      }
    }
    return { timezone: zone, slots: slots };
  }
  function save() {
    var value = serialise();
    input.value = JSON.stringify(value);
    if (summary) {
      var halfHours = Object.keys(selected).length;
      summary.textContent = halfHours
        ? (halfHours / 2) + " hours a week picked (" + zone.replace(/_/g, " ") + " time)."
        : "Nothing picked yet.";
    }
  }
  cells.forEach(function (row) { row.forEach(function (td) { paint(td, !!selected[key(td)]); }); });
  save();

  // --- pointer: drag to paint with a mouse or pen, tap to toggle on touch ------------
  var painting = null;
  var lastPointer = "";
  table.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType;
    var td = event.target.closest("td[role=gridcell]");
    if (!td) return;
    focusCell(td);
    if (event.pointerType === "touch") return; // toggled on click, so the page still scrolls
    event.preventDefault();
    painting = !selected[key(td)];
    paint(td, painting);
  });
  table.addEventListener("pointerover", function (event) {
    if (painting === null) return;
    var td = event.target.closest("td[role=gridcell]");
    if (td) paint(td, painting);
  });
  document.addEventListener("pointerup", function () {
    if (painting !== null) { painting = null; save(); }
  });
  table.addEventListener("click", function (event) {
    var td = event.target.closest("td[role=gridcell]");
    if (td && lastPointer === "touch") { paint(td, !selected[key(td)]); save(); }
  });

  // --- keyboard: roving tab stop ------------------------------------------------------
  function focusCell(td) {
    cells.forEach(function (row) { row.forEach(function (c) { c.tabIndex = -1; }); });
    td.tabIndex = 0;
    td.focus();
    focusDay = parseInt(td.dataset.day, 10);
    focusRow = parseInt(td.dataset.index, 10);
  }
  table.addEventListener("keydown", function (event) {
    var td = event.target.closest("td[role=gridcell]");
    if (!td) return;
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      var r = Math.min(cells.length - 1, Math.max(FIRST, focusRow + moves[event.key][0]));
      var d = Math.min(6, Math.max(0, focusDay + moves[event.key][1]));
      focusCell(cells[r][d]);
      if (event.shiftKey) { paint(cells[r][d], true); save(); }
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      focusCell(cells[event.key === "Home" ? FIRST : cells.length - 1][focusDay]);
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      paint(td, !selected[key(td)]);
      save();
    }
  });

  // --- presets ----------------------------------------------------------------------
  document.querySelectorAll("[data-preset]").forEach(function (button) {
    button.addEventListener("click", function () {
      var preset = button.dataset.preset;
      cells.forEach(function (row) {
        row.forEach(function (td) {
          var day = parseInt(td.dataset.day, 10), i = parseInt(td.dataset.index, 10);
          if (preset === "clear") paint(td, false);
          else if (preset === "evenings" && day < 5 && i >= 36 && i < 42) paint(td, true);
          else if (preset === "lunch" && day < 5 && i >= 24 && i < 27) paint(td, true);
        });
      });
      save();
    });
  });
})();
