// The review queue: the header box ticks or clears every call on the page for assignment.
(function () {
  "use strict";
  const all = document.getElementById("select-all");
  if (!all) return;
  const picks = () => Array.from(document.querySelectorAll("input.row-pick"));
  all.addEventListener("change", () => {
    picks().forEach((box) => { box.checked = all.checked; });
  });
  document.addEventListener("change", (e) => {
    if (!e.target.classList || !e.target.classList.contains("row-pick")) return;
    const boxes = picks();
    const ticked = boxes.filter((b) => b.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  });
})();
