"""A build's bytes do not depend on the process that made them.

Pelican collects the files it reads in a set, whose order follows the
process's string hashing (``PYTHONHASHSEED``): articles of the same date and a
page's translations came out in a different order from one run to the next.
Two builds of the same content in processes with different hash seeds must
write the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SETTINGS, output_differences

BUILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from pelican.plugins.replikk.build import build\n"
    "content, output = sys.argv[1:3]\n"
    "result = build(Path(sys.argv[3]), {'PATH': content, 'OUTPUT_PATH': output,"
    " 'REPLIKK_PROCESSES': 1})\n"
    "assert not result.problems.errors, result.problems.report(Path(content))\n"
)


def _build_with_seed(content: Path, output: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(content), str(output), str(SETTINGS)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_same_bytes_whatever_the_hash_seed(content, tmp_path: Path) -> None:
    # Six articles on one day, and a page in three languages.
    for n in range(6):
        content.article(f"innlegg-{n}", Date="2024-05-01")
    pages = content.root / "pages"
    pages.mkdir()
    for lang, suffix in (("nb", ""), ("nn", "-nn"), ("en", "-en")):
        (pages / f"om{suffix}.md").write_text(
            f"Title: Om {lang}\nSlug: om\nLang: {lang}\n\nTekst.\n", encoding="utf-8"
        )
    outputs = []
    for seed in ("1", "2", "3", "4"):
        output = tmp_path / f"output-{seed}"
        _build_with_seed(content.root, output, seed)
        outputs.append(output)
    for other in outputs[1:]:
        assert output_differences(outputs[0], other) == []
