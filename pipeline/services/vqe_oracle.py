"""The quantum step as a campaign oracle: a VQE property of each molecule, via the store."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from molecules.settings import TriageSettings
from pipeline.errors import QdpError
from pipeline.quantum.settings import QuantumSettings
from pipeline.services.energies import get_or_compute_energy, request_for_smiles
from pipeline.store import Store
from surrogates.oracle import OracleResult


class VQEOracle:
    """Evaluates ``target`` (e.g. ``electrophilicity_ev`` or ``energy_hartree``) by VQE.

    Each molecule's calculation is looked up in the store first, so nothing is computed
    twice; a failed calculation — also an unexpected error of a library on this molecule — is
    an oracle failure with its reason (recorded, so a resumed campaign does not retry it).
    Store and disk errors stop the campaign instead: they are not the molecule's fault.
    """

    def __init__(
        self,
        store: Store,
        settings: QuantumSettings,
        target: str,
        triage: TriageSettings | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.target = target
        self.triage = triage or TriageSettings()
        self.properties = target not in (
            "energy_hartree",
            "hf_energy_hartree",
            "correlation_energy_hartree",
        )

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        results = []
        for s in smiles:
            try:
                request = request_for_smiles(self.store, s, self.triage, quantum=self.settings)
                payload = get_or_compute_energy(
                    self.store, request, self.settings, properties=self.properties
                )
            except QdpError as exc:
                results.append(OracleResult(smiles=s, error=str(exc)))
                continue
            except (SQLAlchemyError, OSError):
                raise  # the store or the disk, not the molecule: stop; a resume goes on
            except Exception as exc:  # a library failing on this molecule: record, never retry
                error = f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                results.append(OracleResult(smiles=s, error=error))
                continue
            value = payload.get(self.target)
            if value is None:
                results.append(OracleResult(smiles=s, error=f"no {self.target} in the result"))
            else:
                results.append(OracleResult(smiles=s, value=float(value)))
        return results
