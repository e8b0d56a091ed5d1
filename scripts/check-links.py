#!/usr/bin/env python3
"""Every relative link of the Markdown files under the given roots resolves.

    scripts/check-links.py DIR...

Checks `[text](target)` links whose target is a path (not `http(s):`, `mailto:` or a
bare `#anchor`): the file or directory must exist, relative to the Markdown file, and
inside its root (a packaged crate's README must not point out of the package: the link
would not resolve where the crate is published). Prints each broken link and ends with
`links: N passed, F failed`; exits 1 when any is broken.
"""

import re
import subprocess
import sys
from pathlib import Path

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_files(root: Path) -> list[Path]:
    """The Markdown files git tracks under root, or every one when it is no checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", "*.md"],
            check=True, capture_output=True, text=True,
        ).stdout
        files = [root / name for name in out.split("\0") if name]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    return sorted(root.rglob("*.md"))


def links(path: Path):
    """(line number, target) of each link outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            yield number, match.group(1)


def main() -> int:
    passed = failed = 0
    for arg in sys.argv[1:]:
        root = Path(arg).resolve()
        for md in markdown_files(root):
            for number, target in links(md):
                if re.match(r"^(https?:|mailto:|#)", target):
                    continue
                resolved = (md.parent / target.split("#", 1)[0]).resolve()
                inside = resolved == root or root in resolved.parents
                if resolved.exists() and inside:
                    passed += 1
                else:
                    failed += 1
                    why = "missing" if not resolved.exists() else f"outside {root.name}"
                    print(f"broken link {md.relative_to(root)}:{number}: {target} ({why})")
    print(f"links: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
