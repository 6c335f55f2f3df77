// Knowledge pages: poll upload jobs until they finish; ask the documents and link each [n] to its source.
(() => {
  const i18nNode = document.getElementById("kb-i18n");
  const i18n = i18nNode ? JSON.parse(i18nNode.textContent) : {};
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

  // Upload jobs: refresh the rows of unfinished jobs every second; reload once they are all done.
  const table = document.getElementById("kb-jobs");
  if (table) {
    const pending = () => [...table.querySelectorAll("tr[data-job]")]
      .filter((row) => row.dataset.status === "queued" || row.dataset.status === "running");
    const poll = async () => {
      const rows = pending();
      if (!rows.length) return;
      const ids = rows.map((row) => row.dataset.job).join(",");
      const response = await fetch(`/api/kb/jobs?ids=${ids}`, {headers: {accept: "application/json"}});
      if (!response.ok) return;
      const {jobs} = await response.json();
      let finished = false;
      for (const job of jobs) {
        const row = table.querySelector(`tr[data-job="${job.id}"]`);
        if (!row) continue;
        row.dataset.status = job.status;
        row.querySelector(".job-status").textContent = i18n[job.status] || job.status;
        const bar = row.querySelector("progress");
        bar.value = job.progress;
        bar.textContent = `${job.progress}%`;
        if (job.status === "done" || job.status === "failed") finished = true;
      }
      if (finished && !pending().length) window.location.reload();
      else setTimeout(poll, 1000);
    };
    if (pending().length) setTimeout(poll, 1000);
  }

  // Ask the documents.
  const form = document.getElementById("kb-ask");
  if (!form) return;
  const status = document.getElementById("kb-ask-status");
  const box = document.getElementById("kb-answer");
  const text = document.getElementById("kb-answer-text");
  const meta = document.getElementById("kb-answer-meta");
  const list = document.getElementById("kb-sources");

  function renderAnswer(answer, sources) {
    // Text nodes only (never innerHTML): the answer is model output.
    const byNumber = new Map(sources.map((s) => [s.number, s]));
    text.replaceChildren();
    let at = 0;
    for (const match of answer.matchAll(/\[(\d{1,2})\]/g)) {
      const source = byNumber.get(Number(match[1]));
      if (!source) continue;
      text.append(document.createTextNode(answer.slice(at, match.index)));
      const sup = document.createElement("sup");
      sup.className = "cite";
      const link = document.createElement("a");
      link.href = source.url;
      link.textContent = match[0];
      link.title = source.reference;
      sup.append(link);
      text.append(sup);
      at = match.index + match[0].length;
    }
    text.append(document.createTextNode(answer.slice(at)));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = i18n.asking;
    const body = {question: form.elements.question.value, model: form.elements.model.value, level: form.elements.level.value};
    const response = await fetch("/api/kb/ask", {
      method: "POST",
      headers: {"content-type": "application/json", "x-csrf-token": form.dataset.csrf},
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({error: response.statusText}));
    status.textContent = "";
    box.hidden = false;
    list.replaceChildren();
    if (!response.ok) {
      text.textContent = data.error;
      meta.textContent = "";
      return;
    }
    renderAnswer(data.answer, data.sources);
    meta.textContent = data.answered ? fill(i18n.answered_by, {provider: data.provider, model: data.model, level: data.data_level}) : "";
    for (const source of data.sources) {
      const item = document.createElement("li");
      item.value = source.number;
      const link = document.createElement("a");
      link.href = source.url;
      link.textContent = source.reference;
      item.append(link);
      list.append(item);
    }
  });
})();
