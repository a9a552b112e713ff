// Draws the overview's charts with uPlot (served from its webjar). The data is JSON in a data attribute,
// written by the server; nothing here builds HTML from it.
(function () {
  "use strict";
  if (typeof uPlot === "undefined") { return; }
  var charts = [
    { key: "jobsPerMinute", label: "Jobs per minute", unit: "" },
    { key: "successRate", label: "Success rate (%)", unit: "%" },
    { key: "deliveryRate", label: "Callback delivery rate (%)", unit: "%" },
    { key: "latency", label: "Latency p50 / p95 (s)", unit: "s" }
  ];
  document.querySelectorAll("[data-chart]").forEach(function (holder) {
    var data = JSON.parse(holder.getAttribute("data-chart"));
    holder.textContent = "";
    var width = Math.max(280, Math.min(holder.clientWidth || 600, 1000));
    charts.forEach(function (chart) {
      var box = document.createElement("div");
      box.className = "chart";
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", chart.label);
      holder.appendChild(box);
      var series = [{}];
      var values = [data.x];
      if (chart.key === "latency") {
        series.push({ label: "p50", stroke: "#0b57d0" }, { label: "p95", stroke: "#b3261e" });
        values.push(data.p50, data.p95);
      } else {
        series.push({ label: chart.label, stroke: "#0b57d0" });
        values.push(data[chart.key]);
      }
      new uPlot({ title: chart.label, width: width, height: 180, series: series }, values, box);
    });
  });
})();
