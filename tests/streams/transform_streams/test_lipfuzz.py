"""WPT streams/transform-streams/lipfuzz.any.js: a template-substituting transformer
(``{{name}}`` -> its substitution) that must cope with tags split across chunks."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from websocketstream.streams.transform import TransformStream

TAG = re.compile(r"\{\{([a-zA-Z0-9_-]+)\}\}")
# An incomplete template at the end of a string.
PARTIAL_AT_END = re.compile(r"\{(\{([a-zA-Z0-9_-]+(\})?)?)?\Z")


class LipFuzzTransformer:
    """Substitutes ``{{name}}`` tags; holds back a possibly incomplete tag at a chunk's end."""

    def __init__(self, substitutions: dict[str, str]) -> None:
        self.substitutions = substitutions
        self.partial_chunk = ""
        self.last_index = 0

    def transform(self, chunk: str, controller: Any) -> None:
        chunk = self.partial_chunk + chunk
        self.partial_chunk = ""
        # last_index: the index of the first character after the last substitution.
        self.last_index = 0
        chunk = TAG.sub(self.replace_tag, chunk)
        # Do not look at characters that have already been substituted.
        match = PARTIAL_AT_END.search(chunk, self.last_index)
        if match:
            self.partial_chunk = chunk[match.start() :]
            chunk = chunk[: match.start()]
        controller.enqueue(chunk)

    def flush(self, controller: Any) -> None:
        if self.partial_chunk:
            controller.enqueue(self.partial_chunk)

    def replace_tag(self, match: re.Match[str]) -> str:
        replacement = self.substitutions.get(match[1], "")
        # As in the WPT: the offset is in the string before substitution.
        self.last_index = match.start() + len(replacement)
        return replacement


SUBSTITUTIONS = {
    "in1": "out1",
    "in2": "out2",
    "quine": "{{quine}}",
    "bogusPartial": "{{incompleteResult}",
}

CASES: list[tuple[list[str], list[str]]] = [
    ([""], [""]),
    ([], []),
    (["{{in1}}"], ["out1"]),
    (["z{{in1}}"], ["zout1"]),
    (["{{in1}}q"], ["out1q"]),
    (["{{in1}}{{in1}"], ["out1", "{{in1}"]),
    (["{{in1}}{{in1}", "}"], ["out1", "out1"]),
    (["{{in1", "}}"], ["", "out1"]),
    (["{{", "in1}}"], ["", "out1"]),
    (["{", "{in1}}"], ["", "out1"]),
    (["{{", "in1}"], ["", "", "{{in1}"]),
    (["{"], ["", "{"]),
    (["{", ""], ["", "", "{"]),
    (["{", "{", "i", "n", "1", "}", "}"], ["", "", "", "", "", "", "out1"]),
    (["{{in1}}{{in2}}{{in1}}"], ["out1out2out1"]),
    (["{{wrong}}"], [""]),
    (["{{wron", "g}}"], ["", ""]),
    (["{{quine}}"], ["{{quine}}"]),
    (["{{bogusPartial}}"], ["{{incompleteResult}"]),
    (["{{bogusPartial}}}"], ["{{incompleteResult}}"]),
]


@pytest.mark.parametrize(
    ("input_chunks", "output_chunks"),
    CASES,
    ids=[f'testing "{",".join(i)}" (length {len(i)})' for i, _ in CASES],
)
async def test_lipfuzz(input_chunks: list[str], output_chunks: list[str]) -> None:
    lft = TransformStream(LipFuzzTransformer(SUBSTITUTIONS))
    writer = lft.writable.get_writer()
    promises: list[Any] = [writer.write(chunk) for chunk in input_chunks]
    promises.append(writer.close())
    reader = lft.readable.get_reader()

    async def read_all() -> None:
        for output_chunk in output_chunks:
            value, done = await reader.read()
            assert not done, f"done should be false when reading {output_chunk!r}"
            assert value == output_chunk
        assert (await reader.read()).done

    await asyncio.gather(*promises, read_all())
