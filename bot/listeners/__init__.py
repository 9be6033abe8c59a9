"""Listener tree: one package per Slack surface, one feature per module.

Every module of a listener package that defines ``register(app, container)`` is registered, in
module-name order, so adding a feature is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from bot.container import Container

PACKAGES = ("commands", "actions", "views", "events", "messages")


def feature_modules(package: ModuleType) -> list[ModuleType]:
    """The modules of a listener package, sorted by name (sub-packages included)."""
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]


def register_package(package_name: str, app: Any, container: Container) -> list[str]:
    """Call ``register(app, container)`` of every module in ``package_name``; their names."""
    package = importlib.import_module(package_name)
    done = []
    for module in feature_modules(package):
        register = getattr(module, "register", None)
        if callable(register):
            register(app, container)
            done.append(module.__name__)
    return done


def register_all(app: Any, container: Container) -> list[str]:
    """Register every listener of every package on ``app``; the registered module names."""
    done: list[str] = []
    for name in PACKAGES:
        done.extend(register_package(f"{__name__}.{name}", app, container))
    return done
