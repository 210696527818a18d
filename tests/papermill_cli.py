"""Run many ``papermill`` command lines cheaply, each as the typed command would run it.

Starting ``papermill`` costs about 2 s of imports before it does anything (most of it jsonschema's format
checkers, which nbformat imports); a bad chapter parameter then costs about 1 s more (the kernel, four
cells). This script imports papermill's CLI once, installs the start-up hook exactly as the installed
``mlp_report.pth`` does for a process started as ``papermill``, then runs each command line in a forked
child: the CLI's own ``main`` with that command line, stdout and stderr going to one file, an uncaught
exception handed to ``sys.excepthook`` and exit status 1, as the interpreter does for the typed command.
Nothing printed differs from the typed command (imports print nothing); tests/test_short_failures.py checks
that against typed runs.

    python tests/papermill_cli.py PAPERMILL_PATH RUNS.json     # RUNS: [{"args", "cwd", "output"}, ...]

Writes each run's exit status into ``RUNS.json`` (``"status"``). Not a test module.
"""

from __future__ import annotations

import json
import os
import sys


def main(papermill: str, runs_file: str) -> None:
    sys.argv = [papermill]
    import mlp_report_startup

    mlp_report_startup.install()  # what mlp_report.pth does at start-up in a process started as `papermill`
    from papermill.cli import papermill as cli

    with open(runs_file) as f:
        runs = json.load(f)
    for run in runs:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: the command line, as typed
            out = os.open(run["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.chdir(run["cwd"])
            sys.argv = [papermill, *run["args"]]
            try:
                cli.main(args=run["args"], prog_name="papermill")
                status = 0
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                sys.excepthook(*sys.exc_info())
                status = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        _, wait_status = os.waitpid(pid, 0)
        run["status"] = os.waitstatus_to_exitcode(wait_status)
    with open(runs_file, "w") as f:
        json.dump(runs, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
