"""A live preview of the book: ``make preview`` serves it on loopback and rebuilds it on every save.

`sphinx-autobuild <https://github.com/sphinx-doc/sphinx-autobuild>`_ watches the checkout (chapters,
``src/``, ``_config.yml``, ``_toc.yml``), rebuilds with Sphinx and reloads the page in the browser. The
Sphinx configuration is the book's own, written by ``jupyter-book config sphinx`` into
``_build/preview/conf/`` (never into the checkout), so the build is ``jupyter-book build``'s: the
extension :mod:`mlp_report.build.sphinx_ext` stages the chapters with papermill when a build starts and
executes again only the chapters whose text, package code or inputs changed (the incremental staging of
:mod:`mlp_report.build.book`); Sphinx re-renders only the pages whose executed notebook changed.

    python -m mlp_report.build.preview --profile quick --port 8000 [--open-browser]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..paths import project_root
from ..profiles import PROFILE_NAMES

# what a build writes (or an editor leaves) under the checkout: watching it would rebuild forever
IGNORED = (".cache", "_build", ".git", ".venv", "node_modules", ".pytest_cache", ".ruff_cache", ".jupyter",
           "artifacts", "tests", "benchmarks", "tools", "__pycache__", ".ipynb_checkpoints")
IGNORED_PATTERNS = (r"\.ipynb$", r"\.pyc$", r"~$", r"\.sw.$", r"\.tmp$", r"/\.#[^/]*$", r"/__pycache__/",
                    r"/\.ipynb_checkpoints/")


def write_conf(root: Path, folder: Path) -> Path:
    """The book's Sphinx ``conf.py``, as ``jupyter-book build`` configures Sphinx, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "_config.yml", folder / "_config.yml")
    cli = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(cli), "config", "sphinx", str(root), "--config", str(folder / "_config.yml"), "--toc", str(root / "_toc.yml")],
        check=True, stdout=subprocess.DEVNULL,
    )
    return folder / "conf.py"


def command(root: Path, output: Path, conf: Path, *, host: str, port: int, open_browser: bool) -> list[str]:
    """The ``sphinx-autobuild`` command line serving ``output`` built from ``root``."""
    cmd = [str(Path(sys.executable).with_name("sphinx-autobuild")), str(root), str(output / "html"),
           "-c", str(conf.parent), "-d", str(output / "doctrees"), "--host", host, "--port", str(port), "-q"]
    for name in IGNORED:
        cmd += ["--ignore", str(root / name)]
    for pattern in IGNORED_PATTERNS:
        cmd += ["--re-ignore", pattern]
    if open_browser:
        cmd.append("--open-browser")
    return cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default=os.environ.get("MLP_REPORT_PROFILE") or "full", choices=PROFILE_NAMES)
    parser.add_argument("--host", default="127.0.0.1", help="the address to serve on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--open-browser", action="store_true")
    args = parser.parse_args(argv)
    root = project_root()
    output = root / "_build" / "preview"
    conf = write_conf(root, output / "conf")
    os.environ["MLP_REPORT_PROFILE"] = args.profile
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    cmd = command(root, output, conf, host=args.host, port=args.port, open_browser=args.open_browser)
    print(f"Preview of the {args.profile} book on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.run(cmd, check=False).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
