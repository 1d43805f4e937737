// Offline start-up for the courier app: the app's own files are served network-first and
// fall back to the last cached copy, so the page opens (with the cached task list and the
// outbox) even when the phone has no connection. API calls are never touched here.

const CACHE = "dd-courier-shell-v2";
const SHELL = [
  "./",
  "index.html",
  "app.css",
  "app.js",
  "api.js",
  "format.js",
  "storage.js",
  "outbox.js",
  "pairing.js",
  "icon.svg",
  "manifest.webmanifest",
];
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        SHELL.map((path) => cache.add(new Request(path, { cache: "reload" })).catch(() => null)),
      ),
    ),
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => keys.filter((key) => key.startsWith("dd-courier-") && key !== CACHE))
      .then((old) => Promise.all(old.map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ||
      (request.mode === "navigate"
        ? (await cache.match("./")) || (await cache.match("index.html"))
        : null);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(self.registration.scope)) return;
  event.respondWith(networkFirst(request));
});
