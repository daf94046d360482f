// jia-teach in JupyterLab (issue 19): the learner's lab gets what the deck and the book already
// had. ipywidgets 8 gives a slider handle no accessible name, announces its raw float
// (0.6250000000000001), makes every radio button its own Tab stop and draws a 1 px focus ring
// that cannot be seen on a blue button. tools/web/widget_a11y.js (shared with the live deck, the
// slides and the book) names the controls from their labels, announces values as the readout
// shows them, groups radio buttons and gives chart images their caption as alt; style.css draws
// a focus indicator with at least 3:1 contrast. Nothing here talks to the server.
require("../web/widget_a11y.js");

// JupyterLab draws a figure output (image/png) without the alt text that
// jia_teach.present.image stores in the output's metadata. The output models hold it: walk the
// open notebooks' output areas (duck-typed, no JupyterLab import) and give each drawn <img> its
// caption, after every change of the page (at most once per frame).
function outputAlts(app) {
  var panels = Array.from(app.shell.widgets("main"));
  panels.forEach(function (panel) {
    var cells = panel.content && panel.content.widgets;
    if (!cells) return;
    Array.from(cells).forEach(function (cell) {
      var area = cell.outputArea;
      if (!area || !area.model || !area.widgets) return;
      for (var i = 0; i < area.model.length && i < area.widgets.length; i++) {
        var meta = area.model.get(i).metadata || {};
        var alt = meta["image/png"] && meta["image/png"].alt;
        if (!alt) continue;
        var img = area.widgets[i].node.querySelector("img:not([alt])");
        if (img) img.setAttribute("alt", alt);
      }
      // An output wider than the notebook scrolls: keyboard users must be able to scroll it.
      Array.from(area.widgets).forEach(function (child) {
        var out = child.node.querySelector(".jp-OutputArea-output");
        if (out && out.scrollWidth > out.clientWidth + 1 && !out.hasAttribute("tabindex")) {
          out.setAttribute("tabindex", "0");
          out.setAttribute("role", "region");
          out.setAttribute("aria-label", "Output (scrolls sideways)");
        }
      });
    });
  });
}

module.exports = [
  {
    id: "jia-teach-lab-a11y:plugin",
    description: "Accessible names, values and focus indicators for jia-teach's widgets.",
    autoStart: true,
    activate: function (app) {
      var pending = false;
      new MutationObserver(function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          outputAlts(app);
        });
      }).observe(document.body, {childList: true, subtree: true});
      document.documentElement.setAttribute("data-jia-lab-a11y", "1");
    }
  }
];
