"""`dairly preview`: Markdown files shown as GitHub shows them, offline.

githtml.py renders one file (pure: text in, HTML out), emoji.py knows GitHub's shortcodes,
site.py turns the repository's files into pages (served or written), server.py serves them
on 127.0.0.1 with the standard library. static/ holds the stylesheet and the reload script.
"""
