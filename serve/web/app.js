// recur playground: plain JavaScript against the server's own /v1 API.
"use strict";

const $ = (id) => document.getElementById(id);

function setStatus(id, text, isError) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", !!isError);
}

// apiError renders the server's JSON error ({error: {code, field, message}}).
async function apiError(resp) {
  try {
    const j = await resp.json();
    if (j.error) return j.error.message + (resp.status === 429 ? " (server busy)" : "");
  } catch (_) { /* not JSON */ }
  return "HTTP " + resp.status;
}

// --- models ---------------------------------------------------------------
async function loadModels() {
  let models = [];
  try {
    const r = await fetch("/v1/models");
    models = (await r.json()).models || [];
  } catch (e) {
    setStatus("gen-status", "cannot reach the server: " + e, true);
  }
  const list = $("models");
  list.textContent = "";
  for (const m of models) {
    const li = document.createElement("li");
    const b = document.createElement("b");
    b.textContent = m.name;
    li.append(b, " " + m.task + " · " + m.params.toLocaleString() + " params · vocab " + m.vocab_size);
    list.append(li);
  }
  const fill = (sel, task, card, btn) => {
    const ms = models.filter((m) => m.task === task);
    $(sel).textContent = "";
    for (const m of ms) $(sel).append(new Option(m.name, m.name));
    $(sel).hidden = ms.length < 2;
    $(btn).disabled = ms.length === 0;
    $(card).classList.toggle("off", ms.length === 0);
    if (ms.length === 0) {
      const st = card.replace("-card", "-status");
      setStatus(st, "No " + task + " model loaded: start the server with --model FILE.", false);
    }
  };
  fill("gen-model", "textgen", "gen-card", "generate");
  fill("tr-model", "translate", "tr-card", "translate");
  fill("cap-model", "caption", "cap-card", "caption");
}

// --- generate (streamed as server-sent events over fetch) -----------------
let genAbort = null;

function sliders() {
  const show = (id, fmt) => {
    const upd = () => { $(id + "-v").textContent = fmt($(id).value); };
    $(id).addEventListener("input", upd);
    upd();
  };
  show("temperature", (v) => Number(v).toFixed(2));
  show("topk", (v) => (v === "0" ? "off" : v));
  show("length", (v) => v);
  show("beam", (v) => v);
}

// --- next-token candidates -------------------------------------------------
// With candidates on, every generated token is a <span class="tok"> holding
// the top of the distribution it was drawn from (the server's "candidates":
// p_raw = softmax of the logits, p_sampled = after temperature and top-k).
// Pointing at a token (mouse, click, or ← → in the output) shows them as
// paired bars; otherwise the panel follows the newest token.
const NUM_CANDIDATES = 8;
let candFollow = true, candCurrent = null;

const visible = (t) => (t === "" ? "∅" : t.replace(/\n/g, "↵").replace(/\t/g, "⇥").replace(/ /g, "␣"));
const pct = (p) => (p >= 0.0995 ? (100 * p).toFixed(0) : p >= 0.000995 ? (100 * p).toFixed(1) : p > 0 ? "<0.1" : "0") + "%";

function showCands(span) {
  const panel = $("gen-cands");
  if (!span || !span.cands) return;
  if (candCurrent) candCurrent.classList.remove("on");
  candCurrent = span;
  span.classList.add("on");
  panel.textContent = "";
  const head = document.createElement("p");
  head.className = "head";
  const b = document.createElement("b");
  b.textContent = visible(span.textContent);
  const k1 = document.createElement("span"), k2 = document.createElement("span");
  k1.className = "key raw";
  k2.className = "key smp";
  head.append("Token " + span.dataset.i + " ", b, " was drawn from:", k1, "model (before temperature)", k2, "sampled (after temperature, top-k)");
  const grid = document.createElement("div");
  grid.className = "grid";
  const top = Math.max(...span.cands.map((c) => Math.max(c.p_raw, c.p_sampled)), 1e-9);
  for (const c of span.cands) {
    const lab = document.createElement("span");
    lab.className = "lab" + (c.chosen ? " chosen" : "");
    lab.textContent = visible(c.text);
    if (c.chosen) lab.title = "the token that was drawn";
    const bars = document.createElement("span");
    bars.className = "bars";
    for (const [cls, p] of [["raw", c.p_raw], ["smp", c.p_sampled]]) {
      const bar = document.createElement("span");
      bar.className = "bar " + cls;
      bar.style.width = (100 * p / top).toFixed(1) + "%";
      bars.append(bar);
    }
    const num = document.createElement("span");
    num.className = "num";
    num.textContent = pct(c.p_raw) + " → " + pct(c.p_sampled);
    grid.append(lab, bars, num);
  }
  panel.append(head, grid);
  panel.hidden = false;
}

