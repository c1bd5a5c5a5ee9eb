/* partybuild service worker: the app shell, "my month" and the visit and hazard forms work
   offline; visits saved offline wait in the outbox (IndexedDB) and are sent by Background
   Sync where the browser has it. Workbox is served from /static/, never from a CDN. */
importScripts({{ workbox_sw|safe }});
const MODULES = {{ workbox_modules|safe }};
const SHELL = {{ shell|safe }};
const OFFLINE_PAGES = {{ offline_pages|safe }};
const LOGIN_URL = {{ login_url|safe }};
const PAGES = "pb-pages";
const STATIC = "pb-static";
const MONTH = 31 * 24 * 3600;

workbox.setConfig({debug: false, modulePathCb: (name) => MODULES[name]});
importScripts(SHELL.find((url) => url.includes("idb.umd")), SHELL.find((url) => url.includes("visit-store")));

const {registerRoute, setCatchHandler} = workbox.routing;
const {NetworkFirst, StaleWhileRevalidate} = workbox.strategies;
const {ExpirationPlugin} = workbox.expiration;

// Only a page the user really got is kept: never the login page a redirect led to.
const onlyOwnPages = {
  cacheWillUpdate: async ({response}) =>
    response && response.status === 200 && !response.redirected ? response : null,
};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function offlinePage(url) {
  const path = url.pathname;
  return OFFLINE_PAGES.some((page) => page === "/" ? path === "/" : path.startsWith(page));
}

// "My month" and the forms: the network first (fresh data), the last copy when offline or
// when the network is slower than 4 seconds; kept for a month, like the assignments.
registerRoute(({request, url}) => request.mode === "navigate" && url.origin === self.location.origin && offlinePage(url),
  new NetworkFirst({cacheName: PAGES, networkTimeoutSeconds: 4, plugins: [
    onlyOwnPages, new ExpirationPlugin({maxEntries: 60, maxAgeSeconds: MONTH})]}));

// Reaching the login page means the session is over: the pages kept offline were this
// user's, so they go (the drafts stay, keyed by user, until that user is back).
registerRoute(({request, url}) => request.mode === "navigate" && url.pathname === LOGIN_URL,
  async ({request}) => {
    const response = await fetch(request);
    await caches.delete(PAGES);
    return response;
  });

registerRoute(({url}) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new StaleWhileRevalidate({cacheName: STATIC, plugins: [new ExpirationPlugin({maxEntries: 80, maxAgeSeconds: MONTH})]}));

setCatchHandler(async ({request}) => {
  if (request.mode === "navigate") {
    const home = await caches.match("/", {cacheName: PAGES});
    if (home) return home;
    return new Response(
      '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>离线</title><body style="font-family:sans-serif;padding:1rem"><h1>当前没有网络</h1>' +
      "<p>这个页面还没有保存在本机，联网后再打开。已填写的走访草稿都保存在本机。</p></body>",
      {headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
  return Response.error();
});

// Background Sync: the browser wakes the worker when the network is back, even with the
// page closed; the outbox is sent with the same client ids, so nothing is sent twice.
self.addEventListener("sync", (event) => {
  if (event.tag === "pb-outbox") {
    event.waitUntil(PBStore.flush({}).then(async (result) => {
      const clients = await self.clients.matchAll({type: "window"});
      clients.forEach((client) => client.postMessage({type: "outbox", result}));
    }));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "warm" && Array.isArray(event.data.urls)) {
    event.waitUntil(warm(event.data.urls));
  }
});

// The forms of the instructor's institutions, fetched once a day so they open offline.
async function warm(urls) {
  const cache = await caches.open(PAGES);
  const today = new Date().toDateString();
  for (const url of urls) {
    const cached = await cache.match(url);
    if (cached && new Date(cached.headers.get("Date") || 0).toDateString() === today) continue;
    try {
      const response = await fetch(url, {credentials: "same-origin"});
      if (response.status === 200 && !response.redirected) await cache.put(url, response);
    } catch (error) { /* offline: try again on the next visit of "my month" */ }
  }
}
