// Transcript correction (review/_segment_tools.html): the edit form lives inside a transcript
// sentence, whose click seeks and plays the audio; clicks and keys in the form stay in the form,
// and opening it puts the cursor in the text.
(function () {
  "use strict";
  function init() {
    for (const tools of document.querySelectorAll("[data-segment-tools]")) {
      tools.addEventListener("click", (e) => e.stopPropagation());
      tools.addEventListener("keydown", (e) => e.stopPropagation());
      const panel = tools.querySelector(".collapse");
      if (!panel) continue;
      panel.addEventListener("shown.bs.collapse", () => {
        const text = panel.querySelector("textarea");
        if (text) {
          text.focus();
          text.setSelectionRange(text.value.length, text.value.length);
        }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
