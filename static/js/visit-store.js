/* Drafts and the outbox of visits, kept on the device in IndexedDB (idb), shared by the
   pages and the service worker.

   One record per user, institution and day: {key, user, client_id, url, label, fields,
   files, status, error, updated}. status is "draft" (being typed), "queued" (saved, waiting
   to be sent) or "rejected" (the server refused it: back to the instructor with its
   message). A record is deleted only when the server has accepted the visit. */
(function (scope) {
  "use strict";
  const DB_NAME = "partybuild";
  const STORE = "visit-drafts";
  let opened = null;

  function db() {
    if (!opened) {
      opened = scope.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          const store = database.createObjectStore(STORE, {keyPath: "key"});
          store.createIndex("status", "status");
        },
      });
    }
    return opened;
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    // Plain http (not a secure context) has no randomUUID; getRandomValues is everywhere.
    const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  async function get(key) { return (await db()).get(STORE, key); }
  async function put(record) {
    record.updated = Date.now();
    return (await db()).put(STORE, record);
  }
  async function remove(key) { return (await db()).delete(STORE, key); }
  async function all(user) {
    const records = await (await db()).getAll(STORE);
    return user === undefined ? records : records.filter((record) => String(record.user) === String(user));
  }

  function csrfFromCookie() {
    if (typeof document === "undefined") return "";
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* The multipart body of a record, as the visit form posts it. */
  function body(record, flash) {
    const data = new FormData();
    Object.entries(record.fields || {}).forEach(([name, value]) => {
      if (value === true) data.append(name, "on");
      else if (value !== false && value !== null && value !== undefined) data.append(name, value);
    });
    Object.entries(record.files || {}).forEach(([name, files]) => {
      (files || []).forEach((file) => data.append(name, file.blob, file.name));
    });
    data.set("client_id", record.client_id);
    data.set("user", record.user);
    if (flash) data.set("flash", "1");
    return data;
  }

  /* Send one record. Answers {outcome, data}: "ok" (stored, or stored before: the record is
     deleted), "rejected" (the server's message is kept on the record, now a draft again),
     "auth" (the session is over: stays), "offline" or "error" (stays queued). */
  const inflight = new Map();

  function send(record, options = {}) {
    // One request per visit at a time in this page or worker: a second caller shares it.
    // Across the pages and the worker (Background Sync and the online event may fire
    // together), a Web Lock per visit makes the sends take turns: the later one is answered
    // with the stored visit.
    if (!inflight.has(record.client_id)) {
      const run = () => sendNow(record, options);
      const locks = scope.navigator && scope.navigator.locks;
      const task = locks ? locks.request(`pb-visit-${record.client_id}`, run) : run();
      inflight.set(record.client_id, task.finally(() => inflight.delete(record.client_id)));
    }
    return inflight.get(record.client_id);
  }

  async function sendNow(record, {flash = false, syncUrl = "/visits/sync/"} = {}) {
    let response;
    try {
      response = await fetch(syncUrl, {
        method: "POST", body: body(record, flash), credentials: "same-origin", redirect: "manual",
        headers: {"X-CSRFToken": csrfFromCookie() || record.csrf || "", "Accept": "application/json"},
      });
    } catch (error) {
      return {outcome: "offline"};
    }
    if (response.type === "opaqueredirect" || response.status === 401) return {outcome: "auth"};
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (response.ok && data && data.ok) {
      await remove(record.key);
      return {outcome: "ok", data};
    }
    if (response.status === 400 && data) {
      record.status = "rejected";
      record.error = data.message;
      record.errors = data.errors || {};
      record.existing_url = data.existing_url || null;
      await put(record);
      return {outcome: "rejected", data};
    }
    // A CSRF refusal (a new session since the page was loaded) or a wrong user: try again later.
    if (response.status === 403 || response.status === 409) return {outcome: "auth", data};
    return {outcome: "error", data};
  }

  let flushing = null;

  /* Send every queued record (of one user when given); one flush at a time per context. */
  function flush({user, syncUrl} = {}) {
    if (flushing) return flushing;
    flushing = (async () => {
      const result = {sent: 0, rejected: 0, waiting: 0};
      const queued = (await all(user)).filter((record) => record.status === "queued");
      for (const record of queued) {
        const {outcome} = await send(record, {syncUrl});
        if (outcome === "ok") result.sent += 1;
        else if (outcome === "rejected") result.rejected += 1;
        else result.waiting += 1;
        if (outcome === "offline" || outcome === "auth") {
          result.waiting += queued.length - queued.indexOf(record) - 1;
          break;
        }
      }
      return result;
    })().finally(() => { flushing = null; });
    return flushing;
  }

  scope.PBStore = {get, put, remove, all, newId, send, flush, csrfFromCookie};
})(self);
