// jia-teach: accessible names the book's theme and extensions get wrong (axe-core, issue 15).
// Each fix makes the name a screen reader announces match what is on screen:
//   - the search button is named by what it shows ("Search Ctrl+K"), with aria-keyshortcuts;
//   - the colour-mode button's icons are decorative; its name "Color mode" becomes text of
//     its own (visually hidden), not an aria-label that its icon glyphs contradict;
//   - sphinx-togglebutton's "Toggle hidden content" label is dropped, so the visible "Show code
//     cell source" is the name;
//   - the bibliography's entries are list items of its list (doc-biblioentry is deprecated).
(function () {
  function fix() {
    document.querySelectorAll(".search-button__kbd-shortcut").forEach(function (hint) {
      var button = hint.closest("button");
      if (!button) return;
      button.removeAttribute("aria-label");
      button.setAttribute("aria-keyshortcuts", "Control+K");
    });
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.querySelectorAll("i").forEach(function (icon) {
        icon.setAttribute("aria-hidden", "true");
      });
      if (button.querySelector(".jia-sr-name")) return;
      var name = document.createElement("span");
      name.className = "jia-sr-name visually-hidden";
      name.textContent = button.getAttribute("aria-label") || "Color mode";
      button.appendChild(name);
      button.removeAttribute("aria-label");
    });
    document.querySelectorAll("summary[aria-label='Toggle hidden content']").forEach(function (s) {
      if (s.textContent.trim()) s.removeAttribute("aria-label");
    });
    document.querySelectorAll(".citation-list > [role='doc-biblioentry']").forEach(function (e) {
      e.setAttribute("role", "listitem");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
  window.addEventListener("load", fix);
})();
