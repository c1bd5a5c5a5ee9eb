// The report dashboard charts, drawn with the vendored Chart.js from the page's JSON data.
// A static file so that the Content-Security-Policy can refuse inline scripts.
(function () {
  const data = JSON.parse(document.getElementById("report-charts").textContent);
  const red = "#b71c1c", gold = "#c9a227";
  const percent = { y: { min: 0, max: 100 } };
  const options = { responsive: true, maintainAspectRatio: false, scales: percent };
  new Chart(document.getElementById("chart-four-ones"), {
    type: "bar", options,
    data: { labels: data.months, datasets: [{ label: data.labels.four_ones, data: data.four_ones, backgroundColor: red }] },
  });
  new Chart(document.getElementById("chart-coverage"), {
    type: "line", options,
    data: { labels: data.months, datasets: [{ label: data.labels.coverage, data: data.coverage, borderColor: red, backgroundColor: red }] },
  });
  new Chart(document.getElementById("chart-grades"), {
    type: "doughnut", options: { responsive: true, maintainAspectRatio: false },
    data: { labels: data.grades.labels, datasets: [{ data: data.grades.counts, backgroundColor: [red, gold, "#5c8a3a", "#888"] }] },
  });
  const districts = document.getElementById("chart-districts");
  if (districts) {
    new Chart(districts, {
      type: "bar", options,
      data: { labels: data.districts.labels, datasets: [
        { label: data.labels.coverage, data: data.districts.coverage, backgroundColor: red },
        { label: data.labels.average, data: data.districts.average, backgroundColor: gold },
      ] },
    });
  }
}());
