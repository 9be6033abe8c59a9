"""Direct messages to the bot, one feature per module.

Each module defines ``register(app, container)``; ``bot.listeners.register_all`` finds it.
"""
