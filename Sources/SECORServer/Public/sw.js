// Keeps the field forms and what they need on the phone, so a form opened once opens
// again with no network. Network first; the cache only when there is no network.
var CACHE = 'secor-field-v1';
function cacheable(url) {
  return url.origin === self.location.origin &&
    (/\/records\/new\/[A-Za-z]+$/.test(url.pathname) || url.pathname === '/app.css' || url.pathname === '/offline.js');
}
self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== 'GET' || !cacheable(url)) return;
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); }); }
    return response;
  }).catch(function () { return caches.match(event.request); }));
});
