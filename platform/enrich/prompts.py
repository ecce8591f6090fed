"""The LLaDR prompt templates (package data ``prompts/*.txt``) and how a prompt is built from them.

A template names its slots ``{name}``, ``{kind}`` and ``{context}``. ``--context neighbors`` fills
``{context}`` with the ``neighbors`` block of graph facts; otherwise it is empty. The template's
hash (with the context block when used) keys the answer cache and is recorded on each node in
``descriptionPrompt``, so editing a template makes the cache miss and the node count as stale.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from repurpose.errors import ConfigError

#: Template files that are not prompts of their own but blocks inserted into one.
CONTEXT_BLOCK = "neighbors"
CONTEXTS = ("none", "neighbors")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


#: ``repurpose`` is a namespace package, which importlib.resources cannot read data from; the
#: templates sit beside this subpackage (package data ``prompts/*.txt`` of ``repurpose``).
PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def _template_text(stem: str) -> str:
    return (PROMPTS_DIR / f"{stem}.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def prompt_names() -> tuple[str, ...]:
    """The prompt templates shipped with the platform (``concise``, ``background``, ``structured``)."""
    stems = sorted(p.stem for p in PROMPTS_DIR.glob("*.txt"))
    return tuple(s for s in stems if s != CONTEXT_BLOCK)


def kind_words(label: str) -> str:
    """``BiologicalProcess`` -> ``biological process``: a label as words for a prompt."""
    return _CAMEL.sub(" ", label).lower()


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt template with its optional context block, identified by name and content hash."""

    name: str
    text: str
    context: str = "none"
    context_text: str = ""

    @classmethod
    def load(cls, name: str, context: str = "none") -> "PromptTemplate":
        """The shipped template ``name`` with context ``none`` or ``neighbors``."""
        if name not in prompt_names():
            raise ConfigError(f"unknown prompt {name!r}; choose one of {', '.join(prompt_names())}")
        if context not in CONTEXTS:
            raise ConfigError(f"unknown context {context!r}; choose one of {', '.join(CONTEXTS)}")
        block = _template_text(CONTEXT_BLOCK) if context == CONTEXT_BLOCK else ""
        return cls(name=name, text=_template_text(name), context=context, context_text=block)

    @property
    def hash(self) -> str:
        """12 hex digits of the SHA-256 of the template (and context block): the cache key part."""
        return hashlib.sha256(f"{self.text}\x1f{self.context_text}".encode()).hexdigest()[:12]

    @property
    def id(self) -> str:
        """What ``descriptionPrompt`` records, e.g. ``concise+neighbors:1a2b3c4d5e6f``."""
        suffix = f"+{self.context}" if self.context != "none" else ""
        return f"{self.name}{suffix}:{self.hash}"

    def render(self, name: str, label: str, facts: list[str] | None = None) -> str:
        """The prompt for entity ``name`` of kind ``label``; ``facts`` fill the context block."""
        context = ""
        if self.context_text and facts:
            context = self.context_text.replace("{facts}", "\n".join(f"- {f}" for f in facts))
        # str.replace, not str.format: names such as "Factor {VIII}" must not break the template.
        text = self.text.replace("{context}", context).replace("{kind}", kind_words(label))
        return text.replace("{name}", name).strip()
