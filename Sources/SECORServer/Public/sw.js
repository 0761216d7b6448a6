// Keeps the app shell on the phone — home, the record forms, the outbox — so it opens with
// no network. Network first; the cache only when there is no network. Any other page asked
// for offline gets the outbox, which says what waits on the phone.
var CACHE = 'secor-shell-v3';  // offline.js puts the crew's start forms in it too
var SHELL = ['/home', '/outbox', '/app.css', '/offline.js', '/signature.js'];
function cacheable(url) {
  return url.origin === self.location.origin &&
    (SHELL.indexOf(url.pathname) >= 0 || /\/records\/new\/[A-Za-z]+$/.test(url.pathname));
}
self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) { return cache.add(new Request(path, { credentials: 'same-origin' })).catch(function () {}); }));
  }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener('fetch', function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  var navigation = event.request.mode === 'navigate';
  if (!cacheable(url) && !navigation) return;
  event.respondWith(fetch(event.request).then(function (response) {
    // Only a page the signed-in person got (not a redirect to sign-in) is kept.
    if (response.ok && !response.redirected && cacheable(url)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(event.request, { ignoreSearch: /\/records\/new\//.test(url.pathname) }).then(function (hit) {
      return hit || caches.match('/outbox') || new Response('<!doctype html><title>Offline</title><p>No network. Records you made are kept on this phone.</p>',
        { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    });
  }));
});
