"""Domain exceptions of the quantum step. Each names what was asked and why it is impossible."""

from __future__ import annotations

from pipeline.errors import QdpError


class QuantumError(QdpError):
    """Base class of the errors raised on purpose by :mod:`pipeline.quantum`."""


class GeometryError(QuantumError):
    """A molecule input cannot become a 3D geometry (bad SMILES, molblock or atoms)."""

    exit_code = 2


class InputRejectedError(QuantumError):
    """The molecule or request is outside what the method treats (metals, size, charge);
    refused before any work, so nothing is stored for it."""

    exit_code = 2


class SCFConvergenceError(QuantumError):
    """The mean-field calculation did not converge on any of the fallback paths."""


class ActiveSpaceError(QuantumError):
    """The requested active space does not fit the molecule (orbitals, electrons or spin)."""

    exit_code = 2


class AnsatzError(QuantumError):
    """An ansatz cannot be built for the requested sector (e.g. no excitations exist)."""
