// The search page: Pagefind's JS API, results with title, section, date,
// authors, excerpt and debate, filters by section, topic, author, year and
// language. The page works without this script: the form and a note remain.
const root = document.getElementById("search");
const strings = JSON.parse(root.dataset.strings);
const langs = JSON.parse(root.dataset.langs); // language name -> code
const pageLang = document.documentElement.lang;
const input = root.querySelector("#search-input");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const filterBox = root.querySelector(".search-filters");
const moreRow = root.querySelector(".search-more-row");
const FILTERS = ["section", "topic", "author", "year", "language"];
const PAGE = 20; // results shown at a time
// The index is in parts (one Pagefind bundle each, listed in parts.json):
// the first is loaded, the others merged into it (Pagefind's mergeIndex).
// Relative to the page, not to this script (dynamic imports resolve against the module).
const bundles = new URL(root.dataset.bundle, document.baseURI);
const { parts } = await (await fetch(new URL("parts.json", bundles))).json();
const pagefind = await import(new URL(`${parts[0]}/pagefind.js`, bundles).href);
// Result URLs are site-absolute; the site may live below a path.
const baseUrl = new URL(root.dataset.base, document.baseURI).pathname;
await pagefind.options({ excerptLength: 30, baseUrl });
for (const part of parts.slice(1)) {
  await pagefind.mergeIndex(new URL(`${part}/`, bundles).href, { excerptLength: 30, baseUrl });
}

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function buildFilters() {
  const available = await pagefind.filters();
  const fieldset = element("fieldset", {}, [element("legend", { textContent: strings.filters })]);
  const row = element("div", { className: "search-filter-row" });
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b, pageLang));
    if (name === "year") values.reverse(); // the latest first
    if (!values.length) continue;
    const select = element("select", { id: `filter-${name}`, name });
    select.append(element("option", { value: "", textContent: strings.all }));
    for (const value of values) select.append(element("option", { value, textContent: value }));
    select.addEventListener("change", () => run());
    const label = element("label", { htmlFor: select.id, textContent: strings[name] });
    row.append(element("div", { className: "search-filter" }, [label, select]));
  }
  fieldset.append(row);
  filterBox.append(fieldset);
  filterBox.hidden = false;
}

function chosenFilters() {
  const chosen = {};
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = select.value;
  }
  return chosen;
}

function render(data) {
  const meta = data.meta;
  const item = element("li", { className: "article-item search-result" });
  const lang = langs[data.filters?.language?.[0]];
  if (lang && lang !== pageLang) item.lang = lang;
  const link = element("a", { href: data.url, textContent: meta.title });
  item.append(element("h2", {}, [link]));
  const facts = [meta.section, meta.date, meta.authors].filter(Boolean).join(" · ");
  item.append(element("p", { className: "meta", textContent: facts }));
  const excerpt = element("p", { className: "excerpt" });
  excerpt.innerHTML = data.excerpt; // Pagefind escapes text and marks hits with <mark>
  item.append(excerpt);
  if (meta.debate) {
    item.append(element("p", { className: "debate-note", textContent: `${strings.debate}: ${meta.debate}` }));
  }
  return item;
}

let latest = 0;
let found = []; // the current search's results, not yet all shown
async function run() {
  const query = input.value.trim();
  const url = new URL(window.location);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
  const ticket = ++latest;
  if (!query) {
    found = [];
    list.replaceChildren();
    moreRow.hidden = true;
    status.textContent = "";
    return;
  }
  const search = await pagefind.search(query, { filters: chosenFilters() });
  if (ticket !== latest) return;
  const items = await page(search.results, 0);
  if (ticket !== latest) return;
  // Results, count and "more" change in one go: the old results stay until
  // the new are ready, and nothing is drawn in between.
  found = search.results;
  list.replaceChildren(...items);
  moreRow.hidden = list.children.length >= found.length;
  const n = found.length;
  status.textContent = n === 0 ? strings.none : (n === 1 ? strings.one : strings.many.replace("{n}", n));
}

// The next PAGE of results, from `shown` on, as list items.
async function page(results, shown) {
  const data = await Promise.all(results.slice(shown, shown + PAGE).map((r) => r.data()));
  return data.map(render);
}

async function showMore() {
  const ticket = latest;
  const items = await page(found, list.children.length);
  if (ticket !== latest) return 0;
  list.append(...items);
  moreRow.hidden = list.children.length >= found.length;
  return items.length;
}

// Typing searches once the typing pauses: each search rewrites the results
// and the status a screen reader announces.
let pause;
input.addEventListener("input", () => {
  clearTimeout(pause);
  pause = setTimeout(run, 250);
});
root.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(pause);
  run();
});
moreRow.querySelector("button").addEventListener("click", async () => {
  const first = list.children.length;
  if (await showMore()) list.children[first].querySelector("a").focus();
});
// The address's query (?q=) fills the field only if the reader has not
// typed into it while this script loaded; what the field holds is searched.
if (input.value === input.defaultValue) {
  input.value = new URL(window.location).searchParams.get("q") || input.value;
}
// The query's part of the index loads alongside the filters (Pagefind's
// preload); the filters are drawn first, so they never push results down.
if (input.value.trim()) pagefind.preload(input.value.trim());
await buildFilters();
run();
