"""A deterministic generator of synthetic debate archives for the benchmark.

``generate(root, n, seed)`` writes a content folder in the real format:
articles under ``artikler/<year>/``, author profiles under ``authors/``. Each
article has the metadata of the content format and a ~900-word Norwegian body
with «quotes» and "straight quotes", two or three subheadings, a pull quote,
in-text citations and 6–8 references with DOIs. About a third are replies, in
debates of realistic shapes: chains (the author answers back), several replies
to one article, a few replies to two articles. Replies name their target by
slug or, sometimes, by DOI, and are always dated after it.

The same ``(n, seed)`` always gives byte-identical files.
Run as ``python benchmarks/synth.py OUT --articles N`` to write one by hand.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST = _split(
    "Anders Astrid Bjørn Camilla Dag Eirik Elin Frode Gunnhild Guri Halvard"
    " Hanne Ingrid Ivar Jørgen Kari Kjersti Knut Kristoffer Lars Liv Marit "
    "Marte Nils Ola Petter Ragnhild Sigrid Solveig Stein Torbjørn Tove "
    "Trond Ulrike Vegard Åse Øystein Håkon Mari Sindre"
)
LAST = _split(
    "Aasen Bakke Berg Brekke Brenna Dahl Eikeland Fjeld Haugland Helland "
    "Holm Holmefjord Johansen Kristiansen Larsen Lunde Lyngstad Moen Nygård"
    " Olsen Pedersen Rørvik Solbakk Solvang Strand Sæther Tveit Vik Wold "
    "Øien Ødegård Åsheim Myklebust Hovland Nilsen"
)
PLACES = _split(
    "Universitetet i Oslo;Universitetet i Bergen;NTNU;"
    "UiT Norges arktiske universitet;Oslo universitetssykehus;"
    "Haukeland universitetssjukehus;St. Olavs hospital;"
    "Universitetssykehuset Nord-Norge;Folkehelseinstituttet;"
    "Nasjonalt senter for distriktsmedisin;Stavanger universitetssjukehus;"
    "Legesenteret i Vågå;Helse Førde;Sykehuset Innlandet",
    ";",
)
TOPICS = _split(
    "fastlege legevakt ryggsmerter antibiotika screening psykiatri rus "
    "eldremedisin sykehjem pasientsikkerhet kvalitet finansiering "
    "prioritering digitalisering journal kunstig-intelligens forskning "
    "metode replikasjon statistikk utdanning spesialisering turnus "
    "distriktsmedisin organisering arbeidsliv sykmelding trening ernæring "
    "overvekt diabetes hjertesvikt kreft palliasjon barn ungdom graviditet "
    "vaksiner smittevern etikk samtykke tvang helsepolitikk ventetid "
    "akuttmedisin ambulanse radiologi laboratorium legemidler "
    "overdiagnostikk kommunehelsetjeneste"
)
SUBJECTS = _split(
    "Fastlegeordningen;Legevakta;Ryggpasienten;Screeningprogrammet;"
    "Sykehjemmet;Forskningen;Kvalitetsregisteret;Turnustjenesten;"
    "Prioriteringsdebatten;Den digitale journalen;Antibiotikabruken;"
    "Distriktsmedisinen;Helsepolitikken;Pasientsikkerheten;"
    "Spesialiseringen",
    ";",
)
PREDICATES = _split(
    "trenger flere hender;er ikke fienden;må slippe papirarbeidet;"
    "fortjener bedre data;er mer enn gode råd;handler om tillit;"
    "kan ikke styres fra Oslo;må måles riktig;er en del av vitenskapen;"
    "står ved et veiskille;koster mer enn vi tror;trenger en ny retning;"
    "er ikke en særnorsk sak;må bygges nedenfra;har glemt pasienten",
    ";",
)
REPLY_TITLES = _split(
    "Svar til {who};Et tilsvar om {topic};{who} tar feil om {topic};"
    "Mer om {topic};Når {topic} blir et argument;{topic}: et svar",
    ";",
)
WORDS = _split(
    "pasienter leger sykehus kommunen tjenesten behandling diagnostikk "
    "forskning studier data kvalitet tid ressurser ansvar tillit kunnskap "
    "praksis erfaring oppfølging kontinuitet vurdering risiko nytte kostnad"
    " prioritering helsepersonell sykepleiere fastlegen "
    "spesialisthelsetjenesten primærhelsetjenesten myndighetene "
    "direktoratet forskerne klinikerne debatten argumentet resultatene "
    "utvalget metoden konklusjonen"
)
VERBS = _split(
    "viser tyder på understreker svekker styrker utfordrer endrer bekrefter"
    " overser undervurderer forklarer krever"
)
ADJECTIVES = _split(
    "viktig avgjørende usikker tydelig klinisk systematisk lokal nasjonal "
    "langsiktig nødvendig kostbar forsvarlig"
)
JOURNALS = _split(
    "Tidsskr Nor Legeforen;BMJ;Lancet;Scand J Prim Health Care;"
    "BMC Health Serv Res;Fam Pract;JAMA;N Engl J Med;Br J Gen Pract",
    ";",
)
TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})


@dataclass
class Article:
    index: int
    slug: str
    title: str
    date: datetime
    authors: list[str]
    doi: str
    tags: list[str]
    targets: list[Article] = field(default_factory=list)
    by_doi: bool = False

    @property
    def year(self) -> int:
        return self.date.year


@dataclass
class Summary:
    """What was written, for the benchmark's table and the tests."""

    articles: int
    replies: int
    two_targets: int
    authors: int
    files: list[Path]


