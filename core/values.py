"""Immutable value classes that are quick to build."""

from dataclasses import MISSING, InitVar, dataclass, fields


def value_class(cls):
    """``@dataclass(frozen=True)`` with a quicker ``__init__``.

    A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__`` (its
    ``__setattr__`` refuses): about 2.5 times the cost of a plain class. A county's recompute builds
    a few hundred thousand such values (each cadre's year, its quarters and months, each flag's
    reasons), and that was a quarter of its Python time. This ``__init__`` writes the fields into
    the instance's ``__dict__`` instead, with the same signature, defaults, default factories and
    ``__post_init__``. Everything else is the dataclass's own: equality, hashing, refusing
    assignment, ``dataclasses.replace``. Not for classes with slots, ``InitVar`` or keyword-only
    fields.
    """
    cls = dataclass(frozen=True)(cls)
    every = cls.__dataclass_fields__.values()
    if "__slots__" in cls.__dict__ or any(isinstance(f.type, InitVar) or f.kw_only is True for f in every):
        raise TypeError(f"{cls.__name__}: value_class takes no slots, InitVar or keyword-only fields")
    namespace = {"_NOTHING": MISSING}
    parameters, body = [], []
    for f in fields(cls):
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: value_class takes no init=False fields")
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            parameters.append(f"{f.name}=_NOTHING")
            body.append(f"    if {f.name} is _NOTHING: {f.name} = _factory_{f.name}()")
        else:
            parameters.append(f.name)
    body.append("    _fields = self.__dict__")
    body += [f"    _fields[{f.name!r}] = {f.name}" for f in fields(cls)]
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)  # noqa: S102 (field names and our own placeholders only, as dataclasses does)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
