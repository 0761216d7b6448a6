// The print pages' Print button (the content policy allows no inline script).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
