"""Block actions (button clicks, menus), one feature per module.

Each module defines ``register(app, container)``; ``bot.listeners.register_all`` finds it.
"""