function candEvents() {
  const out = $("gen-output");
  out.addEventListener("mouseover", (e) => {
    const t = e.target.closest && e.target.closest(".tok");
    if (t) { candFollow = false; showCands(t); }
  });
  out.addEventListener("click", (e) => {
    const t = e.target.closest && e.target.closest(".tok");
    if (t) { candFollow = false; showCands(t); }
  });
  out.addEventListener("mouseleave", () => { if (document.activeElement !== out) candFollow = true; });
  out.addEventListener("blur", () => { candFollow = true; });
  out.addEventListener("keydown", (e) => {
    if (!candCurrent || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    let t = e.key === "ArrowLeft" ? candCurrent.previousElementSibling : candCurrent.nextElementSibling;
    if (t && t.classList.contains("tok")) { e.preventDefault(); candFollow = false; showCands(t); }
  });
}

async function generate() {
  const out = $("gen-output");
  out.textContent = $("prompt").value;
  const wantCands = $("cands-on").checked;
  $("gen-cands").hidden = true;
  candFollow = true;
  candCurrent = null;
  out.tabIndex = wantCands ? 0 : -1;
  setStatus("gen-status", "generating…");
  const body = {
    prompt: $("prompt").value,
    length: Number($("length").value),
    temperature: Number($("temperature").value),
    top_k: Number($("topk").value),
    stream: true,
  };
  if (wantCands) body.candidates = NUM_CANDIDATES;
  if ($("gen-model").value) body.model = $("gen-model").value;
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  genAbort = new AbortController();
  $("generate").disabled = true;
  $("gen-stop").disabled = false;
  let tokens = 0;
  try {
    const resp = await fetch("/v1/generate", { method: "POST", body: JSON.stringify(body), signal: genAbort.signal });
    if (!resp.ok) throw new Error(await apiError(resp));
    const reader = resp.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        const d = data ? JSON.parse(data) : {};
        if (event === "token" && d.candidates) {
          const span = document.createElement("span");
          span.className = "tok";
          span.textContent = d.text;
          span.cands = d.candidates;
          span.dataset.i = ++tokens;
          out.append(span);
          if (candFollow) { showCands(span); out.scrollTop = out.scrollHeight; }
        } else if (event === "token") { out.append(d.text); tokens++; out.scrollTop = out.scrollHeight; }
        else if (event === "start") setStatus("gen-status", "generating with " + d.model + " (seed " + d.seed + ")…");
        else if (event === "done") {
          let s = d.tokens + " tokens in " + Math.round(d.elapsed_ms) + " ms · seed " + d.seed;
          if (d.unknown && d.unknown.length) s += " · unknown to the model: " + d.unknown.join(" ");
          setStatus("gen-status", s);
          out.dataset.done = "1";
        } else if (event === "error") setStatus("gen-status", d.error.message, true);
      }
    }
  } catch (e) {
    if (e.name === "AbortError") setStatus("gen-status", "stopped after " + tokens + " tokens");
    else setStatus("gen-status", String(e.message || e), true);
  } finally {
    $("generate").disabled = false;
    $("gen-stop").disabled = true;
    genAbort = null;
  }
}

// --- translate with an attention heatmap ---------------------------------
function heatmap(src, tgt, weights) {
  // One row per output token, one column per source token; darker = more
  // attention. Rows beyond the output tokens (the end token) are labelled </s>.
  const g = document.createElement("div");
  g.className = "heatmap";
  g.style.gridTemplateColumns = "auto repeat(" + src.length + ", max-content)";
  g.setAttribute("role", "img");
  g.setAttribute("aria-label", "attention heatmap");
  g.append(document.createElement("span"));
  for (const s of src) {
    const c = document.createElement("span");
    c.className = "lab col";
    c.textContent = s;
    g.append(c);
  }
  weights.forEach((row, i) => {
    const lab = document.createElement("span");
    lab.className = "lab";
    lab.textContent = i < tgt.length ? tgt[i] : "</s>";
    g.append(lab);
    for (let j = 0; j < src.length; j++) {
      const w = row[j] || 0;
      const c = document.createElement("span");
      c.className = "cell";
      c.style.background = "rgba(var(--heat), " + (0.04 + 0.96 * w).toFixed(3) + ")";
      c.title = lab.textContent + " → " + src[j] + ": " + w.toFixed(3);
      g.append(c);
    }
  });
  return g;
}

