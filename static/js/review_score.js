// Scoring page: show the quarter score and suggested grade while the assessor types, and offer
// only the suggested grade or lower ones. The server computes both again and is the authority.
(function () {
  "use strict";
  var source = document.getElementById("score-data");
  var form = document.querySelector("form.score-form");
  if (!source || !form) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var scoreOut = document.querySelector("[data-live-score]");
  var gradeOut = document.querySelector("[data-live-grade]");
  var gradeSelect = form.querySelector("[data-grade]");
  var massInput = form.querySelector("[data-mass]");

  function number(input) {
    if (!input || input.value.trim() === "") {
      return null;
    }
    var value = Number(input.value);
    return isFinite(value) && value >= 0 && value <= 100 ? value : NaN;
  }

  function score() {
    var total = 0;
    var weights = 0;
    for (var i = 0; i < data.dimensions.length; i += 1) {
      var value = number(form.querySelector('[data-dimension="' + data.dimensions[i] + '"]'));
      if (value === null || isNaN(value)) {
        return null;
      }
      var weight = Number(data.weights[i]);
      total += value * weight;
      weights += weight;
    }
    if (!weights) {
      return null;
    }
    var base = total / weights;
    var mass = number(massInput);
    if (isNaN(mass)) {
      return null;
    }
    if (mass !== null) {
      var dp = Number(data.dimension_part);
      var mp = Number(data.mass_part);
      base = (base * dp + mass * mp) / (dp + mp);
    }
    var result = base + Number(data.ledger_points) * Number(data.ledger_factor);
    return Math.round(result * 100) / 100;
  }

  function grade(value) {
    if (value === null) {
      return "";
    }
    for (var i = 0; i < data.thresholds.length; i += 1) {
      if (value >= Number(data.thresholds[i])) {
        return data.grades[i];
      }
    }
    return data.grades[data.grades.length - 1];
  }

  function update() {
    var value = score();
    var suggested = grade(value);
    if (scoreOut) {
      scoreOut.textContent = value === null ? "—" : value.toFixed(2);
    }
    if (gradeOut) {
      gradeOut.textContent = suggested || "—";
    }
    if (!gradeSelect || !suggested) {
      return;
    }
    var rank = data.grades.indexOf(suggested);
    Array.prototype.forEach.call(gradeSelect.options, function (option) {
      var optionRank = data.grades.indexOf(option.value);
      option.disabled = optionRank !== -1 && optionRank < rank;
      if (option.disabled && option.selected) {
        gradeSelect.value = "";
      }
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
