"""The in-process :class:`~.base.Broadcaster`."""

from __future__ import annotations

from .base import DEFAULT_SUBSCRIPTION_QUEUE, Broadcaster, Subscription

__all__ = ["LocalBroadcaster"]


class LocalBroadcaster(Broadcaster):
    """Channels within one process: ``publish`` hands the message to every current
    subscriber's bounded queue (see :class:`~.base.Subscription`), synchronously and in order.
    """

    def __init__(self, *, max_queue: int = DEFAULT_SUBSCRIPTION_QUEUE) -> None:
        self._max_queue = max_queue
        self._channels: dict[str, set[Subscription]] = {}
        self._closed = False

    async def publish(self, channel: str, message: str | bytes) -> None:
        self.publish_nowait(channel, message)

    def publish_nowait(self, channel: str, message: str | bytes) -> None:
        """:meth:`publish` without awaiting (in-process delivery never waits)."""
        if not isinstance(channel, str):
            raise TypeError("channel must be str")
        if not isinstance(message, (str, bytes)):
            raise TypeError("message must be str or bytes")
        for subscription in list(self._channels.get(channel, ())):
            subscription._push(message)

    def subscribe(self, channel: str, *, since: str | None = None) -> Subscription:
        if not isinstance(channel, str):
            raise TypeError("channel must be str")
        if since is not None:
            raise ValueError("since= needs a broadcaster that keeps history (Redis Streams)")
        if self._closed:
            raise RuntimeError("the broadcaster is closed")
        subscription = Subscription(channel, max_queue=self._max_queue, on_close=self._leave)
        self._channels.setdefault(channel, set()).add(subscription)
        subscription._set_ready()
        return subscription

    def _leave(self, subscription: Subscription) -> None:
        members = self._channels.get(subscription.channel)
        if members is not None:
            members.discard(subscription)
            if not members:
                del self._channels[subscription.channel]

    async def aclose(self) -> None:
        self._closed = True
        for members in list(self._channels.values()):
            for subscription in list(members):
                subscription.close()
