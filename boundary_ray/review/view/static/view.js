// boundary view: the pages' little script (no build step). Model output is only ever set as
// textContent or left in the text nodes the server wrote; KaTeX runs with trust: false.
"use strict";

(function () {
  const whoInput = document.getElementById("who");
  const stored = window.localStorage ? localStorage.getItem("boundary-who") : null;
  if (whoInput && stored) whoInput.value = stored;
  if (whoInput) {
    whoInput.addEventListener("change", () => {
      if (window.localStorage) localStorage.setItem("boundary-who", whoInput.value);
    });
  }

  // math: typeset each text block, keep an untouched copy for "raw"
  const katexOptions = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "$", right: "$", display: false },
    ],
    throwOnError: false,
    trust: false,
    strict: "ignore",
    maxExpand: 1000,
    maxSize: 20,
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
  };
  document.querySelectorAll(".text-block").forEach((block) => {
    const text = block.querySelector(".text");
    const scope = block.closest("[data-raw-scope]") || block;
    const button = scope.querySelector(".toggle-raw");
    if (!text) return;
    const raw = text.cloneNode(true);
    raw.classList.add("raw");
    raw.classList.remove("math");
    raw.hidden = true;
    text.after(raw);
    if (text.classList.contains("math") && window.renderMathInElement) {
      try {
        window.renderMathInElement(text, katexOptions);
      } catch (err) {
        text.dataset.mathError = String(err);
      }
    } else if (button) {
      button.hidden = true;
    }
    if (button) {
      button.addEventListener("click", () => {
        const showRaw = raw.hidden;
        raw.hidden = !showRaw;
        text.hidden = showRaw;
        button.textContent = showRaw ? "rendered" : "raw";
      });
    }
  });

  // short texts (a question in the problem list): typeset, no raw copy
  document.querySelectorAll("span.math").forEach((span) => {
    if (window.renderMathInElement) {
      try {
        window.renderMathInElement(span, katexOptions);
      } catch (err) {
        span.dataset.mathError = String(err);
      }
    }
  });

  // labels: POST /api/labels, then show what was stored
  document.querySelectorAll("article.sample").forEach((card) => {
    const state = card.querySelector(".label-state");
    const note = card.querySelector("input.note");
    card.querySelectorAll("button[data-label]").forEach((button) => {
      button.addEventListener("click", async () => {
        const body = {
          model: card.dataset.model,
          benchmark: card.dataset.benchmark,
          problem_id: card.dataset.problemId,
          sample_idx: Number(card.dataset.sampleIdx),
          label: button.dataset.label,
          note: note ? note.value : "",
          who: whoInput && whoInput.value ? whoInput.value : undefined,
        };
        state.textContent = "saving…";
        try {
          const response = await fetch("/api/labels", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(body),
            credentials: "same-origin",
          });
          const answer = await response.json();
          state.textContent = "";
          if (!response.ok) {
            const error = document.createElement("span");
            error.className = "error";
            error.textContent = answer.error || response.statusText;
            state.append(error);
            return;
          }
          const stored = answer.stored;
          const badge = document.createElement("span");
          badge.className = "label label-" + stored.label;
          badge.textContent = stored.label;
          const who = document.createElement("span");
          who.className = "muted small";
          who.textContent = " " + stored.who + " · " + stored.at + " · saved";
          state.append(badge, who);
          card.dataset.label = stored.label;
        } catch (err) {
          state.textContent = "not saved: " + err;
        }
      });
    });
  });

  // the overview's pass@k chart: the spec of charts.pass_at_k_chart, drawn by vega-embed
  const chart = document.getElementById("pass-chart");
  if (chart && window.vegaEmbed) {
    fetch(chart.dataset.spec, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((spec) => {
        if (spec.error) {
          chart.textContent = spec.error;
          return null;
        }
        return window.vegaEmbed(chart, spec, { actions: false, renderer: "svg" });
      })
      .then((result) => {
        if (!result) return;
        // the chart is sized for a paper column: draw it larger, keeping its proportions
        const svg = chart.querySelector("svg");
        if (svg) {
          const width = Number(svg.getAttribute("width"));
          const height = Number(svg.getAttribute("height"));
          const room = chart.parentElement ? chart.parentElement.clientWidth : 800;
          const scale = Math.max(1, Math.min(2.2, (room - 20) / width));
          if (!svg.getAttribute("viewBox")) svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
          svg.setAttribute("width", String(width * scale));
          svg.setAttribute("height", String(height * scale));
        }
        chart.dataset.drawn = "1";
      })
      .catch((err) => {
        chart.textContent = "chart: " + err;
      });
  }
})();
