/* Homeward — small page behaviours; every page works without them.
 *
 * - A form is sent once: after the first submit its buttons are disabled, and a second
 *   submit (double click, Enter pressed twice) is ignored. htmx forms use hx-disabled-elt;
 *   a form that stays on the page (a download) opts out with data-resubmit.
 * - A submit button with data-confirm asks first (irreversible steps).
 * - <details data-collapse-narrow open> starts closed on phones (filters).
 */
(function () {
  "use strict";

  var NARROW = "(max-width: 700px)";

  function submitButtons(form) {
    var inside = Array.prototype.slice.call(
      form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]")
    );
    var outside = form.id
      ? Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"]'))
      : [];
    return inside.concat(outside);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx (and any other script) that takes the submit over has prevented it already.
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) {
      return;
    }
    if ("resubmit" in form.dataset) {
      return;
    }
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    var question = submitter && submitter.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has read the form: a disabled submitter would drop its
    // name and value (the language switch sends them).
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.disabledOnSubmit = "true";
        }
      });
    }, 0);
  });

  // Coming back with the browser's back button shows the page as it was left: usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.removeAttribute("aria-busy");
      submitButtons(form).forEach(function (button) {
        if (button.dataset.disabledOnSubmit) {
          button.disabled = false;
          delete button.dataset.disabledOnSubmit;
        }
      });
    });
  });

  if (window.matchMedia && window.matchMedia(NARROW).matches) {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
      details.open = false;
    });
  }
})();
