"""How a stored table is exchanged with files: the description of one layer.

A ``Layer`` names a table (its ORM model), the columns a file brings, the checks a
file must pass (``LayerSpec``), values fixed for every row, the rows that belong to
it on export, and how file values that refer to other records are resolved to
ids. Domain packages declare their layers; ``gis.transfer`` moves data with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from gis.io.validate import LayerSpec
from gis.storage.model import Registered


@dataclass(frozen=True)
class Layer:
    name: str
    model: type[Registered]
    spec: LayerSpec
    columns: tuple[str, ...]
    title_zh: str = ""
    title_en: str = ""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    where: Callable[[Any], Any] | None = None  # model class -> SQL condition (on its own columns)
    #: For layers kept through time: (model class, date) -> SQL condition of the rows in force that day
    #: (``diming export --date``); layers without it have no dated export.
    dated: Callable[[Any, Any], Any] | None = None
    resolve: Callable[[Session, pd.DataFrame], pd.DataFrame] | None = None
    #: A layer whose rows need more than the generic checks imports through its own
    #: all-or-nothing importer: (store, path, *, actor, reason, encoding, crs, layer) -> rows added.
    importer: Callable[..., int] | None = None

    def export_filter(self, date=None):
        """The rows to export: those in force on ``date`` when given (refused for an undated layer)."""
        if date is not None:
            if self.dated is None:
                from gis.errors import InvalidInput

                raise InvalidInput(
                    f"图层 {self.name} 没有历史版本，不能按日期导出", f"Layer {self.name} keeps no history; it has no --date export"
                )
            return self.dated(self.model, date)
        return None if self.where is None else self.where(self.model)


class LayerRegistry:
    """Layers by name, gathered from the domain packages by the CLI or app."""

    def __init__(self, layers: list[Layer]):
        self._layers = {layer.name: layer for layer in layers}

    def names(self) -> list[str]:
        return list(self._layers)

    def get(self, name: str) -> Layer:
        from gis.errors import NotFound

        try:
            return self._layers[name]
        except KeyError:
            known = ", ".join(self._layers)
            raise NotFound(f"未知图层“{name}”，可用：{known}", f"Unknown layer '{name}'; known layers: {known}") from None
