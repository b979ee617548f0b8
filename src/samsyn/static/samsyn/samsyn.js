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
    // Print buttons: record the print first (the form posts), then open the print dialog.
    document.querySelectorAll("[data-print-now]").forEach(function () { window.print(); });
  });
})();
