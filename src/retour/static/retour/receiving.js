// Receiving screens, for a handheld scanner that types like a keyboard and ends with Enter.
// In the count form, the item field takes each scanned SKU or barcode and adds one to its
// line's count (an unknown code counts as a wrong item); Enter on the empty field saves.
(function () {
  "use strict";
  function norm(value) { return (value || "").trim().toUpperCase(); }
  function setup(form) {
    var scan = form.querySelector(".rc-item-scan");
    var feedback = form.querySelector(".rc-feedback");
    var counts = Array.prototype.slice.call(form.querySelectorAll("input[data-sku]"));
    function mark(input) {
      var value = parseInt(input.value || "0", 10);
      var expected = parseInt(input.getAttribute("data-expected") || "0", 10);
      input.classList.toggle("rc-over", value > expected);
      input.classList.toggle("rc-done", value > 0 && value === expected);
    }
    counts.forEach(function (input) { input.addEventListener("input", function () { mark(input); }); });
    if (!scan) return;
    scan.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var code = norm(scan.value);
      scan.value = "";
      if (!code) { form.requestSubmit(); return; }
      var match = counts.find(function (input) {
        return norm(input.getAttribute("data-sku")) === code ||
          (input.getAttribute("data-barcode") && norm(input.getAttribute("data-barcode")) === code);
      });
      if (match) {
        match.value = String(parseInt(match.value || "0", 10) + 1);
        mark(match);
        feedback.classList.remove("rc-bad");
        feedback.textContent = match.getAttribute("data-sku") + ": " + match.value;
        return;
      }
      var quantity = form.querySelector("input[name=wrong_quantity]");
      var description = form.querySelector("input[name=wrong_item]");
      quantity.value = String(parseInt(quantity.value || "0", 10) + 1);
      description.value = description.value ? description.value + ", " + code : code;
      feedback.classList.add("rc-bad");
      feedback.textContent = code + " — " + scan.getAttribute("data-unknown");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.rc-count"), setup);
  });
})();
