"""The ``/sched`` subcommand registry: parsing "<subcommand> <args>", the request a handler gets,
``register_subcommand``, the help card, and ``guarded`` (domain errors escaped before they are shown).

The ``/sched`` listener (``bot.listeners.commands.sched``) dispatches through ``REGISTRY``; feature
modules add subcommands with ``register_subcommand`` (usually from their ``register``):

    register_subcommand("week", show_week, help="The week's schedule",
                        examples=("/sched week", "/sched week 12/24"))

A subcommand may also claim first words that are not its name (``matches=``, e.g. dates or
``@user`` mentions). Unknown words get the help. Replies are ephemeral unless the user adds
``public`` anywhere in the text.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, cap_blocks, context, header, reply, section
from bot.container import Container
from bot.slack.parsing import echo_safe, escape
from core.model import Actor

COMMAND = "/sched"
PUBLIC_WORD = "public"
DEFAULT_SUBCOMMAND = "today"


@dataclass(frozen=True)
class ParsedCommand:
    """``/sched`` text split into its subcommand word, arguments and the ``public`` flag."""

    name: str
    args: tuple[str, ...]
    arg_text: str
    public: bool


def split_words(text: str) -> list[str]:
    """Words of a command, honouring "quoted phrases" when the quotes balance."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def parse_command_text(text: str) -> ParsedCommand:
    """Parse the text after ``/sched``; the subcommand word is lower-cased, args are kept as typed."""
    words = split_words(text.strip())
    public = any(w.lower() == PUBLIC_WORD for w in words)
    words = [w for w in words if w.lower() != PUBLIC_WORD]
    if not words:
        return ParsedCommand("", (), "", public)
    first = words[0]
    name = first if first.startswith("<") else first.lower()  # a <@U…> mention keeps its case
    return ParsedCommand(name, tuple(words[1:]), " ".join(words[1:]), public)


@dataclass
class SubcommandRequest:
    """Everything a subcommand handler gets; ``reply`` answers ephemerally unless ``public``."""

    name: str
    args: tuple[str, ...]
    arg_text: str
    public: bool
    user_id: str
    channel_id: str | None
    team_id: str | None
    trigger_id: str | None
    actor: Actor | None
    container: Container
    client: AsyncWebClient
    respond: AsyncRespond
    body: dict[str, Any] = field(repr=False)

    async def reply(self, text: str, blocks: Sequence[Block] | None = None) -> None:
        """Answer the user through the command's ``response_url``."""
        await self.respond(**reply(text, blocks, public=self.public))


SubcommandHandler = Callable[[SubcommandRequest], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    """A registered ``/sched`` subcommand."""

    name: str
    handler: SubcommandHandler
    help: str
    examples: tuple[str, ...] = ()
    matches: Callable[[str], bool] | None = None


class SubcommandRegistry:
    """Subcommands by name; later registrations of a name replace earlier ones."""

    def __init__(self) -> None:
        self._by_name: dict[str, Subcommand] = {}

    def register(self, sub: Subcommand) -> Subcommand:
        """Add or replace ``sub``."""
        self._by_name[sub.name] = sub
        return sub

    def unregister(self, name: str) -> None:
        """Remove a subcommand (no error when absent)."""
        self._by_name.pop(name, None)

    def find(self, word: str) -> Subcommand | None:
        """The subcommand named ``word``, else the first whose ``matches`` accepts it."""
        if word in self._by_name:
            return self._by_name[word]
        for sub in self._by_name.values():
            if sub.matches is not None and sub.matches(word):
                return sub
        return None

    def all(self) -> list[Subcommand]:
        """Every subcommand, alphabetically, ``help`` last."""
        return sorted(self._by_name.values(), key=lambda s: (s.name == "help", s.name))


REGISTRY = SubcommandRegistry()


def register_subcommand(name: str, handler: SubcommandHandler, *, help: str,
                        examples: Sequence[str] = (),
                        matches: Callable[[str], bool] | None = None) -> Subcommand:
    """Make ``/sched <name> …`` call ``handler`` (listed by ``/sched help`` with ``examples``)."""
    word = name.strip().lower()
    if not word or " " in word:
        raise ValueError(f"a subcommand name is one word, got {name!r}")
    return REGISTRY.register(Subcommand(word, handler, help, tuple(examples), matches))


def help_blocks(registry: SubcommandRegistry, *, unknown: str | None = None) -> list[Block]:
    """The ``/sched help`` card: every subcommand with its examples."""
    blocks: list[Block] = [header("schedbot: /sched")]
    if unknown is not None:
        blocks.append(section(f"I don't know `{COMMAND} {escape(unknown)}`. Here is what I can do:"))
    for sub in registry.all():
        examples = ", ".join(f"`{e}`" for e in sub.examples)
        text = f"*{sub.name}* — {sub.help}" + (f"\n{examples}" if examples else "")
        blocks.append(section(text))
    blocks.append(context(f"Replies are only visible to you; add `{PUBLIC_WORD}` to share them."))
    return cap_blocks(blocks)


def help_text(registry: SubcommandRegistry) -> str:
    """Plain-text fallback of the help card."""
    return "/sched subcommands: " + ", ".join(s.name for s in registry.all())


async def show_help(request: SubcommandRequest) -> None:
    """``/sched help``."""
    await request.reply(help_text(REGISTRY), help_blocks(REGISTRY))


register_subcommand("help", show_help, help="This list of subcommands.", examples=("/sched help",))


def choose(parsed: ParsedCommand, registry: SubcommandRegistry) -> tuple[Subcommand | None, str | None]:
    """The subcommand to run and, when the word is unknown, that word (the help is shown)."""
    if not parsed.name:
        return registry.find(DEFAULT_SUBCOMMAND) or registry.find("help"), None
    found = registry.find(parsed.name)
    if found is not None:
        return found, None
    return None, parsed.name


def guarded(handler: SubcommandHandler) -> SubcommandHandler:
    """``handler`` with its domain errors escaped before the central handler shows them."""
    async def run(request: SubcommandRequest) -> None:
        with echo_safe():
            await handler(request)

    run.__doc__ = handler.__doc__
    return run
