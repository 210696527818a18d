"""The package's log filters: a kernel's shutdown noise is dropped, every other error still logged."""

from __future__ import annotations

import errno
import logging
import threading

import pytest
import zmq
from ipykernel.iostream import IOPubThread

import mlp_report  # noqa: F401  (importing the package installs the filters, as a chapter's kernel does)


@pytest.fixture
def records():
    """What the filtered loggers pass on to their handlers during the test (enabled, at every level, whatever
    an earlier test's logging configuration did to them)."""
    caught: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record):
            caught.append(record)

    handler = Catch()
    loggers = [logging.getLogger(name) for name in ("tornado.general", "tornado.application", "IPKernelApp")]
    saved = [(logger.disabled, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.disabled = False
        logger.setLevel(logging.DEBUG)
    yield caught
    for logger, (disabled, level) in zip(loggers, saved, strict=True):
        logger.removeHandler(handler)
        logger.disabled = disabled
        logger.setLevel(level)


def _log_uncaught(logger: str, work) -> None:
    """Run ``work`` and log its exception as tornado logs a callback's (``exc_info=True``)."""
    try:
        work()
    except Exception:
        logging.getLogger(logger).error("Uncaught exception in ZMQStream callback", exc_info=True)


@pytest.fixture
def iopub():
    """ipykernel's IOPub thread object with its thread alive and this thread's event pipe already closed: the
    state its control thread meets when the main thread's shutdown closes the pipes between the thread's
    liveness check and the send. (A stand-in thread keeps it alive, so no event loop runs.)"""
    context = zmq.Context()
    iopub = IOPubThread(context.socket(zmq.PUB))
    done = threading.Event()
    iopub.thread = threading.Thread(target=done.wait, daemon=True)
    iopub.thread.start()
    iopub._event_pipe.close()
    yield iopub
    done.set()
    iopub.thread.join()
    iopub._event_puller.close()
    iopub.close()
    iopub.io_loop.close(all_fds=True)
    context.term()


@pytest.mark.parametrize("logger", ["tornado.general", "tornado.application"])
def test_ipykernel_shutdown_race_is_not_logged(records, iopub, logger):
    def flush():
        iopub.schedule(lambda: None)  # what sys.stdout.flush() does in the kernel

    with pytest.raises(zmq.ZMQError) as raised:
        flush()
    assert raised.value.errno == errno.ENOTSOCK  # the real race, reproduced
    _log_uncaught(logger, flush)
    assert records == []


def test_other_errors_are_still_logged(records, iopub):
    def other_zmq_error():
        raise zmq.ZMQError(errno.EAGAIN)

    def notsock_elsewhere():  # the same errno, but not from ipykernel's IOPub pipe
        raise zmq.ZMQError(errno.ENOTSOCK)

    for work in (other_zmq_error, notsock_elsewhere, lambda: 1 / 0):
        _log_uncaught("tornado.general", work)
    logging.getLogger("tornado.general").error("no exception at all")
    assert [r.exc_info[1].__class__.__name__ if r.exc_info else None for r in records] == [
        "ZMQError", "ZMQError", "ZeroDivisionError", None]


def test_the_interrupt_before_shutdown_is_not_logged_and_other_kernel_errors_are(records):
    kernel = logging.getLogger("IPKernelApp")
    kernel.error("KeyboardInterrupt caught in kernel.")  # in a request's handler
    kernel.error("KeyboardInterrupt caught in kernel")  # in the event loop
    kernel.error("Exception in message handler:")
    kernel.warning("Unknown message type: %r", "foo")
    assert [r.getMessage() for r in records] == ["Exception in message handler:", "Unknown message type: 'foo'"]


def test_installing_twice_adds_one_filter():
    from mlp_report import quiet

    quiet.install()
    quiet.install()
    for name, kind in quiet._FILTERS.items():
        assert sum(isinstance(f, kind) for f in logging.getLogger(name).filters) == 1
