/* valuenet: output for slides, print and small screens.
 *
 * - window.vnOutput.png(opts) composes an image at 2x: a title band (the view's title and subtitle),
 *   the drawing, a legend of the entries currently shown (read from the legend's ticked items) and a
 *   note on line widths, then downloads it. User text is drawn with fillText, never parsed as markup.
 * - Under 900 px the legend and filters and the details panel become drawers with toggle buttons in
 *   the toolbar ("Legend & filters", "Details"); selecting an actor or a flow opens Details.
 * - Printing fits the whole network into the printed frame (the print stylesheet is output.css) and
 *   gives the screen its zoom back afterwards. */
(function () {
  "use strict";

  var block = document.getElementById("valuenet-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  var meta = data.meta;
  var NARROW = "(max-width: 900px)";
  var status = document.getElementById("vn-status");

  function say(text) { if (status) { status.textContent = text; } }
  function num(v) { return String(Math.round(v * 100) / 100); }
  function edgeWidth(value) {  // as valuenet.views.style.edge_width: 1 px for nothing, 9 px at the top of the scale
    var max = meta.scale_max;
    return 1 + 8 * (max > 0 ? Math.min(Math.max(value, 0), max) / max : 0);
  }

  // ---- the drawing ---------------------------------------------------------------------------
  function loadImage(src) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { reject(new Error("the drawing could not be read as an image")); };
      img.src = src;
    });
  }
  function sharpVis(scale) {
    // vis-network draws at the screen's pixel ratio; for one synchronous frame, have it draw at `scale`
    // instead (its own resize path keeps the camera), copy that, and put the screen's ratio back.
    var view = window.valuenetView, net = view && view.network, cv = net && net.canvas;
    if (!cv || !cv.frame || !cv.frame.canvas || typeof cv._determinePixelRatio !== "function") { return null; }
    var screen = cv.frame.canvas, out = document.createElement("canvas");
    try {
      cv._determinePixelRatio = function () { return scale; };
      net.redraw();
      if (screen.width !== Math.round(screen.clientWidth * scale)) { return null; }
      out.width = screen.width;
      out.height = screen.height;
      out.getContext("2d").drawImage(screen, 0, 0);
      return out;
    } catch (err) {
      return null;
    } finally {
      delete cv._determinePixelRatio;
      net.redraw();
    }
  }
  function drawing(scale) {
    // The sharpest picture of the drawing at `scale`: vis-network redrawn at that ratio; else the
    // renderer's own picture (view.js's canvasImage, also for WebGL); else the screen's canvas, enlarged.
    var sharp = sharpVis(scale);
    if (sharp) { return Promise.resolve({ image: sharp, source: "redrawn" }); }
    var view = [window.valuenet, window.valuenetView].filter(function (v) {
      return v && typeof v.canvasImage === "function";
    })[0];
    if (view) {
      return Promise.resolve(view.canvasImage(scale)).then(function (img) {
        return typeof img === "string" ? loadImage(img) : img;
      }).then(function (img) { return { image: img, source: "renderer" }; });
    }
    var canvas = document.querySelector("#vn-network canvas");
    if (!canvas) { return Promise.reject(new Error("there is no drawing on the page")); }
    return Promise.resolve({ image: canvas, source: "enlarged" });
  }
  function zoom() {
    // vis-network's zoom, so sample lines match the drawing; null for a renderer whose widths are its own.
    var view = window.valuenetView;
    var scale = view && view.network && typeof view.network.getScale === "function" ? view.network.getScale() : null;
    return scale !== null && isFinite(scale) && scale > 0 ? scale : null;
  }

  // ---- the legend, as shown on the page ------------------------------------------------------
  function colourMode() {
    var select = document.getElementById("vn-colour-by");
    return select && select.value ? select.value : meta.color_by;
  }
  function shownLegend() {
    // The actors group, the group the flows are coloured by, and any other group a filter narrows;
    // in each only the ticked entries, with their label and the icon the page shows.
    var legend = document.getElementById("vn-legend");
    var groups = [];
    if (!legend) { return groups; }
    var mode = colourMode();
    Array.prototype.forEach.call(legend.querySelectorAll("fieldset.vn-group"), function (box) {
      var items = Array.prototype.slice.call(box.querySelectorAll(".vn-item"));
      var shown = items.filter(function (item) {
        var cb = item.querySelector("input[type=checkbox]");
        return !cb || cb.checked;
      });
      var group = box.dataset.group;
      if (!shown.length || (group !== "kind" && group !== mode && shown.length === items.length)) { return; }
      var title = box.querySelector("legend");
      groups.push({
        group: group,
        title: title ? title.textContent : "",
        entries: shown.map(function (item) {
          var label = item.querySelector(".vn-item-label");
          return { label: label ? label.textContent : item.textContent, icon: item.querySelector("svg") };
        })
      });
    });
    return groups;
  }
  function numbers(el, name) { return (el.getAttribute(name) || "").trim().split(/[\s,]+/).map(Number); }
  function iconSize(svg) {
    var vb = svg ? numbers(svg, "viewBox") : [];
    var w = vb[2] || 20, h = vb[3] || 20, k = Math.min(24 / w, 18 / h);
    return { w: w * k, h: h * k, k: k };
  }
  function drawIcon(ctx, svg, x, y) {
    // The legend's little SVG icons (polygon, rect, circle, line), drawn as canvas paths.
    var size = iconSize(svg);
    var colour = null;
    if (!svg) { return colour; }
    ctx.save();
    ctx.translate(x, y);
    ctx.scale(size.k, size.k);
    Array.prototype.forEach.call(svg.children, function (s) {
      var tag = s.tagName.toLowerCase();
      ctx.beginPath();
      if (tag === "polygon") {
        var p = numbers(s, "points");
        for (var i = 0; i + 1 < p.length; i += 2) { ctx[i ? "lineTo" : "moveTo"](p[i], p[i + 1]); }
        ctx.closePath();
      } else if (tag === "rect") {
        ctx.rect(+s.getAttribute("x"), +s.getAttribute("y"), +s.getAttribute("width"), +s.getAttribute("height"));
      } else if (tag === "circle") {
        ctx.arc(+s.getAttribute("cx"), +s.getAttribute("cy"), +s.getAttribute("r"), 0, 2 * Math.PI);
      } else if (tag === "line") {
        ctx.moveTo(+s.getAttribute("x1"), +s.getAttribute("y1"));
        ctx.lineTo(+s.getAttribute("x2"), +s.getAttribute("y2"));
      } else {
        return;
      }
      var fill = s.getAttribute("fill"), stroke = s.getAttribute("stroke");
      if (fill && fill !== "none") { ctx.fillStyle = fill; ctx.fill(); colour = colour || fill; }
      if (stroke && stroke !== "none") {
        var dash = s.getAttribute("stroke-dasharray");
        ctx.setLineDash(dash ? numbers(s, "stroke-dasharray") : []);
        ctx.lineWidth = +(s.getAttribute("stroke-width") || 1);
        ctx.strokeStyle = stroke;
        ctx.stroke();
        if (tag === "line") { colour = colour || stroke; }
      }
    });
    ctx.restore();
    return colour;
  }

  // ---- composing the image -------------------------------------------------------------------
  var INK = "#1f2630", MUTED = "#5b6573", PAD = 16, ROW = 24;
  function fonts() {
    var face = getComputedStyle(document.body).fontFamily || "sans-serif";
    return { title: "700 22px " + face, sub: "14px " + face, head: "600 13px " + face, text: "13px " + face };
  }
  function wrap(ctx, text, width, maxLines) {
    // Lines of at most width; the last one ends in an ellipsis when the text does not fit.
    var words = String(text || "").split(/\s+/).filter(Boolean), lines = [], line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (!line || ctx.measureText(next).width <= width) { line = next; } else { lines.push(line); line = w; }
    });
    if (line) { lines.push(line); }
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      lines[maxLines - 1] += " …";
    }
    return lines.map(function (l) {
      while (l.length > 1 && ctx.measureText(l).width > width) { l = l.slice(0, -2) + "…"; }
      return l;
    });
  }
  function layout(ctx, W, H, f) {
    // Where everything goes, in CSS pixels of the composed image (the drawing keeps its size on screen).
    var out = { width: W, items: [] };
    ctx.font = f.title;
    out.title = wrap(ctx, meta.title, W - 2 * PAD, 2);
    ctx.font = f.sub;
    out.subtitle = wrap(ctx, meta.subtitle, W - 2 * PAD, 2);
    out.drawingY = PAD + 28 * out.title.length + 19 * out.subtitle.length + 8;
    var y = out.drawingY + H + 14;
    out.legendY = y - 6;
    shownLegend().forEach(function (g) {
      ctx.font = f.head;
      var x = PAD, head = g.title;
      out.items.push({ kind: "head", text: head, x: x, y: y });
      var indent = PAD + Math.min(ctx.measureText(head).width + 12, W / 3);
      x = indent;
      ctx.font = f.text;
      g.entries.forEach(function (e) {
        var icon = iconSize(e.icon), label = wrap(ctx, e.label, W - indent - PAD - icon.w - 6, 1)[0] || "";
        var w = icon.w + 6 + ctx.measureText(label).width;
        if (x > indent && x + w > W - PAD) { x = indent; y += ROW; }
        out.items.push({ kind: "entry", group: g.group, label: label, full: e.label, icon: e.icon,
                         x: x, y: y, iconW: icon.w, iconH: icon.h });
        x += w + 18;
      });
      y += ROW;
    });
    var lineNote = "Line width: perceived magnitude on the " + num(meta.scale_max) + "-point scale" +
      (meta.kind === "respondent" ? "" : " (mean per respondent)") + (zoom() ? ", as drawn:" : ", thin to thick:");
    ctx.font = f.text;
    out.items.push({ kind: "note", text: wrap(ctx, lineNote, W - 2 * PAD, 1)[0], x: PAD, y: y });
    y += ROW;
    var x = PAD;
    [0, meta.scale_max / 2, meta.scale_max].forEach(function (v) {
      out.items.push({ kind: "width", value: v, x: x, y: y, width: Math.max(edgeWidth(v) * (zoom() || 0.5), 0.5) });
      x += 40 + 8 + ctx.measureText(num(v)).width + 22;
    });
    y += ROW;
    out.height = y + PAD - 8;
    return out;
  }
  function compose(opts) {
    var scale = opts.scale || 2;
    var box = document.getElementById("vn-network");
    var W = Math.max(1, Math.round(box ? box.clientWidth : 800));
    var H = Math.max(1, Math.round(box ? box.clientHeight : 600));
    return drawing(scale).then(function (picture) {
      var f = fonts();
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d");
      var L = layout(ctx, W, H, f);
      canvas.width = Math.round(W * scale);
      canvas.height = Math.round(L.height * scale);
      ctx = canvas.getContext("2d");  // resizing reset its state
      ctx.scale(scale, scale);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, W, L.height);
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = INK;
      ctx.font = f.title;
      L.title.forEach(function (line, i) { ctx.fillText(line, PAD, PAD + 21 + 28 * i); });
      ctx.fillStyle = MUTED;
      ctx.font = f.sub;
      L.subtitle.forEach(function (line, i) { ctx.fillText(line, PAD, PAD + 28 * L.title.length + 14 + 19 * i); });
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(picture.image, 0, L.drawingY, W, H);
      ctx.fillStyle = "#dde2e8";
      ctx.fillRect(0, L.drawingY + H, W, 1);
      var entries = [];
      L.items.forEach(function (it) {
        ctx.textBaseline = "middle";
        if (it.kind === "head" || it.kind === "note") {
          ctx.font = it.kind === "head" ? f.head : f.text;
          ctx.fillStyle = it.kind === "head" ? INK : MUTED;
          ctx.fillText(it.text, it.x, it.y);
        } else if (it.kind === "entry") {
          var colour = drawIcon(ctx, it.icon, it.x, it.y - it.iconH / 2);
          ctx.font = f.text;
          ctx.fillStyle = INK;
          ctx.fillText(it.label, it.x + it.iconW + 6, it.y);
          entries.push({ group: it.group, label: it.full, colour: colour,
                         box: [it.x * scale, (it.y - it.iconH / 2) * scale, it.iconW * scale, it.iconH * scale] });
        } else if (it.kind === "width") {
          ctx.beginPath();
          ctx.moveTo(it.x, it.y);
          ctx.lineTo(it.x + 40, it.y);
          ctx.lineWidth = it.width;
          ctx.strokeStyle = INK;
          ctx.setLineDash([]);
          ctx.stroke();
          ctx.font = f.text;
          ctx.fillStyle = MUTED;
          ctx.fillText(num(it.value), it.x + 48, it.y);
        }
      });
      var info = {
        width: canvas.width, height: canvas.height, scale: scale, source: picture.source,
        title: L.title, subtitle: L.subtitle,
        drawing: [0, L.drawingY * scale, W * scale, H * scale], legendTop: L.legendY * scale, entries: entries
      };
      api.last = info;
      return { canvas: canvas, info: info };
    });
  }
  function fileName() { return (meta.goal + "-" + meta.kind).replace(/[^A-Za-z0-9_.-]+/g, "_") + ".png"; }
  function downloadsOff() {
    // A notebook shows the page in a sandboxed frame (opaque origin) that allows no downloads.
    try { return window.self !== window.top && window.origin === "null"; } catch (err) { return true; }
  }
  function png(opts) {
    opts = opts || {};
    return compose(opts).then(function (made) {
      if (opts.download === false) { return made.info; }
      if (downloadsOff()) {
        say("Saving a PNG is off inside a notebook; open the written HTML file to save one.");
        return made.info;
      }
      return new Promise(function (resolve) {
        made.canvas.toBlob(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = opts.filename || fileName();
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          say("PNG saved, " + made.info.width + " × " + made.info.height + " pixels.");
          resolve(made.info);
        }, "image/png");
      });
    }, function (err) {
      say("The PNG could not be made: " + err.message + ".");
      return null;
    });
  }
  var api = { png: png, legend: shownLegend, last: null };
  window.vnOutput = api;

  // The toolbar's PNG button: a fresh copy of it, so the only click handler is this one.
  var old = document.getElementById("vn-png");
  if (old) {
    var button = old.cloneNode(true);
    button.title = "Save the drawing with its title and legend as a PNG image at twice the screen size";
    old.parentNode.replaceChild(button, old);
    button.addEventListener("click", function () { png(); });
  }

  // ---- print: the whole network, in the printed frame's shape --------------------------------
  // Printing changes the drawing's size; fit the network to it, and give the screen its view back after.
  // The screen's view is the last one drawn for the screen: by the time the print media applies,
  // vis-network may already have rescaled for the new size.
  var printMedia = window.matchMedia("print");
  var net = window.valuenetView && window.valuenetView.network, screenView = null, printed = false;
  if (net && typeof net.on === "function") {
    net.on("afterDrawing", function () {
      if (!printMedia.matches) { screenView = { position: net.getViewPosition(), scale: net.getScale() }; }
    });
  }
  function printing(on) {
    var fit = document.getElementById("vn-fit");
    if (on && !printed) {
      printed = true;
      if (net) { net.redraw(); }
      if (fit) { fit.click(); }
    } else if (!on && printed) {
      printed = false;
      var view = screenView;
      if (net && view) {
        requestAnimationFrame(function () {  // once the page is laid out for the screen again
          net.redraw();
          net.moveTo({ position: view.position, scale: view.scale, animation: false });
        });
      }
    }
  }
  if (printMedia.addEventListener) {
    printMedia.addEventListener("change", function (ev) { printing(ev.matches); });
  }

  // ---- drawers under 900 px ------------------------------------------------------------------
  var toolbar = document.querySelector(".vn-toolbar");
  var drawers = [];
  function focusInside(node) {
    var target = node.querySelector("input, select, button, a[href], [tabindex]:not([tabindex='-1'])");
    (target || node).focus();
  }
  function setOpen(d, open, focus) {
    if (open) { drawers.forEach(function (o) { if (o !== d) { setOpen(o, false); } }); }
    d.panel.classList.toggle("vn-open", open);
    d.button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && focus) { focusInside(d.panel); }
  }
  function drawer(panel, label, side) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "vn-drawer-toggle";
    button.textContent = label;
    button.setAttribute("aria-controls", panel.id);
    button.setAttribute("aria-expanded", "false");
    panel.classList.add("vn-drawer", "vn-drawer-" + side);
    panel.setAttribute("tabindex", "-1");
    var d = { panel: panel, button: button };
    button.addEventListener("click", function () { setOpen(d, !panel.classList.contains("vn-open"), true); });
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && panel.classList.contains("vn-open") && window.matchMedia(NARROW).matches) {
        ev.preventDefault();
        setOpen(d, false);
        button.focus();
      }
    });
    drawers.push(d);
    return d;
  }
  var legend = document.getElementById("vn-legend"), panel = document.getElementById("vn-panel");
  if (toolbar && legend && panel) {
    var legendDrawer = drawer(legend, "Legend & filters", "left");
    var details = drawer(panel, "Details", "right");
    toolbar.insertBefore(details.button, toolbar.firstChild);
    toolbar.insertBefore(legendDrawer.button, details.button);
    // On a phone the toolbar's choices (colour, focus, size, grouping) fold away behind one more button.
    toolbar.id = toolbar.id || "vn-toolbar";
    var options = document.createElement("button");
    options.type = "button";
    options.className = "vn-options-toggle";
    options.textContent = "View options";
    options.setAttribute("aria-controls", toolbar.id);
    options.setAttribute("aria-expanded", "false");
    options.addEventListener("click", function () {
      var open = toolbar.classList.toggle("vn-options-open");
      options.setAttribute("aria-expanded", open ? "true" : "false");
      var first = open && toolbar.querySelector("label:not(.vn-search) select");
      if (first) { first.focus(); }
    });
    toolbar.insertBefore(options, details.button.nextSibling);
    // Selecting an actor or a flow fills the panel: on a small screen, open it; clearing the selection closes it.
    new MutationObserver(function () {
      if (!window.matchMedia(NARROW).matches) { return; }
      var chosen = !!panel.querySelector("h2");
      if (chosen !== panel.classList.contains("vn-open")) { setOpen(details, chosen, false); }
    }).observe(panel, { childList: true });
    // The drawers give the drawing the panels' room: let vis-network take its new size before it first fits.
    if (net && typeof net.redraw === "function") { net.redraw(); }
  }
}());
