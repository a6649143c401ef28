"""``python -m websocketstream``: the ``wsstream`` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="wsstream")
