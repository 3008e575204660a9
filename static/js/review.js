// Review queue: a select-all box over the page's rows, a count of the ticked ones, and a question
// before a bulk confirmation or approval of several rows.
// The page works without this file: every row has its own checkbox and buttons.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.querySelectorAll("input[data-select-all]");
  Array.prototype.forEach.call(all, function (master) {
    var form = master.form;
    var name = master.getAttribute("data-select-all");
    var counter = form.querySelector("[data-selected-count]");
    var template = counter ? counter.getAttribute("data-template") || "{n}" : "";

    function boxes() {
      return form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    }

    function sync() {
      var list = boxes();
      var ticked = 0;
      Array.prototype.forEach.call(list, function (box) {
        if (box.checked) ticked += 1;
      });
      master.checked = list.length > 0 && ticked === list.length;
      master.indeterminate = ticked > 0 && ticked < list.length;
      if (counter) {
        counter.textContent = template.replace("{n}", ticked);
        counter.hidden = ticked === 0;
      }
    }

    master.hidden = boxes().length === 0;
    master.addEventListener("change", function () {
      Array.prototype.forEach.call(boxes(), function (box) {
        box.checked = master.checked;
      });
      sync();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === name) sync();
    });
    // A bulk button that cannot be undone asks first when it would act on several rows.
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var question = button ? button.getAttribute("data-confirm-selected") : null;
      if (!question) return;
      var ticked = Array.prototype.filter.call(boxes(), function (box) {
        return box.checked;
      }).length;
      if (ticked > 1 && !window.confirm(question.replace("{n}", ticked))) {
        event.preventDefault();
      }
    });
    sync();
  });
});
