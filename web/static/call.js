// Call page: waveform player, transcript sync, evidence seeking, skip silence, shortcuts.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("call-data").dataset.json);
  const audio = document.getElementById("audio");
  const segs = Array.from(document.querySelectorAll("tr.seg"));
  const evidence = Array.from(document.querySelectorAll(".evidence"));
  let hit = -1;

  function seek(t) {
    audio.currentTime = Math.max(0, t);
  }

  // The clip form (trainers): the span comes from picked sentences or a drag on the waveform.
  const clipStart = document.getElementById("clip-start");
  const clipEnd = document.getElementById("clip-end");
  const clipTitle = document.getElementById("clip-title");

  function setSpan(a, b) {
    if (!clipStart) return;
    clipStart.value = a.toFixed(2);
    clipEnd.value = b.toFixed(2);
    if (!clipTitle.value || clipTitle.dataset.auto === "1") {
      clipTitle.value = `${data.call_id} ${Math.round(a)}-${Math.round(b)}s`;
      clipTitle.dataset.auto = "1";
    }
  }
  if (clipTitle) clipTitle.addEventListener("input", () => (clipTitle.dataset.auto = "0"));

  for (const box of document.querySelectorAll("input.pick")) {
    box.addEventListener("click", (e) => e.stopPropagation()); // picking is not seeking
    box.addEventListener("change", () => {
      const picked = segs.filter((r) => r.querySelector("input.pick").checked);
      if (!picked.length) return;
      setSpan(
        Math.min(...picked.map((r) => parseFloat(r.dataset.start))),
        Math.max(...picked.map((r) => parseFloat(r.dataset.end)))
      );
    });
  }

  if (data.wavesurfer && window.WaveSurfer) {
    fetch(data.peaks, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((p) => {
        const ws = window.WaveSurfer.create({
          container: "#waveform",
          media: audio,
          peaks: p.channels,
          duration: p.duration_s,
          splitChannels: p.channels.map(() => ({ height: 48 })),
          height: 48 * p.channels.length,
          cspNonce: data.nonce, // its shadow-DOM <style> (the policy allows no other inline style)
        });
        if (data.regions && window.WaveSurfer.Regions) {
          const regions = ws.registerPlugin(window.WaveSurfer.Regions.create());
          regions.enableDragSelection({ color: "rgba(25, 118, 210, 0.2)" });
          regions.on("region-created", (region) => {
            for (const other of regions.getRegions()) if (other !== region) other.remove();
            setSpan(region.start, region.end);
          });
          regions.on("region-updated", (region) => setSpan(region.start, region.end));
        }
      })
      .catch(() => {});
  }

  function highlight(t) {
    for (const row of segs) {
      const on = t >= parseFloat(row.dataset.start) && t < parseFloat(row.dataset.end);
      if (on !== row.classList.contains("current")) row.classList.toggle("current", on);
    }
  }

  audio.addEventListener("timeupdate", () => {
    const t = audio.currentTime;
    highlight(t);
    if (document.getElementById("skip-silence").checked) {
      for (const s of data.silences) {
        if (t >= s.start_s && t < s.end_s - 0.3 && s.end_s - s.start_s >= 1.0) {
          seek(s.end_s - 0.2);
          break;
        }
      }
    }
  });

  for (const row of segs) {
    row.addEventListener("click", () => {
      seek(parseFloat(row.dataset.start));
      highlight(audio.currentTime);
      audio.play().catch(() => {});
    });
  }

  function markWords(el) {
    const match = el.dataset.match;
    const start = parseFloat(el.dataset.start);
    for (const m of document.querySelectorAll("#transcript mark")) m.replaceWith(m.textContent);
    const row = segs.find((r) => Math.abs(parseFloat(r.dataset.start) - start) < 0.05);
    if (!row || !match) return;
    const cell = row.querySelector(".text");
    const text = cell.textContent;
    const i = text.indexOf(match);
    if (i < 0) return;
    cell.textContent = "";
    cell.append(text.slice(0, i));
    const mark = document.createElement("mark");
    mark.textContent = match;
    cell.append(mark, text.slice(i + match.length));
  }

  function goEvidence(el) {
    seek(parseFloat(el.dataset.start));
    highlight(audio.currentTime);
    markWords(el);
    for (const item of document.querySelectorAll("tr.item.current")) item.classList.remove("current");
    const item = el.closest("tr.item");
    if (item) item.classList.add("current");
    el.scrollIntoView({ block: "nearest" });
  }

  evidence.forEach((el, i) =>
    el.addEventListener("click", () => {
      hit = i;
      goEvidence(el);
    })
  );

  document.getElementById("speed").addEventListener("change", (e) => {
    audio.playbackRate = parseFloat(e.target.value);
  });

  function choose(value) {
    const item = document.querySelector("tr.item.current") || document.querySelector("tr.item");
    if (!item) return;
    const radio = item.querySelector(`input[type=radio][value=${value}]`);
    if (radio) radio.checked = true;
  }

  document.addEventListener("keydown", (e) => {
    if (["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName)) return;
    if (e.key === " ") {
      e.preventDefault();
      if (audio.paused) audio.play().catch(() => {});
      else audio.pause();
    } else if (e.key === "n" && evidence.length) {
      hit = (hit + 1) % evidence.length;
      goEvidence(evidence[hit]);
    } else if (e.key === "c") {
      choose("confirm");
    } else if (e.key === "o") {
      choose("overturn");
    } else if (e.key === "j" && data.next) {
      window.location.href = data.next;
    }
  });
})();
