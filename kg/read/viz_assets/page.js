// kg viz page: draws the graph embedded as JSON; builds every piece of text with textContent, never HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hiddenKinds = new Set();
  var nodeView = new vis.DataView(nodes, {
    filter: function (node) { return !hiddenKinds.has(node.group); }
  });
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edges }, data.options);
  // state for whoever drives the page (tests, benchmarks, the console)
  var state = { network: network, nodes: nodes, edges: edges, hiddenKinds: hiddenKinds,
                firstDrawMs: null, readyMs: null, settled: false, openNode: openNode, focusNode: focusNode };
  window.kgViz = state;

  // settled: physics done (or off), so positions no longer move; screenshots wait for it
  state.settled = !network.physics.physicsEnabled;
  // live physics moves nodes from the Python layout: once it rests, fit the view unless the reader moved it
  var moved = false;
  network.once("dragStart", function () { moved = true; });
  network.once("zoom", function () { moved = true; });
  network.once("stabilized", function () {
    if (!moved) { network.fit({ animation: false }); }
    state.settled = true;
  });
  network.once("afterDrawing", function () {
    state.firstDrawMs = performance.now();
    setTimeout(function () { state.readyMs = performance.now(); }, 0);
    var focused = data.nodes.filter(function (n) { return n.focus; }).map(function (n) { return n.id; });
    if (focused.length) { network.selectNodes(focused); }
  });

  // hover card
  var tip = document.getElementById("kg-tooltip");
  function line(cls, text) {
    var el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    return el;
  }
  function showTip(id, pointer) {
    var node = nodes.get(id);
    if (!node || !node.info) { return; }
    var info = node.info;
    tip.replaceChildren(line("kg-tip-kind", info.kind), line("kg-tip-name", info.name));
    if (info.date) { tip.appendChild(line("kg-tip-meta", "Published " + info.date)); }
    if (info.repo) {
      var stars = info.stars !== undefined ? " (\u2605 " + info.stars + ")" : "";
      tip.appendChild(line("kg-tip-meta", "Code: " + info.repo + stars));
    } else if (info.stars !== undefined) {
      tip.appendChild(line("kg-tip-meta", "\u2605 " + info.stars + " stars"));
    }
    if (info.papers !== undefined) {
      tip.appendChild(line("kg-tip-meta", info.papers + (info.papers === 1 ? " paper" : " papers")));
    }
    if (info.abstract) { tip.appendChild(line("kg-tip-abstract", info.abstract)); }
    if (info.url) { tip.appendChild(line("kg-tip-meta", "Click to open " + info.url)); }
    tip.hidden = false;
    var box = container.getBoundingClientRect();
    var x = box.left + pointer.x + 14, y = box.top + pointer.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = Math.max(4, box.left + pointer.x - w - 14); }
    if (y + h > window.innerHeight - 4) { y = Math.max(4, box.top + pointer.y - h - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  network.on("hoverNode", function (params) {
    var pointer = params.pointer ? params.pointer.DOM : network.canvasToDOM(network.getPosition(params.node));
    showTip(params.node, pointer);
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });

  // click opens a paper's or repository's page; only http(s) URLs, checked again here
  function openNode(id) {
    var node = nodes.get(id);
    var url = node && node.info && node.info.url;
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      window.open(url, "_blank", "noopener");
      return true;
    }
    return false;
  }
  network.on("click", function (params) {
    if (params.nodes.length === 1) { openNode(params.nodes[0]); }
  });

  // node types shown or hidden from the legend's checkboxes
  document.querySelectorAll("#kg-legend-kinds input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { hiddenKinds.delete(box.dataset.kind); } else { hiddenKinds.add(box.dataset.kind); }
      nodeView.refresh();
    });
  });

  // search: exact names first, then names starting with the query, then names containing it
  var index = data.nodes.map(function (n) {
    return { id: n.id, name: n.info ? n.info.name : String(n.label), key: (n.info ? n.info.name : String(n.label)).toLowerCase() };
  });
  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var exact = [], prefix = [], inner = [];
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      if (entry.key === q) { exact.push(entry); } else if (entry.key.startsWith(q)) { prefix.push(entry); } else if (entry.key.indexOf(q) >= 0) { inner.push(entry); }
    }
    return exact.concat(prefix, inner);
  }
  function focusNode(id) {
    var node = nodes.get(id);
    if (!node) { return false; }
    if (hiddenKinds.has(node.group)) {
      hiddenKinds.delete(node.group);
      var box = document.querySelector('#kg-legend-kinds input[data-kind="' + CSS.escape(node.group) + '"]');
      if (box) { box.checked = true; }
      nodeView.refresh();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    return true;
  }
  var input = document.getElementById("kg-search-input");
  var results = document.getElementById("kg-search-results");
  function listMatches() {
    var found = search(input.value);
    results.replaceChildren();
    found.slice(0, 10).forEach(function (entry) {
      var item = document.createElement("li");
      item.textContent = entry.name;
      item.title = entry.name;
      item.addEventListener("click", function () { focusNode(entry.id); });
      results.appendChild(item);
    });
    if (input.value.trim() && !found.length) {
      var none = document.createElement("li");
      none.className = "kg-none";
      none.textContent = "No match";
      results.appendChild(none);
    } else if (found.length > 10) {
      var more = document.createElement("li");
      more.className = "kg-none";
      more.textContent = (found.length - 10) + " more";
      results.appendChild(more);
    }
    return found;
  }
  input.addEventListener("input", listMatches);
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = listMatches();
    if (found.length) { focusNode(found[0].id); }
  });
})();
