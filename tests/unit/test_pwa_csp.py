"""The PWA runs under a strict Content-Security-Policy (bdc/hardening.py): no inline script or
style, no inline event handlers, no eval, and text is never parsed as HTML."""

from __future__ import annotations

import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[2] / "pwa"
HTML_FILES = sorted(PWA.rglob("*.html"))
SCRIPTS = sorted(PWA.rglob("*.js"))


def test_html_has_no_inline_script_style_or_handlers():
    assert HTML_FILES
    for page in HTML_FILES:
        html = page.read_text()
        for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
            assert "src=" in script.group(1) and not script.group(2).strip(), page
        assert not re.search(r"<style\b", html, re.I), page
        assert not re.search(r"\sstyle\s*=", html, re.I), page
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), page
        assert "javascript:" not in html.lower(), page


def test_scripts_never_evaluate_text_or_parse_it_as_html():
    forbidden = re.compile(
        r"\beval\s*\(|new\s+Function\s*\(|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML"
        r"|document\.write|setAttribute\(\s*['\"](?:style|on[a-z]+)['\"]"
        r"|set(?:Timeout|Interval)\(\s*['\"`]"
        # h() sets unknown attributes with setAttribute: an inline style would be blocked.
        r"|[{,]\s*style\s*:(?!\s*['\"](?:percent|decimal|currency|unit)['\"])"  # not Intl's option
    )
    assert SCRIPTS
    for script in SCRIPTS:
        found = forbidden.search(script.read_text())
        assert found is None, (script, found and found.group(0))
