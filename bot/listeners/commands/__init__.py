"""Slash commands: `/sched` (router + subcommands), `/timeoff`, `/packet`.

Each module defines ``register(app, container)``; ``bot.listeners.register_all`` finds it.
"""
