// Form behaviour shared by the pages (no inline handlers: the Content-Security-Policy runs
// scripts from this host only).
(function () {
  "use strict";
  document.addEventListener("submit", (e) => {
    const form = e.target;
    // "add to playlist": the chosen playlist goes into the form's action URL
    if (form.classList.contains("add-to-playlist") && form.elements.playlist) {
      const id = encodeURIComponent(form.elements.playlist.value);
      form.action = form.action.replace(/\/playlists\/\d+\//, `/playlists/${id}/`);
    }
    // destructive forms ask first
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
})();