async function translate() {
  const lines = $("src").value.split("\n").map((s) => s.trim()).filter((s) => s);
  const out = $("tr-output");
  out.textContent = "";
  if (!lines.length) { setStatus("tr-status", "type a sentence first", true); return; }
  setStatus("tr-status", "translating…");
  $("translate").disabled = true;
  try {
    const body = { text: lines, beam: Number($("beam").value) };
    if ($("tr-model").value) body.model = $("tr-model").value;
    const resp = await fetch("/v1/translate", { method: "POST", body: JSON.stringify(body) });
    if (!resp.ok) throw new Error(await apiError(resp));
    const j = await resp.json();
    for (const t of j.translations) {
      const h = t.hyps[0];
      const p = document.createElement("p");
      p.className = "hyp";
      p.textContent = h.text;
      const small = document.createElement("small");
      small.textContent = "  ← " + t.source + (t.unknown && t.unknown.length ? " (unknown: " + t.unknown.join(" ") + ")" : "");
      p.append(small);
      out.append(p);
      if (h.attention && h.attention.length) out.append(heatmap(t.source_tokens, h.tokens, h.attention));
    }
    setStatus("tr-status", j.model + " · " + Math.round(j.elapsed_ms) + " ms");
  } catch (e) {
    setStatus("tr-status", String(e.message || e), true);
  } finally {
    $("translate").disabled = false;
  }
}

// --- caption with attention over the image --------------------------------
let lastCaption = null;

function drawAttention(weights, grid) {
  const cv = $("overlay"), img = $("preview");
  cv.width = img.naturalWidth || 256;
  cv.height = img.naturalHeight || 256;
  const ctx = cv.getContext("2d");
  ctx.clearRect(0, 0, cv.width, cv.height);
  if (!weights || !grid) return;
  // The model saw a centre crop of side min(w, h); its grid covers that square.
  const side = Math.min(cv.width, cv.height);
  const x0 = (cv.width - side) / 2, y0 = (cv.height - side) / 2, cell = side / grid;
  const peak = Math.max(...weights, 1e-9);
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.fillRect(0, 0, cv.width, cv.height);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const w = weights[r * grid + c] / peak;
      ctx.clearRect(x0 + c * cell, y0 + r * cell, cell, cell);
      ctx.fillStyle = "rgba(0,0,0," + (0.6 * (1 - w)).toFixed(3) + ")";
      ctx.fillRect(x0 + c * cell, y0 + r * cell, cell, cell);
    }
  }
}

function showCaption(c) {
  lastCaption = c;
  $("cap-output").textContent = c.text || "(empty caption)";
  const toks = $("cap-tokens");
  toks.textContent = "";
  drawAttention(null, 0);
  if (!c.attention || !c.attention.length) return;
  // One button per attention row: the caption's tokens, then the end token.
  c.attention.forEach((_, i) => {
    const t = i < c.tokens.length ? c.tokens[i] : "</s>";
    const b = document.createElement("button");
    b.textContent = t;
    b.title = "show where the model looked for “" + t + "”";
    b.addEventListener("click", () => {
      for (const o of toks.children) o.classList.remove("on");
      b.classList.add("on");
      drawAttention(c.attention[i], c.grid);
    });
    toks.append(b);
  });
  toks.firstChild && toks.firstChild.click();
}

async function caption() {
  const f = $("image").files[0];
  if (!f) { setStatus("cap-status", "choose an image first", true); return; }
  setStatus("cap-status", "captioning…");
  $("cap-output").textContent = "";
  $("caption").disabled = true;
  try {
    const fd = new FormData();
    fd.append("image", f, f.name);
    if ($("cap-model").value) fd.append("model", $("cap-model").value);
    const resp = await fetch("/v1/caption", { method: "POST", body: fd });
    if (!resp.ok) throw new Error(await apiError(resp));
    const j = await resp.json();
    showCaption(j.captions[0]);
    setStatus("cap-status", j.model + " · " + Math.round(j.elapsed_ms) + " ms");
  } catch (e) {
    setStatus("cap-status", String(e.message || e), true);
  } finally {
    $("caption").disabled = false;
  }
}

function preview() {
  const f = $("image").files[0];
  if (!f) return;
  const img = $("preview");
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(f);
  img.alt = f.name;
  img.onload = () => { if (lastCaption) drawAttention(null, 0); };
  if (!$("caption").disabled) caption();
}

document.addEventListener("DOMContentLoaded", () => {
  sliders();
  loadModels();
  candEvents();
  $("generate").addEventListener("click", generate);
  $("gen-stop").addEventListener("click", () => genAbort && genAbort.abort());
  $("translate").addEventListener("click", translate);
  $("caption").addEventListener("click", caption);
  $("image").addEventListener("change", preview);
});
