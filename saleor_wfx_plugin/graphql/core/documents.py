"""Documents that already passed the schema's validation, kept per query string.

A storefront or the dashboard sends the same few documents over and over, and graphql-core 2
parses and validates each one again on every request: for `me` with every field that is about
8 ms of CPU (parsed twice, validated once), a tenth of the request. Validity depends only on the
document and the schema, never on variables or the viewer (variables are coerced, and permissions
checked, at execution every time), so a document found valid once is valid for every request
after it.

Only valid documents are kept, so a client sending junk cannot push the storefront's documents
out; the cache is bounded in entries and in the length of a document it keeps (a document longer
than that is parsed and validated every time, as before), least recently used first out."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import partial
from typing import Any

from graphql import parse
from graphql.backend.base import GraphQLBackend, GraphQLDocument
from graphql.execution import ExecutionResult, execute
from graphql.language import ast
from graphql.validation import validate

MAX_CACHED_DOCUMENTS = 500
# A storefront's documents are 0.2–3 KB; 500 of the longest kept are a few megabytes of AST.
MAX_CACHED_QUERY_LENGTH = 16_384


class ValidatedDocuments:
    def __init__(
        self,
        max_documents: int = MAX_CACHED_DOCUMENTS,
        max_query_length: int = MAX_CACHED_QUERY_LENGTH,
    ) -> None:
        self.max_documents = max_documents
        self.max_query_length = max_query_length
        self._documents: OrderedDict[tuple[Any, str], ast.Document] = OrderedDict()
        # Gunicorn's threaded workers and ASGI thread pools run views side by side.
        self._lock = threading.Lock()

    def get(self, schema: Any, query: str) -> ast.Document | None:
        key = (schema, query)
        with self._lock:
            document = self._documents.get(key)
            if document is not None:
                self._documents.move_to_end(key)
            return document

    def remember(self, schema: Any, query: str, document: ast.Document) -> None:
        if len(query) > self.max_query_length:
            return
        with self._lock:
            self._documents[(schema, query)] = document
            self._documents.move_to_end((schema, query))
            while len(self._documents) > self.max_documents:
                self._documents.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._documents.clear()

    def __len__(self) -> int:
        return len(self._documents)

    def parse(self, schema: Any, query: str) -> ast.Document:
        """The document of `query`: the one kept if it was valid before, else freshly parsed
        (raising graphql-core's syntax error). Parsing is not a reason to keep it."""
        return self.get(schema, query) or parse(query)


validated_documents = ValidatedDocuments()


class ParsedQuery:
    """A query string with the document `ValidatedDocuments.parse` gave for it, so execution
    neither parses it again nor validates a document it already knows to be valid."""

    __slots__ = ("document", "query")

    def __init__(self, query: str, document: ast.Document) -> None:
        self.query = query
        self.document = document


class ValidateOnceBackend(GraphQLBackend):
    """graphql-core's own backend, but given a `ParsedQuery`: validation runs only for documents
    not yet known to be valid, and the valid ones are remembered. Errors are reported exactly as
    the default backend reports them (`ExecutionResult(errors=…, invalid=True)`)."""

    def __init__(self, documents: ValidatedDocuments) -> None:
        self.documents = documents

    def document_from_string(self, schema: Any, request: ParsedQuery | str) -> GraphQLDocument:
        if isinstance(request, str):
            request = ParsedQuery(request, self.documents.parse(schema, request))
        return GraphQLDocument(
            schema=schema,
            document_string=request.query,
            document_ast=request.document,
            execute=partial(self._validate_and_execute, schema, request),
        )

    def _validate_and_execute(
        self, schema: Any, request: ParsedQuery, *args: Any, **kwargs: Any
    ) -> ExecutionResult:
        if self.documents.get(schema, request.query) is not request.document:
            errors = validate(schema, request.document)
            if errors:
                return ExecutionResult(errors=errors, invalid=True)
            self.documents.remember(schema, request.query, request.document)
        return execute(schema, request.document, *args, **kwargs)


validate_once_backend = ValidateOnceBackend(validated_documents)
