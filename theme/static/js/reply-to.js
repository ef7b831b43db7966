// The submission page, reached from an article's "Reply to this article"
// (?svar-til=<slug>): its commands and examples name that article instead of
// the example one. Text only: the slug is checked to be a slug and written
// with textContent's kin (text nodes), never as HTML. Without this script the
// page reads as written, with the example.
const slug = new URLSearchParams(location.search).get("svar-til");
if (slug && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) && slug.length <= 200) {
  const blocks = [...document.querySelectorAll("main code")];
  // The example is the slug the page's first `--reply-to` names.
  const example = blocks
    .map((code) => /--reply-to\s+([a-z0-9-]+)/.exec(code.textContent))
    .find(Boolean)?.[1];
  if (example && example !== slug) {
    for (const code of blocks) {
      const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeValue.includes(example)) {
          node.nodeValue = node.nodeValue.split(example).join(slug);
        }
      }
    }
  }
}
