// The header's search field: the link to the search page stays (narrow
// screens show it, search.css), and beside it a form that sends the query to
// the same page (?q=), its visible label the link's own word ("Søk").
for (const box of document.querySelectorAll(".site-search[data-button]")) {
  const link = box.querySelector("a");
  const id = "site-search-q";
  const form = Object.assign(document.createElement("form"), {
    action: link.href, method: "get", className: "site-search-form",
  });
  form.setAttribute("role", "search");
  const label = Object.assign(document.createElement("label"), {
    htmlFor: id, textContent: link.textContent.trim(),
  });
  const input = Object.assign(document.createElement("input"), {
    id, name: "q", type: "search", autocomplete: "off", enterKeyHint: "search",
  });
  // An arrow to see, the word to hear.
  const arrow = Object.assign(document.createElement("span"), { textContent: "→" });
  arrow.setAttribute("aria-hidden", "true");
  const name = Object.assign(document.createElement("span"), {
    className: "visually-hidden", textContent: box.dataset.button,
  });
  const button = Object.assign(document.createElement("button"), { type: "submit" });
  button.append(arrow, name);
  form.append(label, input, button);
  box.prepend(form);
  box.classList.add("has-field");
}
