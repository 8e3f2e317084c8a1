"""The schema of a price file (`compiler/compare/prices.json`, or a user's `--prices FILE`) and the merge of a
user's file over the built-in one. Checked with pydantic so a wrong file says where and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONFIDENCE = ("P", "P*", "S", "D", "U")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceModel(_Strict):
    url: str = Field(pattern=r"^https://", description="a public URL (https)")
    title: str
    as_of: str = ""


class FigureModel(_Strict):
    key: str
    value: Any
    unit: str
    region: str
    source: list[str] = Field(min_length=1)
    url: str = Field(pattern=r"^https://")
    as_of: str
    confidence: str
    note: str = ""

    @field_validator("confidence")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CONFIDENCE:
            raise ValueError(f"must be one of {', '.join(CONFIDENCE)}")
        return value


class MetaModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    currency: str = "USD"


class PriceFileModel(_Strict):
    meta: MetaModel = Field(default_factory=MetaModel)
    sources: dict[str, SourceModel] = Field(default_factory=dict)
    figures: list[FigureModel]


def _shape(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _where(err: ValidationError, data: dict[str, Any]) -> str:
    first = err.errors()[0]
    loc = list(first["loc"])
    if len(loc) >= 2 and loc[0] == "figures" and isinstance(loc[1], int):
        figures = data.get("figures") or []
        key = figures[loc[1]].get("key") if loc[1] < len(figures) and isinstance(figures[loc[1]], dict) else None
        loc[1] = f"[{loc[1]}]" + (f" ({key})" if key else "")
    return ".".join(str(p) for p in loc) + f": {first['msg']}"


def merge(builtin: dict[str, Any], path: Path) -> dict[str, Any]:
    """The built-in price data with the figures (and sources) of the file at `path` laid over it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason})") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON: line {err.lineno} column {err.colno}: {err.msg}") from None
    if not isinstance(data, dict):
        raise ValueError("must be a JSON object with 'figures' (and 'sources', 'meta'), like prices.json")
    try:
        given = PriceFileModel.model_validate(data)
    except ValidationError as err:
        raise ValueError(_where(err, data)) from None
    known = {f["key"]: f for f in builtin["figures"]}
    sources = {**builtin["sources"], **{k: v.model_dump() for k, v in given.sources.items()}}
    figures = dict(known)
    for figure in given.figures:
        if figure.key not in known:
            raise ValueError(f"figure {figure.key!r} is not one flowc compare uses")
        expected = _shape(known[figure.key]["value"])
        if _shape(figure.value) != expected:
            raise ValueError(f"figure {figure.key!r}: value must be a {expected}, like the built-in one")
        missing = [s for s in figure.source if s not in sources]
        if missing:
            raise ValueError(f"figure {figure.key!r}: source {missing[0]!r} is not defined in 'sources'")
        figures[figure.key] = figure.model_dump()
    return {"meta": {**builtin["meta"], "overridden_by": path.as_posix()}, "sources": sources,
            "figures": list(figures.values())}


def validate_builtin(data: dict[str, Any]) -> PriceFileModel:
    """The shipped file obeys the same schema (a test calls this)."""
    return PriceFileModel.model_validate(data)
