"""The connection's lifecycle, in one table (as h11's ``_state.py``).

A :class:`~.connection.Connection` moves through the :class:`Phase` values only by the
:class:`Step` transitions of :data:`TRANSITIONS`; every other combination is refused with
:class:`LifecycleError` (a bug in the library, never the peer's doing: a peer's violation is a
``FAIL`` step).  What a phase means for the rest of the connection is :data:`PHASES`:

==================  ===========  ========  ===========  ==========  ====================
phase               ``state``    can send  reads input  fast path   closes the transport
==================  ===========  ========  ===========  ==========  ====================
``CONNECTING``      CONNECTING   no        yes          no          no
``OPEN``            OPEN         yes       yes          yes         no
``CLOSE_SENT``      CLOSING      no        yes          unchanged   no
``CLOSE_RECEIVED``  CLOSING      no        no           no          server: yes (§7.1.1)
``FAILED``          CLOSING      no        no           no          yes
``CLOSED``          CLOSED       no        no           no          yes
==================  ===========  ========  ===========  ==========  ====================

``state`` is the coarse :class:`State` (the WebSocket ``readyState`` values); the fast path is
also off while a fragmented message is being assembled, which is the parser's business, not
the lifecycle's.  :func:`ready_state` is the view an API object reports (the WebSocket
interface's ``readyState``): the protocol's state, with OPEN and CLOSED only once the session
has reported them.

Allowed transitions (:data:`TRANSITIONS`; any other raises :class:`LifecycleError`)::

    CONNECTING --OPENED--> OPEN            CONNECTING --HANDSHAKE_FAILED--> CLOSED
    OPEN --SEND_CLOSE--> CLOSE_SENT        OPEN, CLOSE_SENT --RECEIVE_CLOSE--> CLOSE_RECEIVED
    OPEN, CLOSE_SENT, CLOSE_RECEIVED --FAIL--> FAILED
    OPEN, CLOSE_SENT, CLOSE_RECEIVED, FAILED, CLOSED --EOF--> CLOSED
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final, NamedTuple

__all__ = [
    "CLOSED",
    "CLOSING",
    "CONNECTING",
    "OPEN",
    "PHASES",
    "TRANSITIONS",
    "LifecycleError",
    "Phase",
    "PhaseTraits",
    "State",
    "Step",
    "next_phase",
    "ready_state",
]


class State(IntEnum):
    """Connection states; the values match ``WebSocket.readyState`` (and its constants)."""

    CONNECTING = 0
    OPEN = 1
    CLOSING = 2
    CLOSED = 3


CONNECTING: Final = State.CONNECTING
OPEN: Final = State.OPEN
CLOSING: Final = State.CLOSING
CLOSED: Final = State.CLOSED


class Phase(IntEnum):
    """Where the connection is in its lifecycle (finer than :class:`State`)."""

    CONNECTING = 0  #: the opening handshake is under way
    OPEN = 1  #: data flows both ways
    CLOSE_SENT = 2  #: our Close frame is queued; the peer's is awaited (input still read)
    CLOSE_RECEIVED = 3  #: the peer's Close was received (ours queued); nothing more is read
    FAILED = 4  #: this side failed the connection (RFC 6455 §7.1.7)
    CLOSED = 5  #: the TCP connection is gone, or the opening handshake failed


class Step(IntEnum):
    """What moves the connection from one phase to the next."""

    OPENED = 0  #: the opening handshake succeeded
    HANDSHAKE_FAILED = 1  #: the opening handshake failed (or was refused, or TCP ended)
    SEND_CLOSE = 2  #: the application starts the closing handshake
    RECEIVE_CLOSE = 3  #: the peer's Close frame was parsed (a reply is queued if needed)
    FAIL = 4  #: fail the connection (a peer violation, a timeout, the application)
    EOF = 5  #: the peer's EOF, once the events buffered before it were consumed


#: Every allowed transition: ``(phase, step) -> next phase``.
TRANSITIONS: Final[dict[tuple[Phase, Step], Phase]] = {
    (Phase.CONNECTING, Step.OPENED): Phase.OPEN,
    (Phase.CONNECTING, Step.HANDSHAKE_FAILED): Phase.CLOSED,
    (Phase.OPEN, Step.SEND_CLOSE): Phase.CLOSE_SENT,
    (Phase.OPEN, Step.RECEIVE_CLOSE): Phase.CLOSE_RECEIVED,
    (Phase.OPEN, Step.FAIL): Phase.FAILED,
    (Phase.OPEN, Step.EOF): Phase.CLOSED,
    (Phase.CLOSE_SENT, Step.RECEIVE_CLOSE): Phase.CLOSE_RECEIVED,
    (Phase.CLOSE_SENT, Step.FAIL): Phase.FAILED,
    (Phase.CLOSE_SENT, Step.EOF): Phase.CLOSED,
    # A client waits for the server to end TCP after the closing handshake (RFC 6455
    # §7.1.1); its close timeout may fail the connection meanwhile.
    (Phase.CLOSE_RECEIVED, Step.FAIL): Phase.FAILED,
    (Phase.CLOSE_RECEIVED, Step.EOF): Phase.CLOSED,
    (Phase.FAILED, Step.EOF): Phase.CLOSED,
    # The peer's EOF after a failed handshake: nothing changes.
    (Phase.CLOSED, Step.EOF): Phase.CLOSED,
}


class PhaseTraits(NamedTuple):
    """What a phase means for the connection's flags."""

    state: State
    can_send: bool
    reads_input: bool
    fast: bool | None  # None: unchanged
    closes_transport_client: bool
    closes_transport_server: bool


#: The flags each phase sets (see the module docstring's table).
PHASES: Final[dict[Phase, PhaseTraits]] = {
    Phase.CONNECTING: PhaseTraits(CONNECTING, False, True, False, False, False),
    Phase.OPEN: PhaseTraits(OPEN, True, True, True, False, False),
    Phase.CLOSE_SENT: PhaseTraits(CLOSING, False, True, None, False, False),
    Phase.CLOSE_RECEIVED: PhaseTraits(CLOSING, False, False, False, False, True),
    Phase.FAILED: PhaseTraits(CLOSING, False, False, False, True, True),
    Phase.CLOSED: PhaseTraits(CLOSED, False, False, False, True, True),
}


class LifecycleError(RuntimeError):
    """A transition the lifecycle table does not allow (a bug in the library)."""


def next_phase(phase: Phase, step: Step) -> Phase:
    """The phase after ``step`` from ``phase``; :class:`LifecycleError` if not allowed."""
    try:
        return TRANSITIONS[phase, step]
    except KeyError:
        raise LifecycleError(f"{step.name} is not allowed in phase {phase.name}") from None


def ready_state(state: State, opened_reported: bool, closed_reported: bool) -> State:
    """The ``readyState`` an API object reports: CONNECTING until its opening was reported
    (a failed handshake stays CONNECTING until the close is reported), then OPEN, CLOSING
    from the closing handshake (or a failure) on, CLOSED once its close was reported.
    ``state`` is the connection's :class:`State`."""
    if closed_reported:
        return CLOSED
    if not opened_reported:
        return CONNECTING
    return CLOSING if state >= CLOSING else OPEN
