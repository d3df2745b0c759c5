// Progressive enhancement only: the forms work without this file.
// Move focus to the error summary so that screen readers announce the problems.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
