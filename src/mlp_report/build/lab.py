"""JupyterLab's contents manager for this repository (``.jupyter/jupyter_server_config.json``, ``make lab``).

Jupytext's contents manager, with one change: a text notebook that does not say which language it holds
(the chapters' ``.md`` files keep no ``language_info``, which depends on the Python version) is served
with the ``language_info`` the Python kernel will report. Otherwise JupyterLab writes the kernel's
``language_info`` into the notebook when the kernel starts, which marks a chapter *modified* the moment
it opens, and autosave (or a habitual Ctrl-S) then rewrites it. Saving still drops ``language_info`` from
the ``.md`` (Jupytext's metadata filter), so the text notebook stays byte for byte as it was.
"""

from __future__ import annotations

import copy
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class


def python_language_info() -> dict[str, Any]:
    """What this environment's IPython kernel reports as ``language_info`` (ipykernel's own value)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


class ContentsManager(build_async_jupytext_contents_manager_class(AsyncLargeFileManager)):
    """Jupytext's contents manager; notebooks without ``language_info`` get the Python kernel's."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        notebook = model.get("content") if model.get("type") == "notebook" else None
        if notebook is not None and "metadata" in notebook:
            kernel = (notebook["metadata"].get("kernelspec") or {}).get("language", "python")
            if kernel == "python" and not notebook["metadata"].get("language_info"):
                notebook["metadata"]["language_info"] = python_language_info()
        return model
