// Certif's own behaviour, small and optional: every page works without it.
// After a refused save, the keyboard and the screen reader start at what went wrong.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
});
