"""Defer imports that Whoosh pulls in but a search never uses.

``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``, which veille
never calls), the ``cached_property`` package Whoosh depends on imports
``asyncio`` (only to ask whether a property is a coroutine), and
``whoosh.query.terms`` imports the English morphology tables (for a query type
veille does not use). With what they import in turn (http.client, email, ssl,
hashlib…) they cost about a fifth of a `veille search` run. Only the ``veille``
command calls ``defer_unused_imports``, before Whoosh is imported; each module
is then a stand-in that imports the real one the first time anything else is
asked of it, and hands everything over.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import types


class DeferredModule(types.ModuleType):
    """A module that imports the real one on first use of an attribute it does not preset."""

    def __init__(self, name: str, preset: dict):
        super().__init__(name)
        self.__dict__.update(preset)
        self.__dict__["_deferred_real"] = None

    def _deferred_load(self) -> types.ModuleType:
        real = self.__dict__["_deferred_real"]
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_deferred_real"] = real
        return real

    def __getattr__(self, attr: str):
        if attr.startswith("__") and self.__dict__["_deferred_real"] is None:
            # The import system probes for __path__ and the like on `from m import x`;
            # answering "no such attribute" keeps that from loading the real module.
            raise AttributeError(attr)
        return getattr(self._deferred_load(), attr)


def _calling_through(stand_in: DeferredModule, name: str):
    """A function that loads the real module when called and calls its ``name``."""

    def call(*args, **kwargs):
        return getattr(stand_in._deferred_load(), name)(*args, **kwargs)

    call.__name__ = name
    return call


# module -> the attributes importers take at import time. A callable value is used
# as it is; None stands for the real function, loaded when first called.
DEFERRED = {
    "urllib.request": {"urlretrieve": None},  # whoosh.compat
    # asyncio.iscoroutinefunction is inspect.iscoroutinefunction since Python 3.11
    # (the generator-based coroutines it also recognized are gone).
    "asyncio": {"iscoroutinefunction": inspect.iscoroutinefunction},  # cached_property
    "whoosh.lang.morph_en": {"variations": None},  # whoosh.query.terms, for Variations only
    "whoosh.lang.porter": {"stem": None},  # whoosh.analysis: English stemming
    "html": {"escape": None},  # whoosh.compat, for Whoosh's highlighter
}


def defer_unused_imports() -> None:
    """Install the stand-ins, unless the real modules are already imported."""
    for name, preset in DEFERRED.items():
        if name in sys.modules:
            continue
        stand_in = DeferredModule(name, {})
        for attr, value in preset.items():
            stand_in.__dict__[attr] = (
                value if value is not None else _calling_through(stand_in, attr)
            )
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            # A package: its submodules (html.entities) import from its folder as usual.
            stand_in.__dict__["__path__"] = list(spec.submodule_search_locations)
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:  # as the import system would have set it on the package
            setattr(importlib.import_module(parent), child, stand_in)
