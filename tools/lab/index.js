// jia-teach in JupyterLab (issue 19): the learner's lab gets what the deck and the book already
// had. ipywidgets 8 gives a slider handle no accessible name, announces its raw float
// (0.6250000000000001), makes every radio button its own Tab stop and draws a 1 px focus ring
// that cannot be seen on a blue button. tools/web/widget_a11y.js (shared with the live deck, the
// slides and the book) names the controls from their labels, announces values as the readout
// shows them, groups radio buttons and gives chart images their caption as alt; style.css draws
// a focus indicator with at least 3:1 contrast. Nothing here talks to the server.
require("../web/widget_a11y.js");

module.exports = [
  {
    id: "jia-teach-lab-a11y:plugin",
    description: "Accessible names, values and focus indicators for jia-teach's widgets.",
    autoStart: true,
    activate: function () {
      document.documentElement.setAttribute("data-jia-lab-a11y", "1");
    }
  }
];
