"""websocketstream."""