def slugify(text: str) -> str:
    ascii_text = text.lower().translate(TRANSLIT)
    kept = "".join(c if c.isalnum() and c.isascii() else " " for c in ascii_text)
    return "-".join(kept.split())


def _authors(rng: random.Random, n: int) -> list[str]:
    """About one author for every 2.5 articles, names unique."""
    wanted = max(10, int(n / 2.5))
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < wanted:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            initial = chr(65 + len(names) % 26)
            name = f"{rng.choice(FIRST)} {initial}. {rng.choice(LAST)}"
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
    return names


def _plan(rng: random.Random, n: int) -> list[Article]:
    """Articles in date order, with debate links; every target comes earlier."""
    names = _authors(rng, n)
    start = datetime(2026 - max(1, n // 900), 1, 5, 8, 0)
    step = timedelta(hours=9, minutes=37)  # ~900 articles a year
    articles: list[Article] = []
    for i in range(n):
        date = start + i * step
        date = date.replace(minute=0) + timedelta(minutes=rng.randrange(0, 60, 5))
        authors = rng.sample(names, rng.choice((1, 1, 1, 2, 2, 3)))
        doi = f"10.5555/replikk.{date.year}.{i + 1:05d}"
        tags = sorted(rng.sample(TOPICS, rng.randint(2, 4)))
        article = Article(i, "", "", date, authors, doi, tags)
        recent = articles[-60:]
        if recent and rng.random() < 1 / 3:
            _choose_targets(rng, article, recent)
        if article.targets:
            target = article.targets[0]
            who = target.authors[0].split()[-1]
            title = rng.choice(REPLY_TITLES).format(
                who=who, topic=target.tags[0].replace("-", " ")
            )
            article.tags = sorted(set(target.tags[:2]) | set(tags[:1]))
        else:
            title = f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}"
        article.title = title[0].upper() + title[1:]
        article.slug = f"{slugify(title)}-{i + 1}"
        articles.append(article)
    return articles


def _choose_targets(rng: random.Random, article: Article, recent: list[Article]):
    roll = rng.random()
    if roll < 0.45:
        # A chain: answer the latest reply, often by the target's own author.
        replies = [a for a in recent if a.targets]
        target = rng.choice(replies[-5:]) if replies else rng.choice(recent)
        if target.targets and rng.random() < 0.5:
            article.authors = list(target.targets[0].authors)
    elif roll < 0.92:
        # Several replies to one article: pick among the few recent originals.
        originals = [a for a in recent if not a.targets]
        target = rng.choice(originals[-4:]) if originals else rng.choice(recent)
    else:
        first, second = rng.sample(recent, 2) if len(recent) > 1 else (recent[0],) * 2
        article.targets = [first] if first is second else [first, second]
        article.by_doi = rng.random() < 0.2
        return
    article.targets = [target]
    article.by_doi = rng.random() < 0.2


def _sentence(rng: random.Random) -> str:
    words = [
        rng.choice(WORDS),
        rng.choice(VERBS),
        "at",
        rng.choice(WORDS),
        "er",
        rng.choice(ADJECTIVES),
        "for",
        rng.choice(WORDS),
        "og",
        rng.choice(WORDS),
    ]
    roll = rng.random()
    if roll < 0.12:
        words.insert(3, f"«{rng.choice(ADJECTIVES)} {rng.choice(WORDS)}»")
    elif roll < 0.2:
        words.insert(3, f'"{rng.choice(WORDS)} {rng.choice(VERBS)}"')
    elif roll < 0.26:
        words.insert(0, "Ifølge «" + rng.choice(SUBJECTS).lower() + "»")
    if rng.random() < 0.3:
        words += ["i", rng.choice(("2019", "2021", "2023", "distriktene", "byene"))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))


