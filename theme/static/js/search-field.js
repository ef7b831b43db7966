// Turn the header's link to the search page into a search field.
for (const box of document.querySelectorAll(".site-search")) {
  const link = box.querySelector("a");
  const form = document.createElement("form");
  form.role = "search";
  form.action = link.href;
  form.method = "get";
  const id = "site-search-q";
  const label = Object.assign(document.createElement("label"), {
    htmlFor: id, textContent: box.dataset.label, className: "visually-hidden",
  });
  const input = Object.assign(document.createElement("input"), {
    id, name: "q", type: "search", autocomplete: "off",
  });
  const button = Object.assign(document.createElement("button"), {
    type: "submit", textContent: box.dataset.button,
  });
  form.append(label, input, button);
  link.replaceWith(form);
}
