"""The feed's HTML: rendered by cmark-gfm as GitHub renders the note, sanitized by nh3 for
feed readers (no script, frame, event handler, `javascript:` or `data:` URL), its relative
links and pictures made absolute on the parsed attributes, quoted or not."""

from __future__ import annotations

import datetime

from dairly.commands.feed import note_html
from dairly.config import Settings
from dairly.notes.note import parse_note

BASE = "https://github.com/someone/notes/blob/main/"


def html_of(*body: str) -> str:
    text = "\n".join(["# 笔记（2022.1.1）", "", "## 今日要点", "", *body]) + "\n"
    record = parse_note("notes/202201/0101.md", datetime.date(2022, 1, 1), text, Settings())
    return note_html(record, BASE)


def test_raw_html_that_runs_never_reaches_the_feed():
    html = html_of(
        "1. [文章 A paper](https://arxiv.org/abs/1)  :star:",
        '   - Tips: <script>alert(1)</script> <iframe src="https://evil.example"></iframe> 脚本',
        '   - Code: <a href="javascript:alert(1)">点我 click</a> [md](javascript:alert(2))',
        '   - Demo: <img src="data:image/png;base64,AAAA"> <img src="a.png" onerror="alert(3)"> 图',
        "   <div onclick=alert(4)>居中 centred</div>",
    )
    assert html == (
        '<ol>\n<li><a href="https://arxiv.org/abs/1">文章 A paper</a>  ⭐\n<ul>\n'
        '<li>Tips: &lt;script&gt;alert(1)&lt;/script&gt; &lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;'
        " 脚本</li>\n"
        "<li>Code: <a>点我 click</a> <a>md</a></li>\n"
        f'<li>Demo: <img> <img src="{BASE}notes/202201/a.png?raw=true"> 图</li>\n'
        "</ul>\n<div>居中 centred</div>\n</li>\n</ol>\n"
    )


def test_unquoted_picture_sources_get_raw_true_inside_the_attribute():
    html = html_of(
        "1. [文章 A paper](https://arxiv.org/abs/1)",
        "",
        "   <div align=center><img src=pic.png width=300></div>",
        "",
        "   - Tips: ![图 chart](./images/chart.png) [昨天 yesterday](../202112/1231.md)",
    )
    assert f'<div align="center"><img src="{BASE}notes/202201/pic.png?raw=true" width="300"></div>' in html
    assert f'<img src="{BASE}notes/202201/images/chart.png?raw=true" alt="图 chart">' in html
    assert f'<a href="{BASE}notes/202112/1231.md">昨天 yesterday</a>' in html
