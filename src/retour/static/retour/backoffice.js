// Keyboard shortcuts of the back office. An element with data-shortcut="a" (or a sequence
// such as "g q") is clicked, or focused if it is a field, when the keys are typed outside a
// field. In a table with data-rows, j / k move the selection and Enter / o open the row.
(function () {
  "use strict";
  var buffer = "";
  var timer = null;
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function activate(element) {
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName)) {
      element.focus();
      if (element.scrollIntoView) element.scrollIntoView({ block: "center" });
    } else {
      element.click();
    }
  }
  function rows() {
    var table = document.querySelector("[data-rows]");
    return table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]")) : [];
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.findIndex(function (row) { return row.classList.contains("bo-selected"); });
    index = Math.min(all.length - 1, Math.max(0, index + step));
    all.forEach(function (row) { row.classList.remove("bo-selected"); });
    all[index].classList.add("bo-selected");
    all[index].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target)) return;
    if (event.key === "j") { move(1); event.preventDefault(); return; }
    if (event.key === "k") { move(-1); event.preventDefault(); return; }
    if (event.key === "Enter" || event.key === "o") {
      var selected = document.querySelector("tr.bo-selected[data-href]");
      if (selected) { window.location.href = selected.getAttribute("data-href"); return; }
    }
    if (event.key === "x") {
      var current = document.querySelector("tr.bo-selected input[type=checkbox]");
      if (current) { current.checked = !current.checked; event.preventDefault(); return; }
    }
    if (event.key.length !== 1) return;
    buffer = buffer ? buffer + " " + event.key : event.key;
    clearTimeout(timer);
    timer = setTimeout(function () { buffer = ""; }, 900);
    var match = document.querySelector('[data-shortcut="' + buffer + '"]');
    if (match) { event.preventDefault(); buffer = ""; activate(match); return; }
    var prefix = document.querySelector('[data-shortcut^="' + buffer + ' "]');
    if (!prefix) buffer = "";
  });
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, input, button, label")) return;
    window.location.href = row.getAttribute("data-href");
  });
})();
