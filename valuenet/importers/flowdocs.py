"""The flows of a checked exchange as JSON documents, written without building ``Flow`` objects.

Which flows an exchange stands for is :meth:`Exchange.sides <valuenet.models.Exchange.sides>`'
rule alone; this module only serialises them (:meth:`Exchange.flows
<valuenet.models.Exchange.flows>` builds the same flows as objects).

A store that writes documents (:func:`valuenet.store.base.takes_flow_docs`) gets
each flow as a :class:`~valuenet.store.base.FlowDoc`. Its ``doc`` is, byte for
byte, what ``Flow.model_dump_json(exclude_defaults=True)`` gives for the same flow
(stores compare documents to find unchanged items, so a re-import must produce
the same text); a hypothesis test in ``tests/test_import_flowdocs.py`` holds that.
Building the text directly is several times faster than building and then
serialising two pydantic objects per row.

How the text matches pydantic's: fields in the order :class:`~valuenet.models.Flow`
declares them, defaults left out (``scenario`` "current", ``occurrences`` 1.0,
``None``); strings escaped as :func:`json.dumps` does with ``ensure_ascii=False``
(the same escapes as pydantic's serialiser); floats as :func:`repr` writes them,
except those in exponent notation, which pydantic writes differently (``1e-7``
where Python writes ``1e-07``) and are handed to pydantic's own serialiser.

>>> from valuenet.models import Exchange
>>> ex = Exchange("x1", "g", "current", "clinic", "experiential", 4.0, None, None, 65.0, 1.0, None,
...               "desk", None, 'She said "fine"', "r1", None, None)
>>> gets, gives = exchange_docs(ex, "patient")
>>> print(gets.doc[:90])
{"id":"x1:gets","goal":"g","source":"clinic","target":"patient","dimension":"experiential"
>>> print(gives.doc[91:])
,"money":65.0,"touchpoint":"desk","quote":"She said \\"fine\\"","respondent":"r1","exchange":"x1"}
>>> gives.doc.startswith('{"id":"x1:gives","goal":"g","source":"patient","target":"clinic"')
True
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C string encoder json.dumps uses

import pydantic_core

from valuenet.models import DEFAULT_SCENARIO, Exchange
from valuenet.store.base import FlowDoc

_text = encode_basestring


def _float(x: float) -> str:
    """A float as pydantic writes it in JSON."""
    out = repr(float(x))
    if "e" in out:
        return pydantic_core.to_json(float(x)).decode()
    return out


def _opt(name: str, value: str | None) -> str:
    return "" if value is None else f',"{name}":{_text(value)}'


def exchange_docs(ex: Exchange, customer: str) -> list[FlowDoc]:
    """The ``<id>:gets`` and ``<id>:gives`` flows of an exchange with ``customer``, serialised."""
    head = ',"goal":' + _text(ex.goal)
    if ex.scenario != DEFAULT_SCENARIO:
        head += ',"scenario":' + _text(ex.scenario)
    dim = ',"dimension":' + _text(ex.dimension)
    tail = "" if ex.occurrences == 1.0 else ',"occurrences":' + _float(ex.occurrences)
    if ex.tangible is not None:
        tail += ',"tangible":true' if ex.tangible else ',"tangible":false'
    tail += (
        _opt("touchpoint", ex.touchpoint)
        + _opt("stage", ex.stage)
        + _opt("quote", ex.quote)
        + _opt("respondent", ex.respondent)
        + _opt("responsible", ex.responsible)
        + ',"exchange":'
        + _text(ex.id)
        + _opt("note", ex.note)
        + "}"
    )
    out = []
    for side in ex.sides(customer):
        values = ("" if side.magnitude is None else ',"magnitude":' + _float(side.magnitude)) + (
            "" if side.money is None else ',"money":' + _float(side.money)
        )
        doc = '{"id":' + _text(side.id) + head + ',"source":' + _text(side.source) + ',"target":' + _text(side.target)
        out.append(FlowDoc(side.id, ex.goal, ex.respondent, doc + dim + values + tail))
    return out


__all__ = ["exchange_docs"]
