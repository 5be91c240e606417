// kg serve's additions to the viz page: neighbours of the selected node highlighted (with their labels),
// everything else faded; a double click opens the node's page on the site. Text only via the DataSet.
(function () {
  "use strict";
  var viz = window.kgViz;
  if (!viz) { return; }
  var site = JSON.parse(document.getElementById("kg-site").textContent);
  var network = viz.network, nodes = viz.nodes;
  var current = null;

  function sitePath(id) {
    if (typeof id !== "string" || id.indexOf(site.dataIri) !== 0) { return null; }
    var rest = id.slice(site.dataIri.length), kind = rest.split("/")[0];
    if (site.pageKinds.indexOf(kind) < 0) { return "/resource?iri=" + encodeURIComponent(id); }
    return "/" + rest.split("/").map(encodeURIComponent).join("/");
  }

  function highlight(id) {
    if (id === current) { return; }
    current = id;
    var near = new Set(id === null ? [] : network.getConnectedNodes(id).concat([id]));
    nodes.update(nodes.get().map(function (node) {
      var lit = id === null || near.has(node.id);
      var label = node.fullLabel !== undefined ? (id !== null && near.has(node.id) ? node.fullLabel : "") : node.label;
      return { id: node.id, opacity: lit ? 1 : 0.15, label: label };
    }));
    viz.highlighted = id === null ? [] : Array.from(near);
  }
  viz.highlight = highlight;
  viz.highlighted = [];

  // selection changes by click or by the page's own search (which selects without an event): follow it
  network.on("afterDrawing", function () {
    var selected = network.getSelectedNodes();
    highlight(selected.length === 1 ? selected[0] : null);
  });
  network.off("click");  // the viz page opens external links on click; here a click selects
  network.on("doubleClick", function (params) {
    if (params.nodes.length === 1) {
      var path = sitePath(params.nodes[0]);
      if (path) { window.top.location.href = path; }
    }
  });
})();
