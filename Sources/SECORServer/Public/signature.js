// The signature pad: the person named draws their signature with a finger on the phone of
// whoever recorded the work. The drawing is sent as a PNG and stored as a file; its hash is
// sealed into the sign-off.
(function () {
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('[data-signature-form]');
    if (!form) return;
    var canvas = form.querySelector('[data-pad]');
    var ctx = canvas.getContext('2d');
    var drawn = 0, last = null;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#111';
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
    }
    var error = form.querySelector('[data-pad-error]');
    canvas.addEventListener('pointerdown', function (event) {
      last = point(event); canvas.setPointerCapture(event.pointerId); error.hidden = true; event.preventDefault();
    });
    canvas.addEventListener('pointermove', function (event) {
      if (!last) return;
      var p = point(event);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      drawn += Math.abs(p.x - last.x) + Math.abs(p.y - last.y);
      last = p;
      event.preventDefault();
    });
    ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (name) { canvas.addEventListener(name, function () { last = null; }); });
    form.querySelector('[data-pad-clear]').addEventListener('click', function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = 0; error.hidden = true; });
    form.addEventListener('submit', function (event) {
      // A dot or a slip is not a signature.
      if (drawn < 60) { event.preventDefault(); error.hidden = false; return; }
      error.hidden = true;
      // White behind the strokes, so the stored PNG reads on any background.
      var copy = document.createElement('canvas');
      copy.width = canvas.width; copy.height = canvas.height;
      var c = copy.getContext('2d');
      c.fillStyle = '#fff'; c.fillRect(0, 0, copy.width, copy.height); c.drawImage(canvas, 0, 0);
      form.querySelector('input[name=signature]').value = copy.toDataURL('image/png');
    });
  });
})();
