// docgen: Material for MkDocs renders the site's diagrams with this global `mermaid` (served
// from the site, never a CDN) and themes them from the palette's CSS variables. docgen only
// pins what it promises whatever a page asks for: strict security, and no second render by
// Mermaid's own start-on-load (Material renders, also after instant navigation).
(function () {
  "use strict";
  if (typeof mermaid === "undefined" || typeof mermaid.initialize !== "function") {
    return;
  }
  var initialize = mermaid.initialize.bind(mermaid);
  mermaid.startOnLoad = false;
  mermaid.initialize = function (config) {
    return initialize(Object.assign({}, config, { startOnLoad: false, securityLevel: "strict" }));
  };
})();
