(function () {
  "use strict";
  var token = document.querySelector('meta[name="kennan-token"]').getAttribute("content");
  // This page's id: its newer changes supersede its older ones, another tab's are a conflict.
  var tab = document.querySelector('meta[name="kennan-tab"]').getAttribute("content");
  var version = parseInt(document.body.getAttribute("data-version"), 10);
  var $ = function (sel) { return document.querySelector(sel); };
  var auto = $("#auto"), statusEl = $("#status"), alertEl = $("#alert");
  // Changes sent so far: only the answer to the last one is shown, so the page never
  // shows an older result after a newer one (the server stops the older runs).
  var sent = 0, changedAt = null, timer = null, stopped = false;
  // What tests and the benchmark read: renders done, the timing of the last one, the
  // refusals, and the answers dropped because a newer change had been sent.
  var probe = window.kennanExplore = { renders: 0, last: null, errors: 0, dropped: 0, sent: 0 };

  function api(path, body) {
    body.tab = tab;
    return fetch(path, {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Kennan-Token": token }
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; },
        function () { return { status: r.status, body: { errors: ["the server answered " + r.status] } }; });
    }, function () {
      return { status: 0, body: { errors: ["cannot reach the kennan explore server: is it still running?"] } };
    });
  }

  function number(text) {
    var v = parseFloat(text);
    // anything that is not a plain number goes as text, for the server to refuse by name
    return (isFinite(v) && String(text).trim() !== "") ? v : String(text);
  }

  function setPath(obj, path, value) {
    var keys = path.split("."), o = obj;
    for (var i = 0; i < keys.length - 1; i++) { o = o[keys[i]] = o[keys[i]] || {}; }
    o[keys[keys.length - 1]] = value;
  }

  function edits() {
    var out = {};
    document.querySelectorAll(".judgment").forEach(function (el) {
      var mode = el.querySelector("select.mode").value;
      if (mode === "file") { return; }
      var id = el.getAttribute("data-judgment");
      var reason = el.querySelector("input.reason").value;
      if (mode === "pin") {
        out[id] = { mode: "pin", value: number(el.querySelector("input.pin-value").value), reason: reason };
        return;
      }
      if (mode === "range") {
        out[id] = { mode: "range", median: number(el.querySelector("input.median").value),
                    width: number(el.querySelector("input.width").value), reason: reason };
        return;
      }
      var spec = {};
      el.querySelectorAll("input.field").forEach(function (f) {
        var type = f.getAttribute("data-type"), v = f.value;
        if (type === "number") { v = number(v); }
        else if (type === "list") { v = v.split(",").filter(function (s) { return s.trim() !== ""; }).map(number); }
        setPath(spec, f.getAttribute("data-key"), v);
      });
      out[id] = { mode: "set", spec: spec, reason: reason };
    });
    return out;
  }

  function busy(on, text) {
    document.body.classList.toggle("busy", on);
    $("#running").hidden = !on;
    statusEl.textContent = text;
  }

  function showErrors(messages) {
    alertEl.textContent = messages.join("\n");
    alertEl.hidden = messages.length === 0;
    document.querySelectorAll(".judgment").forEach(function (el) {
      var id = el.getAttribute("data-judgment");
      var mine = messages.filter(function (m) {
        return m.indexOf(id + ":") === 0 || m.indexOf("'" + id + "'") >= 0;
      });
      var p = el.querySelector(".error");
      p.textContent = mine.join(" ");
      p.hidden = mine.length === 0;
      el.classList.toggle("invalid", mine.length > 0);
    });
  }

  function run() {
    if (stopped) { return; }
    var mine = ++sent;
    probe.sent = sent;
    var started = changedAt || performance.now();
    changedAt = null;
    var draws = parseInt($("#draws").value, 10);
    busy(true, "running " + (isFinite(draws) ? draws.toLocaleString("en") : "?") + " draws…");
    var body = { version: version, edits: edits(), draws: isFinite(draws) ? draws : $("#draws").value,
                 seed: parseInt($("#seed").value, 10) };
    api("/api/run", body).then(function (res) {
      if (mine !== sent) { probe.dropped += 1; return; }  // a newer change is on its way
      if (res.status === 200) {
        version = res.body.version;
        document.body.setAttribute("data-version", version);
        $("#results").innerHTML = res.body.html;
        showErrors([]);
        var server = res.body.timings.total;
        // two frames: the new figures are laid out and painted
        requestAnimationFrame(function () { requestAnimationFrame(function () {
          var shown = performance.now() - started;
          probe.renders += 1;
          probe.last = { server: server, browser: shown / 1000, version: version,
                         timings: res.body.timings };
          if (mine === sent) {
            busy(false, "ran " + res.body.draws.toLocaleString("en") + " draws: " +
                 server.toFixed(2) + " s on the server, " + (shown / 1000).toFixed(2) + " s to the page");
          }
        }); });
      } else {
        probe.errors += 1;
        showErrors(res.body.errors || ["the server answered " + res.status]);
        var conflict = res.status === 409 && !res.body.superseded;
        if (conflict) { stopped = true; }
        busy(false, conflict ? "stopped: changed in another tab" : "not run: see the message above");
      }
    });
  }

  function changed(now) {
    if (changedAt === null) { changedAt = performance.now(); }
    clearTimeout(timer);
    if (!auto.checked) { statusEl.textContent = "changed: press Run"; return; }
    timer = setTimeout(run, now ? 0 : 150);
  }

  document.querySelectorAll(".judgment").forEach(function (el) {
    var select = el.querySelector("select.mode");
    var range = el.querySelector("input.pin-range"), value = el.querySelector("input.pin-value");
    select.addEventListener("change", function () {
      el.setAttribute("data-mode", select.value);
      el.classList.toggle("edited", select.value !== "file");
      changed(true);
    });
    if (range) {
      range.addEventListener("input", function () {
        value.value = Number(range.value).toPrecision(4); changed(false);
      });
      value.addEventListener("change", function () { range.value = value.value; changed(true); });
    }
    el.querySelectorAll("input.field, input.median, input.width").forEach(function (f) {
      f.addEventListener("change", function () { changed(true); });
    });
    el.querySelector("input.reason").addEventListener("change", function () { changed(true); });
  });
  ["#draws", "#seed"].forEach(function (sel) {
    $(sel).addEventListener("change", function () { changed(true); });
  });
  auto.addEventListener("change", function () { if (auto.checked && changedAt !== null) { run(); } });
  $("#run").addEventListener("click", function () { clearTimeout(timer); run(); });
  $("#reset").addEventListener("click", function () {
    document.querySelectorAll(".judgment").forEach(function (el) {
      el.querySelector("select.mode").value = "file";
      el.setAttribute("data-mode", "file");
      el.classList.remove("edited");
    });
    changed(true);
  });

  function report(out, res, ok) {
    out.classList.toggle("bad", res.status !== 200);
    out.textContent = res.status === 200 ? ok(res.body) : (res.body.errors || []).join(" ");
  }
  $("#sens-run").addEventListener("click", function () {
    var out = $("#sensitivity");
    out.textContent = "ranking the judgments…";
    api("/api/sensitivity", { version: version, method: $("#sens-method").value }).then(function (res) {
      if (res.status === 200) { out.innerHTML = res.body.html; } else { report(out, res, null); }
    });
  });
  $("#flips-run").addEventListener("click", function () {
    var out = $("#flips");
    out.textContent = "searching the judgments…";
    api("/api/flips", { version: version }).then(function (res) {
      if (res.status === 200) { out.innerHTML = res.body.html; } else { report(out, res, null); }
    });
  });
  $("#split-run").addEventListener("click", function () {
    var out = $("#split-out");
    out.textContent = "replicating the chance of every draw…";
    api("/api/split", { version: version }).then(function (res) {
      if (res.status === 200) { out.innerHTML = res.body.html; } else { report(out, res, null); }
    });
  });
  $("#mechanism-run").addEventListener("click", function () {
    var out = $("#mechanism-out");
    out.textContent = "drawing…";
    api("/api/mechanism", { version: version }).then(function (res) {
      if (res.status === 200) { out.innerHTML = res.body.html; } else { report(out, res, null); }
    });
  });
  $("#save").addEventListener("click", function () {
    var out = $("#save-out");
    out.textContent = "saving…";
    api("/api/save", { version: version, name: $("#save-name").value, why: $("#save-why").value,
                       overwrite: $("#save-overwrite").checked }).then(function (res) {
      report(out, res, function (b) { return "Saved " + b.path + " (" + b.summary + ")"; });
    });
  });
  $("#export").addEventListener("click", function () {
    var out = $("#export-out");
    out.textContent = "writing the report…";
    api("/api/export", { version: version, name: $("#export-name").value,
                         overwrite: $("#export-overwrite").checked }).then(function (res) {
      report(out, res, function (b) { return "Wrote " + b.path; });
    });
  });

  // Find a judgment: keep the rows whose text holds every word typed.
  $("#filter").addEventListener("input", function () {
    var words = this.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(".judgment").forEach(function (el) {
      var text = el.textContent.toLowerCase();
      el.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });

  statusEl.textContent = "ready: change a judgment";
  document.documentElement.setAttribute("data-script", "ok");
})();
