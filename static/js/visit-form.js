/* The visit form on a phone: every keystroke kept on the device (IndexedDB) per institution
   and day until the server has accepted the visit; photos downscaled before upload, with
   the capture time read from the photo; hazards added inline; "沿用上次内容"; saving goes
   through the outbox, so an offline save, a weak network or an expired session loses
   nothing and a retry never makes a second visit. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-visit-form]");
  const meta = document.querySelector('meta[name="pb-user"]');
  if (!form || !meta || !window.PBStore) return;
  const user = meta.content;
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const LONG_SIDE = 1600;
  const REENCODE_BYTES = 1.5 * 1024 * 1024;
  const badge = $("[data-draft-badge]");
  const bar = $("[data-draft-bar]");
  const note = $("[data-draft-note]");
  const serverError = $("[data-server-error]");
  const countInput = $("[data-hazard-count]", form);
  const hazardList = $("[data-hazard-list]", form);
  const rowTemplate = document.getElementById("hazard-row-template");
  let record = null;      // the draft being edited
  let files = {};         // input name -> [{name, type, blob, takenAt}]
  let pending = Promise.resolve();
  let saving = Promise.resolve();

  const text = (name, values) => {
    let template = form.dataset[name] || "";
    Object.entries(values || {}).forEach(([key, value]) => { template = template.replace(`{${key}}`, value); });
    return template;
  };
  const field = (name) => form.elements.namedItem(name);
  const institutionValue = () => (field("institution") || {}).value || "";
  const dateValue = () => (field("date") || {}).value || "";
  const keyOf = () => `${user}|${institutionValue()}|${dateValue()}`;

  function formUrl() {
    const url = new URL(window.location.pathname, window.location.origin);
    url.searchParams.set("institution", institutionValue());
    url.searchParams.set("date", dateValue());
    return url.pathname + url.search;
  }

  function values() {
    const out = {};
    Array.from(form.elements).forEach((element) => {
      if (!element.name || element.type === "file" || element.type === "submit" || element.type === "button") return;
      if (["csrfmiddlewaretoken", "client_id"].includes(element.name)) return;
      out[element.name] = element.type === "checkbox" ? element.checked : element.value;
    });
    return out;
  }

  function showDraft(message) {
    badge.hidden = false;
    bar.hidden = false;
    if (message !== undefined) note.textContent = message;
  }

  /* Save what is on the form now; writes are chained so the last keystroke always wins. */
  function save() {
    saving = saving.then(async () => {
      const key = keyOf();
      if (record && record.key !== key) {
        await PBStore.remove(record.key);   // the institution or the day was changed
        record = {...record, key};
      }
      record = record || (await PBStore.get(key)) || {key, user, client_id: PBStore.newId(), status: "draft"};
      record.fields = values();
      record.files = files;
      record.url = formUrl();
      const select = field("institution");
      record.label = select && select.selectedOptions && select.selectedOptions[0] ? select.selectedOptions[0].text : "";
      if (record.status === "rejected") record.status = "draft";
      await PBStore.put(record);
      field("client_id").value = record.client_id;
      showDraft();
    }).catch(() => {});
    return saving;
  }

  // Hazard rows ----------------------------------------------------------------------

  function deadlineDefault() {
    const day = new Date(`${dateValue()}T00:00:00`);
    if (Number.isNaN(day.getTime())) return "";
    day.setDate(day.getDate() + Number(form.dataset.deadlineDays || 30));
    return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
  }

  function numberRows() {
    const rows = $$("[data-hazard-row]", hazardList);
    rows.forEach((row, index) => { $("[data-row-number]", row).textContent = rows.length > 1 ? index + 1 : ""; });
    countInput.value = rows.length;
    rows.forEach((row) => {
      const deadline = $('input[name$="-deadline"]', row);
      if (deadline && !deadline.value) deadline.value = deadlineDefault();
    });
  }

  function addRow() {
    const index = $$("[data-hazard-row]", hazardList).length;
    const html = rowTemplate.innerHTML.replaceAll("__n__", String(index));
    hazardList.insertAdjacentHTML("beforeend", html);
    numberRows();
    return hazardList.lastElementChild;
  }

  // Photos ---------------------------------------------------------------------------

  /* DateTimeOriginal (or DateTime) of a JPEG's EXIF block, as "YYYY-MM-DD HH:MM", or null. */
  async function captureTime(file) {
    if (!/jpe?g$/i.test(file.type) && !/\.jpe?g$/i.test(file.name)) return null;
    const view = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return null;
    let offset = 2;
    while (offset + 4 < view.byteLength) {
      const marker = view.getUint16(offset);
      const size = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) return readExif(view, offset + 10);
      if ((marker & 0xFF00) !== 0xFF00) return null;
      offset += 2 + size;
    }
    return null;
  }

  function readExif(view, tiff) {
    const little = view.getUint16(tiff) === 0x4949;
    const u16 = (at) => view.getUint16(at, little);
    const u32 = (at) => view.getUint32(at, little);
    const ascii = (at, length) => {
      let out = "";
      for (let i = 0; i < length - 1 && at + i < view.byteLength; i += 1) out += String.fromCharCode(view.getUint8(at + i));
      return out;
    };
    const tags = (dir) => {
      const found = {};
      if (dir + 2 > view.byteLength) return found;
      const count = u16(dir);
      for (let i = 0; i < count; i += 1) {
        const entry = dir + 2 + i * 12;
        if (entry + 12 > view.byteLength) break;
        const tag = u16(entry);
        const length = u32(entry + 4);
        found[tag] = {length, value: u32(entry + 8), at: entry + 8};
      }
      return found;
    };
    const ifd0 = tags(tiff + u32(tiff + 4));
    let stamp = null;
    if (ifd0[0x8769]) {
      const exif = tags(tiff + ifd0[0x8769].value);
      if (exif[0x9003]) stamp = ascii(tiff + exif[0x9003].value, exif[0x9003].length);
    }
    if (!stamp && ifd0[0x0132]) stamp = ascii(tiff + ifd0[0x0132].value, ifd0[0x0132].length);
    const match = stamp && stamp.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2})/);
    return match ? `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}` : null;
  }

  /* A photo made fit for a weak network: long side at most 1600 px, re-encoded as JPEG.
     Small photos (and PDFs) are sent as they are. */
  async function prepare(file) {
    const takenAt = await captureTime(file).catch(() => null);
    if (!/^image\/(jpeg|png)$/.test(file.type)) return {name: file.name, type: file.type, blob: file, takenAt};
    let bitmap;
    try { bitmap = await createImageBitmap(file, {imageOrientation: "from-image"}); } catch (error) {
      return {name: file.name, type: file.type, blob: file, takenAt};
    }
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= REENCODE_BYTES) {
      bitmap.close();
      return {name: file.name, type: file.type, blob: file, takenAt};
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
    const name = file.name.replace(/\.[^.]+$/, "") + ".jpg";
    return {name, type: "image/jpeg", blob, takenAt};
  }

  function showPhotos() {
    $$("[data-thumbs]", form).forEach((box) => {
      const list = files[box.dataset.thumbs] || [];
      box.replaceChildren(...list.map((file) => {
        const figure = document.createElement("figure");
        if (file.type.startsWith("image/")) {
          const image = document.createElement("img");
          image.src = URL.createObjectURL(file.blob);
          image.alt = file.name;
          image.onload = () => URL.revokeObjectURL(image.src);
          figure.append(image);
        }
        const caption = document.createElement("figcaption");
        caption.textContent = `${file.name} · ${Math.max(1, Math.round(file.blob.size / 1024))} KB`;
        figure.append(caption);
        return figure;
      }));
    });
    // The capture times go next to the visit date, with a warning when the day differs.
    const dates = $("[data-photo-dates]", form);
    const visitDay = dateValue();
    const stamps = Object.values(files).flat().filter((file) => file.takenAt);
    dates.replaceChildren(...stamps.map((file) => {
      const item = document.createElement("li");
      const day = file.takenAt.slice(0, 10);
      item.textContent = `${file.name}：${text("textTaken", {time: file.takenAt})}`;
      if (visitDay && day !== visitDay) {
        item.className = "warn";
        item.textContent += ` ${text("textOtherDay", {day, visit: visitDay})}`;
      }
      return item;
    }));
  }

  /* Put stored files back into their inputs, so the form shows what will be sent. */
  function restoreInputs() {
    Object.entries(files).forEach(([name, list]) => {
      const input = field(name);
      if (!input || input.type !== "file" || typeof DataTransfer === "undefined") return;
      const transfer = new DataTransfer();
      list.forEach((file) => transfer.items.add(new File([file.blob], file.name, {type: file.type})));
      input.files = transfer.files;
    });
  }

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.type !== "file") return;
    pending = pending.then(async () => {
      files[input.name] = await Promise.all(Array.from(input.files || [], prepare));
      restoreInputs();
      showPhotos();
      await save();
    });
  });

  // Restoring, reusing, discarding ----------------------------------------------------

  function fill(fields) {
    const wanted = Number(fields["hazards-count"] || 0);
    while (hazardList && $$("[data-hazard-row]", hazardList).length < wanted) addRow();
    Object.entries(fields).forEach(([name, value]) => {
      const element = field(name);
      if (!element || element.type === "file" || element instanceof RadioNodeList) return;
      if (element.type === "checkbox") element.checked = Boolean(value);
      else element.value = value;
    });
  }

  function showErrors(errors, message, existingUrl) {
    $$(".errorlist.from-server", form).forEach((list) => list.remove());
    Object.entries(errors || {}).forEach(([name, problems]) => {
      const element = field(name);
      const list = document.createElement("ul");
      list.className = "errorlist from-server";
      problems.forEach((problem) => { const item = document.createElement("li"); item.textContent = problem; list.append(item); });
      if (element && element.type !== "hidden" && !(element instanceof RadioNodeList)) element.closest(".field, .item, .reveal").append(list);
    });
    serverError.replaceChildren(`${text("textRejected")} ${message || ""}`);
    if (existingUrl) {
      const link = document.createElement("a");
      link.href = existingUrl;
      link.className = "button";
      link.textContent = text("textExisting");
      serverError.append(" ", link);
    }
    serverError.hidden = false;
    serverError.scrollIntoView({block: "center"});
  }

  const reuse = $("[data-reuse]", form);
  const lastTexts = JSON.parse((document.getElementById("last-visit-texts") || {}).textContent || "{}");
  function offerReuse() {
    const last = lastTexts[institutionValue()];
    reuse.hidden = !last;
    if (last) $("[data-reuse-date]", reuse).textContent = last.date;
  }
  reuse.addEventListener("click", () => {
    const last = lastTexts[institutionValue()];
    if (!last) return;
    ["lesson", "policy", "hazard_check", "ledger"].forEach((item) => {
      const check = field(item);
      const textName = {lesson: "lesson_topic", policy: "policy_text", hazard_check: "hazard_check_text", ledger: "ledger_text"}[item];
      if (last[item] && last[textName]) {
        check.checked = true;
        field(textName).value = last[textName];
      }
    });
    save();
  });

  $("[data-add-hazard]", form).addEventListener("click", () => { addRow(); save(); });
  $("[data-draft-discard]").addEventListener("click", async (event) => {
    if (!window.confirm(event.target.dataset.confirm)) return;
    await saving;
    if (record) await PBStore.remove(record.key);
    window.location.replace(formUrl());
  });

  form.addEventListener("input", () => save());
  form.addEventListener("change", (event) => {
    if (event.target.type === "file") return;
    if (["institution", "date"].includes(event.target.name)) { offerReuse(); numberRows(); showPhotos(); }
    save();
  });

  // Saving ---------------------------------------------------------------------------

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $('button[type="submit"]', form);
    button.disabled = true;
    try {
      await pending;
      await save();
      await saving;
      record.status = "queued";
      record.error = null;
      record.csrf = (field("csrfmiddlewaretoken") || {}).value || "";
      await PBStore.put(record);
      if (!navigator.onLine) {
        showDraft(text("textQueued"));
        window.PBOutbox && (window.PBOutbox.requestSync(), window.PBOutbox.render());
        return;
      }
      note.textContent = text("textSaving");
      const {outcome, data} = await PBStore.send(record, {flash: true, syncUrl: form.dataset.syncUrl});
      if (outcome === "ok") {
        window.location.assign(data.url);
        return;
      }
      if (outcome === "rejected") {
        record.status = "draft";
        await PBStore.put(record);
        showDraft("");
        showErrors(data.errors, data.message, data.existing_url);
        window.PBOutbox && window.PBOutbox.render();
        return;
      }
      if (outcome === "auth" && !(data && data.wrong_user)) {
        // The session is over: the draft stays, and after logging in the form opens again.
        record.status = "draft";
        record.sessionExpired = true;
        await PBStore.put(record);
        window.location.assign(`${form.dataset.loginUrl}?next=${encodeURIComponent(formUrl())}`);
        return;
      }
      showDraft(text("textFlaky"));
      window.PBOutbox && (window.PBOutbox.requestSync(), window.PBOutbox.render());
    } finally {
      button.disabled = false;
    }
  });

  // The outbox was sent in the background (the network came back): follow what happened to
  // this form's visit. Sent: the draft is gone; refused: the server's message is shown.
  document.addEventListener("pb:outbox", async () => {
    await saving;
    const stored = await PBStore.get(keyOf());
    if (!stored && record) {
      record = null;
      field("client_id").value = "";
      badge.hidden = true;
      note.textContent = "";
      bar.hidden = true;
    } else if (stored && stored.status === "rejected") {
      record = stored;
      note.textContent = "";
      showErrors(stored.errors, stored.error, stored.existing_url);
    }
  });

  // Start: bring back the draft of this institution and day, if there is one.
  (async () => {
    const stored = await PBStore.get(keyOf());
    if (form.dataset.bound === "1") {
      // The server re-rendered the form with its problems: what is on it now is newest.
      record = stored || null;
      numberRows();
      await save();
    } else if (stored) {
      record = stored;
      files = stored.files || {};
      fill(stored.fields || {});
      restoreInputs();
      field("client_id").value = stored.client_id;
      let message = text("textRestored");
      if (stored.sessionExpired) {
        message = text("textExpired");
        delete stored.sessionExpired;
        await PBStore.put(stored);
      } else if (stored.status === "queued") {
        message = text("textQueued");
      }
      showDraft(message);
      if (stored.error) showErrors(stored.errors, stored.error, stored.existing_url);
    }
    numberRows();
    offerReuse();
    showPhotos();
  })();
})();
