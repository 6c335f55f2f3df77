// Drafting studio: stream a draft beside the form, show refused facts next to their inputs, add form rows,
// autosave edits. Without this file every form still posts and the page still works.
(() => {
  const csrf = (form) => form.querySelector("input[name=csrf_token]").value;

  // --- facts form: refused facts beside their inputs --------------------------------------------------
  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; p.hidden = true; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".invalid").forEach((el) => el.classList.remove("invalid"));
    const summary = document.getElementById("form-summary");
    summary.hidden = true;
    summary.querySelector("ul").replaceChildren();
  }

  function showErrors(form, body) {
    for (const { id, message } of body.fields || []) {
      const error = document.getElementById(`${id}-error`);
      const input = document.getElementById(id);
      if (error) { error.textContent = message; error.hidden = false; }
      if (input) {
        input.setAttribute("aria-invalid", "true");
        (input.closest(".field") || input).classList.add("invalid");
      }
    }
    const summary = document.getElementById("form-summary");
    const list = summary.querySelector("ul");
    for (const { id, text } of body.summary || []) {
      const li = document.createElement("li");
      if (id) {
        const a = document.createElement("a");
        a.href = `#${id}`; a.textContent = text; li.append(a);
      } else li.textContent = text;
      list.append(li);
    }
    if (!list.children.length) { const li = document.createElement("li"); li.textContent = body.error; list.append(li); }
    summary.hidden = false;
    summary.focus();
  }

  // --- confirm before personal data goes to an external model ------------------------------------------
  // The server builds the same section prompts generation sends and routes them as the gateway would; the
  // dialog opens only when an external model would answer and the guard found personal data.
  const dialog = document.getElementById("guard-dialog");
  const guardText = JSON.parse((document.getElementById("guard-i18n") || {}).textContent || "{}");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

  function highlighted(prompt, spans, form) {
    const box = document.createElement("div");
    box.className = "preview";
    let at = 0;
    for (const span of spans) {
      const text = prompt.slice(span.start, span.end);
      box.append(document.createTextNode(prompt.slice(at, span.start)));
      const mark = document.createElement("mark");
      mark.textContent = text;
      mark.title = span.type;
      const kind = document.createElement("span");
      kind.className = "sr-only";
      kind.textContent = ` (${span.type})`;
      mark.append(kind);
      const flag = document.createElement("button");
      flag.type = "button";
      flag.className = "flag";
      flag.textContent = guardText.false_positive;
      flag.setAttribute("aria-label", fill(guardText.false_positive_label, { text, type: span.type }));
      flag.addEventListener("click", async () => {
        const response = await fetch("/chat/false-positive", {
          method: "POST", body: JSON.stringify({ type: span.type }),
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(form) },
        });
        if (!response.ok) return;
        flag.textContent = guardText.marked;
        flag.removeAttribute("aria-label");
        flag.disabled = true;
      });
      box.append(mark, flag);
      at = span.end;
    }
    box.append(document.createTextNode(prompt.slice(at)));
    return box;
  }

  function showPreview(preview, form) {
    const holder = document.getElementById("guard-sections");
    holder.replaceChildren();
    const flagged = preview.sections.filter((s) => s.confirm);
    const first = flagged[0];
    document.getElementById("guard-route").textContent =
      fill(guardText.route, { model: preview.model, provider: first.provider, level: preview.level });
    for (const section of flagged) {
      const block = document.createElement("section");
      const title = document.createElement("h3");
      title.textContent = section.title;
      block.append(title, highlighted(section.prompt, section.spans, form));
      const sent = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = guardText.masked;
      const masked = document.createElement("div");
      masked.className = "preview";
      masked.textContent = section.masked ?? guardText.as_is;
      sent.append(summary, masked);
      block.append(sent);
      holder.append(block);
    }
    return new Promise((resolve) => {
      let ok = false;
      document.getElementById("guard-confirm").onclick = () => { ok = true; dialog.close(); };
      document.getElementById("guard-cancel").onclick = () => dialog.close();
      // Escape closes the dialog too: the same as cancel. Focus returns to the button that asked.
      dialog.addEventListener("close", () => resolve(ok), { once: true });
      dialog.showModal();
      document.getElementById("guard-title").focus();
    });
  }

  // True when the request may go: nothing to confirm, or the author confirmed. Refusals are shown in *say*.
  async function confirmed(form, fields, say) {
    if (!dialog || !form.dataset.preview) return true;
    let preview;
    try {
      const response = await fetch(form.dataset.preview, {
        method: "POST", body: fields, headers: { Accept: "application/json", "X-CSRF-Token": csrf(form) },
      });
      preview = await response.json().catch(() => ({ error: response.statusText }));
      if (!response.ok) { say(fill(guardText.failed, { message: preview.error })); return false; }
    } catch (err) { say(fill(guardText.failed, { message: String(err) })); return false; }
    if (preview.refused) { say(preview.refused); return false; }
    if (!preview.confirm) return true;
    return showPreview(preview, form);
  }

  // --- streaming generation ----------------------------------------------------------------------------
  async function generate(form) {
    const stream = document.getElementById("stream");
    const status = document.getElementById("stream-status");
    const progress = document.getElementById("stream-progress");
    const holder = document.getElementById("stream-sections");
    const button = form.querySelector("button[type=submit]");
    clearErrors(form);
    button.disabled = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST", body: new FormData(form),
        headers: { Accept: "application/x-ndjson", "X-CSRF-Token": csrf(form) },
      });
    } catch (err) { button.disabled = false; status.textContent = String(err); stream.hidden = false; return; }
    if (!response.ok) {
      button.disabled = false;
      const body = await response.json().catch(() => ({ error: response.statusText }));
      if (body.fields || body.summary) showErrors(form, body);
      else { stream.hidden = false; status.textContent = stream.dataset.failed.replace("{message}", body.error); }
      return;
    }
    document.getElementById("draft-body").hidden = true;
    stream.hidden = false;
    holder.replaceChildren();
    const boxes = {};
    let sections = [];
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const handle = (event) => {
      if (event.type === "start") {
        sections = event.sections;
        progress.max = sections.length || 1;
        for (const s of sections) {
          const h = document.createElement("h3"); h.textContent = s.title;
          const pre = document.createElement("pre"); pre.id = `stream-${s.key}`;
          holder.append(h, pre); boxes[s.key] = pre;
        }
      } else if (event.type === "chunk") {
        const index = sections.findIndex((s) => s.key === event.section);
        if (index >= 0) {
          progress.value = index + 1;
          status.textContent = stream.dataset.writing.replace("{section}", sections[index].title)
            .replace("{n}", index + 1).replace("{total}", sections.length);
        }
        if (boxes[event.section]) boxes[event.section].textContent += event.text;
      } else if (event.type === "done") {
        progress.value = progress.max;
        status.textContent = stream.dataset.done;
        stream.setAttribute("aria-busy", "false");
        window.location.assign(event.url);
      } else if (event.type === "error") {
        status.textContent = stream.dataset.failed.replace("{message}", event.message);
        stream.setAttribute("aria-busy", "false");
        button.disabled = false;
      }
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) handle(JSON.parse(line));
      }
      if (done) break;
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-stream]") || form.closest("fieldset[disabled]") || !window.ReadableStream) return;
    event.preventDefault();
    const stream = document.getElementById("stream");
    const status = document.getElementById("stream-status");
    const button = form.querySelector("button[type=submit]");
    clearErrors(form);
    button.disabled = true;
    const say = (message) => {
      stream.hidden = false;
      stream.setAttribute("aria-busy", "false");
      status.textContent = stream.dataset.failed.replace("{message}", message);
    };
    const go = await confirmed(form, new FormData(form), say);
    button.disabled = false;
    if (go) generate(form);
    else button.focus();
  });

  // Rewriting one section: the same check first (its prompt carries the instruction typed beside it).
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-regenerate][data-preview]") || form.dataset.confirmed) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // the autosave flush below runs on the confirmed resubmission
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    let note = form.querySelector(".guard-note");
    const say = (message) => {
      if (!note) {
        note = document.createElement("p");
        note.className = "guard-note alert error";
        note.setAttribute("role", "alert");
        form.append(note);
      }
      note.textContent = message;
    };
    const go = await confirmed(form, new FormData(form), say);
    button.disabled = false;
    if (!go) { button.focus(); return; }
    form.dataset.confirmed = "1";
    form.requestSubmit();
  });

  // --- repeatable rows ---------------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-row]");
    if (!button) return;
    const group = button.closest("fieldset[data-repeat]");
    const rows = group.querySelectorAll(".row-fields");
    const max = Number(group.dataset.max || 0);
    if (max && rows.length >= max) return;
    const last = rows[rows.length - 1];
    const index = rows.length;
    const name = group.dataset.repeat;
    const clone = last.cloneNode(true);
    clone.dataset.row = String(index);
    const rename = (value) => value.replace(new RegExp(`^(f-)?${name}([.-])\\d+`), `$1${name}$2${index}`);
    clone.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach((el) => {
      for (const attr of ["name", "id", "for"]) if (el.hasAttribute(attr)) el.setAttribute(attr, rename(el.getAttribute(attr)));
      if (el.hasAttribute("aria-describedby")) el.setAttribute("aria-describedby", el.getAttribute("aria-describedby").split(" ").map(rename).join(" "));
      if (el.matches("input:not([type=checkbox]),textarea")) el.value = "";
      if (el.matches("input[type=checkbox]")) el.checked = false;
      if (el.matches("select")) el.selectedIndex = 0;
    });
    clone.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; p.hidden = true; });
    const number = clone.querySelector(".row-no");
    if (number) number.textContent = String(index + 1);
    last.after(clone);
    if (max && index + 1 >= max) button.hidden = true;
    const first = clone.querySelector("input,textarea,select");
    if (first) first.focus();
  });

  // --- autosave ----------------------------------------------------------------------------------------
  const saveForm = document.getElementById("save-form");
  if (!saveForm) return;
  const label = document.getElementById("autosave-status");
  const areas = () => document.querySelectorAll("textarea[form=save-form][data-section]");
  let timer = null;
  let pending = Promise.resolve();

  function flush() {
    clearTimeout(timer);
    timer = null;
    const sections = {};
    areas().forEach((area) => { sections[area.dataset.section] = area.value; });
    pending = fetch(saveForm.dataset.autosaveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf(saveForm) },
      body: JSON.stringify({ sections }),
    }).then(async (response) => {
      if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error || response.statusText);
      const body = await response.json();
      label.textContent = `${label.dataset.saved} ${new Date(body.saved_at).toLocaleTimeString()}`;
      label.dataset.version = body.version;
    }).catch((err) => { label.textContent = `${label.dataset.failed}: ${err.message}`; });
    return pending;
  }

  document.addEventListener("input", (event) => {
    if (!event.target.matches("textarea[form=save-form][data-section]")) return;
    label.textContent = label.dataset.dirty;
    clearTimeout(timer);
    timer = setTimeout(flush, 1500);
  });

  // Rewriting a section starts from the saved draft: save what was typed first.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-regenerate]") || timer === null || form.dataset.flushed) return;
    event.preventDefault();
    await flush();
    form.dataset.flushed = "1";
    form.requestSubmit();
  });
  window.addEventListener("beforeunload", () => { if (timer !== null) flush(); });
})();
