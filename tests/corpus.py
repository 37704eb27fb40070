"""Access to the public corpus in ../shared/corpus, for the tests that use it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from arazzo_engine._loader import LoadOptions

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


@dataclass(frozen=True)
class CorpusDocument:
    file: str
    expected: str
    detail: str
    basis: str
    entry: dict[str, Any]

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    @property
    def all_sources_local(self) -> bool:
        return all(
            source.get("resolved") and (CORPUS / source["resolved"]).is_file()
            for source in self.entry.get("sources", [])
        )

    def load_options(self) -> LoadOptions:
        """Offline options that read every remote or substituted source from its local copy."""
        return LoadOptions(offline=True, url_map=_url_map())


@cache
def _url_map() -> dict[str, str]:
    """Where the corpus keeps a copy of each source any of its documents names.

    One map for all documents, because an Arazzo source's own sources are read too.
    """
    url_map: dict[str, str] = {}
    for doc in corpus_documents():
        document_uri = doc.path.as_uri()
        for source in doc.entry.get("sources", []):
            resolved, url = source.get("resolved"), source.get("url")
            if resolved and isinstance(url, str):
                target = (CORPUS / resolved).as_uri()
                absolute = urljoin(document_uri, url).split("#")[0]
                if absolute != target:
                    url_map[absolute] = target
    return url_map


@cache
def corpus_documents() -> tuple[CorpusDocument, ...]:
    index = json.loads((CORPUS / "INDEX.json").read_text())
    return tuple(
        CorpusDocument(
            file=entry["file"],
            expected=entry["expected"],
            detail=entry.get("expected_detail", ""),
            basis=entry.get("expectation_basis", ""),
            entry=entry,
        )
        for entry in index["arazzo_documents"]
    )
