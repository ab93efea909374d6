/* The report form: counters, a draft kept on the phone, and an outbox that sends when there is signal.
   Reports wait in localStorage (kept across reloads and restarts); the server stores each id once. */
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form) return;
  var T = JSON.parse(document.getElementById("report-text").textContent);
  var api = form.getAttribute("data-api");
  var user = form.getAttribute("data-user");
  var team = form.getAttribute("data-team");
  var OUTBOX = "tocns.outbox." + user;
  var FAILED = "tocns.failed." + user;
  var DRAFT = "tocns.draft." + user + "." + team;
  var statusBox = document.getElementById("outbox");
  var note = "";
  var needLogin = false;
  var flushing = false;
  form.classList.add("js");

  function load(key, empty) {
    try { return JSON.parse(localStorage.getItem(key)) || empty; } catch (e) { return empty; }
  }
  function store(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function num(input) { var v = parseInt(input && input.value, 10); return isNaN(v) || v < 0 ? 0 : v; }
  function cookie(name) {
    var m = document.cookie.match("(^|;)\\s*" + name + "=([^;]*)");
    return m ? decodeURIComponent(m[2]) : "";
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Counters: "completed" never exceeds "guided", whichever one the finger moves. */
  function pair(svc) {
    return { c: svc.querySelector("[data-kind=c]"), g: svc.querySelector("[data-kind=g]"), sum: svc.querySelector("[data-sum]") };
  }
  function sync(svc, moved) {
    var p = pair(svc), c = num(p.c), g = num(p.g);
    if (moved === "g" && g < c) c = g;
    if (g < c) g = c;
    p.c.value = c; p.g.value = g;
    p.sum.textContent = g > c ? c + "/" + g : String(c);
    svc.classList.toggle("on", g > 0);
  }
  form.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-step],button[data-set]");
    if (!btn) return;
    var svc = btn.closest(".svc");
    var input;
    if (btn.hasAttribute("data-set")) {
      input = pair(svc).c;
      input.value = btn.getAttribute("data-set");
    } else {
      input = btn.parentNode.querySelector("input");
      input.value = Math.min(+input.max || 1e4, Math.max(0, num(input) + parseInt(btn.getAttribute("data-step"), 10)));
    }
    sync(svc, input.getAttribute("data-kind"));
    saveDraft();
  });
  form.addEventListener("input", function (e) {
    var svc = e.target.closest(".svc");
    if (svc) sync(svc, e.target.getAttribute("data-kind"));
    saveDraft();
  });
  form.addEventListener("change", saveDraft);

  /* The draft: everything typed, saved on every change, so closing the page loses nothing. */
  function fields() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "id" || el.name === "team") return;
      if ((el.type === "checkbox" || el.type === "radio")) { if (el.checked) (data[el.name] = data[el.name] || []).push(el.value); }
      else data[el.name] = [el.value];
    });
    return data;
  }
  function saveDraft() { store(DRAFT, { saved: Date.now(), fields: fields() }); }
  function fill(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken" || el.name === "id" || el.name === "team") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data[el.name].indexOf(el.value) >= 0;
      else el.value = data[el.name][0];
    });
    Array.prototype.forEach.call(form.querySelectorAll(".svc"), function (svc) {
      sync(svc, "c");
      if (num(pair(svc).g) > 0) svc.open = true;
    });
  }
  function fresh() {
    form.reset();
    var d = today(), shown = form.querySelector("[data-today]");
    if (shown) shown.textContent = d.slice(8) + "/" + d.slice(5, 7) + "/" + d.slice(0, 4);
    form.elements.date.value = d;
    form.elements.date.max = today();
    Array.prototype.forEach.call(form.querySelectorAll(".svc"), function (svc) { sync(svc, "c"); svc.open = false; });
  }

  function payload() {
    var f = form.elements, outcomes = [];
    Array.prototype.forEach.call(form.querySelectorAll(".svc"), function (svc) {
      var p = pair(svc), c = num(p.c), g = Math.max(num(p.g), c);
      if (g > 0) outcomes.push({ service: svc.getAttribute("data-code"), guided: g, completed: c });
    });
    var kind = form.querySelector("input[name=kind]:checked");
    var participants = Array.prototype.map.call(form.querySelectorAll("input[name=participants]:checked"), function (el) { return parseInt(el.value, 10); });
    return {
      id: uuid(),
      team: parseInt(team, 10),
      date: f.date.value || today(),
      kind: kind ? kind.value : "home_visit",
      village: f.village ? f.village.value : null,
      participants: participants,
      people_reached: num(f.people_reached),
      households_reached: num(f.households_reached),
      hours: parseFloat((f.hours.value || "0").replace(",", ".")) || 0,
      note: f.note.value.trim(),
      outcomes: outcomes
    };
  }

  function render() {
    var waiting = load(OUTBOX, []).length, failed = load(FAILED, []), parts = [];
    if (waiting) parts.push("<b>" + T.waiting.replace("%(n)s", waiting) + "</b>");
    if (waiting && !navigator.onLine) parts.push(T.offline);
    if (needLogin && waiting) parts.push('<a href="' + form.getAttribute("data-login") + "?next=" + encodeURIComponent(location.pathname + location.search) + '">' + T.relogin + "</a>");
    failed.forEach(function (item, i) {
      parts.push('<span class="bad">' + T.rejected.replace("%(message)s", escape(item.error.message || "")) +
        ' <button type="button" class="btn light" data-retry="' + i + '">' + T.fix + "</button></span>");
    });
    if (note) parts.push(note);
    statusBox.innerHTML = parts.join("<br>");
    statusBox.hidden = parts.length === 0;
    statusBox.classList.toggle("waiting", waiting > 0);
  }
  function escape(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function drop(key, id) { store(key, load(key, []).filter(function (item) { return item.payload.id !== id; })); }

  statusBox.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-retry]");
    if (!btn) return;
    var failed = load(FAILED, []), item = failed[parseInt(btn.getAttribute("data-retry"), 10)];
    if (!item) return;
    fresh();
    var p = item.payload, data = { date: [p.date], kind: [p.kind], note: [p.note],
      people_reached: [p.people_reached ? String(p.people_reached) : ""], households_reached: [String(p.households_reached || "")],
      hours: [p.hours ? String(p.hours) : ""], participants: p.participants.map(String) };
    if (p.village) data.village = [p.village];
    p.outcomes.forEach(function (o) { data["o-" + o.service + "-c"] = [String(o.completed)]; data["o-" + o.service + "-g"] = [String(o.guided)]; });
    fill(data);
    drop(FAILED, p.id);
    saveDraft();
    note = "";
    render();
  });

  function flush() {
    var box = load(OUTBOX, []);
    if (flushing || !box.length) { render(); return; }
    flushing = true;
    var item = box[0];
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") },
      body: JSON.stringify(item.payload)
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        drop(OUTBOX, item.payload.id);
        needLogin = false;
        note = T.sent;
        return true;
      }
      if (r.status === 401 || r.status === 403) { needLogin = true; return false; }
      if (r.status >= 400 && r.status < 500) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          var failed = load(FAILED, []);
          failed.push({ payload: item.payload, error: body.error || { message: String(r.status) } });
          store(FAILED, failed);
          drop(OUTBOX, item.payload.id);
          note = "";
          return true;
        });
      }
      return false; /* the server had a problem: keep the report and try again later */
    }, function () { return false; }).then(function (goOn) {
      flushing = false;
      render();
      if (goOn) flush();
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var p = payload();
    if (!p.outcomes.length && !p.people_reached && !p.note) { note = '<span class="bad">' + T.empty + "</span>"; render(); return; }
    var box = load(OUTBOX, []);
    box.push({ payload: p, queued: Date.now() });
    store(OUTBOX, box);
    localStorage.removeItem(DRAFT);
    fresh();
    note = navigator.onLine ? T.sending : T.saved;
    render();
    flush();
    window.scrollTo(0, 0);
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 30000);

  var draft = load(DRAFT, null);
  fresh();
  if (draft && draft.fields && !form.querySelector("[role=alert]")) fill(draft.fields);
  if (!form.querySelector("[role=alert]")) saveDraft();
  flush();
})();
