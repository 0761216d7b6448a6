// Offline capture for field forms (F3: crews record in the bush with no signal).
// A form marked data-offline that is submitted with no network is kept in this
// phone's outbox and sent when the network is back. Every record carries an
// idempotency key, so a record sent twice is stored once.
(function () {
  var KEY = 'secor-outbox';
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function show() {
    var box = document.getElementById('outbox');
    if (!box) return;
    var items = load();
    box.hidden = items.length === 0;
    box.textContent = items.length === 0 ? '' : items.length + (items.length === 1 ? ' record is' : ' records are') +
      ' waiting on this phone; ' + (navigator.onLine ? 'sending now.' : 'they are sent when the network is back.');
  }
  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return;
    var items = load();
    if (items.length === 0) return;
    sending = true;
    var item = items[0];
    fetch(item.action, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams(item.fields) })
      .then(function (response) {
        // Stored (or already stored under its key), or refused for good: out of the outbox.
        if (response.status < 500) { save(load().filter(function (other) { return other.key !== item.key; })); }
        if (response.status >= 400 && response.status < 500) { item.refused = response.status; }
      })
      .catch(function () {})
      .then(function () { sending = false; if (navigator.onLine && load().length) { setTimeout(flush, 200); } });
  }
  document.addEventListener('DOMContentLoaded', function () {
    // A page opened from the phone's cache must not reuse the key of an earlier record.
    document.querySelectorAll('form[data-offline] input[name=idempotencyKey]').forEach(function (input) { input.value = newKey(); });
    document.querySelectorAll('form[data-offline]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (navigator.onLine) return;
        event.preventDefault();
        var fields = [];
        var dropped = false;
        new FormData(form).forEach(function (value, name) {
          // Files cannot wait in the outbox: the record goes without them, and says so.
          if (typeof value !== 'string') { if (value.size) { dropped = true; } return; }
          fields.push([name, value]);
        });
        if (dropped) { alert('No network: the record is kept on this phone without its photos. Add them when you are back online (Amend).'); }
        var key = form.querySelector('input[name=idempotencyKey]').value;
        save(load().concat([{ action: form.action, fields: fields, key: key }]));
        form.reset();
        form.querySelector('input[name=idempotencyKey]').value = newKey();
        window.scrollTo(0, 0);
      });
    });
    show();
    flush();
  });
  window.addEventListener('online', flush);
  window.addEventListener('offline', show);
  setInterval(flush, 5000);
  if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }
})();