def _paragraph(rng: random.Random, citations: int, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        sentence = _sentence(rng)
        if rng.random() < 0.15:
            cited = sorted(rng.sample(range(1, citations + 1), rng.choice((1, 1, 2))))
            sentence = f"{sentence[:-1]} ({', '.join(map(str, cited))}){sentence[-1]}"
        parts.append(sentence)
    return " ".join(parts)


def _initials(name: str) -> str:
    *first, last = name.split()
    return f"{last} {''.join(p[0] for p in first if p[0].isalpha())}"


def _reference(rng: random.Random, number: int) -> str:
    authors = ", ".join(
        f"{rng.choice(LAST)} {rng.choice(FIRST)[0]}" for _ in range(rng.randint(1, 3))
    )
    year = rng.randint(1995, 2024)
    title = f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}"
    journal = rng.choice(JOURNALS)
    volume = rng.randint(10, 400)
    page = rng.randint(1, 2000)
    doi = f"10.5555/ext.{year}.{rng.randint(1000, 99999)}"
    return (
        f"{number}. {authors}. {title}. {journal} {year}; {volume}: {page}–"
        f"{page + rng.randint(2, 12)}. doi: {doi}"
    )


def _body(rng: random.Random, article: Article) -> str:
    count = rng.randint(6, 8)
    references = []
    for number, target in enumerate(article.targets, start=1):
        references.append(
            f"{number}. {_initials(target.authors[0])}. {target.title}."
            f" Replikk {target.year}. doi: {target.doi}"
        )
    references += [_reference(rng, n) for n in range(len(references) + 1, count + 1)]
    opening = _paragraph(rng, count, 5)
    if article.targets:
        names = " og ".join(t.authors[0] for t in article.targets)
        cites = ", ".join(str(i) for i in range(1, len(article.targets) + 1))
        quoted = article.targets[0].title.lower()
        opening = f"{names} skriver i Replikk at «{quoted}» ({cites}). {opening}"
    blocks = [opening, _paragraph(rng, count, 6)]
    headings = rng.sample(
        [
            "Hva sier dataene?",
            "Et spørsmål om prioritering",
            "Erfaringer fra klinikken",
            "Hva bør skje nå?",
            "Et annet perspektiv",
            "Kostnadene vi ikke ser",
        ],
        rng.randint(2, 3),
    )
    pull_at = rng.randrange(len(headings))
    for h, heading in enumerate(headings):
        blocks.append(f"## {heading}")
        for _ in range(rng.randint(2, 3)):
            blocks.append(_paragraph(rng, count, rng.randint(6, 8)))
        if h == pull_at:
            blocks.append(f"::: pullquote\n{_sentence(rng)}\n:::")
    blocks.append("## Referanser")
    blocks.append("\n".join(references))
    return "\n\n".join(blocks)


def _article_text(rng: random.Random, article: Article) -> str:
    received = (article.date - timedelta(days=rng.randint(10, 40))).date()
    accepted = (article.date - timedelta(days=rng.randint(1, 9))).date()
    meta = {
        "Title": article.title,
        "Date": f"{article.date:%Y-%m-%d %H:%M}",
        "Slug": article.slug,
        "Category": "Debatt",
        "Tags": ", ".join(article.tags),
        "Lang": "nb",
        "Authors": "; ".join(article.authors),
    }
    if article.targets:
        meta["Reply_to"] = ", ".join(
            f"doi:{t.doi}" if article.by_doi else t.slug for t in article.targets
        )
    meta |= {
        "Summary": _sentence(rng),
        "DOI": article.doi,
        "Received": f"{received:%Y-%m-%d}",
        "Accepted": f"{accepted:%Y-%m-%d}",
        "Competing_interests": "Forfatteren oppgir ingen interessekonflikter.",
    }
    header = "\n".join(f"{k}: {v}" for k, v in meta.items())
    return f"{header}\n\n{_body(rng, article)}\n"


def _profile_text(rng: random.Random, name: str) -> str:
    places = "; ".join(rng.sample(PLACES, rng.choice((1, 1, 2))))
    email = f"{slugify(name).replace('-', '.')}@example.org"
    return (
        f"Name: {name}\nEmail: {email}\nAffiliation: {places}\n\n"
        f"{name} er lege og skriver om {rng.choice(TOPICS).replace('-', ' ')}.\n"
    )


def generate(root: Path, n: int, seed: int = 2024) -> Summary:
    """Write a synthetic archive of ``n`` articles into ``root`` (emptied first)."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(f"replikk-{seed}-{n}")
    articles = _plan(rng, n)
    files: list[Path] = []
    for article in articles:
        path = root / "artikler" / str(article.year) / f"{article.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_article_text(rng, article), encoding="utf-8")
        files.append(path)
    authors = sorted({a for article in articles for a in article.authors})
    (root / "authors").mkdir(parents=True, exist_ok=True)
    for name in authors:
        path = root / "authors" / f"{slugify(name)}.md"
        path.write_text(_profile_text(rng, name), encoding="utf-8")
        files.append(path)
    return Summary(
        articles=n,
        replies=sum(1 for a in articles if a.targets),
        two_targets=sum(1 for a in articles if len(a.targets) > 1),
        authors=len(authors),
        files=files,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    summary = generate(args.output, args.articles, args.seed)
    print(
        f"{summary.articles} articles ({summary.replies} replies,"
        f" {summary.two_targets} to two articles), {summary.authors} authors"
        f" in {args.output}"
    )


if __name__ == "__main__":
    main()
