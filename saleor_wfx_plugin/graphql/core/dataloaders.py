"""Batch loading per request, as Saleor's `graphql/core/dataloaders.py`: every resolver of one
request asking for the same kind of data by key shares one loader, which answers all of them
with one selector call (one SQL statement) once the executor has collected the keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from promise import Promise
from promise.dataloader import DataLoader as BaseLoader

from .pages import page_ids

K = TypeVar("K")
R = TypeVar("R")


class DataLoader(BaseLoader, Generic[K, R]):  # type: ignore[misc]
    """One instance per request and `context_key`, kept in the request context's cache."""

    context_key: ClassVar[str]

    def __new__(cls, context: Any) -> DataLoader[K, R]:
        loaders = context.cache.setdefault("dataloaders", {})
        if cls.context_key not in loaders:
            loaders[cls.context_key] = super().__new__(cls)
        loader = loaders[cls.context_key]
        assert isinstance(loader, cls)
        return loader

    def __init__(self, context: Any) -> None:
        if getattr(self, "context", None) is not context:
            self.context = context
            super().__init__()

    def load_with_page(self, row: Any) -> R | Promise:
        """The value for `row` (keyed by its primary key): for a row of a shared page, loaded now
        for every row of the page (`pages`) and returned as is; otherwise a promise."""
        loaded: dict[Any, R] = self.context.cache.setdefault(f"page:{self.context_key}", {})
        if row.pk in loaded:
            return loaded[row.pk]
        page = page_ids(row)
        if not page:
            return self.load(row.pk)
        wanted = [row.pk, *(pk for pk in page if pk not in loaded and pk != row.pk)]
        found = self.batch_load(wanted)
        for pk in wanted:
            loaded[pk] = found.get(pk, self.missing())
        return loaded[row.pk]

    def batch_load_fn(self, keys: list[K]) -> Promise:
        found = self.batch_load(keys)
        return Promise.resolve([found.get(key, self.missing()) for key in keys])

    def batch_load(self, keys: Iterable[K]) -> Mapping[K, R]:
        raise NotImplementedError

    def missing(self) -> Any:
        """What a key the selector found nothing for resolves to."""
        return None


def then(value: Any, use: Callable[[Any], Any]) -> Any:
    """`use(value)`, after the promise when `value` is one (`load_with_page` may give either)."""
    return value.then(use) if isinstance(value, Promise) else use(value)


def loader_for(loader: type[DataLoader[K, R]], info: Any) -> DataLoader[K, R]:
    return loader(info.context)
