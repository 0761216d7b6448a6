// Field capture that never loses a record (F3: crews record in the bush with no signal).
//
// Every record form (form[data-offline]) is checked on the phone, then put in this phone's
// outbox and sent from there, online or not. An item leaves the outbox only when the server
// answers with that item's idempotency key (it is stored, once). A refusal keeps the item,
// marked with the server's reason, to be fixed in its form; an ended session keeps the
// queue and asks the person to sign in; no network keeps it until there is one.
(function () {
  var KEY = 'secor-outbox';
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  function update(key, change) { save(load().map(function (i) { if (i.key === key) { change(i); } return i; })); }
  function remove(key) { save(load().filter(function (i) { return i.key !== key; })); dropFiles(key); }

  // Photos and files wait in IndexedDB, as they are (localStorage holds a few MB of text:
  // about seven photos). Keyed by the item's idempotency key.
  function filesDB() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
      var open = indexedDB.open('secor-outbox-files', 1);
      open.onupgradeneeded = function () { open.result.createObjectStore('files'); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function filesDo(mode, work) {
    return filesDB().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction('files', mode), store = tx.objectStore('files');
        var request = work(store);
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function putFiles(key, files) { return filesDo('readwrite', function (store) { return store.put(files, key); }); }
  function getFiles(key) { return filesDo('readonly', function (store) { return store.get(key); }).then(function (f) { return f || []; }); }
  function dropFiles(key) { return filesDo('readwrite', function (store) { return store.delete(key); }).catch(function () {}); }
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  var state = { signedOut: false, user: null };
  // Each item is sent only as the person who queued it: on a shared phone, whoever signs in
  // next does not send (or sign) someone else's records.
  function mine(item) { return !item.user || !state.user || item.user === state.user; }

  // ---- the outbox line on every page, and the outbox page ----
  function show() {
    var items = load();
    var others = items.filter(function (i) { return !mine(i); });
    var waiting = items.filter(function (i) { return !i.refused && mine(i); }).length;
    var refused = items.filter(function (i) { return i.refused && mine(i); }).length;
    document.querySelectorAll('#outbox').forEach(function (box) {
      box.hidden = items.length === 0;
      box.textContent = '';
      if (items.length === 0) return;
      var text = '';
      if (waiting) {
        text = waiting + (waiting === 1 ? ' record is' : ' records are') + ' on this phone, not yet sent; ' +
          (state.signedOut ? 'sign in to send them.' : (navigator.onLine ? 'sending now.' : 'they are sent when the network is back.'));
      }
      if (others.length) {
        var names = others.map(function (i) { return i.userName || 'someone else'; }).filter(function (n, k, all) { return all.indexOf(n) === k; });
        text += (text ? ' ' : '') + others.length + (others.length === 1 ? ' record waits' : ' records wait') + ' for ' + names.join(', ') + ' to sign in on this phone.';
      }
      if (refused) { text += (text ? ' ' : '') + refused + (refused === 1 ? ' record' : ' records') + ' on this phone the server refused: fix ' + (refused === 1 ? 'it.' : 'them.'); }
      box.appendChild(document.createTextNode(text + ' '));
      var link = document.createElement('a');
      link.href = state.signedOut ? '/sign-in?next=%2Foutbox' : '/outbox';
      link.textContent = state.signedOut ? 'Sign in' : 'Open the outbox';
      box.appendChild(link);
    });
    var list = document.querySelector('[data-outbox-list]');
    if (!list) return;
    list.textContent = '';
    document.querySelectorAll('[data-outbox-empty]').forEach(function (e) { e.hidden = items.length > 0; });
    items.forEach(function (item) {
      var li = document.createElement('li');
      li.className = item.refused ? 'refused' : '';
      var title = document.createElement('strong');
      title.textContent = (item.title || 'Record') + ' · ' + (field(item, 'occurredOn') || '') + ' ' + (field(item, 'occurredTime') || '');
      li.appendChild(title);
      var status = document.createElement('p');
      status.textContent = !mine(item) ? 'Waiting for ' + (item.userName || 'the person who made it') + ' to sign in on this phone.'
        : item.refused ? 'Refused: ' + item.refused.message : (state.signedOut ? 'Waiting: sign in to send it.' : 'Waiting to be sent.');
      li.appendChild(status);
      if (item.refused && mine(item)) {
        var fix = document.createElement('a');
        fix.className = 'button';
        fix.href = item.action + (item.action.indexOf('?') < 0 ? '?' : '&') + 'outbox=' + encodeURIComponent(item.key);
        fix.textContent = 'Open it and fix it';
        li.appendChild(fix);
        var discard = document.createElement('button');
        discard.type = 'button';
        discard.className = 'secondary';
        discard.textContent = 'Discard it';
        discard.addEventListener('click', function () {
          if (confirm('Discard this record from the phone? It was never stored on the server.')) remove(item.key);
        });
        li.appendChild(discard);
      }
      list.appendChild(li);
    });
  }
  function field(item, name) {
    var pair = (item.fields || []).filter(function (p) { return p[0] === name; })[0];
    return pair ? pair[1] : '';
  }

  // ---- sending ----
  function body(item, csrf) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[0] === '_csrf' ? csrf : pair[1]); });
    (item.files || []).forEach(function (file) { data.append(file.field, toBlob(file.dataURL), file.name); });
    if (!item.fileCount) return Promise.resolve(data);
    return getFiles(item.key).then(function (files) {
      // A record sent without the photos it was queued with would lose them: wait instead.
      if (files.length < item.fileCount) throw new Error('the photos of this record are not on this phone yet');
      files.forEach(function (file) { data.append(file.field, file.blob, file.name); });
      return data;
    });
  }
  function toBlob(dataURL) {
    var parts = dataURL.split(',');
    var type = parts[0].replace(/^data:/, '').replace(/;base64$/, '');
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: type });
  }
  function session() {
    return fetch('/session/state', { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { return r.json(); });
  }
  var sending = false;
  // Sends every waiting item, one at a time; `after(item, answer)` hears about each.
  function flush(after) {
    if (sending || !navigator.onLine) return Promise.resolve();
    var waiting = load().filter(function (i) { return !i.refused; });
    if (waiting.length === 0) return Promise.resolve();
    sending = true;
    var heard = {};
    function tell(item, answer) { heard[item.key] = true; if (after) after(item, answer); }
    return session().then(function (s) {
      state.signedOut = !s.signedIn;
      state.user = s.userId || null;
      waiting = waiting.filter(mine);
      show();
      // Signed out: nothing is sent, everything stays, and whoever waits is told to sign in.
      if (!s.signedIn) { waiting.forEach(function (item) { tell(item, { signedOut: true }); }); return; }
      var chain = Promise.resolve();
      // One damaged item (edited by hand, half written) does not hold back the rest.
      waiting.forEach(function (item) { chain = chain.then(function () { return send(item, s.csrf, tell); }).catch(function () {}); });
      return chain;
    }).catch(function () {}).then(function () {
      sending = false;
      // No answer at all (the network went mid-way): whoever still waits hears "later".
      waiting.forEach(function (item) { if (!heard[item.key] && after) after(item, { later: true }); });
      show();
    });
  }
  function send(item, csrf, after) {
    if (state.signedOut) return Promise.resolve();
    if (!Array.isArray(item.fields) || typeof item.action !== 'string' || item.action.charAt(0) !== '/' && item.action.indexOf(location.origin + '/') !== 0) {
      var damaged = { status: 0, message: 'This record on the phone is damaged and cannot be sent.', errors: [] };
      update(item.key, function (i) { i.refused = damaged; });
      if (after) after(item, { refused: damaged });
      return Promise.resolve();
    }
    return body(item, csrf).then(function (data) {
      return fetch(item.action, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' }, body: data });
    })
      .then(function (response) {
        var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
        return (json ? response.json() : Promise.resolve(null)).then(function (answer) {
          if (response.ok && answer && answer.idempotencyKey === item.key) {
            remove(item.key);                       // acknowledged: this exact item is stored
            if (after) after(item, { stored: answer });
          } else if (response.status === 401 || (response.status === 403 && answer && answer.field === '_csrf')) {
            state.signedOut = true;                 // the session ended: keep everything
            if (after) after(item, { signedOut: true });
          } else if (response.status >= 400 && response.status < 500 && answer) {
            var refused = { status: response.status, message: answer.message, errors: answer.errors || (answer.field ? [{ field: answer.field, message: answer.message }] : []) };
            update(item.key, function (i) { i.refused = refused; });
            if (after) after(item, { refused: refused });
          } else if (after) {
            after(item, { later: true });           // 5xx or an answer that is not ours: keep it, try later
          }
        });
      })
      .catch(function () { if (after) after(item, { later: true }); });
  }

  // ---- the record forms ----
  var MAX_SIDE = 1600, MAX_BYTES = 10 * 1024 * 1024;
  function readFile(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onerror = function () { resolve({ error: 'could not be read' }); };
      if (file.type === 'application/pdf') {
        if (file.size > MAX_BYTES) { resolve({ error: 'is ' + Math.round(file.size / 1048576) + ' MB; a PDF can be at most 10 MB' }); return; }
        reader.onload = function () { resolve({ name: file.name, dataURL: reader.result }); };
        reader.readAsDataURL(file);
        return;
      }
      if (!/^image\/(png|jpeg)$/.test(file.type)) { resolve({ error: 'is not a photo (PNG or JPEG) or a PDF' }); return; }
      // Photos are made smaller here: at most 1600 px, as JPEG, so even a 13 MB photo sends.
      reader.onload = function () {
        var image = new Image();
        image.onerror = function () { resolve({ error: 'is not a photo this phone can read' }); };
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

  // The rules' field names ("content.hazards[1].control") to the form's ("hazards[1][control]").
  // The rules' field names ("content.hazards[1].control") to the form's inputs: the n-th row
  // of that list, the input whose name ends in [control].
  function inputFor(form, name) {
    var plain = name.replace(/^content\./, '');
    var row = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(plain);
    if (row) {
      var list = form.querySelector('[data-rows="' + row[1] + '"]');
      var rows = list ? list.querySelectorAll('[data-row]') : [];
      var found = rows[Number(row[2])];
      return found ? found.querySelector('[name$="[' + row[3] + ']"]') : null;
    }
    return form.querySelector('[name="' + plain + '"]');
  }
  function clearErrors(form) {
    form.querySelectorAll('.field-error.js').forEach(function (e) { e.remove(); });
    form.querySelectorAll('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
    var summary = document.getElementById('js-errors');
    if (summary) summary.remove();
  }
  function showErrors(form, errors, heading) {
    clearErrors(form);
    var summary = document.createElement('div');
    summary.id = 'js-errors';
    summary.className = 'error';
    summary.setAttribute('role', 'alert');
    summary.tabIndex = -1;
    var p = document.createElement('p');
    p.textContent = heading || (errors.length === 1 ? 'One thing to fix before it is recorded:' : errors.length + ' things to fix before it is recorded:');
    summary.appendChild(p);
    var ul = document.createElement('ul');
    errors.forEach(function (e) {
      var li = document.createElement('li');
      li.textContent = e.message;
      ul.appendChild(li);
      var input = e.input || inputFor(form, e.field || '');
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        var note = document.createElement('p');
        note.className = 'field-error js';
        note.textContent = e.message;
        var place = input.closest('[data-row]') || input.closest('.choice') || input;
        place.insertAdjacentElement('afterend', note);
      }
    });
    summary.appendChild(ul);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
    summary.scrollIntoView({ block: 'start' });
  }

  // What the server would refuse, found on the phone: required fields, a hazard without its
  // control, an item with no result, a failed item with no defect.
  function problems(form) {
    var found = [];
    form.querySelectorAll('[required]').forEach(function (input) {
      if (input.type === 'radio') {
        if (!form.querySelector('[name="' + input.name + '"]:checked') && !found.some(function (f) { return f.name === input.name; })) {
          found.push({ name: input.name, input: input, message: labelOf(input) + ' is required.' });
        }
      } else if (!input.value.trim()) {
        found.push({ input: input, message: labelOf(input) + ' is required.' });
      }
    });
    form.querySelectorAll('[data-rows="hazards"] [data-row]').forEach(function (row) {
      var inputs = row.querySelectorAll('input[type=text]');
      if (inputs.length < 2) return;
      var hazard = inputs[0].value.trim(), control = inputs[1].value.trim();
      if (hazard && !control) found.push({ input: inputs[1], message: 'Say how "' + hazard + '" is controlled.' });
      if (!hazard && control) found.push({ input: inputs[0], message: 'Name the hazard that "' + control + '" controls.' });
    });
    var hazardRows = form.querySelector('[data-rows="hazards"]');
    if (hazardRows && !Array.prototype.some.call(hazardRows.querySelectorAll('[data-hazard]'), function (i) { return i.value.trim(); })) {
      found.push({ input: hazardRows.querySelector('[data-hazard]'), message: 'List at least one hazard with its control.' });
    }
    form.querySelectorAll('[data-rows="items"] [data-row]').forEach(function (row) {
      var item = row.querySelector('input[type=text]');
      if (!item || !item.value.trim()) return;
      var chosen = row.querySelector('input[type=radio]:checked');
      if (!chosen) found.push({ input: row.querySelector('input[type=radio]'), message: 'Choose pass, fail or N/A for "' + item.value.trim() + '".' });
      var defect = row.querySelector('[data-defect]');
      if (chosen && chosen.value === 'fail' && defect && !defect.value.trim()) {
        found.push({ input: defect, message: '"' + item.value.trim() + '" failed: describe what is wrong.' });
      }
    });
    var people = form.querySelector('fieldset.people');
    if (people && people.querySelector('legend .req')) {
      var ticked = people.querySelector('input[type=checkbox]:checked');
      var typed = Array.prototype.some.call(people.querySelectorAll('input[type=text]'), function (i) { return i.value.trim(); });
      if (!ticked && !typed) found.push({ input: people.querySelector('input'), message: 'Tick who was there.' });
    }
    return found;
  }
  function labelOf(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    var text = label ? label.textContent : (input.closest('fieldset') && input.closest('fieldset').querySelector('legend')
      ? input.closest('fieldset').querySelector('legend').textContent : input.getAttribute('aria-label') || input.name);
    return text.replace(/\*/g, '').replace(/\(.*\)/g, '').trim();
  }

  // Rows: an empty row always waits at the end of a list; ✕ removes a row.
  function enhanceRows(form) {
    form.querySelectorAll('[data-rows]').forEach(function (list) {
      var template = list.querySelector('template');
      if (!template) return;
      var next = 1000;
      function addRow() {
        var html = template.innerHTML.replace(/__/g, list.dataset.rows.slice(-1) === 'x' ? String(next++) : String(next++));
        var holder = document.createElement('div');
        holder.innerHTML = html;
        var row = holder.firstElementChild;
        var rows = list.querySelectorAll('[data-row]');
        var last = rows[rows.length - 1];
        if (last) { last.insertAdjacentElement('afterend', row); } else { template.insertAdjacentElement('afterend', row); }
        return row;
      }
      list.addEventListener('input', function (event) {
        var rows = list.querySelectorAll('[data-row]');
        var last = rows[rows.length - 1];
        if (last && last.contains(event.target) && event.target.value) addRow();
      });
      list.addEventListener('click', function (event) {
        var button = event.target.closest('[data-remove]');
        if (!button) return;
        var row = button.closest('[data-row]');
        if (list.querySelectorAll('[data-row]').length > 1) { row.remove(); } else { row.querySelectorAll('input').forEach(function (i) { if (i.type === 'radio') { i.checked = false; } else { i.value = ''; } }); }
      });
      // Picking a hazard recorded before fills the control recorded with it.
      if (list.dataset.controls) {
        var controls = {};
        try { controls = JSON.parse(list.dataset.controls); } catch (e) {}
        list.addEventListener('change', function (event) {
          if (!event.target.hasAttribute('data-hazard')) return;
          var control = event.target.nextElementSibling;
          var known = controls[event.target.value.trim()];
          if (known && control && !control.value) { control.value = known; control.dataset.filled = '1'; }
        });
      }
      // A control filled from an earlier record is selected when entered: typing replaces it.
      list.addEventListener('focusin', function (event) {
        if (event.target.dataset && event.target.dataset.filled) { delete event.target.dataset.filled; event.target.select(); }
      });
      list.addEventListener('change', function (event) {
        if (event.target.type !== 'radio') return;
        var defect = event.target.closest('[data-row]') && event.target.closest('[data-row]').querySelector('[data-defect]');
        if (defect) { defect.hidden = event.target.value !== 'fail'; if (!defect.hidden) defect.focus(); }
      });
      list.querySelectorAll('[data-row]').forEach(function (row) {
        var defect = row.querySelector('[data-defect]');
        var chosen = row.querySelector('input[type=radio]:checked');
        if (defect && !defect.value) defect.hidden = !(chosen && chosen.value === 'fail');
      });
    });
  }

  function enhancePhotos(form) {
    var input = form.querySelector('[data-photos]');
    var thumbs = form.querySelector('[data-thumbs]');
    var error = form.querySelector('[data-photo-error]');
    if (!input) return;
    input.addEventListener('change', function () {
      if (thumbs) thumbs.textContent = '';
      if (error) error.hidden = true;
      Array.prototype.forEach.call(input.files, function (file) {
        if (file.type === 'application/pdf' && file.size > MAX_BYTES && error) {
          error.textContent = '"' + file.name + '" is ' + Math.round(file.size / 1048576) + ' MB; a PDF can be at most 10 MB. Everything typed is kept.';
          error.hidden = false;
        }
        if (thumbs && /^image\//.test(file.type)) {
          var img = document.createElement('img');
          img.alt = file.name;
          img.src = URL.createObjectURL(file);
          thumbs.appendChild(img);
        }
      });
    });
  }

  // A refused item opens in its form: its fields back in place, the server's reasons beside them.
  function restore(form) {
    var match = /[?&]outbox=([^&]+)/.exec(location.search);
    if (!match) return;
    var key = decodeURIComponent(match[1]);
    var item = load().filter(function (i) { return i.key === key; })[0];
    if (!item) return;
    form.dataset.replaces = key;
    // The item holds the whole form as it was sent: what it did not tick is not ticked.
    form.querySelectorAll('input[type=checkbox], input[type=radio]').forEach(function (input) { input.checked = false; });
    item.fields.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (name === '_csrf' || name === 'idempotencyKey') return;
      var inputs = form.querySelectorAll('[name="' + name + '"]');
      if (inputs.length === 0) {
        // A row the page did not draw: add it through its list's template.
        var list = form.querySelector('[data-rows="' + name.split('[')[0] + '"]');
        var template = list && list.querySelector('template');
        if (template) {
          var index = (/\[([^\]]+)\]/.exec(name) || [])[1];
          var holder = document.createElement('div');
          holder.innerHTML = template.innerHTML.replace(/__/g, index);
          var rows = list.querySelectorAll('[data-row]');
          (rows[rows.length - 1] || template).insertAdjacentElement('afterend', holder.firstElementChild);
          inputs = form.querySelectorAll('[name="' + name + '"]');
        }
      }
      inputs.forEach(function (input) {
        if (input.type === 'checkbox' || input.type === 'radio') { input.checked = input.value === value || (input.type === 'checkbox' && value === 'on'); }
        else { input.value = value; }
      });
    });
    if (item.fileCount) {
      var note = form.querySelector('[data-photo-error]');
      if (note) { note.hidden = false; note.className = 'muted'; note.textContent = item.fileCount + (item.fileCount === 1 ? ' photo or file' : ' photos or files') + ' of this record are kept on the phone and sent with it, unless you choose others.'; }
    }
    if (item.refused) {
      var named = (item.refused.errors || []).length ? item.refused.errors : [{ message: item.refused.message }];
      showErrors(form, named, named.length > 1 ? 'The server refused this record; ' + named.length + ' things to fix:' : 'The server refused this record:');
    }
  }

  function enhanceForm(form) {
    form.querySelectorAll('input[name=idempotencyKey]').forEach(function (input) { input.value = newKey(); });
    enhanceRows(form);
    enhancePhotos(form);
    restore(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var found = problems(form);
      if (found.length) { showErrors(form, found); return; }
      clearErrors(form);
      var fields = [], uploads = [];
      // The button pressed is part of what was asked ("Record and sign").
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      data.forEach(function (value, name) {
        if (typeof value !== 'string') { if (value.size) { uploads.push({ field: name, file: value }); } return; }
        fields.push([name, value]);
      });
      var button = event.submitter || form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      Promise.all(uploads.map(function (u) { return readFile(u.file).then(function (read) { read.field = u.field; read.original = u.file.name; return read; }); }))
        .then(function (files) {
          var bad = files.filter(function (f) { return f.error; });
          if (bad.some(function (f) { return / at most 10 MB|is not a photo/.test(f.error); })) {
            if (button) button.disabled = false;
            showErrors(form, bad.map(function (f) { return { input: form.querySelector('[data-photos]'), message: '"' + f.original + '" ' + f.error + '. Everything typed is kept.' }; }));
            return;
          }
          var kept = files.filter(function (f) { return !f.error; }).map(function (f) { return { field: f.field, name: f.name, dataURL: f.dataURL }; });
          var key = form.querySelector('input[name=idempotencyKey]').value;
          var item = { key: key, action: form.action.split('?')[0], title: (document.querySelector('h1') || {}).textContent, fields: fields, files: kept,
                       queuedAt: Date.now(), user: document.body.dataset.user || null, userName: document.body.dataset.userName || null };
          var replaced = load().filter(function (i) { return i.key === form.dataset.replaces; })[0];
          var items = load().filter(function (i) { return i.key !== form.dataset.replaces; });
          // The photos go to IndexedDB first; a fixed record that brings none keeps those of the one it replaces.
          var blobs = kept.map(function (f) { return { field: f.field, name: f.name, blob: toBlob(f.dataURL) }; });
          var filed = (blobs.length ? putFiles(key, blobs).then(function () { return blobs.length; })
                       : replaced && replaced.fileCount ? getFiles(replaced.key).then(function (old) { return putFiles(key, old).then(function () { return old.length; }); })
                       : Promise.resolve(0));
          filed.then(function (count) {
            item.files = [];
            item.fileCount = count;
            if (replaced) dropFiles(replaced.key);
            return item;
          }, function () { return item; })  // no IndexedDB: the photos wait as text in the item itself
          .then(function (item) {
          try { save(items.concat([item])); } catch (full) {
            item.files = [];
            save(items.concat([item]));
            alert('This phone has no room for the photos: the record is kept without them. Add them when you are back online (Amend).');
          }
          if (bad.length) alert(bad.map(function (f) { return '"' + f.original + '" ' + f.error + '.'; }).join('\n'));
          if (!navigator.onLine) { afterQueued(form, button, 'No network: the record is kept on this phone and sent when the network is back.'); return; }
          flush(function (sent, answer) {
            if (sent.key !== key) return;
            if (answer.stored) { location.href = answer.stored.href; }
            else if (answer.refused) {
              if (button) button.disabled = false;
              form.dataset.replaces = key;
              var named = answer.refused.errors.length ? answer.refused.errors : [{ message: answer.refused.message }];
              showErrors(form, named, named.length > 1 ? null : 'The server refused this record:');
            } else if (answer.signedOut) { afterQueued(form, button, 'Your session has ended: the record is kept on this phone. Sign in and it is sent.'); }
            else { afterQueued(form, button, 'The server did not answer: the record is kept on this phone and sent again shortly.'); }
          });
          });
        });
    });
  }
  function afterQueued(form, button, message) {
    form.reset();
    form.querySelectorAll('.thumbs').forEach(function (t) { t.textContent = ''; });
    form.querySelector('input[name=idempotencyKey]').value = newKey();
    delete form.dataset.replaces;
    if (button) button.disabled = false;
    var note = document.getElementById('queued') || document.createElement('p');
    note.id = 'queued';
    note.className = 'ok';
    note.setAttribute('role', 'status');
    note.textContent = message;
    form.parentNode.insertBefore(note, form);
    window.scrollTo(0, 0);
    show();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-offline]').forEach(enhanceForm);
    // The crew's start buttons open with no network too: their forms go into the service
    // worker's cache (sw.js, same name) while there is a network.
    var starts = Array.prototype.map.call(document.querySelectorAll('.start a'), function (a) { return a.getAttribute('href'); });
    if (navigator.onLine && window.caches && starts.length) {
      caches.open('secor-shell-v3').then(function (cache) {
        starts.forEach(function (href) {
          fetch(href, { credentials: 'same-origin' }).then(function (r) { if (r.ok && !r.redirected) cache.put(href, r); }).catch(function () {});
        });
      }).catch(function () {});
    }
    // The menu on a phone: one line, opened by its button.
    var toggle = document.querySelector('[data-menu-toggle]');
    if (toggle) toggle.addEventListener('click', function () {
      var nav = document.getElementById(toggle.getAttribute('aria-controls'));
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      nav.classList.toggle('open', open);
    });
    // Signing out forgets what this phone keeps of the pages (not the outbox: it is the crew's work).
    document.querySelectorAll('form[action="/sign-out"]').forEach(function (f) {
      f.addEventListener('submit', function () { if (window.caches) caches.keys().then(function (k) { k.forEach(function (n) { caches.delete(n); }); }); });
    });
    show();
    flush();
  });
  window.addEventListener('online', function () { flush(); });
  window.addEventListener('offline', show);
  setInterval(function () { flush(); }, 15000);
  if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }
})();
