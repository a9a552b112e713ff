// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Copy buttons for shown-once secrets (hidden until the script runs).
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () { button.textContent = "Copied"; });
    });
  });
  // Destructive buttons ask once more.
  document.querySelectorAll("button.danger").forEach(function (button) {
    if (button.form && button.form.id === "rotate-form") { return; } // that form has its own confirmation
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.textContent.trim() + "?")) { event.preventDefault(); }
    });
  });
})();
