// Check-in list: a header checkbox ticks every row checkbox of the same name.
(function () {
  document.querySelectorAll("[data-check-all]").forEach(function (master) {
    var name = master.getAttribute("data-check-all");
    master.addEventListener("change", function () {
      master.closest("form").querySelectorAll('input[type="checkbox"][name="' + name + '"]')
        .forEach(function (box) { box.checked = master.checked; });
    });
  });
})();
