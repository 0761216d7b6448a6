// The audit tool keeps every keystroke: each change to a question is kept on this device
// at once and saved to the server a moment later; a lost network or an expired session
// keeps it on the device until it can be saved, and leaving with unsaved work warns.
(function () {
  'use strict';
  var form = document.getElementById('question-form');
  if (!form || !window.fetch) return;
  var key = form.getAttribute('data-draft-key');
  var url = form.getAttribute('data-autosave');
  var status = document.getElementById('autosave-status');
  var timer = null;
  var dirty = false;      // typed since the last confirmed save
  var saving = false;
  var again = false;      // typed while a save was on its way
  var submitting = false;

  function say(text, tone) {
    if (!status) return;
    status.textContent = text;
    status.className = tone ? 'status-' + tone : 'muted';
  }

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      // The action item fields go only with "Add to the action plan", never restored.
      if (!el.name || el.name === '_csrf' || el.name === 'intent' || el.disabled || el.hasAttribute('data-no-autosave')) return;
      if ((el.type === 'checkbox' || el.type === 'radio')) {
        if (!out[el.name]) out[el.name] = [];
        if (el.checked) out[el.name].push(el.value);
      } else {
        out[el.name] = [el.value];
      }
    });
    return out;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function keep() {
    try { localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: fields() })); } catch (e) { /* full: the server copy is next */ }
  }

  function forget() { try { localStorage.removeItem(key); } catch (e) {} }

  function restore(saved) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in saved)) return;
      var values = saved[el.name];
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = values.indexOf(el.value) >= 0;
      else el.value = values[0] || '';
    });
  }

  // One date format everywhere: "1 December 2026, 14:02".
  function readable(d) {
    var months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    return d.getDate() + ' ' + months[d.getMonth()] + ' ' + d.getFullYear() + ', ' + ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function time() {
    var d = new Date();
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function save() {
    timer = null;
    if (saving) { again = true; return; }
    saving = true;
    var body = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.hasAttribute('data-no-autosave') || el.name === 'intent') return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      body.append(el.name, el.value);
    });
    body.append('intent', 'autosave');
    var sent = fields();
    say('Saving…');
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin',
                 headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
      })
      .then(function (r) {
        if (r.status === 200 && r.json.saved) {
          var answered = document.querySelector('[data-answered]');
          if (answered) answered.textContent = r.json.answered;
          var bar = document.querySelector('#progress progress');
          if (bar) bar.value = r.json.answered;
          var ask = document.getElementById('full-marks');
          if (ask) ask.hidden = !r.json.askFullMarks;
          // Saved as sent; what was typed since stays dirty and goes next.
          if (same(sent, fields())) { dirty = false; forget(); }
          say('Saved at ' + time() + '.', 'done');
        } else if (r.status === 401 || r.status === 403) {
          // Signed out (or the session changed and the form token with it).
          say('You are signed out. What you typed is kept on this device: sign in again and open this question, and it is saved.', 'late');
        } else {
          var message = (r.json && (r.json.message || r.json.reason)) || ('the server answered ' + r.status);
          say('Not saved yet: ' + message + ' What you typed is kept on this device.', 'late');
        }
      })
      .catch(function () {
        say('No connection. What you typed is kept on this device and saved when the connection returns.', 'due');
      })
      .then(function () {
        saving = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }

  // A number typed for points or a proportion picks its kind of answer, as a person means it.
  var kinds = { points: 'points', positive: 'proportion', total: 'proportion' };
  function pickKind(target) {
    var kind = target && kinds[target.name];
    if (!kind) return;
    var radio = form.querySelector('input[name=answer][value=' + kind + ']');
    if (radio && !radio.checked && target.value !== '') radio.checked = true;
  }

  function changed(event) {
    if (submitting) return;
    pickKind(event.target);
    dirty = true;
    keep();
    if (event.target && event.target.hasAttribute && event.target.hasAttribute('data-no-autosave')) {
      say('The action item is added when you press "Add to the action plan".');
      return;
    }
    schedule();
  }

  // What this device kept and the server does not have yet (a reload after a lost
  // connection, or an expired session) comes back into the form and is saved.
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { stored = null; }
  if (stored && stored.fields) {
    if (same(stored.fields, fields())) {
      if (!document.getElementById('form-error')) forget();
    } else {
      restore(stored.fields);
      dirty = true;
      say('Restored what you typed on ' + readable(new Date(stored.at)) + ', not saved yet. Saving…', 'due');
      schedule();
    }
  }

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', function () { submitting = true; keep(); });
  // Dropping the recommendation and action items: what is on the server is the truth now.
  var tidy = document.querySelector('#full-marks form');
  if (tidy) tidy.addEventListener('submit', function () { submitting = true; forget(); });
  window.addEventListener('online', function () { if (dirty) schedule(); });
  window.addEventListener('beforeunload', function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ''; }
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-dismiss]'), function (button) {
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-dismiss'));
      if (target) target.hidden = true;
    });
  });
})();

// The sampling sheet's row form keeps what is typed on this device until the row is on
// the sheet: a refused row, a lost network or an expired session brings it back into the
// form (the server does not send the confidential fields back).
(function () {
  'use strict';
  var form = document.getElementById('sheet-form');
  if (!form) return;
  var key = form.getAttribute('data-draft-key');
  var rows = parseInt(form.getAttribute('data-rows') || '0', 10);
  var status = document.getElementById('sheet-draft-status');
  var names = ['site', 'role', 'on', 'positive', 'subject', 'note'];

  function fields() {
    var out = {};
    names.forEach(function (name) { if (form.elements[name]) out[name] = form.elements[name].value; });
    return out;
  }
  function keep(sent) {
    try { localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), rows: rows, sent: sent, fields: fields() })); } catch (e) {}
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) {} }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { stored = null; }
  if (stored && stored.fields) {
    if (stored.sent && rows > stored.rows) {
      forget();  // the row it sent is on the sheet now
    } else if (stored.fields.subject || stored.fields.note || stored.sent) {
      names.forEach(function (name) { if (form.elements[name] && name in stored.fields) form.elements[name].value = stored.fields[name]; });
      if (status) {
        status.textContent = 'Restored the row you typed; it is not on the sheet yet. Press the button to record it.';
        status.className = 'status-due';
      }
    }
  }
  form.addEventListener('input', function () { keep(false); });
  form.addEventListener('change', function () { keep(false); });
  form.addEventListener('submit', function () { keep(true); });
})();
