/* valuenet network view: legend, filters, search, side panel, PNG export and permalinks, and the map
 * controls (focus on a neighbourhood, size by a metric, group by kind or community, labels that fit).
 * Two renderers share every control: vis-network for small views, sigma (WebGL) for large ones
 * (data.meta.renderer), with vis-network as the fallback when the browser has no WebGL.
 * User text (names, quotes, ids) reaches the page only through textContent, DOM properties and the
 * renderers' canvas text, never as HTML. The data comes from a JSON block in the page. */
(function () {
  "use strict";

  var started = performance.now();
  var data = JSON.parse(document.getElementById("valuenet-data").textContent);
  var parsed = performance.now();
  var meta = data.meta, pal = data.palette, map = data.map;
  var IMPACTS = ["adds", "destroys", "neutral"];
  // Large views carry the panel's numbers as columns (render.compact_details): the actors are read at
  // once, the flows only after the first frame (completeEdges), since the WebGL drawing needs neither.
  var details = data.details || { nodes: expandNodes(data.columns.nodes), edges: null };
  var expanded = performance.now();
  function expandNodes(cn) {  // before the rest of the columns has arrived: names and kinds only
    var out = {}, ids = map.ids, dims = meta.dimensions, role = cn.role || {}, change = cn.change || {};
    var about = cn.description || {}, presence = cn.presence || {};
    for (var i = 0; i < ids.length; i++) {
      var gets = {}, gives = {}, k;
      for (k = 0; cn.gets && k < cn.gets[i].length; k += 2) { gets[dims[cn.gets[i][k]]] = cn.gets[i][k + 1]; }
      for (k = 0; cn.gives && k < cn.gives[i].length; k += 2) { gives[dims[cn.gives[i][k]]] = cn.gives[i][k + 1]; }
      out[ids[i]] = { name: cn.name[i], kind: meta.kinds[cn.kind[i]], role: role[i] || "", n: cn.n ? cn.n[i] : 0,
                      gets: gets, gives: gives, change: change[i] || "", description: about[i] || "",
                      presence: presence[i] || "", before: cn.before ? cn.before[i] : null };
    }
    return out;
  }
  function restOfColumns() {
    // The columns the first frame does not need travel in a second block ("valuenet-more"), which a
    // view page puts after its scripts so the map is drawn before the browser has even read them.
    var block = document.getElementById("valuenet-more");
    if (!block) { return; }
    var more = JSON.parse(block.textContent);
    ["nodes", "edges"].forEach(function (k) {
      Object.keys(more[k]).forEach(function (f) { data.columns[k][f] = more[k][f]; });
    });
    details.nodes = expandNodes(data.columns.nodes);
  }
  function edgeKey(ce, j) { return ce.id ? ce.id[j] : "e" + j; }
  function expandEdges(ce) {
    var out = {}, ids = map.ids, dims = meta.dimensions, structural = {}, presence = ce.presence || {};
    ce.structural.forEach(function (i) { structural[i] = true; });
    for (var j = 0; j < ce.from.length; j++) {
      var x = ce.extra[j] || {}, was = ce.compared ? ce.compared[j] : [null, null, 0, null];
      out[edgeKey(ce, j)] = {
        from: ids[ce.from[j]], to: ids[ce.to[j]], dimension: dims[ce.dimension[j]], value: ce.value[j], n: ce.n[j],
        impact: IMPACTS[ce.impact[j]], flows: ce.flows[j], width: ce.width[j], change: ce.change[j] || "",
        before: j in ce.before ? ce.before[j] : null, money: j in ce.money ? ce.money[j] : null,
        structural: !!structural[j], touchpoints: x.touchpoints || [], stages: x.stages || [],
        responsible: x.responsible || [], quotes: x.quotes || [], more_quotes: x.more_quotes || 0,
        presence: presence[j] || "", before_per_respondent: was[0], per_respondent: was[1], before_n: was[2],
        before_money: was[3]
      };
    }
    return out;
  }
  var LISTS = ["touchpoints", "stages", "responsible", "quotes"];
  var edgeIds = null;
  function completeEdges() {  // every flow's details, as the side panel and the filters read them
    if (edgeIds) { return; }
    if (details.edges) {
      Object.keys(details.edges).forEach(function (id) {  // empty fields are left out of the page's data
        var d = details.edges[id];
        LISTS.forEach(function (k) { if (!d[k]) { d[k] = []; } });
        d.n = d.n || 0; d.flows = d.flows || 0;
        if (d.money === undefined) { d.money = null; }
        ["before", "before_money", "per_respondent", "before_per_respondent"].forEach(function (k) {
          if (d[k] === undefined) { d[k] = null; }
        });
        d.before_n = d.before_n || 0; d.presence = d.presence || "";
      });
    } else {
      restOfColumns();
      details.edges = expandEdges(data.columns.edges);
    }
    edgeIds = Object.keys(details.edges);
  }
  var GROUPS = ["kind", "dimension", "impact", "change"];
  var state = { colourBy: meta.color_by, off: { kind: {}, dimension: {}, impact: {}, change: {} }, selected: null,
                focus: 0, sizeBy: "none", clusterBy: "none" };
  var api = { firstDraw: null, ready: false, timings: { start: started, parsed: parsed, expanded: expanded } };
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
  var NEW_BORDER = "#0f766e";  // as render.NEW_BORDER
  function sideNames() {  // the two sides of a comparison in words (scenario or segment names)
    return [meta.scenario_name || meta.scenario, meta.compare_name || meta.compare];
  }
  function money(v) {
    if (v === null || v === undefined) { return "–"; }
    return (meta.currency ? meta.currency + " " : "") + Number(v).toLocaleString("en-GB", { maximumFractionDigits: 2 });
  }
  var SHORT = { better: "better", worse: "worse", same: "unchanged", other: "between others" };
  function nameOf(id) { var n = details.nodes[id]; return n ? n.name : String(id); }
  function kindOf(id) { var n = details.nodes[id]; return n ? n.kind : ""; }

  // ---- the map: what both renderers show -----------------------------------------------------
  var index = {};
  map.ids.forEach(function (id, i) { index[id] = i; });
  var FADED = "#e6e9ee", FADED_EDGE = "#eef0f3", FADED_TEXT = "#b9c0c9";
  var COMMUNITY = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                   "#9c755f", "#86bcb6", "#d37295", "#8cd17d"];
  function nodeVisible(id) { return !state.off.kind[kindOf(id)]; }
  function edgeVisible(id) {
    var d = details.edges[id];
    return !(state.off.dimension[d.dimension] || state.off.impact[d.impact] ||
             (d.change && state.off.change[d.change]) || state.off.kind[kindOf(d.from)] ||
             state.off.kind[kindOf(d.to)]);
  }
  var incident = null;
  function neighbourhood(id, steps) {  // actors within `steps` shown flows of `id`, either direction
    if (!incident) {
      incident = {};
      edgeIds.forEach(function (e) {
        var d = details.edges[e];
        (incident[d.from] = incident[d.from] || []).push(e);
        (incident[d.to] = incident[d.to] || []).push(e);
      });
    }
    var seen = {}, ring = [id];
    seen[id] = true;
    for (var s = 0; s < steps && ring.length; s++) {
      var next = [];
      ring.forEach(function (n) {
        (incident[n] || []).forEach(function (e) {
          if (!edgeVisible(e)) { return; }
          var d = details.edges[e], m = d.from === n ? d.to : d.from;
          if (!seen[m]) { seen[m] = true; next.push(m); }
        });
      });
      ring = next;
    }
    return seen;
  }
  var focusSet = null;
  function selectedNode() { return state.selected && state.selected.indexOf("n:") === 0 ? state.selected.slice(2) : null; }
  function updateFocus() {
    var id = selectedNode();
    focusSet = state.focus > 0 && id && nodeVisible(id) ? neighbourhood(id, state.focus) : null;
  }
  function faded(id) { return focusSet !== null && !focusSet[id]; }
  function edgeFaded(e) { var d = details.edges[e]; return focusSet !== null && !(focusSet[d.from] && focusSet[d.to]); }
  var metricMax = {};
  function metric(i, by) { var v = map[by][i]; return by === "net" ? Math.abs(v) : v; }
  function sizeShare(id) {  // 0..1 for the size metric (square root, so area grows with the value); null: none
    var by = state.sizeBy;
    if (by === "none") { return null; }
    if (!(by in metricMax)) {
      var top = 0;
      for (var i = 0; i < map.ids.length; i++) { top = Math.max(top, metric(i, by)); }
      metricMax[by] = top || 1;
    }
    return Math.sqrt(metric(index[id], by) / metricMax[by]);
  }
  var ranked = {};
  function byImportance() {  // ids, most important first: the size metric, else the number of partners
    var by = state.sizeBy === "none" ? "degree" : state.sizeBy;
    if (!ranked[by]) {
      ranked[by] = map.ids.slice().sort(function (a, b) { return metric(index[b], by) - metric(index[a], by); });
    }
    return ranked[by];
  }
  function nodeFill(id) {
    if (faded(id)) { return FADED; }
    if (state.clusterBy === "community") { return COMMUNITY[map.community[index[id]] % COMMUNITY.length]; }
    var k = pal.kinds[kindOf(id)];
    return k ? k.colour : "#b8b8b8";
  }
  var layouts = { none: [map.x, map.y] };
  function layout() {  // [xs, ys] of every actor (map.ids order) as the map is grouped now
    var by = state.clusterBy;
    if (!layouts[by]) {
      layouts[by] = clusterLayout(map.ids.map(function (id, i) {
        return by === "kind" ? meta.kinds.indexOf(kindOf(id)) : map.community[i];
      }));
    }
    return layouts[by];
  }
  function clusterLayout(groups) {
    // Each group's actors together: one disc per group, discs in rows, the largest first; inside a
    // disc actors sit on a sunflower spiral (even spacing, no rings to line up), in map order.
    var SPACING = 46, members = {}, order, xs = [], ys = [];
    groups.forEach(function (g, i) { (members[g] = members[g] || []).push(i); });
    order = Object.keys(members).sort(function (a, b) { return members[b].length - members[a].length || a - b; });
    var radius = {}, area = 0, widest = 0;
    order.forEach(function (g) {
      radius[g] = SPACING * (Math.sqrt(members[g].length) * 0.55 + 1);
      area += 4 * radius[g] * radius[g];
      widest = Math.max(widest, 2 * radius[g]);
    });
    var width = Math.max(Math.sqrt(area) * 1.3, widest), x = 0, y = 0, rowHeight = 0;
    var golden = Math.PI * (3 - Math.sqrt(5));
    order.forEach(function (g) {
      var r = radius[g];
      if (x && x + 2 * r > width) { x = 0; y += rowHeight + SPACING; rowHeight = 0; }
      members[g].forEach(function (i, j) {
        var d = SPACING * 0.55 * Math.sqrt(j + 0.5);
        xs[i] = x + r + d * Math.cos(j * golden);
        ys[i] = y + r + d * Math.sin(j * golden);
      });
      x += 2 * r + SPACING;
      rowHeight = Math.max(rowHeight, 2 * r);
    });
    return [xs, ys];
  }
  var GONE_OPACITY = 0.4;  // as render.GONE_OPACITY: what only the first side of a comparison has is faded
  function gone(id) { var d = details.edges[id]; return !!d && d.presence === "gone"; }
  function paler(hex) {  // a colour faded towards white, for WebGL lines and dots (no opacity of their own)
    var v = parseInt(String(hex).slice(1), 16), out = "#";
    if (String(hex).length !== 7 || isNaN(v)) { return hex; }
    [16, 8, 0].forEach(function (sh) {
      var c = Math.round(((v >> sh) & 255) * GONE_OPACITY + 255 * (1 - GONE_OPACITY));
      out += (c < 16 ? "0" : "") + c.toString(16);
    });
    return out;
  }
  function edgeColour(id) {
    var d = details.edges[id];
    if (state.colourBy === "impact") { return pal.impact[d.impact]; }
    if (state.colourBy === "change" && d.change) { return pal.change[d.change]; }
    return pal.dimension[d.dimension];
  }
  var LABEL_CAP = 400;
  function fitLabels(box, width, height) {
    // The names to draw: the selection, then the focused neighbourhood, then the rest by importance,
    // each only where its box (from `box(id)`, in page pixels) overlaps no name already placed.
    var CELL = 12, taken = {}, out = [], sel = selectedNode();
    function place(id) {
      if (!nodeVisible(id) || (faded(id) && id !== sel)) { return; }
      var b = box(id);
      if (!b || b.x + b.w < 0 || b.y + b.h < 0 || b.x > width || b.y > height) { return; }
      var x0 = Math.floor(b.x / CELL), x1 = Math.floor((b.x + b.w) / CELL);
      var y0 = Math.floor(b.y / CELL), y1 = Math.floor((b.y + b.h) / CELL), x, y;
      if (id !== sel) {
        for (x = x0; x <= x1; x++) { for (y = y0; y <= y1; y++) { if (taken[x + ":" + y]) { return; } } }
      }
      for (x = x0; x <= x1; x++) { for (y = y0; y <= y1; y++) { taken[x + ":" + y] = true; } }
      out.push(id);
    }
    if (sel) { place(sel); }
    var order = byImportance();
    if (focusSet) { order.forEach(function (id) { if (focusSet[id] && id !== sel && out.length < LABEL_CAP) { place(id); } }); }
    for (var i = 0; i < order.length && out.length < LABEL_CAP; i++) {
      if (order[i] !== sel && !(focusSet && focusSet[order[i]])) { place(order[i]); }
    }
    return out;
  }
  function labelWidth(id) { return 7.2 * nameOf(id).length + 8; }

  // ---- renderer: vis-network (small views, and large ones without WebGL) -----------------------
  var container = document.getElementById("vn-network");
  function visRenderer() {
    var nodes, edges, options;
    if (data.nodes) {
      nodes = new vis.DataSet(data.nodes);
      edges = new vis.DataSet(data.edges);
      options = data.options;
    } else {  // a large view drawn without WebGL: plain dots and straight lines from the columns
      var lay = layout();
      nodes = new vis.DataSet(map.ids.map(function (id, i) {
        return { id: id, x: lay[0][i], y: lay[1][i], group: kindOf(id) };
      }));
      edges = new vis.DataSet(edgeIds.map(function (e) {
        var d = details.edges[e];
        var c = edgeColour(e);
        return { id: e, from: d.from, to: d.to, width: d.width, color: gone(e) ? { color: c, opacity: GONE_OPACITY } : c,
                 dashes: d.value === null || !d.value };
      }));
      var groups = {};
      meta.kinds.forEach(function (k) { groups[k] = { shape: pal.kinds[k].shape, color: { background: pal.kinds[k].colour, border: "#3d4450" } }; });
      options = { autoResize: true, physics: { enabled: false }, layout: { improvedLayout: false }, groups: groups,
                  interaction: { hover: true, hideEdgesOnDrag: true, hideEdgesOnZoom: true },
                  nodes: { size: 10, borderWidth: 1, font: { size: 14, color: "#111827", strokeWidth: 4, strokeColor: "#ffffff" } },
                  edges: { smooth: false, color: { opacity: 0.9 }, arrows: { to: { enabled: false } } } };
    }
    var base = {};
    nodes.forEach(function (n) { base[n.id] = { size: n.size, font: n.font, border: n.color && n.color.border }; });
    var nodeView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
    var edgeView = new vis.DataView(edges, { filter: function (e) { return edgeVisible(e.id); } });
    var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
    api.network = network;
    network.on("beforeDrawing", function (ctx) {  // a white ground, so PNG exports are not transparent
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
    });
    var R = { kind: "vis", network: network };
    var gridLabels = !!meta.detail_scale || !data.nodes;  // large views place names where they fit
    var shown = {}, shownLabels = [];
    var defaultSize = (options.nodes && options.nodes.size) || 12;
    var fontSize = (options.nodes && options.nodes.font && options.nodes.font.size) || 14;
    function nodeLook(id) {
      var b = base[id], share = sizeShare(id), fill = nodeFill(id), fade = faded(id);
      var border = fade ? "#d3d8de" : (b.border && state.clusterBy !== "community" ? b.border : "#3d4450");
      return {
        id: id,
        size: share === null ? (b.size || defaultSize) : 5 + 35 * share,
        color: { background: fill, border: border, highlight: { background: fill, border: "#000000" },
                 hover: { background: fill, border: "#000000" } },
        font: { color: fade ? FADED_TEXT : "#111827", size: b.font && b.font.size ? b.font.size : fontSize },
        x: layout()[0][index[id]], y: layout()[1][index[id]]
      };
    }
    function same(a, b) { return a && JSON.stringify(a) === JSON.stringify(b); }
    R.apply = function () {
      nodeView.refresh();
      edgeView.refresh();
      var nu = [], eu = [];
      map.ids.forEach(function (id) {
        var look = nodeLook(id);
        if (!same(shown["n" + id], look)) { shown["n" + id] = look; nu.push(look); }
      });
      edgeIds.forEach(function (e) {
        var c = edgeFaded(e) ? FADED_EDGE : edgeColour(e);
        if (shown["e" + e] !== c) { shown["e" + e] = c; eu.push({ id: e, color: gone(e) ? { color: c, opacity: GONE_OPACITY } : c }); }
      });
      if (nu.length) { nodes.update(nu); }
      if (eu.length) { edges.update(eu); }
      R.relabel();
    };
    function labelBox(id) {  // vis-network writes a name centred under its shape
      var p = network.canvasToDOM(network.getPosition(id)), r = (network.body.nodes[id].options.size || defaultSize) * network.getScale();
      var w = labelWidth(id);
      return { id: id, x: p.x - w / 2, y: p.y + r, w: w, h: 18 };
    }
    R.relabel = function () {
      if (!gridLabels) { shownLabels = map.ids.filter(nodeVisible); return; }
      var want = {}, changes = [];
      var bounds = container.getBoundingClientRect();
      var ids = network.getScale() < 0.15 ? [] : fitLabels(labelBox, bounds.width, bounds.height);
      ids.forEach(function (id) { want[id] = true; });
      map.ids.forEach(function (id) {
        var label = want[id] ? nameOf(id) : "";
        if ((nodes.get(id).label || "") !== label) { changes.push({ id: id, label: label }); }
      });
      shownLabels = ids;
      if (changes.length) { nodes.update(changes); }
    };
    var relabelling = false;
    function relabelSoon() {
      if (!gridLabels || relabelling) { return; }
      relabelling = true;
      setTimeout(function () { relabelling = false; R.relabel(); }, 60);
    }
    var seen = null;
    network.on("afterDrawing", function () {  // zoom, pan, fit or focus: place the names again
      var at = network.getViewPosition(), key = network.getScale() + ":" + at.x + ":" + at.y;
      if (key !== seen) { seen = key; relabelSoon(); }
    });
    R.labels = function () { return shownLabels.slice(); };
    R.labelBoxes = function () { return shownLabels.map(labelBox); };
    R.drawnSize = function (id) { return network.body.nodes[id].options.size; };
    R.select = function (ref) {
      if (ref && ref.indexOf("n:") === 0) { network.selectNodes(nodeView.get(ref.slice(2)) ? [ref.slice(2)] : [], false); }
      else if (ref) { network.setSelection({ nodes: [], edges: edgeView.get(ref.slice(2)) ? [ref.slice(2)] : [] }); }
      else { network.unselectAll(); }
    };
    R.centre = function (id) {
      if (nodeView.get(id)) { network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false }); relabelSoon(); }
    };
    R.fit = function () {  // vis-network fits the shapes; leave room for the names around them
      network.fit({ animation: false });
      network.moveTo({ scale: network.getScale() * 0.88 });
      relabelSoon();
    };
    R.position = function (id) { return network.canvasToDOM(network.getPosition(id)); };
    R.fitTo = function (ids) { network.fit({ nodes: ids, animation: false }); relabelSoon(); };
    R.visibleNodeIds = function () { return nodeView.getIds(); };
    R.visibleEdgeIds = function () { return edgeView.getIds(); };
    R.selectedNodes = function () { return network.getSelectedNodes(); };
    R.image = function (scale) {
      var src = container.querySelector("canvas"), out = document.createElement("canvas");
      out.width = Math.round(src.width * scale); out.height = Math.round(src.height * scale);
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(src, 0, 0, out.width, out.height);
      return out;
    };
    network.on("click", function (p) {
      R.onClick(p.nodes.length ? "n:" + p.nodes[0] : p.edges.length ? "e:" + p.edges[0] : null);
    });
    network.on("hoverNode", function (p) { R.onHover("n:" + p.node, p.pointer.DOM); });
    network.on("hoverEdge", function (p) { R.onHover("e:" + p.edge, p.pointer.DOM); });
    network.on("blurNode", function () { R.onBlur(); });
    network.on("blurEdge", function () { R.onBlur(); });
    network.on("dragStart", function () { R.onBlur(); });
    network.once("afterDrawing", function () {
      api.firstDraw = performance.now();
      if (!state.selected && !meta.detail_scale) { setTimeout(R.fit, 0); }
      relabelSoon();
    });
    var detailed = false;
    api.detailed = function () { return detailed; };
    if (meta.detail_scale && data.nodes) {  // large views: arrowheads once zoomed in far enough to see them
      var pending = false;
      network.on("afterDrawing", function () {
        if (pending || (network.getScale() >= meta.detail_scale) === detailed) { return; }
        pending = true;
        setTimeout(function () {  // after this frame, at whatever zoom the user has reached by then
          pending = false;
          var on = network.getScale() >= meta.detail_scale;
          if (on === detailed) { return; }
          network.setOptions({ edges: { arrows: { to: { enabled: on } } } });
          detailed = on;
        }, 0);
      });
    }
    return R;
  }

  // ---- renderer: sigma on WebGL (large views) --------------------------------------------------
  function sigmaRenderer() {
    var S = window.vnSigma;
    var graph = new S.Graph({ type: "undirected", allowSelfLoops: true });
    var lay = layout(), centre = {};
    centre[meta.customer] = true; centre[meta.focal] = true; centre[meta.centre] = true;
    map.ids.forEach(function (id, i) {
      graph.addNode(id, { x: lay[0][i], y: -lay[1][i], size: centre[id] ? 9 : 3.5, label: nameOf(id), color: nodeFill(id) });
    });
    // One straight line per pair of actors: the flows between two actors (both directions, every
    // dimension) would be drawn on top of one another, so the line shows the widest flow still shown.
    var ce = data.columns.edges, ids = map.ids, pairOf = new Map(), pairs = [], n = ids.length;
    for (var j = 0; j < ce.from.length; j++) {
      var a = ce.from[j], b = ce.to[j], key = a < b ? a * n + b : b * n + a, k = pairOf.get(key);
      if (k === undefined) { k = pairs.length; pairOf.set(key, k); pairs.push([j]); }
      else if (ce.width[j] > ce.width[pairs[k][0]]) { pairs[k].unshift(j); }
      else { pairs[k].push(j); }
    }
    function lineWidth(j) { return Math.max(0.4, ce.width[j] * 0.18); }
    pairs.forEach(function (flows, k) {  // the first frame's colours straight from the columns (as edgeColour)
      var j = flows[0], dim = pal.dimension[meta.dimensions[ce.dimension[j]]];
      var colour = meta.color_by === "impact" ? pal.impact[IMPACTS[ce.impact[j]]] :
        meta.color_by === "change" && ce.change[j] ? pal.change[ce.change[j]] : dim;
      if (ce.presence && ce.presence[j] === "gone") { colour = paler(colour); }
      graph.addEdgeWithKey("p" + k, ids[ce.from[j]], ids[ce.to[j]], { size: lineWidth(j), color: colour });
    });
    var sel = null, shownLabels = [];
    api.timings.graph = performance.now();
    var sigma = new S.Sigma(graph, container, {
      renderLabels: true,
      labelRenderedSizeThreshold: 0,
      labelGridCellSize: 140,
      labelDensity: 0.6,
      labelFont: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
      labelSize: 13,
      zIndex: false,
      hideEdgesOnMove: true,
      enableEdgeEvents: false,
      defaultEdgeType: "line",
      edgeProgramClasses: { line: S.EdgeLineProgram }
    });
    var reducers = {
      nodeReducer: function (id, a) {  // what each actor looks like now: a new object, sigma keeps it
        var share = sizeShare(id), fade = faded(id);
        var fill = details.nodes[id].presence === "gone" ? paler(nodeFill(id)) : nodeFill(id);
        return { x: a.x, y: a.y, size: share === null ? a.size : 2 + 18 * share, color: fill,
                 label: labelled[id] ? a.label : null, forceLabel: !!labelled[id], highlighted: id === sel,
                 hidden: !nodeVisible(id) };
      },
      edgeReducer: function (line) {
        var flows = pairs[line.slice(1)], shown = null;
        for (var i = 0; i < flows.length; i++) {
          var e = edgeKey(ce, flows[i]);
          if (state.selected === "e:" + e) { return { size: lineWidth(flows[i]) + 2, color: edgeColour(e), zIndex: 1 }; }
          if (shown === null && edgeVisible(e)) { shown = i; }
        }
        if (shown === null) { return { hidden: true, size: 0 }; }
        var f = edgeKey(ce, flows[shown]);
        return { size: lineWidth(flows[shown]), color: edgeFaded(f) ? FADED_EDGE : gone(f) ? paler(edgeColour(f)) : edgeColour(f) };
      }
    };
    api.sigma = sigma;
    api.firstDraw = performance.now();  // the constructor has rendered the first frame (sigma's first afterRender)
    var labelled = {};
    function labelBox(id) {  // sigma writes a name to the right of its dot
      var d = sigma.getNodeDisplayData(id);
      if (!d) { return null; }
      var p = sigma.framedGraphToViewport(d), r = sigma.scaleSize(d.size);
      return { id: id, x: p.x + r + 3, y: p.y - 8, w: labelWidth(id), h: 16 };
    }
    function relabel() {  // names where they fit (fitLabels); only the actors whose name comes or goes are redrawn
      if (!reducing) { return; }
      var ids = fitLabels(labelBox, container.clientWidth, container.clientHeight), next = {}, changed = [];
      ids.forEach(function (id) { next[id] = true; if (!labelled[id]) { changed.push(id); } });
      Object.keys(labelled).forEach(function (id) { if (!next[id]) { changed.push(id); } });
      labelled = next;
      shownLabels = ids;
      if (changed.length) { sigma.refresh({ partialGraph: { nodes: changed }, skipIndexation: true }); }
    }
    var relabelling = false;
    sigma.getCamera().on("updated", function () {
      if (relabelling) { return; }
      relabelling = true;
      setTimeout(function () { relabelling = false; relabel(); }, 80);
    });
    sigma.on("afterRender", function () {
      if (reducing) { return; }
      shownLabels = [];  // until the page's own placement takes over: the names sigma's grid chose
      sigma.displayedNodeLabels.forEach(function (id) { shownLabels.push(id); });
    });
    var R = { kind: "webgl", sigma: sigma };
    var lastLayout = state.clusterBy;
    var reducing = false;
    R.apply = function () {  // the first change installs the reducers that restyle from the page's state
      if (!reducing) {
        reducing = true;
        sigma.setSetting("nodeReducer", reducers.nodeReducer);
        sigma.setSetting("edgeReducer", reducers.edgeReducer);
        sigma.setSetting("labelDensity", 0);  // from now on the page places every name (relabel)
      }
      if (lastLayout !== state.clusterBy) {
        lastLayout = state.clusterBy;
        var l = layout();
        graph.updateEachNodeAttributes(function (id, a) { a.x = l[0][index[id]]; a.y = -l[1][index[id]]; return a; });
      }
      sigma.refresh();
      relabel();
    };
    R.labels = function () { return shownLabels.slice(); };
    R.styled = function () { return reducing; };
    R.drawnSize = function (id) { return sigma.getNodeDisplayData(id).size; };
    R.labelBoxes = function () { return shownLabels.map(labelBox); };
    R.select = function (ref) {
      sel = ref && ref.indexOf("n:") === 0 ? ref.slice(2) : null;
    };
    R.centre = function (id) {
      var d = sigma.getNodeDisplayData(id);
      if (!d || d.hidden) { return; }
      var camera = sigma.getCamera();
      camera.setState({ x: d.x, y: d.y, ratio: Math.min(camera.getState().ratio, 0.25) });
    };
    R.fit = function () { sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }); };
    R.position = function (id) { return sigma.framedGraphToViewport(sigma.getNodeDisplayData(id)); };
    R.fitTo = function (ids) {  // the camera around these actors (framed coordinates run from 0 to 1)
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      ids.forEach(function (id) {
        var d = sigma.getNodeDisplayData(id);
        if (!d) { return; }
        x0 = Math.min(x0, d.x); x1 = Math.max(x1, d.x); y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y);
      });
      if (x0 > x1) { return; }
      var ratio = Math.min(1, Math.max(0.02, 1.25 * Math.max(x1 - x0, y1 - y0)));
      sigma.getCamera().setState({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: ratio });
    };
    R.visibleNodeIds = function () { return map.ids.filter(nodeVisible); };
    R.visibleEdgeIds = function () { return edgeIds.filter(function (e) { return edgeVisible(e) && nodeVisible(details.edges[e].from) && nodeVisible(details.edges[e].to); }); };
    R.selectedNodes = function () { return sel ? [sel] : []; };
    R.image = function (scale) {
      sigma.refresh();  // WebGL keeps no drawing buffer: draw now and copy in the same task
      var canvases = sigma.getCanvases(), first = canvases.edges || canvases.nodes;
      var out = document.createElement("canvas");
      out.width = Math.round(first.width * scale); out.height = Math.round(first.height * scale);
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
      ["edges", "nodes", "edgeLabels", "labels", "hovers", "hoverNodes"].forEach(function (k) {
        if (canvases[k]) { ctx.drawImage(canvases[k], 0, 0, out.width, out.height); }
      });
      return out;
    };
    function pointer(ev) { return { x: ev.event.x, y: ev.event.y }; }
    sigma.on("clickNode", function (ev) { R.onClick("n:" + ev.node); });
    sigma.on("clickStage", function () { R.onClick(null); });
    sigma.on("enterNode", function (ev) { R.onHover("n:" + ev.node, pointer(ev)); });
    sigma.on("leaveNode", function () { R.onBlur(); });
    api.detailed = function () { return true; };
    return R;
  }
  function webglWorks() {
    try {
      var c = document.createElement("canvas");
      return !!(window.WebGLRenderingContext && (c.getContext("webgl2") || c.getContext("webgl")));
    } catch (err) { return false; }
  }
  var notice = document.getElementById("vn-notice");
  function loadVis() {  // large views carry vis-network as inert text; run it only when it is needed
    if (window.vis) { return true; }
    var src = document.getElementById("vn-vis-network");
    if (!src) { return false; }
    var s = document.createElement("script");
    s.textContent = src.textContent;
    document.head.appendChild(s);
    return !!window.vis;
  }
  var R = null;
  if (meta.renderer === "webgl" && window.vnSigma && webglWorks()) {
    try { R = sigmaRenderer(); } catch (err) { R = null; notice.textContent = "WebGL failed (" + err.message + "): "; }
  }
  function withVis() {
    if (meta.renderer === "webgl") {
      notice.textContent = (notice.textContent || "This browser has no WebGL, ") +
        "so this large map is drawn with the slower 2-D renderer: it may take a few seconds to open and to move.";
      notice.hidden = false;
      loadVis();
      while (container.firstChild) { container.removeChild(container.firstChild); }
    }
    completeEdges();
    R = visRenderer();
  }
  function begin() {  // once the renderer has drawn
    api.renderer = R.kind;
    api.timings.network = performance.now();
    R.onClick = R.onHover = R.onBlur = function () {};
  }
  function whenParsed(fn) {  // after the whole page, including a trailing data block, has been read
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); }
    else { setTimeout(fn, 0); }
  }
  if (R) {  // WebGL: the first frame is on screen; wire the page once its last data block is read
    begin();
    whenParsed(wire);
  } else if (data.columns) {
    whenParsed(function () { withVis(); begin(); wire(); });
  } else {
    withVis();
    begin();
    wire();
  }

  function wire() {  // legend, filters, side panel, search and the controls
  completeEdges();

  // ---- legend and filters --------------------------------------------------------------------
  var SVGNS = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, colour, outline) {
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
    s.setAttribute("stroke", outline || "#3d4450");
    if (outline) { s.setAttribute("stroke-width", "3"); }
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
      var sides = sideNames();
      add(legend, legendSection("change", "Change " + sides[0] + " → " + sides[1],
        Object.keys(pal.change), function (v) {
          return lineIcon(by === "change" ? pal.change[v] : "#9aa3ad");
        }, function (v) { return pal.labels[v]; }));
      var only = el("div", "vn-group vn-presence");
      add(only, el("p", "vn-item", null), el("p", "vn-item", null));
      add(only.firstChild, lineIcon("#9aa3ad", true), el("span", "vn-item-label", "Dashed and faded: gone, only " + sides[0] + " has it"));
      add(only.lastChild, shapeIcon("dot", "#ffffff", NEW_BORDER), el("span", "vn-item-label", "Thick teal outline: a new actor, only " + sides[1] + " has it"));
      add(legend, only);
    }
    add(legend, el("p", "vn-note", "Line width: perceived magnitude on the " + num(meta.scale_max) +
      "-point scale" + (meta.kind === "respondent" ? "." : " (mean per respondent).") +
      " Dashed: money only, zero, or gone. Arrows point from the giver to the receiver of value" +
      (meta.renderer === "webgl" ? "; on this large map flows are plain lines and names appear where they fit." :
       meta.detail_scale ? "; zoom in to see them. Names appear where they fit." : ".")));
  }
  function setFilter(group, value, on) {
    if (on) { delete state.off[group][value]; } else { state.off[group][value] = true; }
    var cb = document.querySelector('input[data-group="' + group + '"][data-value="' + cssEscape(value) + '"]');
    if (cb) { cb.checked = on; }
    redraw();
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
      var who = [q.count > 1 ? "said by " + q.count + " respondents" : q.respondent ? "respondent " + q.respondent : "",
                 q.touchpoint ? "at " + q.touchpoint : ""];
      add(b, el("cite", null, who.filter(Boolean).join(", ")));
      box.appendChild(b);
    });
    if (more) { add(box, el("p", "vn-note", "… and " + more + " more.")); }
    return box;
  }
  function amount(d) {
    if (d.presence === "gone") {
      return "gone (was " + (d.before !== null ? num(d.before) : money(d.before_money)) + ")";
    }
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
    if (n.presence) { add(panel, el("p", "vn-badge vn-" + n.presence, pal.labels[n.presence])); }
    if (meta.compare) {
      var sides = sideNames(), after = 0;
      Object.keys(n.gets).forEach(function (d) { after += n.gets[d] || 0; });
      Object.keys(n.gives).forEach(function (d) { after -= n.gives[d] || 0; });
      var c = el("table", "vn-table vn-compare");
      row(c, ["", sides[0], sides[1]], "vn-th");
      row(c, [n.role === "customer" ? "Net from the whole network" : "Net for the customer",
              n.before === null ? "–" : signed(n.before), signed(after)], "vn-" + n.change);
      add(panel, el("h3", null, "Before and after, mean respondent"), c);
    }
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
    if (meta.compare) {
      add(panel, compareTable(d));
    } else {
      if (d.value !== null) {
        row(t, [meta.kind === "respondent" || d.structural ? "Perceived value" : "Mean perceived value",
                num(d.value) + " of " + num(meta.scale_max)]);
      }
      row(t, ["Respondents (n)", d.structural ? "structural flow" : String(d.n)]);
      if (d.money !== null) { row(t, ["Money per period", money(d.money)]); }
    }
    row(t, ["For the customer", pal.labels[d.impact]]);
    if (d.touchpoints.length) { row(t, ["Touchpoints", d.touchpoints.join(", ")]); }
    if (d.stages.length) { row(t, ["Journey stages", d.stages.join(", ")]); }
    if (d.responsible.length) { row(t, ["Caused by", d.responsible.map(nameOf).join(", ")]); }
    row(t, ["Flows recorded", String(d.flows)]);
    add(panel, t);
    add(panel, quoteList(d.quotes, d.more_quotes));
  }
  function compareTable(d) {
    // A flow on both sides: per respondent of each side (what better or worse is judged on), the mean
    // of those who have it with their n, and money; "–" where a side has none.
    var box = el("div", "vn-compare-box"), sides = sideNames();
    if (d.change) { add(box, el("p", "vn-badge vn-" + d.change, pal.labels[d.change] || d.change)); }
    if (d.presence) { add(box, el("p", "vn-badge vn-" + d.presence, pal.labels[d.presence])); }
    var c = el("table", "vn-table vn-compare");
    row(c, ["", sides[0], sides[1]], "vn-th");
    if (d.structural) {
      if (d.before !== null || d.value !== null) { row(c, ["Perceived value (structural flow)", num(d.before), num(d.value)]); }
    } else {
      if (d.before_per_respondent !== null || d.per_respondent !== null) {
        row(c, ["Per respondent, everyone (decides better or worse)", num(d.before_per_respondent), num(d.per_respondent)]);
      }
      if (d.before !== null || d.value !== null) {
        row(c, ["Mean of those with the flow", d.before === null ? "–" : num(d.before) + " (n=" + d.before_n + ")",
                d.value === null ? "–" : num(d.value) + " (n=" + d.n + ")"]);
      }
    }
    if (d.before_money !== null || d.money !== null) { row(c, ["Money per period", money(d.before_money), money(d.money)]); }
    add(box, c);
    return box;
  }
  function showNothing() {
    clear(panel);
    add(panel, el("p", "vn-hint", "Click an actor or a flow to see its numbers and what respondents said."));
    if (!meta.compare || !meta.touchpoints || !meta.touchpoints.length) { return; }
    var sides = sideNames(), t = el("table", "vn-table vn-compare vn-touchpoints");
    add(panel, el("h3", null, "Touchpoints"),
        el("p", "vn-note", "The customer's net value at each touchpoint for the mean respondent, each dimension " +
          "weighted by what matters to each respondent; the largest change first."));
    row(t, ["Touchpoint", sides[0], sides[1], "For the customer"], "vn-th");
    meta.touchpoints.forEach(function (tp) {
      row(t, [human(tp.touchpoint), signed(tp.before), signed(tp.after), SHORT[tp.change] || tp.change], "vn-" + tp.change);
    });
    add(panel, t);
  }

  // ---- selection, search, tooltips -----------------------------------------------------------
  function redraw() {  // filters, focus, sizes, groups, colours and names, in whichever renderer draws
    updateFocus();
    R.apply();
  }
  function select(ref, focus) {
    var before = state.selected;
    state.selected = null;
    if (ref && ref.indexOf("n:") === 0 && details.nodes[ref.slice(2)]) {
      var nid = ref.slice(2);
      state.selected = ref;
      showNode(nid);
    } else if (ref && ref.indexOf("e:") === 0 && details.edges[ref.slice(2)]) {
      state.selected = ref;
      showEdge(ref.slice(2));
    } else {
      showNothing();
    }
    R.select(state.selected);
    if (state.focus || R.kind === "webgl" || meta.detail_scale) {
      if (state.selected !== before || state.focus) { redraw(); }
    }
    if (focus && state.selected && state.selected.indexOf("n:") === 0) {
      if (focusSet) { R.fitTo(Object.keys(focusSet)); } else { R.centre(state.selected.slice(2)); }
    }
    writeHash();
  }
  R.onClick = function (ref) { select(ref); };

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
    if (!nodeVisible(id)) { setFilter("kind", kindOf(id), true); }
    status.textContent = "";
    select("n:" + id, true);
  }
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  search.addEventListener("change", runSearch);

  var tip = document.getElementById("vn-tip");
  function nodeTip(id) { return nameOf(id) + " · " + human(kindOf(id)); }
  function edgeTip(id) {
    var d = details.edges[id];
    return nameOf(d.from) + " → " + nameOf(d.to) + " · " + human(d.dimension) + " " + amount(d) + (d.n ? " (n=" + d.n + ")" : "");
  }
  R.onHover = function (ref, at) {
    tip.textContent = ref.charAt(0) === "n" ? nodeTip(ref.slice(2)) : edgeTip(ref.slice(2));
    tip.style.left = (at.x + 14) + "px";
    tip.style.top = (at.y + 10) + "px";
    tip.hidden = false;
  };
  R.onBlur = function () { tip.hidden = true; };

  // ---- colour mode, fit, PNG, permalink ------------------------------------------------------
  var colourBy = document.getElementById("vn-colour-by");
  var modes = { dimension: "dimension", impact: "adds / destroys value" };
  if (meta.compare) { modes.change = meta.kind === "segments" ? "change between segments" : "change between scenarios"; }
  Object.keys(modes).forEach(function (m) { var o = el("option", null, modes[m]); o.value = m; colourBy.appendChild(o); });
  function setColourBy(mode) {
    if (!modes[mode]) { return; }
    state.colourBy = mode;
    colourBy.value = mode;
    redraw();
    buildLegend();
    writeHash();
  }
  colourBy.addEventListener("change", function () { setColourBy(colourBy.value); });
  var focusBy = document.getElementById("vn-focus");
  var sizeBy = document.getElementById("vn-size-by");
  var clusterBy = document.getElementById("vn-cluster-by");
  function setMap(key, value, control) {  // focus steps, size metric or grouping: one of the map controls
    var ok = Array.prototype.some.call(control.options, function (o) { return o.value === String(value); });
    if (!ok) { return; }
    state[key] = key === "focus" ? Number(value) : String(value);
    control.value = String(value);
    redraw();
    if (key === "clusterBy") { R.fit(); }
    if (key === "focus" && focusSet) { R.fitTo(Object.keys(focusSet)); }
    if (key === "focus" && state.focus && !selectedNode()) {
      status.textContent = "Click or find an actor to focus on its neighbourhood.";
    }
    writeHash();
  }
  focusBy.addEventListener("change", function () { setMap("focus", focusBy.value, focusBy); });
  sizeBy.addEventListener("change", function () { setMap("sizeBy", sizeBy.value, sizeBy); });
  clusterBy.addEventListener("change", function () { setMap("clusterBy", clusterBy.value, clusterBy); });
  document.getElementById("vn-fit").addEventListener("click", function () { R.fit(); });
  function canvasImage(scale) { return R.image(scale || 1); }
  document.getElementById("vn-png").addEventListener("click", function () {
    if (window.vnOutput && typeof window.vnOutput.png === "function") { window.vnOutput.png({}); return; }
    canvasImage(1).toBlob(function (blob) {
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
    if (state.focus) { parts.push("focus=" + state.focus); }
    if (state.sizeBy !== "none") { parts.push("size=" + encodeURIComponent(state.sizeBy)); }
    if (state.clusterBy !== "none") { parts.push("group=" + encodeURIComponent(state.clusterBy)); }
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
    state.focus = [0, 1, 2, 3, 4].indexOf(Number(params.focus)) > 0 ? Number(params.focus) : 0;
    state.sizeBy = ["degree", "betweenness", "net"].indexOf(params.size) >= 0 ? params.size : "none";
    var group = ["kind", "community"].indexOf(params.group) >= 0 ? params.group : "none";
    var regroup = group !== state.clusterBy;
    state.clusterBy = group;
    focusBy.value = String(state.focus); sizeBy.value = state.sizeBy; clusterBy.value = state.clusterBy;
    buildLegend();
    var changed = hashOf() !== "" || filtered;  // the page as written needs no redraw
    filtered = hashOf() !== "";
    if (params.sel || state.selected) { select(params.sel ? decodeURIComponent(params.sel) : null, true); }
    if (changed) { redraw(); }
    if (regroup) { R.fit(); }
  }
  window.addEventListener("hashchange", function () { if (!writing) { readHash(); } });

  // ---- test and scripting hooks --------------------------------------------------------------
  api.select = function (id) { select(details.nodes[id] ? "n:" + id : "e:" + id, true); };
  api.setFilter = setFilter;
  api.setColourBy = setColourBy;
  api.visibleNodeIds = function () { return R.visibleNodeIds(); };
  api.visibleEdgeIds = function () { return R.visibleEdgeIds(); };
  api.canvasPosition = function (id) { return R.position(id); };
  api.selectedNodes = function () { return R.selectedNodes(); };
  api.setFocus = function (steps) { setMap("focus", steps, focusBy); };
  api.setSizeBy = function (metricName) { setMap("sizeBy", metricName, sizeBy); };
  api.setClusterBy = function (group) { setMap("clusterBy", group, clusterBy); };
  api.focusIds = function () { return focusSet ? Object.keys(focusSet) : null; };
  api.isFaded = faded;
  api.nodeColour = nodeFill;
  api.nodeSize = sizeShare;  // 0..1 of the size metric's largest value; null when sized by kind
  api.nodePosition = function (id) { var l = layout(); return { x: l[0][index[id]], y: l[1][index[id]] }; };
  api.labels = function () { return R.labels(); };
  api.labelBoxes = function () { return R.labelBoxes(); };  // {id, x, y, w, h} of each drawn name, page pixels
  api.drawnSize = function (id) { return R.drawnSize(id); };
  api.canvasImage = canvasImage;  // a canvas of the drawing at `scale` times its on-screen size, either renderer
  api.metrics = map;
  api.details = details;  // what the side panel reads, whether the page carried objects or columns
  api.state = state;

  if (meta.compare) { showNothing(); }
  readHash();
  api.timings.ready = performance.now();
  api.ready = true;
  if (R.kind === "webgl" && !R.styled()) {  // once idle: from here on the page's state styles the map and names
    setTimeout(function () { if (!R.styled()) { redraw(); } }, 0);
  }
  }
}());
