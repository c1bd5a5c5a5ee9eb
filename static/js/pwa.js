/* Every signed-in page: registers the service worker, shows the outbox ("N 条待上传") and
   the visits the server sent back, and sends the outbox on page load and when the network
   returns (Background Sync too, where the browser has it). */
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="pb-user"]');
  if (!meta || !window.PBStore) return;
  const user = meta.content;
  const syncUrl = meta.dataset.syncUrl;

  function text(box, name, values) {
    let template = box.dataset[name] || "";
    Object.entries(values || {}).forEach(([key, value]) => { template = template.replace(`{${key}}`, value); });
    return template;
  }

  async function render(note) {
    const boxes = document.querySelectorAll("[data-outbox]");
    if (!boxes.length) return;
    const records = await PBStore.all(user);
    const queued = records.filter((record) => record.status === "queued");
    const rejected = records.filter((record) => record.status === "rejected");
    boxes.forEach((box) => {
      const count = box.querySelector("[data-outbox-count]");
      const list = box.querySelector("[data-outbox-rejected]");
      const status = box.querySelector("[data-outbox-note]");
      count.textContent = queued.length ? text(box, "pending", {n: queued.length}) : "";
      count.hidden = !queued.length;
      box.querySelector("[data-outbox-send]").hidden = !queued.length || !navigator.onLine;
      list.replaceChildren(...rejected.map((record) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = record.url;
        link.className = "button";
        link.textContent = text(box, "reopen");
        item.append(`${record.label || ""} ${record.fields && record.fields.date || ""}：${record.error || ""} `, link);
        return item;
      }));
      if (note !== undefined) status.textContent = note;
      box.hidden = !queued.length && !rejected.length && !status.textContent;
      box.classList.toggle("offline", !navigator.onLine);
    });
  }

  async function flush() {
    if (!navigator.onLine) { await render(); return; }
    const result = await PBStore.flush({user, syncUrl});
    const box = document.querySelector("[data-outbox]");
    let note;
    if (box && result.sent) note = text(box, "sent", {n: result.sent});
    await render(note);
    document.dispatchEvent(new CustomEvent("pb:outbox", {detail: result}));
  }

  window.PBOutbox = {render, flush, requestSync};

  async function requestSync() {
    // Where there is Background Sync the worker sends the outbox even after the page is closed.
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register("pb-outbox");
    } catch (error) { /* no Background Sync: the online event and the next page load send it */ }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(meta.dataset.sw, {scope: "/"}).then(() => {
      const urls = Array.from(document.querySelectorAll("[data-offline-url]"), (link) => link.href);
      if (urls.length) {
        navigator.serviceWorker.ready.then((registration) => {
          if (registration.active) registration.active.postMessage({type: "warm", urls});
        });
      }
    }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "outbox") render();
    });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", () => render());
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-outbox-send]")) flush();
  });
  flush();
})();
