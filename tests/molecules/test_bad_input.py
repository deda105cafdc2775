"""Bad input never stops a run: every kind gets a recorded reason."""

from __future__ import annotations

from pathlib import Path

from molecules.settings import TriageSettings
from molecules.triage import triage_library


def test_bad_input_corpus_reasons(bad_input_smi: Path) -> None:
    chunks = list(triage_library(bad_input_smi, TriageSettings(n_workers=1, brenk=False)))
    results = [r for c in chunks for r in c.results]
    by_name = {r.names[0]: r for r in results if r.names}
    assert by_name["aspirin"].passed
    assert by_name["broken_bytes"].reasons == ("non_utf8",)
    assert "\ufffd" in by_name["broken_bytes"].input_text  # serializable replacement
    assert by_name["too_long"].reasons == ("too_long",)
    assert by_name["silyl"].reasons == ("unsupported_element:Si",)
    assert by_name["methyl_radical"].reasons == ("radical",)
    assert by_name["sodium_benzoate"].passed  # benzoic acid after salt stripping
    assert by_name["sodium_benzoate"].smiles == "O=C(O)c1ccccc1"
    assert by_name["sodium_benzoate"].notes == ("salt_stripped",)
    assert by_name["bad_valence"].reasons == ("sanitization_failed",)
    assert by_name["aspirin_again"].reasons == ("duplicate",)
    assert by_name["not-a-smiles"].reasons == ("invalid_smiles",)
    assert by_name["not-a-smiles"].inchikey is None
    summary = chunks[-1].summary
    assert summary.n_input == 10
    assert summary.skipped_by_reason == {"comment": 1, "blank_line": 2}
    assert summary.n_valid == 5  # aspirin, silyl, benzoate, aspirin_again, ibuprofen
    assert summary.n_unique == 4
    assert summary.n_passed == 3  # aspirin, benzoic acid, ibuprofen
    assert summary.rejected_by_reason["duplicate"] == 1
