"use strict";
// The helpdesk page: uploads to /api/scan, texts to /api/check, and renders each report with
// textContent only: decoded text is data, never markup, and no decoded link is clickable.
(function () {
  const drop = document.getElementById("drop");
  const picker = document.getElementById("files");
  const statusLine = document.getElementById("status");
  const results = document.getElementById("results");
  const textForm = document.getElementById("text-form");
  const textArea = document.getElementById("text");
  let titles = {};
  fetch("/api/rules").then(r => r.ok ? r.json() : { rules: [] }).then(body => {
    for (const rule of body.rules) titles[rule.id] = rule.title;
  }).catch(() => {});

  function say(message) { statusLine.textContent = message; }

  // An element with text children only.
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Control characters, escape sequences and bidirectional overrides shown as \u{..}.
  function visible(text) {
    return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g,
      c => "\\u{" + c.codePointAt(0).toString(16) + "}");
  }

  const RANK = ["info", "low", "medium", "high", "critical"];
  function worst(findings) {
    let best = null;
    for (const f of findings) if (best === null || RANK.indexOf(f.severity) > RANK.indexOf(best.severity)) best = f;
    return best;
  }

  function verdict(code) {
    const p = code.payload || {};
    const c = p.community;
    let sentence;
    if (p.kind === "sametime" && c && c.server) {
      sentence = "This code adds the Sametime community '" + visible(c.community_name || "") + "' on " +
        visible(c.server) + ":" + c.port;
      if (c.allow_untrusted_ssl) sentence += "; it will trust any certificate";
      if (c.password_present) sentence += "; it carries a password";
      sentence += ".";
    } else if (p.kind === "sametime") {
      sentence = "This code is a Sametime link that adds no community (" + visible(code.summary) + ").";
    } else if (code.text === null) {
      sentence = "A QR code was found but could not be read" + (code.symbol && code.symbol.error ? ": " + code.symbol.error : "") + ".";
    } else {
      sentence = "This code holds " + visible(code.summary) + ".";
    }
    const w = worst(code.findings);
    if (w && w.severity !== "info") {
      sentence += " Worst finding: " + w.severity + ", " + (titles[w.rule] || w.rule) + ".";
    } else if (code.text !== null) {
      sentence += w ? " Nothing risky found; " + visible(w.message) + "." : " Nothing risky found.";
    }
    return sentence;
  }

  function communityTable(code) {
    const p = code.payload || {};
    const c = p.community;
    if (p.kind !== "sametime" || !c) return null;
    const yes = v => v ? "yes" : "no";
    const rows = [
      ["Server", c.server || "(none)"], ["Port", String(c.port) + (c.port_defaulted ? " (default)" : "")],
      ["Community name", c.community_name || ""], ["User", c.user === null ? "(each user is asked)" : c.user],
      ["Password in the code", yes(c.password_present)], ["Trusts any certificate", yes(c.allow_untrusted_ssl)],
      ["Saves the password", yes(c.save_password)], ["Authenticating proxy", yes(c.auth_proxy && c.auth_proxy.enabled)],
    ];
    const table = el("table", null, el("caption", null, "The community the app will create"));
    for (const [name, value] of rows) {
      const th = el("th", null, name);
      th.scope = "row";
      table.append(el("tr", null, th, el("td", null, visible(value))));
    }
    return table;
  }

  function copyButton(text) {
    const button = el("button", null, "Copy safe rewrite");
    button.type = "button";
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(text).then(() => say("Safe rewrite copied."),
        () => say("Could not copy: select the text and copy it by hand."));
    });
    return button;
  }

  function drawOutlines(image, codes, label) {
    const scale = Math.min(1, 480 / Math.max(image.naturalWidth, image.naturalHeight, 1));
    const canvas = el("canvas");
    canvas.width = Math.round(image.naturalWidth * scale);
    canvas.height = Math.round(image.naturalHeight * scale);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
    const g = canvas.getContext("2d");
    g.drawImage(image, 0, 0, canvas.width, canvas.height);
    g.lineWidth = 3;
    for (const code of codes) {
      if (!code.symbol) continue;
      const w = worst(code.findings);
      g.strokeStyle = w && ["critical", "high"].includes(w.severity) ? "#d0002a" : (w && w.severity === "medium" ? "#e08a00" : "#1b7f3b");
      g.beginPath();
      code.symbol.corners.forEach(([x, y], i) => i ? g.lineTo(x * scale, y * scale) : g.moveTo(x * scale, y * scale));
      g.closePath();
      g.stroke();
      const [x, y] = code.symbol.corners[0];
      g.fillStyle = g.strokeStyle;
      g.font = "bold 18px sans-serif";
      g.fillText(String(code.index), x * scale + 4, y * scale + 20);
    }
    return canvas;
  }

  function renderCode(code) {
    const w = worst(code.findings);
    const box = el("article", "code " + (w ? w.severity : "ok"));
    box.append(el("h3", null, "Code " + code.index + (code.location.includes("!") ? " at " + visible(code.location) : "")));
    box.append(el("p", "verdict", verdict(code)));
    const table = communityTable(code);
    if (table) box.append(table);
    if (code.findings.length) {
      const list = el("ul");
      for (const f of code.findings) {
        list.append(el("li", null, el("span", "sev " + f.severity, f.severity), " ",
          el("strong", null, titles[f.rule] || f.rule), " (" + f.rule + "): ", visible(f.message),
          f.fix ? el("div", null, "Fix: " + visible(f.fix)) : null));
      }
      box.append(el("h4", null, "Findings"), list);
    }
    if (code.fixed_url) {
      box.append(el("h4", null, "Safe rewrite"), el("p", null, el("code", null, visible(code.fixed_url))), copyButton(code.fixed_url));
    }
    if (code.text !== null) {
      box.append(el("h4", null, "Decoded text"), el("pre", null, visible(code.text)));
    }
    return box;
  }

  function renderInput(input, file) {
    const section = el("section", "input");
    section.append(el("h2", null, visible(input.path)));
    if (input.status === "error") {
      section.append(el("p", null, "This file could not be read completely: " + visible(input.error || "unknown error") + "."));
    } else if (input.status === "skipped") {
      section.append(el("p", null, "This is not something qraudit reads (" + visible(input.reason || "") + ")."));
    } else if (input.status === "no-code") {
      section.append(el("p", null, "No QR code was found in it. A photo needs the code sharp and large enough; try a closer screenshot."));
    }
    if (file && input.codes.length && (input.media_type || "").startsWith("image/")) {
      const image = new Image();
      const url = URL.createObjectURL(file);
      image.addEventListener("load", () => {
        section.insertBefore(drawOutlines(image, input.codes, "The image with its " + input.codes.length + " code(s) outlined and numbered"), section.children[1] || null);
        URL.revokeObjectURL(url);
      });
      image.src = url;
    }
    for (const code of input.codes) section.append(renderCode(code));
    return section;
  }

  async function explainFailure(response) {
    let message = "";
    try { message = (await response.json()).error || ""; } catch (e) { message = ""; }
    switch (response.status) {
      case 413: return "That upload is too large: " + message;
      case 415: return "That is not an image or document qraudit reads.";
      case 401: return "This server needs its token: reload the page and log in.";
      case 503: return "The server is busy; try again in a moment.";
      default: return "The request failed (" + response.status + "): " + message;
    }
  }

  async function show(response, files) {
    if (![200, 415, 422].includes(response.status) || !(response.headers.get("content-type") || "").startsWith("application/json")) {
      say(await explainFailure(response));
      return;
    }
    const report = await response.json();
    if (!report.inputs) { say(await explainFailure(response)); return; }
    results.replaceChildren();
    report.inputs.forEach((input, i) => results.append(renderInput(input, files ? files[i] : null)));
    const codes = report.summary.codes;
    say(codes === 0 ? "No QR code found." : codes + " code(s) found; details below.");
    const heading = results.querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus(); }
  }

  async function upload(files) {
    if (!files.length) return;
    say("Reading " + files.length + " file(s)…");
    const form = new FormData();
    files.forEach((file, i) => form.append("file", file, file.name || ("pasted-" + (i + 1) + ".png")));
    try { await show(await fetch("/api/scan", { method: "POST", body: form }), files); }
    catch (e) { say("The server could not be reached."); }
  }

  async function checkText(text) {
    if (!text.trim()) return;
    say("Checking the text…");
    try {
      await show(await fetch("/api/check", { method: "POST", headers: { "Content-Type": "text/plain;charset=utf-8" }, body: text }), null);
    } catch (e) { say("The server could not be reached."); }
  }

  drop.addEventListener("click", e => { if (e.target !== picker) picker.click(); });
  drop.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); picker.click(); } });
  picker.addEventListener("change", () => upload(Array.from(picker.files)));
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); upload(Array.from(e.dataTransfer.files)); });
  document.addEventListener("paste", e => {
    if (e.target === textArea) return;
    const files = Array.from(e.clipboardData.files || []);
    if (files.length) { e.preventDefault(); upload(files); return; }
    const text = e.clipboardData.getData("text/plain");
    if (text) { e.preventDefault(); textArea.value = text; checkText(text); }
  });
  textForm.addEventListener("submit", e => { e.preventDefault(); checkText(textArea.value); });
})();
