// jia-teach: keys in the deck (issues 15 and 19).
// 1. A key pressed on a focused control (slider, dropdown, radio button, button, text box)
//    belongs to that control: reveal.js must not also turn the slide. reveal.js listens on
//    `document`; this listener on <html> runs first as the event bubbles up and stops it there,
//    after the control itself has handled it. reveal's own arrows are left alone.
// 2. The right and left arrows visit every slide, sub-slides included (linear navigation):
//    reveal.js moves them sideways past a column of vertical slides, so "Harms: what the
//    counts can bear" and the GRADE slide were skipped (12 -> 14, 18 -> 20). Outside a control
//    they become reveal's own "next" and "previous" keys (N and P), which step through every
//    slide in order. Voila's reveal bundle does not expose Reveal to configure it instead.
(function () {
  var CONTROLS = ".jupyter-widgets, .widget-area, input, select, textarea, button, " +
    "[role='slider'], [role='radio'], [role='listbox'], [role='option'], [contenteditable]";
  var LINEAR = {ArrowRight: ["n", 78], ArrowLeft: ["p", 80]};
  document.documentElement.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest(CONTROLS) && !target.closest(".reveal > .controls")) {
      event.stopPropagation();
      return;
    }
    var step = LINEAR[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.stopPropagation();
    event.preventDefault();
    var next = new KeyboardEvent("keydown", {key: step[0], bubbles: true, cancelable: true});
    Object.defineProperty(next, "keyCode", {get: function () { return step[1]; }});
    Object.defineProperty(next, "which", {get: function () { return step[1]; }});
    document.dispatchEvent(next);
  });
})();
