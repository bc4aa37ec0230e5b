"""Batch loading per request, as Saleor's `graphql/core/dataloaders.py`: every resolver of one
request asking for the same kind of data by key shares one loader, which answers all of them
with one selector call (one SQL statement) once the executor has collected the keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from promise import Promise
from promise.dataloader import DataLoader as BaseLoader

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

    def batch_load_fn(self, keys: list[K]) -> Promise:
        found = self.batch_load(keys)
        return Promise.resolve([found.get(key, self.missing()) for key in keys])

    def batch_load(self, keys: Iterable[K]) -> Mapping[K, R]:
        raise NotImplementedError

    def missing(self) -> Any:
        """What a key the selector found nothing for resolves to."""
        return None


def loader_for(loader: type[DataLoader[K, R]], info: Any) -> DataLoader[K, R]:
    return loader(info.context)
