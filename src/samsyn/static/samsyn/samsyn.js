// Samsyn: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Forms marked js-autosubmit submit when a select changes; their button is hidden.
    document.querySelectorAll("form.js-autosubmit").forEach(function (form) {
      form.querySelectorAll(".js-hide-when-auto").forEach(function (b) { b.hidden = true; });
      form.querySelectorAll("select").forEach(function (s) {
        s.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
      });
    });
    // The consent form: the person's confirmation and reason for a diagnosis show only
    // when Diagnos is chosen for an employer or occupational health service (marked on
    // the recipient's option); without this file they are always shown.
    document.querySelectorAll("[data-diagnosis-reason-fields]").forEach(function (box) {
      var form = box.closest("form");
      var recipient = form.querySelector("select[name=recipient]");
      var diagnosis = form.querySelector("input[name=categories][value=diagnosis]");
      function update() {
        var option = recipient && recipient.options[recipient.selectedIndex];
        var needed = option && option.hasAttribute("data-diagnosis-reason");
        box.hidden = !(needed && diagnosis && diagnosis.checked);
      }
      if (recipient) { recipient.addEventListener("change", update); }
      if (diagnosis) { diagnosis.addEventListener("change", update); }
      update();
    });
    // A table that scrolls inside its own region (a phone) can be scrolled by keyboard
    // and is named by its section's heading (WCAG 2.1.1, axe scrollable-region-focusable).
    document.querySelectorAll("main .table-wrap, main table").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) { return; }
      if (box.querySelector("a[href], button, input, select, textarea")) { return; }
      box.tabIndex = 0;
      if (box.tagName !== "TABLE") {
        box.setAttribute("role", "region");
        var section = box.closest("section");
        var heading = section && section.querySelector("h2, h3");
        box.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
      }
    });
    // Print buttons: record the print first (the form posts), then open the print dialog.
    document.querySelectorAll("[data-print-now]").forEach(function () { window.print(); });
  });
})();
