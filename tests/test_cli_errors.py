"""The start-up hook of ``papermill`` and ``jupyter-book`` typed on the command line (mlp_report.pth).

It is installed with the package (the build backend adds the ``.pth`` to every wheel, editable or not),
imported only by those two commands, and changes only how this project's one-line errors end them: other
errors keep the command's own report, and a run that succeeds prints what it printed without the hook
(``python -c '...papermill()'`` and ``python -c 'jupyter_book...main()'`` run the same CLIs without it: the
``.pth`` looks at the command line).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

import mlp_report_startup
from mlp_report.build.cli_errors import SHORT_ERRORS, short_form

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
UNHOOKED_JB = ["-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())"]
UNHOOKED_PAPERMILL = ["-c", "from papermill.cli import papermill; papermill()"]


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_short_errors_are_the_project_s_one_line_errors():
    bases = {}  # class name -> names of its bases, over the package's sources
    for path in (ROOT / "src" / "mlp_report").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    found, grown = set(), {"ShortError"}
    while grown:
        found |= grown
        grown = {name for name, of in bases.items() if of & found} - found
    assert found - {"ShortError"} == SHORT_ERRORS


def test_the_hook_is_installed_with_the_package_and_current():
    installed = Path(sysconfig.get_path("purelib")) / "mlp_report.pth"
    assert installed.is_file(), f"{installed} missing: run `make install` (the package's build backend adds it)"
    assert installed.read_text() == (ROOT / "src" / "mlp_report.pth").read_text()


def test_the_hook_is_imported_only_by_the_two_commands():
    done = subprocess.run([sys.executable, "-c", "import sys; print('mlp_report_startup' in sys.modules, sys.excepthook)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("False <built-in function excepthook>"), done.stdout
    assert [mlp_report_startup.command([p]) for p in ("/v/bin/papermill", "jupyter-book", "/v/bin/jb", "python", "-c")] == [
        "papermill", "jupyter-book", "jupyter-book", None, None]
    # python -m papermill: at start-up sys.argv is ["-m", ...] and sys.orig_argv names the module
    assert mlp_report_startup.command(["-m", "x.ipynb"], ["/v/bin/python", "-m", "papermill", "x.ipynb"]) == "papermill"
    assert mlp_report_startup.command(["-m", "papermill"], ["/v/bin/python", "-m", "pytest", "papermill"]) is None
    assert mlp_report_startup.command(["-m"], ["/v/bin/python", "-m"]) is None


def test_the_wheel_carries_the_hook(tmp_path):
    from mlp_report.build import downloads

    with zipfile.ZipFile(downloads.build_wheel(ROOT, tmp_path)) as zf:
        names = zf.namelist()
        record = zf.read(next(n for n in names if n.endswith(".dist-info/RECORD"))).decode()
        assert zf.read("mlp_report.pth") == (ROOT / "src" / "mlp_report.pth").read_bytes()
    assert "mlp_report_startup.py" in names and "mlp_report_backend.py" not in names
    assert "\nmlp_report.pth,sha256=" in record and record.rstrip().endswith("RECORD,,")


def _execution_error(ename: str, evalue: str):
    from papermill.exceptions import PapermillExecutionError

    return PapermillExecutionError(3, 3, "x = 1", ename, evalue, [f"{ename}: {evalue}"])


def test_short_form_only_for_the_project_s_errors_in_a_notebook():
    text = short_form("papermill", _execution_error("ConfigError", "epochs=0 is invalid: expected an integer >= 1."), None)
    assert _lines(text) == ["papermill: stopped", "ConfigError: epochs=0 is invalid: expected an integer >= 1."]
    assert short_form("papermill", _execution_error("ValueError", "boom"), None) is None
    other = _execution_error("ConfigError", "another library's")  # its traceback has frames: not ours
    other.traceback = ["Traceback (most recent call last):", "  File ...", "ConfigError: another library's"]
    assert short_form("papermill", other, None) is None
    assert short_form("papermill", KeyError("x"), None) is None
    assert short_form("jupyter-book", RuntimeError("x"), None) is None  # not raised in `jupyter-book build`
    assert short_form("other", _execution_error("ConfigError", "x"), None) is None


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_other_notebook_errors_keep_papermill_s_report(tmp_path):
    notebook = _notebook(tmp_path / "in.ipynb", "raise ValueError('boom')")
    done = subprocess.run([str(BIN / "papermill"), str(notebook), str(tmp_path / "out.ipynb")], cwd=tmp_path,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback (most recent call last)" in output, output
    assert "papermill.exceptions.PapermillExecutionError" in output and "ValueError: boom" in output, output
    assert "stopped at cell" not in output


@pytest.mark.slow
def test_a_papermill_run_that_succeeds_prints_what_it_printed_without_the_hook(tmp_path):
    notebook = _notebook(tmp_path / "in.ipynb", "print(x + 1)")
    outputs = []
    for command in ([str(BIN / "papermill")], [sys.executable, *UNHOOKED_PAPERMILL]):  # with, without the hook
        done = subprocess.run([*command, str(notebook), str(tmp_path / "out.ipynb"), "-p", "x", "2", "--no-progress-bar",
                               "--log-output"], cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        # without the kernel's own log lines: ipykernel logs "KeyboardInterrupt caught in kernel" at shutdown
        # in some runs and not in others, with or without the hook
        outputs.append("".join(line for line in (done.stdout + done.stderr).splitlines(keepends=True)
                               if not line.startswith("[IPKernelApp]")))
    assert "3" in outputs[0] and outputs[0] == outputs[1]


def _book(root: Path, config: str = "", toc: str = "format: jb-book\nroot: intro\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "intro.md").write_text("# Intro\n\nA page.\n")
    (root / "_toc.yml").write_text(toc)
    (root / "_config.yml").write_text(config or "title: A book\nexecute:\n  execute_notebooks: 'off'\n"
                                      "sphinx:\n  extra_extensions:\n    - mlp_report.build.sphinx_ext\n")
    return root


BAD_BOOKS = [
    ("config", 'title: "A book\nexecute:\n  execute_notebooks: off\nsphinx:\n  extra_extensions:\n    - mlp_report.build.sphinx_ext\n',
     "_config.yml, line 1: not valid YAML (while scanning a quoted scalar: found unexpected end of stream): fix that line."),
    ("config", "title: A book\nonly_build_toc_files: [1, 2]\nsphinx:\n  extra_extensions:\n    - mlp_report.build.sphinx_ext\n",
     "_config.yml, line 2: `only_build_toc_files`: expected true or false, got [1, 2]: fix that value."),
    ("config", "title: A book\nexecute:\n  timeout: soon\nsphinx:\n  extra_extensions:\n    - mlp_report.build.sphinx_ext\n",
     "_config.yml, line 3: `execute.timeout`: expected a number, got 'soon': fix that value."),
    ("toc", "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/missing\n",
     "_toc.yml, line 4: 'chapters/missing' names no file ("),
]


@pytest.mark.slow
@pytest.mark.parametrize("which, text, expected", BAD_BOOKS, ids=["yaml", "type", "schema-type", "toc-file"])
def test_jupyter_book_build_typed_names_the_file_and_line_last(tmp_path, which, text, expected):
    root = _book(tmp_path / "book", **{which: text})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_CACHE": str(tmp_path / "c")}
    done = subprocess.run([str(BIN / "jupyter-book"), "build", "."], cwd=root, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    lines = _lines(done.stdout + done.stderr)
    # a key of Jupyter Book's schema: before any extension loads, Jupyter Book prints its own 7-line warning
    # box and Sphinx a warning about the same value, and builds on (the book's extension then stops it)
    assert done.returncode == 1 and len(lines) <= (20 if any("Validation errors in config" in line for line in lines) else 15), lines
    assert expected in lines[-1] and str(root) in lines[-1], lines[-1]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_jupyter_book_build_that_succeeds_prints_what_it_printed_without_the_hook(tmp_path):
    root = _book(tmp_path / "book")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_CACHE": str(tmp_path / "c"),
           "PYTHONHASHSEED": "0"}  # myst prints a set of its extensions, in hash order
    outputs = []
    for command in ([str(BIN / "jupyter-book")], [sys.executable, *UNHOOKED_JB]):  # with, without the hook
        subprocess.run(["rm", "-rf", str(root / "_build")], check=True)
        done = subprocess.run([*command, "build", "."], cwd=root, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(done.stdout + done.stderr)
    assert "build succeeded" in outputs[0] and outputs[0] == outputs[1]
