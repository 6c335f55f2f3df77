// Chat: preview what the guard masks, confirm before anything goes to an external model, stream the answer.
(() => {
  const root = document.querySelector(".chat");
  const form = document.getElementById("chat-form");
  if (!root || !form) return;
  const csrf = root.dataset.csrf;
  const i18n = JSON.parse(document.getElementById("chat-i18n").textContent);
  const list = document.getElementById("messages");
  const status = document.getElementById("chat-status");
  const dialog = document.getElementById("guard-dialog");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
  const post = (url, body) => fetch(url, {
    method: "POST", headers: {"content-type": "application/json", "x-csrf-token": csrf}, body: JSON.stringify(body),
  });

  function addMessage(role, text) {
    const item = document.createElement("li");
    item.className = `msg ${role}`;
    const who = document.createElement("strong");
    who.textContent = role === "user" ? i18n.you : i18n.assistant;
    const body = document.createElement("div");
    body.className = "text";
    body.textContent = text;
    const meta = document.createElement("small");
    item.append(who, body, meta);
    list.append(item);
    return {body, meta};
  }

  function showPreview(message, preview) {
    const box = document.getElementById("guard-preview");
    box.replaceChildren();
    let at = 0;
    for (const span of preview.spans) {
      box.append(document.createTextNode(message.slice(at, span.start)));
      const mark = document.createElement("mark");
      mark.textContent = message.slice(span.start, span.end);
      mark.title = span.type;
      const flag = document.createElement("button");
      flag.type = "button";
      flag.className = "flag";
      flag.textContent = i18n.false_positive;
      flag.addEventListener("click", async () => {
        await post("/chat/false-positive", {type: span.type});
        flag.textContent = i18n.marked;
        flag.disabled = true;
      });
      box.append(mark, flag);
      at = span.end;
    }
    box.append(document.createTextNode(message.slice(at)));
    return new Promise((resolve) => {
      const done = (ok) => { dialog.close(); resolve(ok); };
      document.getElementById("guard-confirm").onclick = () => done(true);
      document.getElementById("guard-cancel").onclick = () => done(false);
      dialog.showModal();
    });
  }

  async function send(body) {
    const mine = addMessage("user", body.message);
    const answer = addMessage("assistant", "");
    status.textContent = i18n.sending;
    const response = await post("/chat/send", body);
    if (!response.ok) {
      const error = await response.json().catch(() => ({error: response.statusText}));
      answer.body.textContent = error.error;
      answer.body.classList.add("error");
      status.textContent = "";
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (event.type === "meta") {
          answer.meta.textContent = fill(i18n.answered_by, event);
          form.elements.conversation_id.value = event.conversation_id;
        } else if (event.type === "delta") {
          answer.body.textContent += event.text;
        } else if (event.type === "done") {
          answer.meta.textContent += " · " + fill(i18n.usage, {input: event.input_tokens, output: event.output_tokens, cost: event.cost});
          form.elements.conversation_id.value = event.conversation_id;
        } else if (event.type === "error") {
          answer.body.textContent = event.message;
          answer.body.classList.add("error");
        }
      }
    }
    status.textContent = "";
    mine.meta.textContent = "";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      model: form.elements.model.value,
      level: form.elements.level.value,
      message: form.elements.message.value,
    };
    const id = form.elements.conversation_id.value;
    if (id) body.conversation_id = Number(id);
    const preview = await (await post("/chat/preview", body)).json();
    if (preview.refused) {
      status.textContent = preview.refused;
      return;
    }
    if (preview.locality === "external" && preview.spans && preview.spans.length) {
      if (!(await showPreview(body.message, preview))) return;
    }
    form.elements.message.value = "";
    await send(body);
  });
})();
