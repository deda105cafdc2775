"""Domain exceptions of the quantum step. Each names what was asked and why it is impossible."""

from __future__ import annotations

from pipeline.errors import QdpError


class QuantumError(QdpError):
    """Base class of the errors raised on purpose by :mod:`pipeline.quantum`."""


class GeometryError(QuantumError):
    """A molecule input cannot become a 3D geometry (bad SMILES, molblock or atoms)."""


class SCFConvergenceError(QuantumError):
    """The mean-field calculation did not converge on any of the fallback paths."""


class ActiveSpaceError(QuantumError):
    """The requested active space does not fit the molecule (orbitals, electrons or spin)."""


class AnsatzError(QuantumError):
    """An ansatz cannot be built for the requested sector (e.g. no excitations exist)."""
