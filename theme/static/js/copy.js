// "Cite this article": a button that copies the citation, where the browser
// has a clipboard. Without this script (or a clipboard) the text is there to
// select; nothing is shown that would not work.
if (navigator.clipboard) {
  for (const block of document.querySelectorAll(".cite-this[data-copy]")) {
    const text = block.querySelector(".citation-text");
    if (!text) continue;
    const button = Object.assign(document.createElement("button"), {
      type: "button", className: "cite-copy", textContent: block.dataset.copy,
    });
    // In the page from the start, so what is written into it later is read out.
    const status = Object.assign(document.createElement("span"), {
      className: "cite-copy-status",
    });
    status.setAttribute("role", "status");
    const actions = Object.assign(document.createElement("p"), {
      className: "cite-actions",
    });
    actions.append(button, " ", status);
    text.after(actions);
    button.addEventListener("click", async () => {
      status.textContent = "";
      const citation = text.textContent.replace(/\s+/g, " ").trim();
      try {
        await navigator.clipboard.writeText(citation);
        status.textContent = block.dataset.copied;
      } catch {
        status.textContent = block.dataset.copyFailed;
      }
    });
  }
}
