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
  // A record with photos goes as the form would have sent it (multipart); without, as fields.
  function body(item) {
    if (!item.files || item.files.length === 0) { return new URLSearchParams(item.fields); }
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    item.files.forEach(function (file) { data.append(file.field, toBlob(file.dataURL), file.name); });
    return data;
  }
  function toBlob(dataURL) {
    var parts = dataURL.split(',');
    var type = parts[0].replace(/^data:/, '').replace(/;base64$/, '');
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: type });
  }
  // Photos wait in the outbox too. The phone's storage is small (a few MB), so a photo is
  // scaled to at most 1600 px as a JPEG; a PDF waits as it is, up to 1.5 MB.
  var MAX_SIDE = 1600, MAX_PDF = 1.5 * 1024 * 1024;
  function readFile(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onerror = function () { resolve(null); };
      if (file.type === 'application/pdf') {
        if (file.size > MAX_PDF) { resolve(null); return; }
        reader.onload = function () { resolve({ name: file.name, dataURL: reader.result }); };
        reader.readAsDataURL(file);
        return;
      }
      reader.onload = function () {
        var image = new Image();
        image.onerror = function () { resolve(null); };
        image.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
          var canvas = document.createElement('canvas');
          canvas.width = Math.round(image.width * scale);
          canvas.height = Math.round(image.height * scale);
          canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
          resolve({ name: file.name.replace(/\.[^.]*$/, '') + '.jpg', dataURL: canvas.toDataURL('image/jpeg', 0.8) });
        };
        image.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }
  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return;
    var items = load();
    if (items.length === 0) return;
    sending = true;
    var item = items[0];
    fetch(item.action, { method: 'POST', credentials: 'same-origin', body: body(item) })
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
        var uploads = [];
        new FormData(form).forEach(function (value, name) {
          if (typeof value !== 'string') { if (value.size) { uploads.push({ field: name, file: value }); } return; }
          fields.push([name, value]);
        });
        var key = form.querySelector('input[name=idempotencyKey]').value;
        Promise.all(uploads.map(function (u) {
          return readFile(u.file).then(function (read) { return read && { field: u.field, name: read.name, dataURL: read.dataURL }; });
        })).then(function (files) {
          var kept = files.filter(Boolean);
          var item = { action: form.action, fields: fields, key: key, files: kept };
          try { save(load().concat([item])); }
          catch (full) {
            // No room on the phone for the photos: keep the record itself, say so.
            item.files = []; kept = [];
            save(load().concat([item]));
          }
          if (kept.length < uploads.length) {
            alert('No network, and not every file fits on this phone: the record is kept with ' + kept.length + ' of ' +
                  uploads.length + ' files. Add the rest when you are back online (Amend).');
          }
          form.reset();
          form.querySelector('input[name=idempotencyKey]').value = newKey();
        });
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
