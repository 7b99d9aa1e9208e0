(function () {
  "use strict";
  var focused = null;

  // Pick one course out everywhere: dim the marks, cards and rows of every other course.
  function focus(course) {
    focused = focused === course ? null : course;
    document.querySelectorAll("svg [data-course], .card[data-course], .ladder[data-course]")
      .forEach(function (el) {
        el.classList.toggle("dim", focused !== null && el.getAttribute("data-course") !== focused);
      });
    document.querySelectorAll("tr[data-course]").forEach(function (el) {
      el.classList.toggle("focus", focused !== null && el.getAttribute("data-course") === focused);
    });
  }
  document.querySelectorAll(".card[data-course], tr[data-course], svg .legend-item")
    .forEach(function (el) {
      el.addEventListener("click", function () { focus(el.getAttribute("data-course")); });
    });

  // Hovering a judgment's row lights up its bars in the sensitivity figure.
  document.querySelectorAll("tr[data-judgment]").forEach(function (row) {
    var id = row.getAttribute("data-judgment");
    function light(on) {
      document.querySelectorAll('svg g.bar-row[data-judgment="' + id + '"]').forEach(function (g) {
        g.classList.toggle("hot", on);
      });
    }
    row.addEventListener("mouseenter", function () { light(true); });
    row.addEventListener("mouseleave", function () { light(false); });
  });

  // Hovering or focusing a box of the influence diagram picks out its arrows and neighbours.
  document.querySelectorAll("svg g.mech-node").forEach(function (node) {
    var id = node.getAttribute("data-node");
    var svg = node.ownerSVGElement;
    function pick(on) {
      var near = {};
      near[id] = true;
      svg.querySelectorAll("path.mech-edge").forEach(function (e) {
        var hit = e.getAttribute("data-from") === id || e.getAttribute("data-to") === id;
        if (hit) { near[e.getAttribute("data-from")] = near[e.getAttribute("data-to")] = true; }
        e.classList.toggle("hot", on && hit);
        e.classList.toggle("dim", on && !hit);
      });
      svg.querySelectorAll("g.mech-node").forEach(function (g) {
        g.classList.toggle("dim", on && !near[g.getAttribute("data-node")]);
      });
    }
    node.addEventListener("mouseenter", function () { pick(true); });
    node.addEventListener("mouseleave", function () { pick(false); });
    node.addEventListener("focus", function () { pick(true); });
    node.addEventListener("blur", function () { pick(false); });
  });

  // Sortable tables: click a header; numbers sort by their leading value.
  function key(cell, numeric) {
    var text = cell ? cell.textContent.trim() : "";
    if (!numeric) { return text.toLowerCase(); }
    var v = parseFloat(text.replace(/[^0-9eE+.\-]+/g, " ").trim().split(" ")[0]);
    return isNaN(v) ? -Infinity : v;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort") === "num";
        var body = table.tBodies[0];
        var down = th.getAttribute("data-dir") !== "down";
        heads.forEach(function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", down ? "down" : "up");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return down ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Tell a headless test (and a curious reader) that the script ran to the end.
  var status = document.getElementById("script-status");
  status.textContent = "Interactive: click a course to pick it out.";
  document.documentElement.setAttribute("data-script", "ok");
})();
