// CRM pages: directory selection + bulk bar, dashboard charts, confirm prompts, table toggles.
// No inline scripts (the CSP forbids them); everything is wired by data attributes.
(function () {
  "use strict";

  // Ask before destructive POSTs: <form data-confirm="Question?">.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  // --- Directory: selection, bulk buttons, "export selection" -------------------------
  function selected() {
    return Array.prototype.slice.call(document.querySelectorAll("#bulk-form input[name='ids']:checked"));
  }
  function refreshBulk() {
    var count = selected().length;
    document.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = count + " selected"; });
    document.querySelectorAll("[data-needs-selection]").forEach(function (el) { el.disabled = count === 0; });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("#bulk-form input[name='ids']").forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.closest("#bulk-form")) { refreshBulk(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-export-selection]");
    if (!button) { return; }
    var form = document.getElementById("bulk-form");
    var ids = selected().map(function (box) { return box.value; });
    if (ids.length) { window.location = form.getAttribute("data-export-url") + "?ids=" + ids.join(","); }
  });
  document.body.addEventListener("htmx:afterSwap", refreshBulk);
  // Member page: after an override, reload so the header badge and the timeline agree.
  document.body.addEventListener("engagementChanged", function () {
    if (document.getElementById("timeline")) { window.location.reload(); }
  });
  refreshBulk();

  // --- Dashboard: "Show table" toggles and charts -----------------------------------------
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-table]");
    if (!toggle) { return; }
    var table = document.getElementById(toggle.getAttribute("data-toggle-table"));
    var hidden = table.classList.toggle("visually-hidden");
    toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
    toggle.textContent = hidden ? "Show table" : "Hide table";
  });

  var dataNode = document.getElementById("crm-charts");
  if (!dataNode || !window.Chart) { return; }
  var charts = JSON.parse(dataNode.textContent);
  var palette = ["#5b4bdb", "#20c997", "#fd7e14", "#0dcaf0", "#adb5bd", "#d63384", "#198754"];
  var levelColours = { "Highly engaged": "#198754", "Moderate": "#5b4bdb", "New": "#0dcaf0", "At risk": "#ffc107", "Inactive": "#adb5bd", "Not computed yet": "#e9ecef" };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.getAttribute("data-chart")];
    if (!spec) { return; }
    var isDoughnut = spec.type === "doughnut";
    var series = spec.series;
    // The conversion chart draws only its rate; the table keeps the counts.
    if (canvas.getAttribute("data-chart") === "conversion") { series = series.slice(0, 1); }
    var datasets = series.map(function (s, i) {
      return {
        label: s.label,
        data: s.data,
        backgroundColor: isDoughnut ? spec.labels.map(function (l, j) { return levelColours[l] || palette[j % palette.length]; }) : palette[i % palette.length],
        borderRadius: isDoughnut ? 0 : 4,
        maxBarThickness: 38
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: isDoughnut || datasets.length > 1, position: isDoughnut ? "right" : "bottom" } },
        scales: isDoughnut ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
        onHover: function (evt, elements) {
          evt.native.target.style.cursor = elements.length && spec.urls[elements[0].index] ? "pointer" : "default";
        },
        onClick: function (evt, elements) {
          if (elements.length && spec.urls[elements[0].index]) { window.location = spec.urls[elements[0].index]; }
        }
      }
    });
  });
})();
