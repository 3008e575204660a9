// Ledger entry forms: show the chosen rule's allowed range and whether it needs a 文号, and stop
// the submit at once when the points fall outside that range or the 文号 it needs is missing.
// Progressive enhancement only: the server checks everything again.
(function () {
  "use strict";
  var source = document.getElementById("rule-data");
  if (!source) {
    return;
  }
  var rules = JSON.parse(source.textContent);

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // The version of the typed rule in force on ``day`` (ISO dates compare as strings).
  function findRule(text, day) {
    var clean = (text || "").trim().replace(/\s+/g, " ");
    if (!clean) {
      return null;
    }
    var code = clean.split(" ")[0].toUpperCase();
    var versions = rules.filter(function (r) { return r.code === code; });
    if (!versions.length) {
      versions = rules.filter(function (r) { return r.name === clean; });
    }
    if (!versions.length) {
      return undefined;
    }
    var inForce = versions.filter(function (r) { return r.from <= day && (!r.to || day <= r.to); });
    var pool = inForce.length ? inForce : versions;
    return pool[pool.length - 1];
  }

  function setup(form) {
    var ruleInput = form.querySelector("[data-rule-input]");
    var hint = form.querySelector("[data-rule-hint]");
    if (!ruleInput || !hint) {
      return;
    }
    var points = form.querySelector("[data-points-input]");
    var dateInput = form.querySelector("[data-date-input]");
    var docStar = form.querySelector("[data-doc-required]");
    var docInput = form.querySelector("[data-doc-input]");
    var rule = null;

    // The browser refuses the submit, in its own words, and shows this next to the field.
    function checkPoints() {
      if (!points) {
        return;
      }
      var value = parseFloat(points.value);
      var outside = rule && !isNaN(value) &&
        (value < parseFloat(rule.min) || value > parseFloat(rule.max));
      points.setCustomValidity(outside ? hint.getAttribute("data-range") + " " + rule.range : "");
    }

    function checkDocument() {
      if (!docInput) {
        return;
      }
      var needed = !!(rule && rule.doc);
      docInput.required = needed;
      docInput.setCustomValidity(needed && !docInput.value.trim() ? hint.getAttribute("data-doc") : "");
    }

    function update() {
      rule = findRule(ruleInput.value, (dateInput && dateInput.value) || today());
      if (docStar) {
        docStar.hidden = !(rule && rule.doc);
      }
      checkDocument();
      checkPoints();
      if (rule === null) {
        hint.textContent = "";
        return;
      }
      if (rule === undefined) {
        hint.textContent = hint.getAttribute("data-unknown");
        return;
      }
      hint.textContent = hint.getAttribute("data-range") + " " + rule.range + " · " +
        hint.getAttribute(rule.doc ? "data-doc" : "data-nodoc");
      if (points) {
        points.placeholder = rule.range;
        // A fixed-value rule needs no typing.
        if (rule.min === rule.max && !points.value) {
          points.value = rule.min;
          checkPoints();
        }
      }
    }

    ruleInput.addEventListener("input", update);
    ruleInput.addEventListener("change", update);
    if (dateInput) {
      dateInput.addEventListener("change", update);
    }
    if (points) {
      points.addEventListener("input", checkPoints);
    }
    if (docInput) {
      docInput.addEventListener("input", checkDocument);
    }
    update();
  }

  var forms = document.querySelectorAll("form[data-entry-form]");
  for (var i = 0; i < forms.length; i++) {
    setup(forms[i]);
  }
})();
