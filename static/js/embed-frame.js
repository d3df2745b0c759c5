// Inside the embed frame: tell the page around it how tall the content is, so that the
// partner's copy of embed.js can size the frame without a scrollbar. Only a height is sent.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var root = document.getElementById("embed-root");
  var target = document.body.getAttribute("data-parent-origin") || "*";
  var last = 0;
  function report() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ type: "campaign-embed:height", height: height }, target);
  }
  if (window.ResizeObserver) {
    new window.ResizeObserver(report).observe(root);
  } else {
    window.addEventListener("resize", report);
  }
  window.addEventListener("load", report);
  report();
})();
