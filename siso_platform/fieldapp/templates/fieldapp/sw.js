/* The field app's service worker (docs/app.md): it serves the app's shell offline, nothing else.
 *
 * It precaches the shell into a cache named after the shell's version (a hash the server
 * computes from the shell's files), and on activation deletes only the older caches of the
 * shell. It never opens IndexedDB: the outbox and the working set live there, and a new
 * version of this worker cannot drop them. Requests to the API pass through untouched.
 */
const VERSION = {{ version_json|safe }};
const PREFIX = "siso-app-shell-";
const CACHE = PREFIX + VERSION;
const PRECACHE = {{ precache_json|safe }};
const SHELL = PRECACHE[0];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(SHELL)) {
    // Every page of the app is the shell (the screens are chosen by the address's #part).
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(SHELL)).then((cached) => cached || fetch(request))
    );
    return;
  }
  if (!PRECACHE.includes(url.pathname)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((cached) => cached || fetch(request))
  );
});
