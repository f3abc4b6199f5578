// The call page as one workspace: player with two speaker lanes and a timeline of markers,
// the chat transcript kept in step with playback, verdict selection, confirm/overturn by
// keyboard, evidence seeking, skip silence, the trainer's clip span. Words come from the page.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("call-data").dataset.json);
  const audio = document.getElementById("audio");
  const transcript = document.getElementById("transcript");
  const segs = Array.from(document.querySelectorAll("#transcript .seg"));
  const items = Array.from(document.querySelectorAll(".vitem"));
  const flagged = items.filter((el) => el.dataset.group !== "rest");
  const evidence = Array.from(document.querySelectorAll(".vitem .evidence")).filter(
    (el) => el.closest(".vitem").dataset.group !== "rest"
  );
  const tracks = document.getElementById("lane-tracks");
  const cursor = document.getElementById("cursor");
  const clock = document.getElementById("clock");
  const playButton = document.getElementById("play");
  const form = document.getElementById("review-form");
  let duration = data.duration || 0;
  let hit = -1;
  let current = -1;

  const fmt = (t) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;

  function seek(t) {
    audio.currentTime = Math.max(0, t);
    show(audio.currentTime);
  }

  // ---- the timeline: markers placed by time; the cursor follows playback ----
  function place() {
    if (!duration) return;
    for (const m of document.querySelectorAll(".tl-marker")) {
      const a = parseFloat(m.dataset.start) / duration;
      const b = parseFloat(m.dataset.end) / duration;
      m.style.left = `${(a * 100).toFixed(3)}%`;
      if (b > a) m.style.width = `${Math.max((b - a) * 100, 0.4).toFixed(3)}%`;
    }
  }
  place();

  for (const m of document.querySelectorAll(".tl-marker")) {
    m.addEventListener("click", (e) => {
      e.stopPropagation();
      seek(parseFloat(m.dataset.start));
      if (m.dataset.item) select(document.getElementById(`item-${m.dataset.item}`), true);
    });
  }

  tracks.addEventListener("click", (e) => {
    if (!duration) return;
    const box = tracks.getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * duration);
  });

  // ---- the transcript: the sentence playing is highlighted and kept in view in its pane ----
  function show(t) {
    if (duration) {
      cursor.style.left = `${Math.min((t / duration) * 100, 100)}%`;
    }
    clock.textContent = `${fmt(t)} / ${fmt(duration)}`;
    const i = segs.findIndex((s) => t >= parseFloat(s.dataset.start) && t < parseFloat(s.dataset.end));
    if (i === current) return;
    if (current >= 0) segs[current].classList.remove("current");
    current = i;
    if (i < 0) return;
    segs[i].classList.add("current");
    keepInView(transcript, segs[i]);
  }

  // scroll only the pane, never the page
  function keepInView(pane, el) {
    if (!pane) return;
    const p = pane.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < p.top || r.bottom > p.bottom) {
      pane.scrollTop += r.top - p.top - (p.height - r.height) / 2;
    }
  }

  audio.addEventListener("loadedmetadata", () => {
    if (!duration && isFinite(audio.duration)) {
      duration = audio.duration;
      place();
    }
    show(audio.currentTime);
  });
  audio.addEventListener("timeupdate", () => {
    const t = audio.currentTime;
    show(t);
    if (document.getElementById("skip-silence").checked) {
      for (const s of data.silences) {
        if (t >= s.start_s && t < s.end_s - 0.3 && s.end_s - s.start_s >= 1.0) {
          seek(s.end_s - 0.2);
          break;
        }
      }
    }
  });
  const playIcon = playButton.querySelector("i");
  audio.addEventListener("play", () => {
    playIcon.className = "bi bi-pause-fill";
    playButton.setAttribute("aria-label", data.pause);
  });
  audio.addEventListener("pause", () => {
    playIcon.className = "bi bi-play-fill";
    playButton.setAttribute("aria-label", data.play);
  });
  function toggle() {
    if (audio.paused) audio.play().catch(() => {});
    else audio.pause();
  }
  playButton.addEventListener("click", toggle);

  for (const seg of segs) {
    seg.addEventListener("click", (e) => {
      if (e.target.closest("input, button, a, form, select, textarea")) return;
      seek(parseFloat(seg.dataset.start));
      audio.play().catch(() => {});
    });
  }

  // ---- verdicts: selecting one marks its spans in the transcript ----
  function select(item, reveal) {
    if (!item) return;
    for (const el of document.querySelectorAll(".vitem.active")) el.classList.remove("active");
    item.classList.add("active");
    for (const el of document.querySelectorAll("#transcript .hit.on")) el.classList.remove("on");
    const spans = document.querySelectorAll(`#transcript .hit[data-items~="${item.dataset.item}"]`);
    for (const el of spans) el.classList.add("on");
    if (reveal) keepInView(item.closest(".pane-scroll"), item);
    if (spans.length) keepInView(transcript, spans[0]);
  }

  for (const item of items) {
    item.addEventListener("click", (e) => {
      if (e.target.closest(".evidence, .clip-evidence")) return;
      select(item, false);
      if (e.target.closest(".vitem-title")) seek(parseFloat(item.dataset.start));
    });
  }

  function goEvidence(el) {
    seek(parseFloat(el.dataset.start));
    select(el.closest(".vitem"), true);
  }
  evidence.forEach((el, i) =>
    el.addEventListener("click", () => {
      hit = i;
      goEvidence(el);
    })
  );
  for (const el of document.querySelectorAll(".vitem .evidence")) {
    if (!evidence.includes(el)) el.addEventListener("click", () => goEvidence(el));
  }

  document.getElementById("speed").addEventListener("change", (e) => {
    audio.playbackRate = parseFloat(e.target.value);
  });

  // ---- the review round: progress, nothing ticked, keyboard ----
  const progress = document.getElementById("review-progress");
  const error = document.getElementById("review-error");
  function decided() {
    return form ? form.querySelectorAll("input.btn-check:checked").length : 0;
  }
  function updateProgress() {
    if (!progress) return;
    progress.textContent = progress.dataset.template
      .replace("{done}", decided())
      .replace("{total}", progress.dataset.total);
  }
  if (form) {
    updateProgress();
    form.addEventListener("change", (e) => {
      if (e.target.classList.contains("btn-check")) {
        updateProgress();
        error.classList.add("d-none");
        select(e.target.closest(".vitem"), false);
      }
    });
    form.addEventListener("submit", (e) => {
      const manual = ["manual_title", "manual_points"].some((n) => form.elements[n].value.trim());
      if (!decided() && !manual) {
        e.preventDefault();
        error.classList.remove("d-none");
      }
    });
  }

  function choose(value) {
    const item = document.querySelector(".vitem.active") || flagged[0];
    if (!item) return;
    const radio = item.querySelector(`input.btn-check[value=${value}]`);
    if (!radio) return;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    // on to the next flagged item not yet decided
    const next = flagged.find((el) => el !== item && el.querySelector("input.btn-check") &&
      !el.querySelector("input.btn-check:checked"));
    if (next) select(next, true);
  }

  document.addEventListener("keydown", (e) => {
    // typing stays typing; a ticked toggle (focused after its click) still takes shortcuts
    if (e.target.matches("textarea, select, input:not([type=radio]):not([type=checkbox])")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " ") {
      if (e.target.tagName === "BUTTON") return; // the button's own click
      e.preventDefault();
      toggle();
    } else if (e.key === "n" && evidence.length) {
      hit = (hit + 1) % evidence.length;
      goEvidence(evidence[hit]);
    } else if (e.key === "c") {
      choose("confirm");
    } else if (e.key === "o") {
      choose("overturn");
    } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      if (e.target.closest("[role=tablist]")) return; // the tabs' own arrows
      e.preventDefault();
      seek(audio.currentTime + (e.key === "ArrowRight" ? 5 : -5));
    } else if (e.key === "j" && data.next) {
      window.location.href = data.next;
    }
  });

  // ---- the clip form (trainers): a span from picked sentences or a drag on the waveform ----
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
    box.addEventListener("change", () => {
      const picked = segs.filter((s) => s.querySelector("input.pick").checked);
      if (!picked.length) return;
      setSpan(
        Math.min(...picked.map((s) => parseFloat(s.dataset.start))),
        Math.max(...picked.map((s) => parseFloat(s.dataset.end)))
      );
    });
  }

  // ---- the waveform (when wavesurfer.js is vendored): one lane per speaker ----
  if (data.wavesurfer && window.WaveSurfer) {
    fetch(data.peaks, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((p) => {
        const lanes = document.querySelectorAll("#lane-tracks svg.lane");
        const laneHeight = lanes.length ? lanes[0].getBoundingClientRect().height : 24;
        let channels = p.channels;
        if (channels.length === 2 && data.channel_roles[0] === "customer") {
          channels = [channels[1], channels[0]]; // the agent's lane is on top
        }
        const split = channels.length > 1;
        const ws = window.WaveSurfer.create({
          container: "#waveform",
          media: audio,
          peaks: channels,
          duration: p.duration_s,
          height: split ? laneHeight : laneHeight * 2,
          splitChannels: split ? channels.map(() => ({ height: laneHeight })) : undefined,
          waveColor: "rgba(33, 37, 41, 0.35)",
          progressColor: "rgba(13, 110, 253, 0.55)",
          cursorWidth: 0,
          interact: false, // the lanes seek (one handler with the fallback player)
          cspNonce: data.nonce, // its shadow-DOM <style> (the policy allows no other inline style)
        });
        if (!duration) {
          duration = p.duration_s;
          place();
        }
        if (data.regions && window.WaveSurfer.Regions) {
          const regions = ws.registerPlugin(window.WaveSurfer.Regions.create());
          // a trainer drags across the waveform to choose a clip's span (a click still seeks)
          document.getElementById("waveform").classList.add("selectable");
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
})();
