"""Differential tests against Chromium's WebSocketStream and WebSocket (see README.md)."""
