// On the partner's page, beside the <iframe data-campaign-embed> of the snippet: size each
// frame to the height its content reports. A message counts only if it comes from that frame's
// window and from the origin the frame was loaded from; anything else is ignored.
(function () {
  "use strict";
  var MIN_HEIGHT = 200;
  var MAX_HEIGHT = 6000;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "campaign-embed:height" || typeof data.height !== "number") {
      return;
    }
    var frames = document.querySelectorAll("iframe[data-campaign-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) { continue; }
      if (new URL(frame.src, document.baseURI).origin !== event.origin) { continue; }
      var height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.round(data.height)));
      frame.setAttribute("height", String(height));
    }
  });
})();
