"""Events API listeners (App Home, lifecycle), one feature per module.

Each module defines ``register(app, container)``; ``bot.listeners.register_all`` finds it.
"""
