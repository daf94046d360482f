// jia-teach: widgets drawn from saved state (the book, the static slides) cannot run Python.
// Say so where the reader looks, and do not let a control pretend to work (issue 15): a visible
// note above each drawn widget, and its controls disabled (not focusable, not draggable,
// announced as disabled). The widget's text stays readable and in the accessibility tree.
//
//   <script src="frozen.js" data-note="..."></script>            the deck calls
//                                                                  window.jiaFreezeWidgets()
//   <script src="frozen.js" data-observe data-note="..."></script> the book: each widget is
//                                                                  frozen as it is drawn
(function () {
  var script = document.currentScript;
  var NOTE = (script && script.getAttribute("data-note")) ||
    "Frozen at the default values: open this notebook in JupyterLab (make lab) to move it.";
  var CONTROLS = "input, select, textarea, button, [tabindex], [role='slider']";
  var STYLE = [
    ".jia-frozen-note { margin: 0.4em 0 0.2em; padding: 0.25em 0.6em; font-size: 0.95rem;",
    "  color: #1a1a1a; background: #eef3f8; border-left: 4px solid #0072B2; }",
    ".widget-subarea[data-jia-frozen] { pointer-events: none; outline: 1px dashed #5f6b78;",
    "  outline-offset: 2px; }"
  ].join("\n");

  function addStyle() {
    if (document.getElementById("jia-frozen-style")) return;
    var style = document.createElement("style");
    style.id = "jia-frozen-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function freeze(area) {
    if (!area.children.length) return;
    if (!area.hasAttribute("data-jia-frozen")) {
      area.setAttribute("data-jia-frozen", "true");
      var note = document.createElement("p");
      note.className = "jia-frozen-note";
      note.setAttribute("role", "note");
      note.textContent = NOTE;
      area.parentElement.insertBefore(note, area);
    }
    // Again on every call: a box draws its children after itself.
    // noUiSlider ignores keys and drags on a target with the disabled attribute (issue 19: a
    // frozen slider moved with the arrow keys while its verdicts stayed).
    area.querySelectorAll(".noUi-target").forEach(function (el) {
      if (!el.hasAttribute("disabled")) el.setAttribute("disabled", "");
    });
    area.querySelectorAll(CONTROLS).forEach(function (el) {
      if (el.getAttribute("aria-disabled") === "true" && el.tabIndex === -1) return;
      if ("disabled" in el) el.disabled = true;
      el.setAttribute("aria-disabled", "true");
      el.setAttribute("tabindex", "-1");
    });
  }

  // Whatever still has focus inside a frozen widget (a click before it was frozen, a script)
  // gets no key, pointer or wheel event: nothing in it moves.
  var BLOCKED = ["keydown", "keypress", "mousedown", "pointerdown", "touchstart", "wheel"];
  var guarded = false;
  function guard() {
    if (guarded) return;
    guarded = true;
    BLOCKED.forEach(function (type) {
      document.addEventListener(type, function (event) {
        var target = event.target;
        if (target instanceof Element && target.closest(".widget-subarea[data-jia-frozen]")) {
          if (type === "keydown" && (event.key === "Tab" || event.key === "Escape")) return;
          event.stopPropagation();
          if (event.cancelable) event.preventDefault();
        }
      }, {capture: true, passive: false});
    });
  }

  window.jiaFreezeWidgets = function (root) {
    addStyle();
    guard();
    (root || document).querySelectorAll(".widget-subarea").forEach(freeze);
  };

  if (script && script.hasAttribute("data-observe")) {
    var pending = false;
    var observer = new MutationObserver(function () {
      if (pending) return;
      pending = true;
      // Let the widget manager finish the view it is drawing, then freeze what is there.
      window.requestAnimationFrame(function () {
        pending = false;
        window.jiaFreezeWidgets(document);
      });
    });
    var start = function () {
      observer.observe(document.body, {childList: true, subtree: true});
      window.jiaFreezeWidgets(document);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
