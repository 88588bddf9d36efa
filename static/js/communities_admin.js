/* Community settings: move intake questions up and down. Renumbers the formset's ORDER
 * fields in page order, so the form also works without this script (type the numbers). */
(function () {
  "use strict";
  var list = document.getElementById("question-list");
  if (!list) return;

  function renumber() {
    var n = 0;
    list.querySelectorAll("[data-question]").forEach(function (fieldset) {
      var order = fieldset.querySelector("input[name$='-ORDER']");
      var label = fieldset.querySelector("input[name$='-label']");
      if (order && label && label.value.trim()) order.value = ++n;
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    var fieldset = button.closest("[data-question]");
    if (button.dataset.move === "up" && fieldset.previousElementSibling) {
      list.insertBefore(fieldset, fieldset.previousElementSibling);
    } else if (button.dataset.move === "down" && fieldset.nextElementSibling) {
      list.insertBefore(fieldset.nextElementSibling, fieldset);
    }
    renumber();
    button.focus();
  });
  list.addEventListener("input", renumber);
})();
