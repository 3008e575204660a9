// A background job's page: poll its JSON every second and move the progress bar; reload once it
// finishes so the server renders the summary. Without this file the page still works on refresh.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("[data-job-progress]");
  var label = box.querySelector("[data-job-label]");
  var count = box.querySelector("[data-job-count]");
  var template = count ? count.getAttribute("data-template") || "{done} / {total}" : "";
  var failures = 0;

  function show(job) {
    if (bar) {
      bar.value = job.percent;
      bar.textContent = job.percent + "%";
    }
    if (label) {
      label.textContent = job.status_label;
    }
    if (count && job.total) {
      count.textContent = template.replace("{done}", job.done).replace("{total}", job.total);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        failures = 0;
        show(job);
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A lost connection or a restarting server: keep trying, more slowly.
        failures += 1;
        if (failures < 30) {
          window.setTimeout(poll, 1000 * Math.min(failures, 5));
        }
      });
  }

  window.setTimeout(poll, 1000);
})();
