"""The lifecycle table (protocol/state.py): every allowed transition, taken by a real connection
through its public operations, and every other one refused."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from protocol_helpers import drain, open_pair, peer_frame

from websocketstream.protocol import ClientConnection, Connection, InvalidState, ServerConnection
from websocketstream.protocol.state import (
    CLOSED,
    CLOSING,
    CONNECTING,
    OPEN,
    PHASES,
    TRANSITIONS,
    LifecycleError,
    Phase,
    State,
    Step,
    next_phase,
    ready_state,
)

CLOSE_1000 = (1000).to_bytes(2, "big")


def test_every_other_transition_is_refused() -> None:
    for phase, step in itertools.product(Phase, Step):
        if (phase, step) in TRANSITIONS:
            assert next_phase(phase, step) is TRANSITIONS[phase, step]
        else:
            with pytest.raises(LifecycleError, match=f"{step.name} is not allowed"):
                next_phase(phase, step)


def test_the_table_shape() -> None:
    # Once closed, only the (ignored) EOF; nothing leads back to CONNECTING or OPEN but the
    # opening handshake.
    assert {step for (phase, step) in TRANSITIONS if phase is Phase.CLOSED} == {Step.EOF}
    assert [key for key, to in TRANSITIONS.items() if to is Phase.OPEN] == [
        (Phase.CONNECTING, Step.OPENED)
    ]
    assert all(to is not Phase.CONNECTING for to in TRANSITIONS.values())
    assert set(PHASES) == set(Phase)


def _connecting_server() -> tuple[ClientConnection, ServerConnection]:
    client = ClientConnection(host="example.com", port=80, compression=None)
    server = ServerConnection(compression=None)
    server.receive_data(client.data_to_send())
    assert drain(server)[0][0] == 17  # REQUEST
    return client, server


def _open_server() -> ServerConnection:
    return open_pair(compression=None)[1]


def _open_client() -> ClientConnection:
    return open_pair(compression=None)[0]


def _receive_close(conn: Connection) -> None:
    conn.receive_data(peer_frame(8, CLOSE_1000, to_client=conn.client))
    assert drain(conn)[-1][0] == 8


def _close_sent(conn: Connection) -> Connection:
    conn.send_close(1000)
    return conn


def _close_received(conn: Connection) -> Connection:
    _receive_close(conn)
    return conn


def _failed(conn: Connection) -> Connection:
    conn.fail(1002, "test")
    return conn


def _handshake_failed() -> Connection:
    server = _connecting_server()[1]
    server.reject(403)
    return server


# For each allowed transition: a connection in the phase before, and the public operation that
# takes the step.
Setup = Callable[[], Connection]
Operation = Callable[[Connection], object]
WALKS: dict[tuple[Phase, Step], tuple[Setup, Operation]] = {
    (Phase.CONNECTING, Step.OPENED): (
        lambda: _connecting_server()[1],
        lambda conn: conn.accept(),  # type: ignore[attr-defined]
    ),
    (Phase.CONNECTING, Step.HANDSHAKE_FAILED): (
        lambda: _connecting_server()[1],
        lambda conn: conn.reject(403),  # type: ignore[attr-defined]
    ),
    (Phase.OPEN, Step.SEND_CLOSE): (_open_client, lambda conn: conn.send_close(1000)),
    (Phase.OPEN, Step.RECEIVE_CLOSE): (_open_client, _receive_close),
    (Phase.OPEN, Step.FAIL): (_open_server, lambda conn: conn.fail(1011, "x")),
    (Phase.OPEN, Step.EOF): (_open_server, lambda conn: conn.receive_eof()),
    (Phase.CLOSE_SENT, Step.RECEIVE_CLOSE): (
        lambda: _close_sent(_open_server()),
        _receive_close,
    ),
    (Phase.CLOSE_SENT, Step.FAIL): (
        lambda: _close_sent(_open_server()),
        lambda conn: conn.fail(1002, "x"),
    ),
    (Phase.CLOSE_SENT, Step.EOF): (
        lambda: _close_sent(_open_client()),
        lambda conn: conn.receive_eof(),
    ),
    (Phase.CLOSE_RECEIVED, Step.FAIL): (
        lambda: _close_received(_open_client()),  # a client waits for the server's TCP close
        lambda conn: conn.fail(1002, "close timeout"),
    ),
    (Phase.CLOSE_RECEIVED, Step.EOF): (
        lambda: _close_received(_open_client()),
        lambda conn: conn.receive_eof(),
    ),
    (Phase.FAILED, Step.EOF): (lambda: _failed(_open_client()), lambda conn: conn.receive_eof()),
    (Phase.CLOSED, Step.EOF): (_handshake_failed, lambda conn: conn.receive_eof()),
}


def test_every_allowed_transition_is_walked() -> None:
    assert set(WALKS) == set(TRANSITIONS)


@pytest.mark.parametrize(("phase", "step"), list(TRANSITIONS))
def test_walk(phase: Phase, step: Step) -> None:
    setup, operation = WALKS[phase, step]
    conn = setup()
    assert conn.phase is phase
    operation(conn)
    after = TRANSITIONS[phase, step]
    assert conn.phase is after
    traits = PHASES[after]
    assert conn.state is traits.state
    expected_close = (
        traits.closes_transport_client if conn.client else traits.closes_transport_server
    )
    assert conn.should_close_transport is expected_close
    assert conn.close_expected() is (traits.state >= CLOSING)


@pytest.mark.parametrize("phase", list(Phase))
def test_sending_follows_the_phase(phase: Phase) -> None:
    setups: dict[Phase, Setup] = {
        Phase.CONNECTING: lambda: _connecting_server()[1],
        Phase.OPEN: _open_client,
        Phase.CLOSE_SENT: lambda: _close_sent(_open_client()),
        Phase.CLOSE_RECEIVED: lambda: _close_received(_open_server()),
        Phase.FAILED: lambda: _failed(_open_server()),
        Phase.CLOSED: _handshake_failed,
    }
    conn = setups[phase]()
    assert conn.phase is phase
    if PHASES[phase].can_send:
        conn.send_binary(b"x")
    else:
        with pytest.raises(InvalidState):
            conn.send_binary(b"x")


def test_input_is_read_only_in_the_reading_phases() -> None:
    for conn in (_close_received(_open_client()), _failed(_open_client())):
        assert not PHASES[conn.phase].reads_input
        conn.receive_data(peer_frame(2, b"ignored", to_client=True))
        assert conn.buffered == 0
        assert conn.next_event() is None
    conn = _close_sent(_open_client())
    assert PHASES[conn.phase].reads_input
    conn.receive_data(peer_frame(2, b"still read", to_client=True))
    assert drain(conn) == [(2, b"still read")]


def test_a_server_does_not_fail_after_its_closing_handshake() -> None:
    server = _close_received(_open_server())
    assert server.should_close_transport
    server.fail(1002, "late")
    assert server.phase is Phase.CLOSE_RECEIVED
    assert server.failure is None


def test_a_connection_starts_connecting_or_open() -> None:
    assert Connection(client=True).phase is Phase.OPEN
    assert Connection(client=True, state=CONNECTING).phase is Phase.CONNECTING
    for state in (CLOSING, CLOSED):
        with pytest.raises(ValueError, match="starts CONNECTING or OPEN"):
            Connection(client=True, state=state)


@pytest.mark.parametrize(
    ("state", "opened", "closed", "expected"),
    [
        (CONNECTING, False, False, CONNECTING),
        (OPEN, False, False, CONNECTING),  # not reported yet
        (OPEN, True, False, OPEN),
        (CLOSING, True, False, CLOSING),
        (CLOSED, True, False, CLOSING),  # the close is not reported yet
        (CLOSED, False, False, CONNECTING),  # a failed handshake, its close not reported yet
        (CLOSED, False, True, CLOSED),
        (CONNECTING, False, True, CLOSED),
    ],
)
def test_ready_state_view(state: State, opened: bool, closed: bool, expected: State) -> None:
    assert ready_state(state, opened, closed) is expected
    assert int(expected) == {"CONNECTING": 0, "OPEN": 1, "CLOSING": 2, "CLOSED": 3}[expected.name]
