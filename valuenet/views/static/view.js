/* valuenet network view: legend, filters, search, side panel, PNG export and permalinks.
 * User text (names, quotes, ids) reaches the page only through textContent and DOM
 * properties, never as HTML. The data comes from a JSON block in the page. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("valuenet-data").textContent);
  var meta = data.meta, pal = data.palette, details = data.details;
  var LISTS = ["touchpoints", "stages", "responsible", "quotes"];
  Object.keys(details.edges).forEach(function (id) {  // empty fields are left out of the page's data
    var d = details.edges[id];
    LISTS.forEach(function (k) { if (!d[k]) { d[k] = []; } });
    d.n = d.n || 0; d.flows = d.flows || 0;
    if (d.money === undefined) { d.money = null; }
    if (d.before === undefined) { d.before = null; }
  });
  var GROUPS = ["kind", "dimension", "impact", "change"];
  var state = { colourBy: meta.color_by, off: { kind: {}, dimension: {}, impact: {}, change: {} }, selected: null };
  var api = { firstDraw: null, ready: false, timings: { start: performance.now() } };
  window.valuenetView = api;

  // ---- small DOM helpers (text only) ---------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) { if (arguments[i]) { parent.appendChild(arguments[i]); } }
    return parent;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function human(id) { return String(id).replace(/_/g, " "); }
  function num(v) {
    if (v === null || v === undefined) { return "–"; }
    var r = Math.round(v * 100) / 100;
    return r % 1 !== 0 ? r.toFixed(2) : String(r);
  }
  function signed(v) { return (v > 0 ? "+" : "") + num(v); }
  function nameOf(id) { var n = details.nodes[id]; return n ? n.name : String(id); }
  function kindOf(id) { var n = details.nodes[id]; return n ? n.kind : ""; }

  // ---- the network ---------------------------------------------------------------------------
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  function nodeVisible(n) { return !state.off.kind[kindOf(n.id)]; }
  function edgeVisible(e) {
    var d = details.edges[e.id];
    return !(state.off.dimension[d.dimension] || state.off.impact[d.impact] ||
             (d.change && state.off.change[d.change]) || state.off.kind[kindOf(d.from)] ||
             state.off.kind[kindOf(d.to)]);
  }
  var nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgeView = new vis.DataView(edges, { filter: edgeVisible });
  var container = document.getElementById("vn-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  api.network = network;
  api.timings.network = performance.now();
  network.on("beforeDrawing", function (ctx) {  // a white ground, so PNG exports are not transparent
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });
  function fitAll() {  // vis-network fits the shapes; leave room for the names around them
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.88 });
  }
  network.once("afterDrawing", function () {
    api.firstDraw = performance.now();
    if (!state.selected && !meta.detail_scale) { setTimeout(fitAll, 0); }
  });
  var detailed = false;
  api.detailed = function () { return detailed; };
  if (meta.detail_scale) {  // large views: arrowheads and names once zoomed in far enough to read them
    var labelled = false, pending = false;
    network.on("afterDrawing", function () {
      if (pending || (network.getScale() >= meta.detail_scale) === detailed) { return; }
      pending = true;
      setTimeout(function () {  // after this frame, at whatever zoom the user has reached by then
        pending = false;
        var on = network.getScale() >= meta.detail_scale;
        if (on === detailed) { return; }
        if (on && !labelled) {
          labelled = true;
          nodes.update(nodes.getIds().map(function (id) { return { id: id, label: nameOf(id) }; }));
        }
        network.setOptions({ edges: { arrows: { to: { enabled: on } } } });
        detailed = on;
      }, 0);
    });
  }
  function edgeColour(id) {
    var d = details.edges[id];
    if (state.colourBy === "impact") { return pal.impact[d.impact]; }
    if (state.colourBy === "change" && d.change) { return pal.change[d.change]; }
    return pal.dimension[d.dimension];
  }
  var shownColour = meta.color_by;
  function recolour() {
    if (shownColour === state.colourBy) { return; }
    shownColour = state.colourBy;
    edges.update(edges.getIds().map(function (id) { return { id: id, color: edgeColour(id) }; }));
  }

  // ---- legend and filters --------------------------------------------------------------------
  var SVGNS = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, colour) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("class", "vn-icon");
    var s;
    var pts = { diamond: "10,1 19,10 10,19 1,10", triangle: "10,2 19,18 1,18", triangleDown: "1,2 19,2 10,18",
                star: "10,1 12.6,7.2 19,7.6 14,11.8 15.6,18.6 10,14.9 4.4,18.6 6,11.8 1,7.6 7.4,7.2",
                hexagon: "5,2 15,2 19.5,10 15,18 5,18 0.5,10" };
    if (pts[shape]) {
      s = document.createElementNS(SVGNS, "polygon");
      s.setAttribute("points", pts[shape]);
    } else if (shape === "square") {
      s = document.createElementNS(SVGNS, "rect");
      s.setAttribute("x", "3"); s.setAttribute("y", "3"); s.setAttribute("width", "14"); s.setAttribute("height", "14");
    } else {
      s = document.createElementNS(SVGNS, "circle");
      s.setAttribute("cx", "10"); s.setAttribute("cy", "10"); s.setAttribute("r", "7.5");
    }
    s.setAttribute("fill", colour);
    s.setAttribute("stroke", "#3d4450");
    svg.appendChild(s);
    return svg;
  }
  function lineIcon(colour, dashed) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 12");
    svg.setAttribute("class", "vn-icon vn-line");
    var l = document.createElementNS(SVGNS, "line");
    l.setAttribute("x1", "1"); l.setAttribute("y1", "6"); l.setAttribute("x2", "23"); l.setAttribute("y2", "6");
    l.setAttribute("stroke", colour); l.setAttribute("stroke-width", "4");
    if (dashed) { l.setAttribute("stroke-dasharray", "4 3"); }
    svg.appendChild(l);
    return svg;
  }
  function counts(group) {
    var c = {};
    if (group === "kind") {
      Object.keys(details.nodes).forEach(function (id) { var k = details.nodes[id].kind; c[k] = (c[k] || 0) + 1; });
    } else {
      Object.keys(details.edges).forEach(function (id) {
        var v = details.edges[id][group]; if (v) { c[v] = (c[v] || 0) + 1; }
      });
    }
    return c;
  }
  function legendSection(group, title, values, icon, label) {
    var box = el("fieldset", "vn-group");
    box.dataset.group = group;
    add(box, el("legend", null, title));
    var c = counts(group);
    values.forEach(function (v) {
      if (!c[v]) { return; }
      var row = el("label", "vn-item");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = !state.off[group][v];
      cb.dataset.group = group;
      cb.dataset.value = v;
      cb.addEventListener("change", function () { setFilter(group, v, cb.checked); });
      add(row, cb, icon(v), el("span", "vn-item-label", label(v)), el("span", "vn-count", c[v]));
      box.appendChild(row);
    });
    return box;
  }
  function buildLegend() {
    var legend = document.getElementById("vn-legend");
    clear(legend);
    add(legend, legendSection("kind", "Actors", meta.kinds, function (k) {
      return shapeIcon(pal.kinds[k].shape, pal.kinds[k].colour);
    }, function (k) { return k === "focal_firm" ? "focal firm (thick outline)" : human(k); }));
    var by = state.colourBy;
    add(legend, legendSection("dimension", "Flows by dimension", meta.dimensions, function (d) {
      return lineIcon(by === "dimension" ? pal.dimension[d] : "#9aa3ad");
    }, human));
    add(legend, legendSection("impact", "For the customer", ["adds", "destroys", "neutral"], function (v) {
      return lineIcon(by === "impact" ? pal.impact[v] : "#9aa3ad");
    }, function (v) { return pal.labels[v]; }));
    if (meta.compare) {
      add(legend, legendSection("change", "Change " + meta.scenario + " → " + meta.compare,
        ["added", "removed", "up", "down", "same"], function (v) {
          return lineIcon(by === "change" ? pal.change[v] : "#9aa3ad", v === "removed");
        }, function (v) { return pal.labels[v]; }));
    }
    add(legend, el("p", "vn-note", "Line width: perceived magnitude on the " + num(meta.scale_max) +
      "-point scale" + (meta.kind === "respondent" ? "." : " (mean per respondent).") +
      " Dashed: money only, zero, or gone. Arrows point from the giver to the receiver of value" +
      (meta.detail_scale ? "; zoom in to see them and the names." : ".")));
  }
  function setFilter(group, value, on) {
    if (on) { delete state.off[group][value]; } else { state.off[group][value] = true; }
    var cb = document.querySelector('input[data-group="' + group + '"][data-value="' + cssEscape(value) + '"]');
    if (cb) { cb.checked = on; }
    nodeView.refresh();
    edgeView.refresh();
    writeHash();
  }
  function cssEscape(v) { return window.CSS && CSS.escape ? CSS.escape(v) : String(v).replace(/["\\]/g, "\\$&"); }

  // ---- side panel ----------------------------------------------------------------------------
  var panel = document.getElementById("vn-panel");
  function swatch(colour) { var s = el("span", "vn-swatch"); s.style.background = colour; return s; }
  function row(table, cells, cls) {
    var tr = add(el("tr", cls));
    cells.forEach(function (c, i) { tr.appendChild(el(i ? "td" : "th", null, c)); });
    table.appendChild(tr);
  }
  function quoteList(quotes, more) {
    var box = el("div", "vn-quotes");
    if (!quotes.length) { return null; }
    add(box, el("h3", null, "What respondents said"));
    quotes.forEach(function (q) {
      var b = el("blockquote", null, "“" + q.text + "”");
      var who = [q.respondent ? "respondent " + q.respondent : "", q.touchpoint ? "at " + q.touchpoint : ""];
      add(b, el("cite", null, who.filter(Boolean).join(", ")));
      box.appendChild(b);
    });
    if (more) { add(box, el("p", "vn-note", "… and " + more + " more.")); }
    return box;
  }
  function amount(d) {
    if (d.value !== null) { return num(d.value); }
    return d.money !== null ? (meta.currency ? meta.currency + " " : "") + num(d.money) + " per period" : "–";
  }
  function flowButton(id) {
    var d = details.edges[id];
    var b = el("button", "vn-flow");
    b.type = "button";
    add(b, swatch(edgeColour(id)), el("span", null, nameOf(d.from) + " → " + nameOf(d.to) + " · " +
      human(d.dimension) + " " + amount(d) + (d.n ? " (n=" + d.n + ")" : "")));
    b.addEventListener("click", function () { select("e:" + id, true); });
    return b;
  }
  function showNode(id) {
    var n = details.nodes[id];
    clear(panel);
    add(panel, el("p", "vn-kicker", human(n.kind) + (n.role === "focal" && n.kind !== "focal_firm" ? " · focal firm" : "") +
      (n.role === "customer" ? " · the customer" : "")), el("h2", null, n.name));
    if (n.change) { add(panel, el("p", "vn-badge vn-" + n.change, pal.labels[n.change] || n.change)); }
    if (n.description) { add(panel, el("p", null, n.description)); }
    if (n.n) { add(panel, el("p", "vn-note", n.n + " respondent" + (n.n === 1 ? "" : "s") + " reported flows here.")); }
    var dims = meta.dimensions.filter(function (d) { return d in n.gets || d in n.gives; });
    if (dims.length) {
      add(panel, el("h3", null, (n.role === "customer" ? "From the whole network" : "What the customer gets and gives up") +
        (meta.kind === "respondent" ? "" : ", mean respondent")));
      var t = el("table", "vn-table");
      row(t, ["Dimension", "Gets", "Gives up", "Net"], "vn-th");
      var g = 0, v = 0;
      dims.forEach(function (d) {
        var a = n.gets[d] || 0, b = n.gives[d] || 0; g += a; v += b;
        row(t, [human(d), num(a), num(b), signed(a - b)], a - b < 0 ? "vn-neg" : a - b > 0 ? "vn-pos" : "");
      });
      row(t, ["All", num(g), num(v), signed(g - v)], "vn-total");
      add(panel, t);
    }
    var mine = Object.keys(details.edges).filter(function (e) {
      return details.edges[e].from === id || details.edges[e].to === id;
    });
    if (mine.length) {
      add(panel, el("h3", null, "Flows (" + mine.length + ")"));
      var list = el("div", "vn-flows");
      mine.slice(0, 60).forEach(function (e) { list.appendChild(flowButton(e)); });
      add(panel, list);
      if (mine.length > 60) { add(panel, el("p", "vn-note", "… and " + (mine.length - 60) + " more.")); }
    }
    var quotes = [];
    mine.forEach(function (e) { quotes = quotes.concat(details.edges[e].quotes); });
    var seen = {};
    quotes = quotes.filter(function (q) { var k = q.text + "\u0000" + q.respondent; if (seen[k]) { return false; } seen[k] = 1; return true; });
    add(panel, quoteList(quotes.slice(0, 12), Math.max(0, quotes.length - 12)));
  }
  function showEdge(id) {
    var d = details.edges[id];
    clear(panel);
    add(panel, el("p", "vn-kicker", human(d.dimension) + " value"), el("h2", null, nameOf(d.from) + " → " + nameOf(d.to)));
    var t = el("table", "vn-table");
    if (d.value !== null) {
      row(t, [meta.kind === "respondent" || d.structural ? "Perceived value" : "Mean perceived value",
              num(d.value) + " of " + num(meta.scale_max)]);
    }
    if (d.change) {
      row(t, ["Change", pal.labels[d.change] || d.change]);
      row(t, [meta.scenario, num(d.before)]);
      row(t, [meta.compare, d.change === "removed" ? "–" : num(d.value)]);
    }
    row(t, ["Respondents (n)", d.structural ? "structural flow" : String(d.n)]);
    if (d.money !== null) { row(t, ["Money per period", (meta.currency ? meta.currency + " " : "") + num(d.money)]); }
    row(t, ["For the customer", pal.labels[d.impact]]);
    if (d.touchpoints.length) { row(t, ["Touchpoints", d.touchpoints.join(", ")]); }
    if (d.stages.length) { row(t, ["Journey stages", d.stages.join(", ")]); }
    if (d.responsible.length) { row(t, ["Caused by", d.responsible.map(nameOf).join(", ")]); }
    row(t, ["Flows recorded", String(d.flows)]);
    add(panel, t);
    add(panel, quoteList(d.quotes, d.more_quotes));
  }
  function showNothing() {
    clear(panel);
    add(panel, el("p", "vn-hint", "Click an actor or a flow to see its numbers and what respondents said."));
  }

  // ---- selection, search, tooltips -----------------------------------------------------------
  function select(ref, focus) {
    state.selected = null;
    if (ref && ref.indexOf("n:") === 0 && details.nodes[ref.slice(2)]) {
      var nid = ref.slice(2);
      state.selected = ref;
      network.selectNodes(nodeView.get(nid) ? [nid] : [], false);
      showNode(nid);
      if (focus && nodeView.get(nid)) { network.focus(nid, { scale: Math.max(network.getScale(), 1.0), animation: false }); }
    } else if (ref && ref.indexOf("e:") === 0 && details.edges[ref.slice(2)]) {
      var eid = ref.slice(2);
      state.selected = ref;
      network.setSelection({ nodes: [], edges: edgeView.get(eid) ? [eid] : [] });
      showEdge(eid);
    } else {
      network.unselectAll();
      showNothing();
    }
    writeHash();
  }
  network.on("click", function (p) {
    if (p.nodes.length) { select("n:" + p.nodes[0]); }
    else if (p.edges.length) { select("e:" + p.edges[0]); }
    else { select(null); }
  });

  var status = document.getElementById("vn-status");
  var search = document.getElementById("vn-search");
  var names = document.getElementById("vn-names");
  var ids = Object.keys(details.nodes).sort(function (a, b) { return nameOf(a).localeCompare(nameOf(b)); });
  ids.slice(0, 5000).forEach(function (id) { var o = el("option"); o.value = nameOf(id); names.appendChild(o); });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return null; }
    var exact = ids.filter(function (id) { return nameOf(id).toLowerCase() === q; });
    if (exact.length) { return exact[0]; }
    var part = ids.filter(function (id) { return nameOf(id).toLowerCase().indexOf(q) >= 0; });
    return part.length ? part[0] : null;
  }
  function runSearch() {
    var id = find(search.value);
    if (id === null) { status.textContent = "No actor matches “" + search.value + "”."; return; }
    if (!nodeView.get(id)) { setFilter("kind", kindOf(id), true); }
    status.textContent = "";
    select("n:" + id, true);
  }
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  search.addEventListener("change", runSearch);

  var tip = document.getElementById("vn-tip");
  function showTip(p, text) { tip.textContent = text; tip.style.left = (p.pointer.DOM.x + 14) + "px"; tip.style.top = (p.pointer.DOM.y + 10) + "px"; tip.hidden = false; }
  network.on("hoverNode", function (p) { var n = details.nodes[p.node]; showTip(p, n.name + " · " + human(n.kind)); });
  network.on("hoverEdge", function (p) {
    var d = details.edges[p.edge];
    showTip(p, nameOf(d.from) + " → " + nameOf(d.to) + " · " + human(d.dimension) + " " + amount(d) + (d.n ? " (n=" + d.n + ")" : ""));
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("blurEdge", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });

  // ---- colour mode, fit, PNG, permalink ------------------------------------------------------
  var colourBy = document.getElementById("vn-colour-by");
  var modes = { dimension: "dimension", impact: "adds / destroys value" };
  if (meta.compare) { modes.change = "change between scenarios"; }
  Object.keys(modes).forEach(function (m) { var o = el("option", null, modes[m]); o.value = m; colourBy.appendChild(o); });
  function setColourBy(mode) {
    if (!modes[mode]) { return; }
    state.colourBy = mode;
    colourBy.value = mode;
    recolour();
    buildLegend();
    writeHash();
  }
  colourBy.addEventListener("change", function () { setColourBy(colourBy.value); });
  document.getElementById("vn-fit").addEventListener("click", fitAll);
  document.getElementById("vn-png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    canvas.toBlob(function (blob) {
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = (meta.goal + "-" + meta.kind).replace(/[^A-Za-z0-9_.-]+/g, "_") + ".png";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, "image/png");
  });
  document.getElementById("vn-link").addEventListener("click", function () {
    writeHash();
    status.textContent = "The address bar now links to this selection and these filters.";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(location.href).then(function () { status.textContent = "Link copied."; }, function () {});
    }
  });

  function hashOf() {
    var parts = [];
    if (state.selected) { parts.push("sel=" + encodeURIComponent(state.selected)); }
    if (state.colourBy !== meta.color_by) { parts.push("colour=" + encodeURIComponent(state.colourBy)); }
    GROUPS.forEach(function (g) {
      var off = Object.keys(state.off[g]);
      if (off.length) { parts.push("hide-" + g + "=" + off.map(encodeURIComponent).join(",")); }
    });
    return parts.join("&");
  }
  var writing = false;
  function writeHash() {
    if (!api.ready) { return; }
    var h = hashOf();
    if (location.hash.replace(/^#/, "") === h) { return; }
    writing = true;
    try { history.replaceState(null, "", h ? "#" + h : location.pathname + location.search); }
    catch (err) { location.replace("#" + h); }
    writing = false;
  }
  var filtered = false;
  function readHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { params[kv.slice(0, i)] = kv.slice(i + 1); }
    });
    GROUPS.forEach(function (g) {
      state.off[g] = {};
      (params["hide-" + g] || "").split(",").filter(Boolean).forEach(function (v) {
        state.off[g][decodeURIComponent(v)] = true;
      });
    });
    state.colourBy = modes[decodeURIComponent(params.colour || "")] ? decodeURIComponent(params.colour) : meta.color_by;
    colourBy.value = state.colourBy;
    recolour();
    buildLegend();
    if (filtered || GROUPS.some(function (g) { return Object.keys(state.off[g]).length; })) {
      nodeView.refresh();
      edgeView.refresh();
    }
    filtered = GROUPS.some(function (g) { return Object.keys(state.off[g]).length; });
    if (params.sel || state.selected) { select(params.sel ? decodeURIComponent(params.sel) : null, true); }
  }
  window.addEventListener("hashchange", function () { if (!writing) { readHash(); } });

  // ---- test and scripting hooks --------------------------------------------------------------
  api.select = function (id) { select(details.nodes[id] ? "n:" + id : "e:" + id, true); };
  api.setFilter = setFilter;
  api.setColourBy = setColourBy;
  api.visibleNodeIds = function () { return nodeView.getIds(); };
  api.visibleEdgeIds = function () { return edgeView.getIds(); };
  api.canvasPosition = function (id) { return network.canvasToDOM(network.getPosition(id)); };
  api.state = state;

  readHash();
  api.timings.ready = performance.now();
  api.ready = true;
}());
