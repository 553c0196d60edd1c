"""dairly.gfm.render is cmarkgfm's markdown_to_html_with_extensions with GitHub's options,
byte for byte, except that it gives back the memory cmark-gfm used: the first index
build renders every note, and a process that kept each note's tree and HTML grew by tens
of kilobytes a note."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from cmarkgfm.cmark import Options, markdown_to_html_with_extensions  # type: ignore[import-untyped]

from dairly.gfm import EXTENSIONS, render

TEXTS = (
    "",
    "# 笔记（2022.1.1）\n\n## 今日要点\n\n1. [文章](https://example.com/a)  :star:\n   - Tips: 要点\n",
    '<div align=center><img src="a.png">\n</div>\n\n<!-- never closed\n\n# hidden\n',
    "| a | b |\n| - | - |\n| 1 | ~2~ |\n\n- [ ] task\n- [x] done\n\nwww.example.com/路径 and https://x.io\n",
    "<script>alert(1)</script>\n\n<title>t</title> <b>bold</b> **strong** _em_\n\n    code\n",
    "caption\n---\n\n```py\nprint('é')\n```\n\r\nCRLF\r\nlines\r\n",
    "\ufeffBOM? no: \x00 NUL and \u2028 separators, 😀 astral\n",
)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("sourcepos", (False, True))
@pytest.mark.parametrize("unsafe", (False, True))
def test_render_is_cmarkgfm_with_githubs_options(text: str, sourcepos: bool, unsafe: bool) -> None:
    options = Options.CMARK_OPT_GITHUB_PRE_LANG
    options |= Options.CMARK_OPT_SOURCEPOS if sourcepos else 0
    options |= Options.CMARK_OPT_UNSAFE if unsafe else 0
    expected = markdown_to_html_with_extensions(text, options=options, extensions=list(EXTENSIONS))
    assert render(text, sourcepos=sourcepos, unsafe=unsafe) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="the resource module is Unix-only")
def test_rendering_many_notes_keeps_no_memory() -> None:
    # In a process of its own, so that what the rest of the suite allocated does not count.
    # 3,000 renders of a 6 KB note: kept trees and HTML would grow it by well over 100 MB.
    script = textwrap.dedent(
        """
        import resource
        from dairly.gfm import render

        entry = "1. [文章 paper](https://example.com/a)  :star::star:\\n   - Tips: 要点 **tips**\\n\\n"
        text = "# 笔记\\n\\n## 今日要点\\n\\n" + entry * 80
        render(text, sourcepos=True)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(3000):
            render(text, sourcepos=True)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
        """
    )
    grown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    growth_mb = int(grown) // 1024 if sys.platform == "darwin" else int(grown)  # macOS counts bytes, Linux KB
    assert growth_mb < 10
