// The only script of Tocsin's own, served from 'self' so the Content-Security-Policy needs no exception:
// a button with data-copy="ID" copies the value of the field ID and says so next to it.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  var said = document.getElementById(button.id + "-done");
  var done = function (text) { if (said) { said.textContent = text; } };
  if (!field) {
    return;
  }
  field.select();
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(field.value).then(function () { done("Copied."); },
      function () { done("Selected: press Ctrl+C (or ⌘C) to copy."); });
  } else {
    done("Selected: press Ctrl+C (or ⌘C) to copy.");
  }
});
